import * as assert from "assert";
import * as path from "path";
import { stateFixture } from "./helpers";
import { CliRun, cliInProcess } from "./cli-in-process";
import { scopedArgs } from "./policy-scope";

// `--update` says what `pulumi up` would do. `up` runs a preview first and
// stops there on any mandatory violation (the preview runs every Analyze and
// AnalyzeStack); in the update itself a mandatory Analyze violation stops the
// deployment before AnalyzeStack, so stack policies' results are never
// reached. Those results are labelled, not hidden.

/** The CLI over the access-logging policies only (policy-scope.ts): every run asserts its verdicts, from its main() in this process (cli-in-process.ts). */
function run(args: string[]): Promise<CliRun> {
    return cliInProcess(scopedArgs(args));
}

describe("--update says what `pulumi up` would do (real pack process)", () => {
    it("a mandatory resource violation: the stack policy's result is kept, marked not reached by up; up stops at its preview", async () => {
        const r = await run(["--update", "--json", stateFixture("noncompliant.json")]);
        assert.strictEqual(r.code, 1, r.stderr);
        const report = JSON.parse(r.stdout);
        assert.deepStrictEqual(report.violations.map((v: any) => `${v.policyName} ${v.notReachedByUp === true ? "not reached" : "reached"}`).sort(), [
            "apigatewayv2-access-log-group-retention not reached",
            "apigatewayv2-stage-access-logging reached",
        ]);
        assert.deepStrictEqual(report.summary.perInput[0].up, { previewMandatory: 2, stopsBeforeStackPolicies: true });
        assert.strictEqual(report.summary.mandatory, 2, "labelled, not hidden");
    });

    it("the text report says both, and labels the result", async () => {
        const r = await run(["--update", "--no-color", stateFixture("noncompliant.json")]);
        assert.match(r.stdout, /\n {4}up: stops after its preview, on 2 mandatory violations, before anything is deployed\n/);
        assert.match(r.stdout, /\n {4}up: a mandatory violation of a resource stops the update before the stack policies run; their results below are marked \(not reached by up\)\n/);
        assert.match(r.stdout, /- \[mandatory\] {2}apigatewayv2-access-log-group-retention {2}\(not reached by up\)\n/);
        assert.doesNotMatch(r.stdout, /apigatewayv2-stage-access-logging {2}\(not reached/);
    });

    it("only a stack violation: up stops at its preview, and the update would reach the stack policies", async () => {
        const r = await run(["--update", "--json", path.join("examples", "log-group-no-retention")]);
        assert.strictEqual(r.code, 1, r.stderr);
        const report = JSON.parse(r.stdout);
        assert.ok(report.violations.every((v: any) => !("notReachedByUp" in v)));
        assert.deepStrictEqual(report.summary.perInput[0].up, { previewMandatory: report.summary.mandatory, stopsBeforeStackPolicies: false });
    });

    it("a preview run says nothing about up", async () => {
        const r = await run(["--json", stateFixture("noncompliant.json")]);
        const report = JSON.parse(r.stdout);
        assert.ok(!("up" in report.summary.perInput[0]));
        assert.ok(report.violations.every((v: any) => !("notReachedByUp" in v)));
    });
});
