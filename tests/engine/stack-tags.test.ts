import * as assert from "assert";
import { PolicySession } from "../../engine/protocol/policy-session";
import { analyzeChecked, repoRoot, verdicts } from "./helpers";
import { goodFormat, StackBuilder } from "./scenarios";

// The real pack through the Analyzer protocol: the stack tags sent with
// ConfigureStack reach resource and stack policies as args.stackTags, and
// `pulumi:runtime` picks the language of every fix. A later ConfigureStack
// replaces the tags, as for the next stack of a run.

function stack(): StackBuilder {
    const s = new StackBuilder("update");
    const api = s.api("orders-api", "HTTP");
    s.stage("no-logging", api, undefined);
    s.stage("forever", api, { logGroup: s.logGroup("orders-logs", {}), format: goodFormat });
    return s;
}

const expectedVerdicts = [
    "apigatewayv2-access-log-group-retention@forever:mandatory",
    "apigatewayv2-stage-access-logging@no-logging:mandatory",
];

describe("pack protocol: stack tags pick the language of fixes", () => {
    let session: PolicySession;

    before(async () => {
        session = await PolicySession.start({ packDir: repoRoot, preview: false, project: "orders", stack: "prod", tags: { "pulumi:runtime": "python" } });
    });
    after(async () => {
        await session.close();
    });

    const messages = async (): Promise<Map<string, string>> => {
        const r = await analyzeChecked(session, stack().resources);
        assert.deepStrictEqual(verdicts(r.violations), expectedVerdicts);
        return new Map(r.violations.map((v) => [v.policyName, v.message]));
    };

    it("python, from the tags sent when the session starts: resource and stack policies both", async () => {
        const m = await messages();
        assert.match(m.get("apigatewayv2-stage-access-logging")!, /\(access_log_settings is not set\)\. .*\nFix on an HTTP API: no_logging_access_logs = aws\.cloudwatch\.LogGroup\("no-logging-access-logs", retention_in_days=30, log_group_class="STANDARD"\); aws\.apigatewayv2\.Stage\("no-logging", \.\.\., access_log_settings=aws\.apigatewayv2\.StageAccessLogSettingsArgs\(destination_arn=no_logging_access_logs\.arn, format=json\.dumps\(/);
        assert.match(m.get("apigatewayv2-access-log-group-retention")!, /\(retention_in_days is not set\)\. The fix sets retention_in_days to 30\.\nFix: aws\.cloudwatch\.LogGroup\("orders-logs", \.\.\., retention_in_days=30\)$/);
    });

    it("dotnet, then yaml, after a new ConfigureStack", async () => {
        await session.configureStack({ project: "orders", stack: "prod", tags: { "pulumi:runtime": "dotnet" } });
        let m = await messages();
        assert.match(m.get("apigatewayv2-stage-access-logging")!, /\nFix on an HTTP API: var noLoggingAccessLogs = new Aws\.CloudWatch\.LogGroup\("no-logging-access-logs", new Aws\.CloudWatch\.LogGroupArgs \{ RetentionInDays = 30, LogGroupClass = "STANDARD" \}\); new Aws\.ApiGatewayV2\.Stage\("no-logging", new Aws\.ApiGatewayV2\.StageArgs \{ \.\.\., AccessLogSettings = new Aws\.ApiGatewayV2\.Inputs\.StageAccessLogSettingsArgs \{ DestinationArn = noLoggingAccessLogs\.Arn, /);
        await session.configureStack({ project: "orders", stack: "prod", tags: { "pulumi:runtime": "yaml" } });
        m = await messages();
        assert.match(m.get("apigatewayv2-access-log-group-retention")!, /\nFix: resources: \{ "orders-logs": \{ type: aws:cloudwatch:LogGroup, properties: \{ \.\.\., retentionInDays: 30 \} \} \}$/);
    });

    it("no tags at all, as on a new stack's first preview: TypeScript", async () => {
        await session.configureStack({ project: "orders", stack: "prod", tags: {} });
        const m = await messages();
        assert.match(m.get("apigatewayv2-stage-access-logging")!, /\nFix on an HTTP API: const noLoggingAccessLogs = new aws\.cloudwatch\.LogGroup\("no-logging-access-logs", \{ retentionInDays: 30, logGroupClass: "STANDARD" \}\); new aws\.apigatewayv2\.Stage\("no-logging", \{ \.\.\., accessLogSettings: \{ destinationArn: noLoggingAccessLogs\.arn, format: JSON\.stringify\(/);
    });

    it("an unknown runtime: TypeScript", async () => {
        await session.configureStack({ project: "orders", stack: "prod", tags: { "pulumi:runtime": "ruby", "pulumi:project": "orders" } });
        const m = await messages();
        assert.match(m.get("apigatewayv2-access-log-group-retention")!, /\nFix: new aws\.cloudwatch\.LogGroup\("orders-logs", \{ \.\.\., retentionInDays: 30 \}\)$/);
    });
});
