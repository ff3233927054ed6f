import * as assert from "assert";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { progressLine } from "../../engine/cli";
import { fromRegistration, fromStateFile } from "../../engine/inputs/source-position";
import { colourEnabled, palette } from "../../engine/reports/colour";
import { junitReport } from "../../engine/reports/junit-report";
import { propertyChanges } from "../../engine/reports/remediation-changes";
import { RunReport } from "../../engine/reports/run-report";
import { ruleName, sarifReport } from "../../engine/reports/sarif-report";
import { humanReport } from "../../engine/reports/text-report";
import { secret, Violation } from "../../engine/resource-model";

// The pieces of the reports that need no pack: colour decisions, source
// positions, remediation changes, and hostile text in JUnit and SARIF.

const pack = { policyPackName: "p", policyPackVersion: "1.0.0" };
const meta = { displayName: "", description: "D.", type: "resource" as const, tags: [], remediationSteps: "Fix it.", url: "" };
const urn = "urn:pulumi:dev::proj::aws:apigatewayv2/stage:Stage::s";
const v = (level: Violation["enforcementLevel"], message: string, extra: Partial<Violation> = {}): Violation => ({
    resourceUrn: urn, message, policyName: "x", enforcementLevel: level, ...pack, ...extra,
});

function run(violations: Violation[], kind: "state" | "program" = "program"): RunReport {
    return {
        ...pack,
        policies: [{ ...meta, name: "x", enforcementLevel: "mandatory" }, { ...meta, name: "off", enforcementLevel: "disabled" }],
        inputs: [{
            path: "prog", kind, mode: "preview", resources: 2, remediations: [], changes: [], remediationsApplied: kind === "program", notes: [],
            violations, absolutePath: "/repo/prog", resourceUrns: ["urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", urn],
        }],
    };
}

describe("engine report formats", () => {
    describe("colour", () => {
        const base = { noColorFlag: false, toFile: false, isTTY: true, env: {} };
        it("a terminal gets colour; a pipe, a file, --no-color, NO_COLOR and TERM=dumb do not", () => {
            assert.strictEqual(colourEnabled(base), true);
            assert.strictEqual(colourEnabled({ ...base, isTTY: false }), false);
            assert.strictEqual(colourEnabled({ ...base, toFile: true }), false);
            assert.strictEqual(colourEnabled({ ...base, noColorFlag: true }), false);
            assert.strictEqual(colourEnabled({ ...base, env: { NO_COLOR: "1" } }), false);
            assert.strictEqual(colourEnabled({ ...base, env: { NO_COLOR: "" } }), true, "an empty NO_COLOR is unset");
            assert.strictEqual(colourEnabled({ ...base, env: { TERM: "dumb" } }), false);
        });

        it("FORCE_COLOR colours a pipe, and wins over NO_COLOR as in Node; never over --no-color or a file", () => {
            assert.strictEqual(colourEnabled({ ...base, isTTY: false, env: { FORCE_COLOR: "1" } }), true);
            assert.strictEqual(colourEnabled({ ...base, isTTY: false, env: { FORCE_COLOR: "" } }), true);
            assert.strictEqual(colourEnabled({ ...base, env: { FORCE_COLOR: "0" } }), false);
            assert.strictEqual(colourEnabled({ ...base, env: { FORCE_COLOR: "1", NO_COLOR: "1" } }), true);
            assert.strictEqual(colourEnabled({ ...base, noColorFlag: true, env: { FORCE_COLOR: "1" } }), false);
            assert.strictEqual(colourEnabled({ ...base, toFile: true, env: { FORCE_COLOR: "1" } }), false);
        });

        it("red for mandatory, yellow for advisory, in the text report only when asked", () => {
            assert.strictEqual(palette(true).mandatory("m"), "\x1b[31mm\x1b[39m");
            assert.strictEqual(palette(true).advisory("a"), "\x1b[33ma\x1b[39m");
            const r = run([v("mandatory", "Bad."), v("advisory", "Meh.", { policyName: "y" })]);
            const coloured = humanReport(r, true);
            assert.ok(coloured.includes("- \x1b[31m[mandatory]\x1b[39m  x"));
            assert.ok(coloured.includes("- \x1b[33m[advisory]\x1b[39m  y"));
            assert.ok(!humanReport(r).includes("\x1b["));
        });

        it("progress names the input's place in the run, escaped", () => {
            assert.strictEqual(progressLine(2, 200, "stacks/prod.json"), "[3/200] stacks/prod.json");
            assert.strictEqual(progressLine(0, 2, "a\u001b[2Jb"), "[1/2] a\\x1b[2Jb");
        });
    });

    describe("source positions", () => {
        const pos = (uri: string, line: number, column: number) => ({ getUri: () => uri, getLine: () => line, getColumn: () => column });
        it("from a registration: a file URI in the program; nothing for node_modules, other schemes or line 0", () => {
            assert.deepStrictEqual(fromRegistration(pos("file:///repo/prog/index.ts", 15, 15)), { file: "/repo/prog/index.ts", line: 15, column: 15 });
            assert.deepStrictEqual(fromRegistration(pos("file:///repo/prog/my%20dir/a.ts", 3, 0)), { file: "/repo/prog/my dir/a.ts", line: 3, column: 1 });
            assert.strictEqual(fromRegistration(pos("file:///repo/node_modules/@pulumi/pulumi/runtime/stack.js", 5, 5)), undefined);
            assert.strictEqual(fromRegistration(pos("https://x/index.ts", 5, 5)), undefined);
            assert.strictEqual(fromRegistration(pos("file:///repo/index.ts", 0, 5)), undefined);
            assert.strictEqual(fromRegistration(undefined), undefined);
        });

        it("from a state file: project:/// and file:/// positions; anything malformed is ignored, never an error", () => {
            assert.deepStrictEqual(fromStateFile("project:///index.ts#15,15"), { file: "index.ts", line: 15, column: 15 });
            assert.deepStrictEqual(fromStateFile("project:///src/a%20b.ts#7"), { file: "src/a b.ts", line: 7, column: 1 });
            assert.deepStrictEqual(fromStateFile("file:///abs/index.ts#2,3"), { file: "/abs/index.ts", line: 2, column: 3 });
            for (const bad of [undefined, 42, "", "index.ts:1:1", "project:///x.ts#0,1", "project:///%E0%A4%A.ts#1,1", "project:///#1,1", `project:///${"a".repeat(5000)}#1,1`, "file:///node_modules/x.js#1,1"]) {
                assert.strictEqual(fromStateFile(bad), undefined, String(bad).slice(0, 40));
            }
        });
    });

    describe("remediation changes", () => {
        it("names each changed leaf property and its new value, quoted and cut at 80 characters", () => {
            const long = `{"requestId":"$context.requestId",${"x".repeat(200)}}`;
            assert.deepStrictEqual(
                propertyChanges({ name: "s", accessLogSettings: { destinationArn: "arn" } }, { name: "s", accessLogSettings: { destinationArn: "arn", format: long } }),
                [{ property: "accessLogSettings.format", value: `"${long.slice(0, 80)}…"` }],
            );
            assert.deepStrictEqual(propertyChanges({}, { accessLogSettings: { format: "f" } }), [{ property: "accessLogSettings", value: '"{"format":"f"}"' }]);
            assert.deepStrictEqual(propertyChanges({ a: 1, b: "x" }, { a: 2 }), [{ property: "a", value: "\"2\"" }, { property: "b", value: "(removed)" }]);
        });

        it("never prints a secret, and escapes control characters in names and values", () => {
            assert.deepStrictEqual(propertyChanges({ token: "a" }, { token: secret("hunter2") }), [{ property: "token", value: "[secret]" }]);
            assert.deepStrictEqual(propertyChanges({}, { "k\u001b": "v\n" }), [{ property: "k\\x1b", value: "\"v\\n\"" }]);
        });
    });

    describe("JUnit and SARIF with hostile text", () => {
        const hostile = "Stage \"<s>\" & 'x' ]]> \u0000\u001b[31m\nsecond line";
        it("JUnit stays well-formed XML and keeps the message", () => {
            const xml = junitReport(run([v("mandatory", hostile, { resourceUrn: `${urn}<&>` })]));
            assert.strictEqual(XMLValidator.validate(xml), true);
            const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
            const suite = doc.testsuites.testsuite;
            // Two resources x one enabled policy, plus the violation's own resource, which is not among them.
            assert.strictEqual(suite.tests, "3");
            const failed = suite.testcase.find((c: any) => c.failure);
            assert.strictEqual(failed.classname, `${urn}<&>`);
            assert.match(failed.failure["#text"], /Stage "<s>" & 'x' \]\]> \\x00\\x1b\[31m\nsecond line/);
            assert.strictEqual(failed.failure.message, "Stage \"<s>\" & 'x' ]]> \\x00\\x1b[31m");
        });

        it("JUnit with --junit-not-applicable skips a case whose policy answered not applicable, with its reason; a violation still fails", () => {
            const stackUrn = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
            const report = run([]);
            report.inputs[0].notApplicable = [{ resourceUrn: stackUrn, policyName: "x", reason: "Policy only applies to stages" }];
            const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(junitReport(report, { notApplicable: true }));
            const suite = doc.testsuites.testsuite;
            assert.strictEqual(suite.tests, "2");
            assert.strictEqual(suite.skipped, "1");
            assert.strictEqual(doc.testsuites.skipped, "1");
            const skipped = suite.testcase.find((c: any) => c.skipped !== undefined);
            assert.strictEqual(skipped.classname, stackUrn);
            assert.strictEqual(skipped.skipped.message, "not applicable: Policy only applies to stages");
            const evaluated = suite.testcase.find((c: any) => c.classname === urn);
            assert.strictEqual(evaluated.skipped, undefined, "the evaluated stage passes, it is not skipped");

            // A stack policy's not-applicable answer (URN "") skips its cases on every resource, but never a violation.
            const stackWide = run([v("mandatory", "Bad.")]);
            stackWide.inputs[0].notApplicable = [{ resourceUrn: "", policyName: "x", reason: "The stack has no stage" }];
            const wide = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(junitReport(stackWide, { notApplicable: true })).testsuites.testsuite;
            assert.strictEqual(wide.skipped, "1");
            assert.strictEqual(wide.failures, "1");
        });

        it("a SARIF rule name is PascalCase; a program's result without a source points at Pulumi.yaml, with the URN", () => {
            assert.strictEqual(ruleName("apigatewayv2-stage-access-logging"), "Apigatewayv2StageAccessLogging");
            const log = JSON.parse(sarifReport(run([v("advisory", "Meh.")]), { baseDir: "/repo", resourceLines: new Map() }));
            const result = log.runs[0].results[0];
            assert.strictEqual(result.level, "warning");
            assert.deepStrictEqual(result.locations[0].physicalLocation.artifactLocation, { uri: "prog/Pulumi.yaml", uriBaseId: "%SRCROOT%" });
            assert.strictEqual(result.locations[0].logicalLocations[0].fullyQualifiedName, urn);
            assert.deepStrictEqual(log.runs[0].originalUriBaseIds, { "%SRCROOT%": { uri: "file:///repo/" } });
            assert.strictEqual(log.runs[0].tool.driver.rules[1].defaultConfiguration.enabled, false);
        });
    });
});
