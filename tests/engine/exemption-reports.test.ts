import * as assert from "assert";
import { XMLParser } from "fast-xml-parser";
import { checkExemptions, exemptionUsage } from "../../engine/reports/exemptions";
import { jsonReport } from "../../engine/reports/json-report";
import { junitReport } from "../../engine/reports/junit-report";
import { RunReport } from "../../engine/reports/run-report";
import { defectOf, fingerprint, sarifReport } from "../../engine/reports/sarif-report";
import { humanReport } from "../../engine/reports/text-report";
import { NotApplicableResult, Violation } from "../../engine/resource-model";

// How the reports show exemptions (issue 17): the resources a pattern matched,
// the days left and a warning from 14 days on, SARIF suppressions, JUnit
// cases without not-applicable noise, and SARIF fingerprints per defect. The
// run is built from messages in the pack's own shape, and the exemptions are
// matched by the same code the CLI uses.

const pack = { policyPackName: "aws-apigatewayv2-access-logging", policyPackVersion: "0.1.0" };
const stagePolicy = "apigatewayv2-stage-access-logging";
const fieldsPolicy = "apigatewayv2-access-log-format-fields";
const description = "API Gateway V2 stages must have access logging.";
const fieldsDescription = "Access-log formats should record who called what.";
const meta = { type: "resource" as const, tags: [], remediationSteps: "Fix it.", url: "" };
const urn = (name: string) => `urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::${name}`;
const stackUrn = "urn:pulumi:prod::orders::pulumi:pulumi:Stack::orders-prod";
const reason = "Partner integration, migrating in Q3";
const today = "2030-06-30";

const problem = (name: string) => `Stage "${name}" has no access logging (accessLogSettings is not set).\nFix: new aws.apigatewayv2.Stage("${name}", { ... })`;
const plain = (name: string): Violation => ({
    ...pack, resourceUrn: urn(name), policyName: stagePolicy, enforcementLevel: "mandatory", message: `${description}\n${problem(name)}`,
});
const exempted = (name: string, expires: string): Violation => ({
    ...plain(name), enforcementLevel: "advisory", message: `Exempt until ${expires}: "${reason}"\n${description}\n${problem(name)}`,
});
const expired = (name: string, expires: string): Violation => ({
    ...plain(name), message: `${description}\nStage "${name}" has no access logging (accessLogSettings is not set). (exemption expired ${expires})\nFix: x`,
});
const missingField = (name: string, field: string): Violation => ({
    ...pack, resourceUrn: urn(name), policyName: fieldsPolicy, enforcementLevel: "advisory",
    message: `${fieldsDescription}\nStage "${name}" has an access-log format without "$context.${field}".\nFix: y`,
});

function run(violations: Violation[], exemptions: Record<string, unknown[]>, notApplicable: NotApplicableResult[] = []): RunReport {
    const configuration = Object.fromEntries(Object.entries(exemptions).map(([p, list]) => [p, { properties: { exemptions: list } }]));
    const resourceUrns = [stackUrn, ...new Set(violations.map((v) => v.resourceUrn)), urn("clean")];
    return {
        ...pack,
        policies: [
            { ...meta, name: stagePolicy, displayName: "Stage access logging", description, enforcementLevel: "mandatory" },
            { ...meta, name: fieldsPolicy, displayName: "Access-log fields", description: fieldsDescription, enforcementLevel: "advisory" },
        ],
        inputs: [{
            path: "infra", kind: "program", mode: "preview", resources: resourceUrns.length, remediations: [], changes: [], remediationsApplied: true,
            notes: [], violations, absolutePath: "/repo/infra", resourceUrns, notApplicable,
        }],
        exemptions: exemptionUsage(configuration, violations, today),
    };
}

const soon = { resources: ["legacy-*"], reason, expires: "2030-07-07" };
const later = { resources: ["audit-stage"], reason, expires: "2031-01-31" };
const gone = { resources: ["expired-stage"], reason, expires: "2030-06-01" };
const sample = () => run(
    [exempted("legacy-a", "2030-07-07"), exempted("legacy-b", "2030-07-07"), exempted("audit-stage", "2031-01-31"), expired("expired-stage", "2030-06-01"), plain("orders")],
    { [stagePolicy]: [soon, later, gone] },
);

describe("exemptions in the reports", () => {
    describe("checked before anything runs (the CLI's check, the pack's words)", () => {
        const config = (entry: unknown, maxExemptionDays?: number) => ({
            [stagePolicy]: { properties: { exemptions: [soon, entry], ...(maxExemptionDays === undefined ? {} : { maxExemptionDays }) } },
        });
        it("a match-all pattern: one line naming the policy, the entry and the problem", () => {
            assert.throws(() => checkExemptions(config({ ...soon, resources: ["*::*"] }), today, "config file \"c.json\""), {
                name: "InputError",
                message: `config file "c.json": policy "${stagePolicy}": "exemptions" entry [1]: "resources" entry "*::*" matches every resource; ` +
                    "name the resources to exempt, or set the policy's enforcementLevel to \"disabled\" to turn the policy off",
            });
        });
        it("an end date past today + maxExemptionDays (default 365, or the policy's own)", () => {
            assert.throws(() => checkExemptions(config({ ...soon, expires: "2031-07-01" }), today), /entry \[1\]: "expires" 2031-07-01 is more than maxExemptionDays \(365\) days away; the latest allowed is 2031-06-30/);
            assert.doesNotThrow(() => checkExemptions(config({ ...soon, expires: "2031-06-30" }), today));
            assert.throws(() => checkExemptions(config({ ...soon, expires: "2030-08-01" }, 14), today), /maxExemptionDays \(14\)/);
        });
    });

    describe("JSON", () => {
        it("gives each exemption its days left and every resource it matched, and counts those about to expire", () => {
            const report = JSON.parse(jsonReport(sample()));
            assert.deepStrictEqual(report.exemptions.map((e: any) => [e.index, e.status, e.daysLeft, e.matched.map((u: string) => u.split("::").pop())]), [
                [0, "active", 7, ["legacy-a", "legacy-b"]],
                [1, "active", 215, ["audit-stage"]],
                [2, "expired", -29, ["expired-stage"]],
            ]);
            assert.strictEqual(report.summary.expiringExemptions, 1);
        });
    });

    describe("text", () => {
        it("lists the exemptions in use with the resources each matched, and says 'expires in 7 days'", () => {
            const text = humanReport(sample());
            const section = text.slice(text.indexOf("Exemptions in use:"));
            assert.deepStrictEqual(section.split("\n").slice(0, 8), [
                "Exemptions in use:",
                `    ${stagePolicy} exemptions[0] (until 2030-07-07, expires in 7 days): "${reason}"`,
                `        ${urn("legacy-a")}`,
                `        ${urn("legacy-b")}`,
                `    ${stagePolicy} exemptions[1] (until 2031-01-31): "${reason}"`,
                `        ${urn("audit-stage")}`,
                `    ${stagePolicy} exemptions[2] (expired 2030-06-01): "${reason}"`,
                `        ${urn("expired-stage")}`,
            ]);
        });
    });

    describe("SARIF", () => {
        const sarif = () => JSON.parse(sarifReport(sample(), { baseDir: "/repo", resourceLines: new Map() })).runs[0];
        const resultsFor = (name: string) => sarif().results.filter((r: any) => r.locations[0].logicalLocations[0].fullyQualifiedName === urn(name));

        it("an exempted result is suppressed as accepted, with the reason as justification", () => {
            const [result] = resultsFor("audit-stage");
            assert.deepStrictEqual(result.suppressions, [{
                kind: "external", status: "accepted", justification: `${reason} (${stagePolicy} exemptions[1], until 2031-01-31)`,
            }]);
            assert.match(result.message.text, /^Exempt until 2031-01-31: /, "the message keeps its prefix");
        });

        it("an expired exemption is an ordinary result that says it expired; an unexempted one has no suppressions", () => {
            const [old] = resultsFor("expired-stage");
            assert.strictEqual(old.suppressions, undefined);
            assert.strictEqual(old.level, "error");
            assert.match(old.message.text, /\(exemption expired 2030-06-01\)/);
            assert.strictEqual(resultsFor("orders")[0].suppressions, undefined);
        });

        it("14 days or fewer left: a note beside the suppressed result, naming the days and the date", () => {
            const results = resultsFor("legacy-a");
            assert.deepStrictEqual(results.map((r: any) => [r.level, r.suppressions !== undefined]), [["warning", true], ["note", false]]);
            assert.match(results[1].message.text, /^The exemption of "legacy-a" from apigatewayv2-stage-access-logging \(exemptions\[0\]: ".*"\) expires in 7 days, after 2030-07-07;/);
            assert.deepStrictEqual(resultsFor("audit-stage").map((r: any) => r.level), ["warning"], "215 days left: no note");
        });

        it("fingerprints: distinct for two defects of one policy on one stage, stable across runs, unchanged by an exemption", () => {
            const twoFields = run([missingField("orders", "identity.sourceIp"), missingField("orders", "requestTime")], {});
            const fps = (r: RunReport) => JSON.parse(sarifReport(r, { baseDir: "/repo", resourceLines: new Map() })).runs[0].results
                .map((x: any) => x.partialFingerprints["crossguardResourcePolicy/v1"]);
            const [a, b] = fps(twoFields);
            assert.notStrictEqual(a, b);
            assert.deepStrictEqual(fps(run([missingField("orders", "identity.sourceIp"), missingField("orders", "requestTime")], {})), [a, b]);
            const input = sample().inputs[0];
            assert.strictEqual(fingerprint(exempted("legacy-a", "2030-07-07"), input, description), fingerprint(plain("legacy-a"), input, description));
            assert.strictEqual(defectOf(expired("orders", "2030-06-01").message, description), 'Stage "orders" has no access logging (accessLogSettings is not set).');
        });
    });

    describe("JUnit", () => {
        const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (n) => ["testsuite", "testcase", "property"].includes(n) }).parse(xml);
        const na = (u: string, policyName: string): NotApplicableResult => ({ resourceUrn: u, policyName, reason: "Policy only applies to stages" });
        const report = () => run([exempted("legacy-a", "2030-07-07"), plain("orders")], { [stagePolicy]: [soon] },
            [na(stackUrn, stagePolicy), na(stackUrn, fieldsPolicy), na(urn("orders"), fieldsPolicy)]);

        it("by default: a case per pair the policy evaluated, and the not-applicable pairs only counted", () => {
            const suite = parse(junitReport(report())).testsuites.testsuite[0];
            const cases = suite.testcase.map((c: any) => `${c.name}@${c.classname.split("::").pop()}`);
            assert.deepStrictEqual(cases.sort(), [
                `${fieldsPolicy}@clean`, `${fieldsPolicy}@legacy-a`, `${stagePolicy}@clean`, `${stagePolicy}@legacy-a`, `${stagePolicy}@orders`,
            ]);
            assert.strictEqual(suite.skipped, "0");
            assert.strictEqual(suite.properties.property.find((p: any) => p.name === "notApplicable").value, "3");
        });

        it("--junit-not-applicable: the same pairs back as skipped cases with the reason", () => {
            const suite = parse(junitReport(report(), { notApplicable: true })).testsuites.testsuite[0];
            assert.strictEqual(suite.testcase.length, 8);
            assert.strictEqual(suite.skipped, "3");
            assert.strictEqual(suite.properties.property.find((p: any) => p.name === "notApplicable"), undefined);
        });

        it("an exempted violation passes, with a system-out line naming the exemption", () => {
            const suite = parse(junitReport(report())).testsuites.testsuite[0];
            const legacy = suite.testcase.find((c: any) => c.classname === urn("legacy-a") && c.name === stagePolicy);
            assert.strictEqual(legacy.failure, undefined);
            assert.match(legacy["system-out"], new RegExp(`^exempted by ${stagePolicy} exemptions\\[0\\] until 2030-07-07: "${reason}"\\n\\[advisory\\] Exempt until`));
            assert.strictEqual(suite.failures, "1", "the unexempted stage still fails");
        });
    });
});
