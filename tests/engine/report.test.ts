import * as assert from "assert";
import { jsonReport } from "../../engine/reports/json-report";
import { hasMandatory, RunReport, summarize } from "../../engine/reports/run-report";
import { humanReport } from "../../engine/reports/text-report";
import { Violation } from "../../engine/resource-model";

const pack = { policyPackName: "p", policyPackVersion: "1.0.0" };
const meta = { displayName: "", description: "D.", type: "resource" as const, tags: [], remediationSteps: "", url: "" };
const policies = ["x", "y", "stacky"].map((name) => ({ ...meta, name, enforcementLevel: "advisory" as const }));
const v = (resourceUrn: string, policyName: string, enforcementLevel: Violation["enforcementLevel"], message = "Description.\nDetail."): Violation => ({
    resourceUrn, message, policyName, enforcementLevel, ...pack,
});

const a = "urn:pulumi:dev::proj::t:m:R::a";
const b = "urn:pulumi:dev::proj::t:m:R::b";

function run(): RunReport {
    return {
        ...pack,
        policies,
        inputs: [
            {
                path: "one.json", kind: "state", mode: "preview", resources: 3, remediations: [], changes: [], remediationsApplied: false,
                absolutePath: "/work/one.json", resourceUrns: [a, b, "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev"],
                notes: ["2 encrypted secret values were treated as unknown"],
                violations: [v(a, "x", "mandatory"), v(b, "y", "advisory"), v(a, "y", "advisory"), v("", "stacky", "advisory")],
            },
            {
                path: "examples/two", kind: "program", mode: "preview", resources: 4, remediations: [], changes: [], remediationsApplied: true, notes: [], violations: [],
                absolutePath: "/work/examples/two", resourceUrns: [],
            },
        ],
    };
}

describe("engine report", () => {
    it("groups violations by resource, with level, policy name and message lines, and ends with a summary", () => {
        const text = humanReport(run());
        assert.strictEqual(text, [
            "one.json (state file, preview): 3 resources",
            "    note: 2 encrypted secret values were treated as unknown",
            "Policies:",
            "    ❌ p@v1.0.0",
            `        ${a}`,
            "            - [mandatory]  x",
            "              Description.",
            "              Detail.",
            "            - [advisory]  y",
            "              Description.",
            "              Detail.",
            `        ${b}`,
            "            - [advisory]  y",
            "              Description.",
            "              Detail.",
            "        (stack)",
            "            - [advisory]  stacky",
            "              Description.",
            "              Detail.",
            "",
            "examples/two (program, preview): 4 resources",
            "Policies:",
            "    ✅ p@v1.0.0",
            "",
            "Summary: 4 violations (1 mandatory, 3 advisory) on 3 resources; 7 resources analyzed in 2 inputs",
        ].join("\n"));
    });

    it("escapes control characters a message or URN could use to forge report lines", () => {
        const r = run();
        r.inputs[0].violations = [v("urn:x\u001b[2J", "evil\r", "advisory", "line\u0007one\u001b[31m\nline two")];
        const text = humanReport(r);
        const controls = [...text].filter((ch) => ch !== "\n" && ch.charCodeAt(0) < 0x20);
        assert.deepStrictEqual(controls, [], JSON.stringify(text));
        assert.match(text, /urn:x\\x1b\[2J/);
        assert.match(text, / {14}line\\x07one\\x1b\[31m\n {14}line two/);
    });

    it("prints one JSON object whose violations carry the policyEvent fields and the source", () => {
        const parsed = JSON.parse(jsonReport(run()));
        assert.deepStrictEqual(Object.keys(parsed), ["violations", "remediations", "notApplicable", "unchecked", "exemptions", "summary"]);
        assert.strictEqual(parsed.violations.length, 4);
        for (const x of parsed.violations) {
            assert.deepStrictEqual(Object.keys(x), ["resourceUrn", "message", "policyName", "policyPackName", "policyPackVersion", "enforcementLevel", "source"]);
            assert.strictEqual(x.source, null);
        }
        assert.deepStrictEqual(parsed.summary, { ...summarize(run()), notApplicable: 0, exemptions: 0, unmatchedExemptions: 0, expiringExemptions: 0 });
        assert.strictEqual(parsed.summary.mandatory, 1);
        assert.strictEqual(parsed.summary.advisory, 3);
        assert.strictEqual(parsed.summary.resourcesAnalyzed, 7);
        assert.strictEqual(parsed.summary.inputs, 2);
    });

    it("decides the exit status on mandatory violations only", () => {
        const r = run();
        assert.strictEqual(hasMandatory(r), true);
        r.inputs[0].violations = r.inputs[0].violations.filter((x) => x.enforcementLevel !== "mandatory");
        assert.strictEqual(hasMandatory(r), false);
    });
});
