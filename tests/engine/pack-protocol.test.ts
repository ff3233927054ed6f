import * as assert from "assert";
import { AnalyzeResourcesResult, PolicySession } from "../../engine/protocol/policy-session";
import { unknownSentinels } from "../../engine/resource-model";
import { policies } from "../../policies";
import { analyzeChecked, repoRoot, verdicts } from "./helpers";
import { compliantHttp, goodFormat, goodWebSocketFormat, StackBuilder, UNKNOWN } from "./scenarios";

// The project's real pack (bin/index.js, built by `npm run build`), launched
// as the engine launches it and driven through the Analyzer protocol, in a
// preview: outputs a provider computes are unknown, so a stage bound to
// `logGroup.arn` sees an unknown destination and only its
// propertyDependencies reveal the log group.

describe("pack protocol: the real pack in a preview", () => {
    let session: PolicySession;

    before(async () => {
        session = await PolicySession.start({ packDir: repoRoot, preview: true, project: "proj", stack: "dev" });
    });
    after(async () => {
        await session.close();
    });

    const analyze = (s: StackBuilder, config?: unknown): Promise<AnalyzeResourcesResult> => analyzeChecked(session, s.resources, config);

    it("serves the registry's policies at their default levels, each a resource policy if it has a resource check", () => {
        assert.strictEqual(session.info.name, "aws-apigatewayv2-access-logging");
        const kind = (p: object) => ("validateResource" in p ? "resource" : "stack");
        assert.deepStrictEqual(session.info.policies.map((p) => `${p.name} ${p.type} ${p.enforcementLevel}`),
            policies.map((p) => `${p.name} ${kind(p)} ${p.enforcementLevel}`));
    });

    it("passes a compliant HTTP API whose destination ARN is unknown", async () => {
        const s = compliantHttp("preview");
        assert.strictEqual((s.resources[4].inputs.accessLogSettings as any).destinationArn, UNKNOWN);
        assert.deepStrictEqual((await analyze(s)).violations, []);
    });

    it("reports a stage without access logging", async () => {
        const s = new StackBuilder("preview");
        s.stage("plain", s.api("api", "HTTP"), undefined);
        const r = await analyze(s);
        assert.deepStrictEqual(verdicts(r.violations), ["apigatewayv2-stage-access-logging@plain:mandatory"]);
        assert.match(r.violations[0].message, /Stage "plain" has no access logging/);
    });

    it("reports, through propertyDependencies, a log group without retention bound by its unknown ARN", async () => {
        const s = new StackBuilder("preview");
        const lg = s.logGroup("forever", {});
        s.stage("bound", s.api("api", "HTTP"), { logGroup: lg, format: goodFormat });
        const r = await analyze(s);
        assert.deepStrictEqual(verdicts(r.violations), ["apigatewayv2-access-log-group-retention@bound:mandatory"]);
        assert.match(r.violations[0].message, /keeps logs forever/);
    });

    it("defers the retention check when an unknown ARN has no property dependency to follow", async () => {
        const s = new StackBuilder("preview");
        const lg = s.logGroup("forever", {});
        s.stage("unlinked", s.api("api", "HTTP"), { logGroup: lg, format: goodFormat, recordDependency: false });
        assert.deepStrictEqual((await analyze(s)).violations, []);
    });

    it("reports retention through an aws-native stage and log group too", async () => {
        const s = new StackBuilder("preview");
        const lg = s.nativeLogGroup("native-logs", { retentionInDays: 1 });
        s.nativeStage("native", s.api("api", "HTTP"), { logGroup: lg, format: goodFormat });
        const r = await analyze(s);
        assert.deepStrictEqual(verdicts(r.violations), ["apigatewayv2-access-log-group-retention@native:mandatory"]);
        assert.match(r.violations[0].message, /less than the required 30/);
    });

    it("says nothing about settings that are unknown as a whole or in part", async () => {
        const s = new StackBuilder("preview");
        const api = s.api("api", "HTTP");
        const lg = s.logGroup("logs");
        s.stage("all-unknown", api, undefined, { accessLogSettings: unknownSentinels.object });
        s.stage("format-unknown", api, { logGroup: lg, format: UNKNOWN });
        s.stage("both-unknown", api, { destinationArn: UNKNOWN, format: UNKNOWN });
        assert.deepStrictEqual((await analyze(s)).violations, []);
    });

    it("reports a destination that is not a CloudWatch Logs log group", async () => {
        const s = new StackBuilder("preview");
        s.stage("firehose", s.api("api", "HTTP"), { destinationArn: `arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-logs`, format: goodFormat });
        const r = await analyze(s);
        assert.ok(verdicts(r.violations).includes("apigatewayv2-access-log-destination@firehose:mandatory"), verdicts(r.violations).join());
    });

    it("reports formats AWS rejects, and (advisory) formats without useful fields", async () => {
        const s = new StackBuilder("preview");
        const lg = s.logGroup("logs");
        const api = s.api("api", "HTTP");
        s.stage("no-request-id", api, { logGroup: lg, format: JSON.stringify({ ip: "$context.identity.sourceIp", status: "$context.status" }) });
        s.stage("clf", api, { logGroup: lg, format: "$context.requestId $context.identity.sourceIp [$context.requestTime] \"$context.routeKey\" $context.status" });
        const v = verdicts((await analyze(s)).violations);
        assert.ok(v.includes("apigatewayv2-access-log-format@no-request-id:mandatory"), v.join());
        assert.ok(v.includes("apigatewayv2-access-log-format-fields@clf:advisory"), v.join());
        assert.ok(!v.some((x) => x.startsWith("apigatewayv2-access-log-format@clf")), v.join());
    });

    it("reports a quick-create API", async () => {
        const s = new StackBuilder("preview");
        s.api("quick", "HTTP", { target: "arn:aws:lambda:us-east-1:123456789012:function:handler" });
        assert.deepStrictEqual(verdicts((await analyze(s)).violations), ["apigatewayv2-quick-create-api@quick:mandatory"]);
    });

    it("reports (advisory) a WebSocket stage that logs while the stack sets no CloudWatch role, and not once it does", async () => {
        const s = new StackBuilder("preview");
        const lg = s.logGroup("ws-logs");
        s.stage("ws", s.api("ws-api", "WEBSOCKET"), { logGroup: lg, format: goodWebSocketFormat }, { name: "prod" });
        assert.deepStrictEqual(verdicts((await analyze(s)).violations), ["apigatewayv2-access-log-protocol@ws:advisory"]);
        s.account();
        assert.deepStrictEqual((await analyze(s)).violations, []);
    });

    it("disables a policy through Configure", async () => {
        const s = new StackBuilder("preview");
        s.stage("plain", s.api("api", "HTTP"), undefined);
        assert.deepStrictEqual((await analyze(s, { "apigatewayv2-stage-access-logging": "disabled" })).violations, []);
    });
});
