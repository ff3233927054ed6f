import * as assert from "assert";
import { execFile } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { errorLine, parseArgs, resolveInputs } from "../../engine/cli";
import { InputError } from "../../engine/errors";
import { PackError } from "../../engine/protocol/pack-process";
import { cliPath, packFixture, repoRoot, stateFixture } from "./helpers";

// Runs the compiled CLI (bin/engine/cli.js, built by `npm run build`) as a
// user would, and checks exit codes, stdout and the one-line errors.

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function run(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        execFile(process.execPath, [cliPath, ...args], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            const code = err ? (typeof (err as any).code === "number" ? (err as any).code : -1) : 0;
            resolve({ code, stdout, stderr });
        });
    });
}

function assertUsageError(r: Run, pattern: RegExp): void {
    assert.strictEqual(r.code, 2, `exit code; stderr: ${r.stderr}`);
    assert.strictEqual(r.stdout, "");
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    assert.strictEqual(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(lines[0], /^error: /);
    // A stack trace would span lines (a pack's own stderr may be quoted, joined on the line).
    assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
    assert.ok(!/internal error/.test(r.stderr), "not an internal error");
    assert.match(lines[0], pattern);
}

const policyEventKeys = ["resourceUrn", "message", "policyName", "policyPackName", "policyPackVersion", "enforcementLevel"];

describe("engine CLI arguments and error lines", () => {
    it("parses flags, --flag=value, and paths after --", () => {
        assert.deepStrictEqual(parseArgs(["--json", "--update", "--config=c.json", "a.json", "--", "--odd-name"]), {
            json: true, mode: "update", config: "c.json", paths: ["a.json", "--odd-name"], help: false,
        });
        assert.strictEqual(parseArgs([]).mode, "preview");
        assert.strictEqual(parseArgs(["--preview", "--preview"]).mode, "preview");
    });

    it("rejects misuse with one InputError line", () => {
        assert.throws(() => parseArgs(["--config", "a", "--config", "b"]), /--config may be given only once/);
        assert.throws(() => parseArgs(["--json=yes"]), /--json takes no value/);
        assert.throws(() => parseArgs(["--config="]), /--config needs a value/);
        assert.throws(() => parseArgs(["--config", "--json"]), /--config needs a value/);
        assert.throws(() => parseArgs(["--updat"]), /unknown option "--updat"; did you mean --update\?/);
        assert.throws(() => parseArgs([""]), InputError);
    });

    it("--runtime takes one of the runtimes the Pulumi CLI tags stacks with", () => {
        assert.strictEqual(parseArgs(["--runtime", "python", "a.json"]).runtime, "python");
        assert.strictEqual(parseArgs(["--runtime=dotnet", "a.json"]).runtime, "dotnet");
        assert.strictEqual(parseArgs(["a.json"]).runtime, undefined);
        assert.throws(() => parseArgs(["--runtime", "ruby"]), /^InputError: --runtime "ruby" is not a Pulumi runtime; use one of nodejs, python, go, dotnet, java, yaml$/);
        assert.throws(() => parseArgs(["--runtime", "pyhton"]), /\(did you mean python\?\)$/);
        assert.throws(() => parseArgs(["--runtime", "Python"]), /is not a Pulumi runtime/);
        assert.throws(() => parseArgs(["--runtime"]), /--runtime needs a value/);
        assert.throws(() => parseArgs(["--runtime", "go", "--runtime", "go"]), /--runtime may be given only once/);
    });

    it("reads directories and program files as programs, other files as state files", () => {
        const kinds = resolveInputs([stateFixture("compliant.json"), path.join(repoRoot, "examples"), path.join(repoRoot, "index.ts")], repoRoot)
            .map((i) => i.kind);
        assert.deepStrictEqual(kinds, ["state", "program", "program"]);
    });

    it("prints user and pack errors as \"error:\" and anything else as \"internal error:\", on one line", () => {
        assert.strictEqual(errorLine(new InputError("bad\ninput")), "error: bad input");
        assert.strictEqual(errorLine(new PackError("pack\nfailed")), "error: pack | failed");
        assert.strictEqual(errorLine(new TypeError("x is not a function\n    at foo (a.js:1:1)")), "internal error: x is not a function | at foo (a.js:1:1)");
        assert.strictEqual(errorLine("thrown string"), "internal error: thrown string");
    });
});

describe("engine CLI (npm run analyze)", () => {
    let dir: string;
    const results = new Map<string, Run>();
    const fixtureHashes = new Map<string, string>();
    const hashFile = (p: string) => crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");

    // The runs that start the pack go concurrently, so the file stays fast.
    const packRuns: Record<string, () => string[]> = {
        manyInputs: () => ["--json", stateFixture("compliant.json"), stateFixture("encrypted-secrets.json"), stateFixture("noncompliant.json"), stateFixture("plaintext-secrets.json")],
        humanReport: () => [stateFixture("noncompliant.json"), stateFixture("compliant.json"), path.join("examples", "http-api-no-logging")],
        unknownConfigKey: () => ["--config", path.join(dir, "typo.json"), stateFixture("compliant.json")],
        allAdvisory: () => ["--config", path.join(dir, "advisory.json"), "--json", stateFixture("noncompliant.json")],
        remediateState: () => ["--config", path.join(dir, "remediate.json"), stateFixture("stage-without-format.json")],
        packDies: () => ["--policy-pack", packFixture("dies"), stateFixture("compliant.json")],
        readmePython: () => ["--update", "--runtime", "python", path.join("examples", "python-orders-stack.json")],
        pythonState: () => ["--json", "--runtime", "python", stateFixture("noncompliant.json"), path.join("examples", "http-api-no-logging")],
    };

    before(async function () {
        this.timeout(180000);
        if (!fs.existsSync(cliPath) || !fs.existsSync(path.join(repoRoot, "bin", "index.js"))) {
            throw new Error("bin/engine/cli.js or bin/index.js is missing: run `npm run build` first");
        }
        for (const f of fs.readdirSync(path.dirname(stateFixture("x")))) {
            fixtureHashes.set(f, hashFile(stateFixture(f)));
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-cli-"));
        fs.writeFileSync(path.join(dir, "typo.json"), JSON.stringify({ "apigatewayv2-access-log-group-retention": { minRetentionDays: 7 } }));
        fs.writeFileSync(path.join(dir, "advisory.json"), JSON.stringify({ all: "advisory" }));
        fs.writeFileSync(path.join(dir, "remediate.json"), JSON.stringify({ "apigatewayv2-stage-access-logging": "remediate" }));
        const names = Object.keys(packRuns);
        let next = 0;
        await Promise.all([0, 1, 2].map(async () => {
            while (next < names.length) {
                const name = names[next++];
                results.set(name, await run(packRuns[name]()));
            }
        }));
    });

    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        for (const [f, h] of fixtureHashes) {
            assert.strictEqual(hashFile(stateFixture(f)), h, `${f} was modified`);
        }
    });

    describe("usage and input errors (before the pack starts)", () => {
        it("--help prints the usage and exits 0", async () => {
            const r = await run(["--help"]);
            assert.strictEqual(r.code, 0);
            assert.match(r.stdout, /^usage: npm run analyze -- \[--json\] \[--preview\|--update\] \[--config FILE\]/);
        });

        it("an unknown option", async () => {
            assertUsageError(await run(["--jsn", stateFixture("compliant.json")]), /unknown option "--jsn"; did you mean --json\?/);
        });

        it("--preview together with --update", async () => {
            assertUsageError(await run(["--preview", "--update"]), /--preview and --update cannot be used together/);
        });

        it("--config without a file", async () => {
            assertUsageError(await run([stateFixture("compliant.json"), "--config"]), /--config needs a value/);
        });

        it("a PATH that does not exist", async () => {
            assertUsageError(await run([path.join(dir, "nope.json")]), /".*nope\.json" does not exist/);
        });

        it("a bad state file among good ones fails the whole run, with no report", async () => {
            const truncated = path.join(dir, "truncated.json");
            const text = fs.readFileSync(stateFixture("compliant.json"), "utf8");
            fs.writeFileSync(truncated, text.slice(0, 300));
            assertUsageError(await run([stateFixture("compliant.json"), truncated]), /state file ".*truncated\.json" is truncated/);
            assertUsageError(await run([stateFixture("wrong-version.json")]), /has version 4; only version 3/);
            assertUsageError(await run([stateFixture("duplicate-urn.json")]), /appears more than once among live resources/);
            assertUsageError(await run([stateFixture("dangling-property-dependency.json")]), /propertyDependencies\["accessLogSettings"\] naming/);
        });

        it("--runtime with a value that is not a runtime", async () => {
            assertUsageError(await run(["--runtime", "ruby", stateFixture("compliant.json")]), /^error: --runtime "ruby" is not a Pulumi runtime; use one of nodejs, python, go, dotnet, java, yaml$/);
        });

        it("--runtime with only programs, which are always TypeScript", async () => {
            assertUsageError(await run(["--runtime", "python", path.join("examples", "http-api-no-logging")]), /--runtime applies to state files, and no state file was given/);
        });

        it("a config file that is not JSON", async () => {
            const bad = path.join(dir, "bad.json");
            fs.writeFileSync(bad, "{\"all\": advisory}");
            assertUsageError(await run(["--config", bad, stateFixture("compliant.json")]), /config file ".*bad\.json" is not valid JSON/);
        });
    });

    describe("analysis", () => {
        it("exits 1 on a mandatory violation and prints one JSON object with policyEvent fields, for several inputs in one run", () => {
            const r = results.get("manyInputs")!;
            assert.strictEqual(r.code, 1, r.stderr);
            assert.strictEqual(r.stderr, "");
            const report = JSON.parse(r.stdout);
            assert.deepStrictEqual(Object.keys(report), ["violations", "summary"]);
            for (const v of report.violations) {
                assert.deepStrictEqual(Object.keys(v), policyEventKeys);
                assert.strictEqual(v.policyPackName, "aws-apigatewayv2-access-logging");
            }
            assert.deepStrictEqual(report.violations.map((v: any) => `${v.policyName} ${v.enforcementLevel} ${v.resourceUrn}`).sort(), [
                "apigatewayv2-access-log-format mandatory urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::orders-stage",
                "apigatewayv2-access-log-format-fields advisory urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::orders-stage",
                "apigatewayv2-access-log-group-retention mandatory urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::audit-stage",
                "apigatewayv2-stage-access-logging mandatory urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::orders-stage",
            ]);
            assert.strictEqual(report.summary.mandatory, 3);
            assert.strictEqual(report.summary.inputs, 4);
            assert.strictEqual(report.summary.resourcesAnalyzed, 22);
            assert.deepStrictEqual(report.summary.perInput.map((i: any) => [path.basename(i.path), i.kind, i.resources, i.mandatory, i.advisory]), [
                ["compliant.json", "state", 5, 0, 0],
                ["encrypted-secrets.json", "state", 5, 0, 0],
                ["noncompliant.json", "state", 7, 2, 0],
                ["plaintext-secrets.json", "state", 5, 1, 1],
            ]);
            // Encrypted secrets are noted once for the file that has them.
            assert.deepStrictEqual(report.summary.perInput.map((i: any) => i.notes), [
                [], ["3 encrypted secret values were treated as unknown (export with --show-secrets to check them)"], [], [],
            ]);
            assert.ok(!report.violations.some((v: any) => /can't run/.test(v.message)));
        });

        it("prints a human report grouped by resource, with levels, policy names, messages and a summary; programs included", () => {
            const r = results.get("humanReport")!;
            assert.strictEqual(r.code, 1, r.stderr);
            const out = r.stdout;
            assert.match(out, /noncompliant\.json \(state file, preview\): 7 resources\nPolicies:\n {4}❌ aws-apigatewayv2-access-logging@v0\.1\.0\n/);
            assert.match(out, / {8}urn:pulumi:prod::orders::aws:apigatewayv2\/stage:Stage::orders-stage\n {12}- \[mandatory\] {2}apigatewayv2-stage-access-logging\n {14}API Gateway V2 stages must have access logging/);
            assert.match(out, /compliant\.json \(state file, preview\): 5 resources\nPolicies:\n {4}✅ aws-apigatewayv2-access-logging@v0\.1\.0\n/);
            assert.match(out, /examples\/http-api-no-logging \(program, preview\): \d+ resources\nPolicies:\n {4}❌ [^\n]*\n {8}urn:pulumi:[^\n]*aws:apigatewayv2\/stage:Stage::[^\n]*\n {12}- \[mandatory\] {2}apigatewayv2-stage-access-logging\n/);
            assert.match(out, /\nSummary: 3 violations \(3 mandatory, 0 advisory\) on 3 resources; \d+ resources analyzed in 3 inputs\n$/);
        });

        it("rejects an unknown config key with the nearest valid key, exit 2, nothing on stdout", () => {
            assertUsageError(results.get("unknownConfigKey")!, /config file ".*typo\.json": policy "apigatewayv2-access-log-group-retention": unknown key "minRetentionDays"; did you mean "minimumRetentionDays"\?/);
        });

        it("applies config levels: with \"all\": \"advisory\" nothing is mandatory and the exit code is 0", () => {
            const r = results.get("allAdvisory")!;
            assert.strictEqual(r.code, 0, r.stderr);
            const report = JSON.parse(r.stdout);
            assert.strictEqual(report.summary.mandatory, 0);
            assert.strictEqual(report.summary.advisory, 2);
            assert.ok(report.violations.every((v: any) => v.enforcementLevel === "advisory"));
        });

        it("reports, without applying, remediations on a state file", () => {
            const r = results.get("remediateState")!;
            assert.strictEqual(r.code, 1, r.stderr);
            assert.match(r.stdout, /- \[mandatory\] {2}apigatewayv2-stage-access-logging/);
            assert.match(r.stdout, /Would remediate \(not applied to a state file\):\n {8}urn:pulumi:prod::orders::aws:apigatewayv2\/stage:Stage::orders-stage {2}by apigatewayv2-stage-access-logging/);
        });

        it("--runtime python: a state file's fixes in Python, a program's in TypeScript, the same verdicts", () => {
            const r = results.get("pythonState")!;
            assert.strictEqual(r.code, 1, r.stderr);
            const report = JSON.parse(r.stdout);
            const state = report.violations.filter((v: any) => v.resourceUrn.includes("::orders::"));
            const program = report.violations.filter((v: any) => !v.resourceUrn.includes("::orders::"));
            assert.deepStrictEqual(state.map((v: any) => `${v.policyName} ${v.resourceUrn.split("::").pop()}`).sort(), [
                "apigatewayv2-access-log-group-retention audit-stage",
                "apigatewayv2-stage-access-logging orders-stage",
            ]);
            for (const v of state) {
                assert.match(v.message, /\nFix: aws\.(apigatewayv2\.Stage|cloudwatch\.LogGroup)\("[^"]+", \.\.\., [a-z_]+=/, v.message);
                assert.match(v.message, /\((access_log_settings|retention_in_days) is not set\)/);
            }
            assert.strictEqual(program.length, 1);
            assert.match(program[0].message, /\(accessLogSettings is not set\)\.\nFix: new aws\.apigatewayv2\.Stage\(/);
        });

        it("the README's Python state-file example is what the command prints", () => {
            const r = results.get("readmePython")!;
            assert.strictEqual(r.code, 1, r.stderr);
            const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
            const example = /\$ npm run analyze -- --update --runtime python examples\/python-orders-stack\.json\n([\s\S]*?)\n```/.exec(readme);
            assert.ok(example, "README has the example");
            assert.strictEqual(example[1], r.stdout.trimEnd());
        });

        it("a pack that fails to start: exit 2 and one line with its stderr", () => {
            assertUsageError(results.get("packDies")!, /the policy pack exited with code 3 before printing its port; stderr: .*fixture pack gave up/);
        });
    });
});
