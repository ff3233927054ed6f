import * as assert from "assert";
import type * as analyzerTypes from "@pulumi/pulumi/proto/analyzer_pb";
import { main } from "../../engine/cli";
import { PackProcess, unary } from "../../engine/protocol/pack-process";
import { PolicySession } from "../../engine/protocol/policy-session";
import { loadProto } from "../../engine/protocol/proto";
import { policies } from "../../policies";
import { analyzeChecked, pinToday, repoRoot, resource, scratchFiles, stateFixture, verdicts } from "./helpers";
import { scopedConfig } from "./policy-scope";
import { compliantHttp, goodFormat, StackBuilder } from "./scenarios";

// Governance through the real pack process and the Analyzer protocol: the
// metadata Pulumi Cloud shows, not_applicable in Analyze and AnalyzeStack
// responses, and exemptions reported at advisory through the object form of
// reportViolation (undocumented in @pulumi/policy's typings; this proves what
// reaches the engine). The pack's date is pinned through its environment, so
// no test depends on today's date.

const pinnedToday = "2030-06-30";
const reason = "Partner integration, migrating to the new stage in Q3";
const quickCreate = "apigatewayv2-quick-create-api";
/** The policies with a resource check, from the registry: every one of them skips a bucket. */
const resourcePolicies = policies.filter((p) => "validateResource" in p).map((p) => p.name).sort();
/** Of those, all but the quick-create policy check stages and skip APIs. */
const stagePolicies = resourcePolicies.filter((name) => name !== quickCreate);


describe("governance through the protocol: metadata Pulumi Cloud shows", () => {
    let info: analyzerTypes.AnalyzerInfo;

    before(async () => {
        const pack = await PackProcess.start({ packDir: repoRoot, preview: true });
        try {
            const { empty } = loadProto();
            info = await unary<any, analyzerTypes.AnalyzerInfo>(pack, "GetAnalyzerInfo", pack.client.getAnalyzerInfo, new empty.Empty(), 60_000);
        } finally {
            await pack.close();
        }
    });

    it("the pack has a display name, provider aws, tags and a Markdown readme", () => {
        assert.strictEqual(info.getDisplayname(), "AWS API Gateway V2 access logging");
        assert.strictEqual(info.getProvider(), "aws");
        assert.ok(info.getTagsList().includes("apigatewayv2") && info.getTagsList().includes("nist-800-53"), info.getTagsList().join(","));
        assert.match(info.getReadme(), /^# API Gateway V2 access logging\n/);
        assert.match(info.getReadme(), /APIGateway\.9/);
        assert.match(info.getReadme(), /`exemptions`/);
    });

    it("every policy has a display name, a framework control and NIST tags, and accepts exemptions", () => {
        const policies = Object.fromEntries(info.getPoliciesList().map((p) => {
            const f = p.getFramework();
            const properties = p.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
            return [p.getName(), {
                displayName: p.getDisplayname(),
                framework: f === undefined ? undefined : `${f.getName()} ${f.getVersion()} ${f.getReference()}: ${f.getSpecification()}`,
                nistTags: p.getTagsList().filter((t) => t.startsWith("nist-800-53:")).length,
                exemptions: "exemptions" in properties,
            }];
        }));
        assert.deepStrictEqual(policies["apigatewayv2-stage-access-logging"], {
            displayName: "API Gateway V2 stage access logging",
            framework: "AWS Foundational Security Best Practices v1.0.0 APIGateway.9: Access logging should be configured for API Gateway V2 Stages",
            nistTags: 3,
            exemptions: true,
        });
        assert.strictEqual(policies["apigatewayv2-access-log-group-retention"].framework, "NIST SP 800-53 Rev. 5 AU-11: Audit Record Retention");
        assert.strictEqual(policies["apigatewayv2-access-log-format"].framework, "NIST SP 800-53 Rev. 5 AU-3: Content of Audit Records");
        for (const [name, p] of Object.entries(policies)) {
            assert.ok(p.displayName.length > 5, name);
            assert.ok(p.framework !== undefined, name);
            assert.ok(p.nistTags >= 1, name);
            assert.ok(p.exemptions, name);
        }
    });
});

describe("governance through the protocol: not_applicable in Analyze and AnalyzeStack", () => {
    let session: PolicySession;

    before(async () => {
        session = await PolicySession.start({ packDir: repoRoot, preview: false, project: "proj", stack: "dev" });
        await session.configure();
    });
    after(async () => {
        await session.close();
    });

    it("Analyze of a bucket: every resource policy says it does not apply, naming the types it checks", async () => {
        const result = await session.analyzeDetailed(resource("aws:s3/bucket:Bucket", "assets", { bucket: "assets" }));
        assert.deepStrictEqual(result.violations, []);
        assert.deepStrictEqual(result.notApplicable.map((n) => n.policyName).sort(), resourcePolicies);
        for (const n of result.notApplicable) {
            assert.match(n.reason, /^Policy only applies to resources of type 'aws(-native)?:apigatewayv2[/:]/);
            assert.strictEqual(n.resourceUrn, "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::assets");
        }
    });

    it("AnalyzeStack of a stack without stages: the four stack policies say they do not apply", async () => {
        const result = await session.analyzeStackDetailed([resource("aws:s3/bucket:Bucket", "assets", { bucket: "assets" })]);
        assert.deepStrictEqual(result.violations, []);
        assert.deepStrictEqual(result.notApplicable.map((n) => `${n.policyName} ${n.resourceUrn === "" ? "(stack)" : n.resourceUrn}`).sort(), [
            "apigatewayv2-access-log-destination-allowed (stack)",
            "apigatewayv2-access-log-filter-match (stack)",
            "apigatewayv2-access-log-group-retention (stack)",
            "apigatewayv2-access-log-protocol (stack)",
        ]);
        assert.match(result.notApplicable.find((n) => n.policyName === "apigatewayv2-access-log-group-retention")!.reason, /no API Gateway V2 stage/);
    });

    it("a compliant stack: the stage and the stack are evaluated and pass; only the other resources are not applicable", async () => {
        const s = compliantHttp("update");
        const result = await analyzeChecked(session, s.resources);
        assert.deepStrictEqual(result.violations, []);
        const stage = s.resources.find((r) => r.name === "orders-stage")!;
        const api = s.resources.find((r) => r.name === "orders")!;
        // The stage: only the API policy does not apply. At the stack level the allowed-destination
        // policy says so (no allowedAccountIds, allowedRegions or logGroupNamePattern is configured),
        // and the filter policy (no metric or subscription filter reads the log group).
        assert.deepStrictEqual(result.notApplicable.filter((n) => n.resourceUrn === stage.urn).map((n) => n.policyName), [
            "apigatewayv2-quick-create-api",
        ]);
        assert.deepStrictEqual(result.notApplicable.filter((n) => n.resourceUrn === "").map((n) => n.policyName).sort(), [
            "apigatewayv2-access-log-destination-allowed",
            "apigatewayv2-access-log-filter-match",
        ]);
        assert.deepStrictEqual(result.notApplicable.filter((n) => n.resourceUrn === api.urn).map((n) => n.policyName).sort(), stagePolicies);
    });

    it("a stage without logging: reported once, and not applicable for the policies that own other defects", async () => {
        const s = new StackBuilder("update");
        const stage = s.stage("plain", s.api("api", "HTTP"), undefined);
        const result = await analyzeChecked(session, s.resources);
        assert.deepStrictEqual(verdicts(result.violations), ["apigatewayv2-stage-access-logging@plain:mandatory"]);
        assert.deepStrictEqual(result.notApplicable.filter((n) => n.resourceUrn === stage.urn).map((n) => n.policyName).sort(), [
            "apigatewayv2-access-log-destination",
            "apigatewayv2-access-log-format",
            "apigatewayv2-access-log-format-fields",
            "apigatewayv2-quick-create-api",
        ]);
        assert.deepStrictEqual(result.notApplicable.filter((n) => n.resourceUrn === "").map((n) => n.policyName).sort(), [
            "apigatewayv2-access-log-destination-allowed",
            "apigatewayv2-access-log-filter-match",
            "apigatewayv2-access-log-group-retention",
            "apigatewayv2-access-log-protocol",
        ]);
    });
});

describe("governance through the protocol: exemptions (pack date pinned to 2030-06-30)", () => {
    pinToday(pinnedToday);
    let session: PolicySession;

    before(async () => {
        session = await PolicySession.start({ packDir: repoRoot, preview: false, project: "proj", stack: "dev" });
    });
    after(async () => {
        await session.close();
    });

    function legacyStack(): StackBuilder {
        const s = new StackBuilder("update");
        const api = s.api("api", "HTTP");
        s.stage("legacy-stage", api, undefined);
        s.stage("old-stage", api, undefined);
        s.stage("new-stage", api, undefined);
        return s;
    }

    it("an exemption that holds: advisory, the message starts with the date and the quoted reason; an expired one keeps its level and says so", async () => {
        const result = await analyzeChecked(session, legacyStack().resources, {
            "apigatewayv2-stage-access-logging": {
                exemptions: [
                    { resources: ["legacy-*"], reason, expires: "2030-06-30" },
                    { resources: ["urn:pulumi:dev::proj::aws:apigatewayv2/stage:Stage::old-stage"], reason, expires: "2030-06-29" },
                ],
            },
        });
        assert.deepStrictEqual(verdicts(result.violations), [
            "apigatewayv2-stage-access-logging@legacy-stage:advisory",
            "apigatewayv2-stage-access-logging@new-stage:mandatory",
            "apigatewayv2-stage-access-logging@old-stage:mandatory",
        ]);
        const byStage = (name: string) => result.violations.find((v) => v.resourceUrn.endsWith(`::${name}`))!;
        const exempt = byStage("legacy-stage").message.split("\n");
        assert.strictEqual(exempt[0], `Exempt until 2030-06-30: "${reason}"`);
        assert.match(exempt[1], /^API Gateway V2 stages must have access logging/, "the description follows, once");
        assert.match(exempt[2], /Stage "legacy-stage" has no access logging/);
        assert.match(byStage("old-stage").message, /Stage "old-stage" has no access logging .*\(exemption expired 2030-06-29\)\nFix on an HTTP API: /);
        assert.ok(!/Exempt until|exemption expired/.test(byStage("new-stage").message));
    });

    it("a stack policy's violation on an exempted stage URN is advisory too", async () => {
        const s = new StackBuilder("update");
        const lg = s.logGroup("forever", {});
        const api = s.api("api", "HTTP");
        s.stage("legacy-stage", api, { logGroup: lg, format: goodFormat });
        s.stage("new-stage", api, { logGroup: lg, format: goodFormat });
        const result = await analyzeChecked(session, s.resources, {
            "apigatewayv2-access-log-group-retention": { exemptions: [{ resources: ["legacy-stage"], reason, expires: "2030-12-31" }] },
        });
        assert.deepStrictEqual(verdicts(result.violations), [
            "apigatewayv2-access-log-group-retention@legacy-stage:advisory",
            "apigatewayv2-access-log-group-retention@new-stage:mandatory",
        ]);
    });

    it("remediate mode leaves an exempted stage unchanged (not_applicable from Remediate) and remediates the others", async () => {
        const s = new StackBuilder("update");
        const lg = s.logGroup("logs");
        const api = s.api("api", "HTTP");
        const legacy = s.stage("legacy-stage", api, { logGroup: lg });
        const fresh = s.stage("new-stage", api, { logGroup: lg });
        await session.configure({
            "apigatewayv2-stage-access-logging": {
                enforcementLevel: "remediate",
                exemptions: [{ resources: ["legacy-stage"], reason, expires: "2030-06-30" }],
            },
        });
        const kept = await session.remediate(legacy);
        assert.strictEqual(kept.properties, undefined);
        assert.deepStrictEqual(kept.notApplicable.map((n) => n.policyName), ["apigatewayv2-stage-access-logging"]);
        assert.match(kept.notApplicable[0].reason, /^Exempt until 2030-06-30: .*; not remediated$/);
        const fixed = await session.remediate(fresh);
        assert.strictEqual(typeof (fixed.properties?.accessLogSettings as { format?: unknown } | undefined)?.format, "string");

        const result = await session.analyzeResources(s.resources);
        assert.strictEqual(result.remediated.has(legacy.urn), false);
        assert.strictEqual(result.remediated.has(fresh.urn), true);
        assert.deepStrictEqual(verdicts(result.violations.filter((v) => v.policyName === "apigatewayv2-stage-access-logging")), [
            "apigatewayv2-stage-access-logging@legacy-stage:advisory",
        ]);
    });
});

describe("governance through npm run analyze: not-applicable results and exemptions in the reports", () => {
    pinToday(pinnedToday);
    const files = scratchFiles("gov-cli-");
    const config = {
        "apigatewayv2-access-log-group-retention": { exemptions: [{ resources: ["audit-*"], reason, expires: "2030-06-30" }] },
        "apigatewayv2-stage-access-logging": { exemptions: [{ resources: ["orders-stage"], reason, expires: "2030-06-29" }] },
        "apigatewayv2-access-log-format": {
            exemptions: [{ resources: ["gone-stage", "urn:pulumi:prod::orders::*::old-*"], reason, expires: "2031-01-01" }],
        },
    };

    it("--json lists not-applicable results, each exemption with what it matched, and those that matched nothing", async () => {
        const configFile = files.write("config.json", JSON.stringify(scopedConfig(config)));
        const { code, stdout } = await main(["--json", "--config", configFile, stateFixture("noncompliant.json")]);
        assert.strictEqual(code, 1, "the expired exemption leaves the stage's violation mandatory");
        const report = JSON.parse(stdout);
        assert.deepStrictEqual(report.violations.map((v: any) => `${v.policyName} ${v.enforcementLevel} ${v.resourceUrn.split("::").pop()}`).sort(), [
            "apigatewayv2-access-log-group-retention advisory audit-stage",
            "apigatewayv2-stage-access-logging mandatory orders-stage",
        ]);
        assert.match(report.violations.find((v: any) => v.policyName === "apigatewayv2-stage-access-logging").message, /\(exemption expired 2030-06-29\)/);
        const exemptions = Object.fromEntries(report.exemptions.map((e: any) => [e.policyName, e]));
        assert.deepStrictEqual(exemptions["apigatewayv2-access-log-group-retention"], {
            policyName: "apigatewayv2-access-log-group-retention", index: 0, resources: ["audit-*"], reason, expires: "2030-06-30",
            status: "active", daysLeft: 0, matched: ["urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::audit-stage"], unmatchedResources: [],
        });
        assert.strictEqual(exemptions["apigatewayv2-stage-access-logging"].status, "expired");
        assert.deepStrictEqual(exemptions["apigatewayv2-stage-access-logging"].matched, ["urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::orders-stage"]);
        assert.deepStrictEqual(exemptions["apigatewayv2-access-log-format"].matched, []);
        assert.deepStrictEqual(exemptions["apigatewayv2-access-log-format"].unmatchedResources, ["gone-stage", "urn:pulumi:prod::orders::*::old-*"]);
        assert.strictEqual(report.summary.unmatchedExemptions, 1);
        assert.strictEqual(report.summary.exemptions, 3);

        assert.ok(report.notApplicable.length > 0);
        for (const n of report.notApplicable) {
            assert.deepStrictEqual(Object.keys(n), ["resourceUrn", "policyName", "reason", "input"]);
        }
        const onBucketsAndGroups = report.notApplicable.filter((n: any) => n.resourceUrn.endsWith("::orders-access-logs"));
        assert.strictEqual(onBucketsAndGroups.length, 5, "a log group: every resource policy is not applicable");
        assert.strictEqual(report.summary.notApplicable, report.notApplicable.length);
    });

    it("the text report lists the exemptions that matched nothing", async () => {
        const configFile = files.write("config-text.json", JSON.stringify(scopedConfig(config)));
        const { stdout } = await main(["--config", configFile, stateFixture("noncompliant.json")]);
        const section = stdout.slice(stdout.indexOf("Exemptions that matched nothing"));
        assert.match(section, /^Exemptions that matched nothing \(remove them, or fix their resources\):\n {4}apigatewayv2-access-log-format exemptions\[0\]: "gone-stage", "urn:pulumi:prod::orders::\*::old-\*" \(until 2031-01-01\)\n/);
        assert.ok(!/apigatewayv2-access-log-group-retention exemptions/.test(section), "a matched exemption is not listed");
    });
});

describe("governance through the protocol: audit policy groups (last state, outputs only, never a preview)", () => {
    let session: PolicySession;

    before(async () => {
        session = await PolicySession.start({ packDir: repoRoot, preview: false, project: "proj", stack: "dev" });
        await session.configure();
    });
    after(async () => {
        await session.close();
    });

    /** What an audit group evaluates: each resource's outputs, for Analyze as well as AnalyzeStack. */
    const outputsOnly = (s: StackBuilder) => s.resources.map((r) => ({ ...r, inputs: r.outputs }));

    const scenarios: [string, () => StackBuilder][] = [
        ["a compliant HTTP API", () => compliantHttp("update")],
        ["a stage without logging", () => {
            const s = new StackBuilder("update");
            s.stage("plain", s.api("api", "HTTP"), undefined);
            return s;
        }],
        ["a log group that keeps logs forever", () => {
            const s = new StackBuilder("update");
            s.stage("stage", s.api("api", "HTTP"), { logGroup: s.logGroup("forever", {}), format: goodFormat });
            return s;
        }],
        ["a WebSocket stage without the account role, with an HTTP-only variable", () => {
            const s = new StackBuilder("update");
            s.stage("ws", s.api("ws", "WEBSOCKET"), { logGroup: s.logGroup("logs"), format: JSON.stringify({ requestId: "$context.requestId", method: "$context.httpMethod" }) });
            return s;
        }],
        ["a quick-create API", () => {
            const s = new StackBuilder("update");
            s.api("quick", "HTTP", { target: "arn:aws:lambda:us-east-1:123456789012:function:f" });
            return s;
        }],
    ];

    for (const [name, build] of scenarios) {
        it(`${name}: the same verdicts and not-applicable results on outputs alone as in the update`, async () => {
            const update = await session.analyzeResources(build().resources);
            const audit = await session.analyzeResources(outputsOnly(build()));
            assert.deepStrictEqual(verdicts(audit.violations), verdicts(update.violations));
            const na = (r: typeof update) => r.notApplicable.map((n) => `${n.policyName}@${n.resourceUrn}`).sort();
            assert.deepStrictEqual(na(audit), na(update));
        });
    }
});
