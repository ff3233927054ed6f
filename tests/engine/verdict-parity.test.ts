import * as assert from "assert";
import { AnalyzeResourcesResult, PolicySession } from "../../engine/protocol/policy-session";
import { analyzeChecked, repoRoot, verdicts } from "./helpers";
import { goodFormat, goodWebSocketFormat, Mode, StackBuilder, UNKNOWN } from "./scenarios";

// Issue 9 through the real pack process and the Analyzer protocol: the same
// stack, shaped as a preview (computed outputs unknown) and as an update, gives
// the same verdicts (policy, resource, level) wherever the preview knows the
// facts; WebSocket stages must log the connection; log groups must keep it.

const destination = "apigatewayv2-access-log-destination";
const retention = "apigatewayv2-access-log-group-retention";
const protocol = "apigatewayv2-access-log-protocol";

/** The sample config of docs/policies.md (Configuration). */
const readmeConfig = {
    "all": "mandatory",
    "apigatewayv2-access-log-format-fields": "advisory",
    [destination]: {
        allowedAccountIds: ["123456789012"],
        allowedRegions: ["us-east-1", "eu-west-1"],
        logGroupNamePattern: "^/aws/apigateway/",
    },
    [retention]: {
        enforcementLevel: "mandatory",
        minimumRetentionDays: 90,
        maximumRetentionDays: 731,
        allowedExternalLogGroups: ["arn:aws:logs:*:123456789012:log-group:/central/*"],
    },
    "apigatewayv2-stage-access-logging": "remediate",
};


describe("pack protocol: preview and update give the same verdicts", () => {
    const sessions = {} as Record<Mode, PolicySession>;

    before(async () => {
        for (const mode of ["preview", "update"] as const) {
            sessions[mode] = await PolicySession.start({ packDir: repoRoot, preview: mode === "preview", project: "proj", stack: "dev" });
        }
    });
    after(async () => {
        for (const s of Object.values(sessions)) {
            await s.close();
        }
    });

    async function both(build: (s: StackBuilder) => void, config?: unknown): Promise<Record<Mode, AnalyzeResourcesResult>> {
        const out = {} as Record<Mode, AnalyzeResourcesResult>;
        for (const mode of ["preview", "update"] as const) {
            const s = new StackBuilder(mode);
            build(s);
            out[mode] = await analyzeChecked(sessions[mode], s.resources, config);
        }
        return out;
    }

    async function assertSameVerdicts(build: (s: StackBuilder) => void, config: unknown, expected: string[]): Promise<Record<Mode, AnalyzeResourcesResult>> {
        const r = await both(build, config);
        assert.deepStrictEqual(verdicts(r.preview.violations), expected.slice().sort(), "preview");
        assert.deepStrictEqual(verdicts(r.update.violations), expected.slice().sort(), "update");
        return r;
    }

    it("the issue's case: the sample config and a new log group named orders-api-access-logs-fe185dc fail preview, not only up", async () => {
        const r = await assertSameVerdicts((s) => {
            const lg = s.logGroup("orders-api-access-logs", { name: "orders-api-access-logs-fe185dc", retentionInDays: 90 });
            s.stage("orders-api-stage", s.api("orders-api", "HTTP"), { logGroup: lg, format: goodFormat });
        }, readmeConfig, [`${destination}@orders-api-stage:mandatory`]);
        const stage = r.preview.violations[0];
        assert.match(stage.message, /Stage "orders-api-stage" logs to log group "orders-api-access-logs-fe185dc", whose name does not match logGroupNamePattern/);
        assert.strictEqual(stage.message, r.update.violations[0].message, "worded the same in both modes");
        assert.match(stage.resourceUrn, /::orders-api-stage$/);
    });

    it("the issue's case, in the preview, shows the stage's destination ARN unknown", async () => {
        const s = new StackBuilder("preview");
        const lg = s.logGroup("orders-api-access-logs", { name: "orders-api-access-logs-fe185dc", retentionInDays: 90 });
        const stage = s.stage("orders-api-stage", s.api("orders-api", "HTTP"), { logGroup: lg, format: goodFormat });
        assert.strictEqual((stage.inputs.accessLogSettings as Record<string, unknown>).destinationArn, UNKNOWN);
    });

    it("a log group that sets a region outside allowedRegions", async () => {
        await assertSameVerdicts((s) => {
            const lg = s.logGroup("logs", { name: "/aws/apigateway/orders", region: "ap-south-1", retentionInDays: 90 });
            s.stage("orders-stage", s.api("orders", "HTTP"), { logGroup: lg, format: goodFormat });
        }, readmeConfig, [`${destination}@orders-stage:mandatory`]);
    });

    it("a compliant stack under the sample config: nothing in either mode", async () => {
        await assertSameVerdicts((s) => {
            const lg = s.logGroup("logs", { name: "/aws/apigateway/orders", retentionInDays: 90 });
            s.stage("orders-stage", s.api("orders", "HTTP"), { logGroup: lg, format: goodFormat });
        }, readmeConfig, []);
    });

    it("the destination check keeps its level from config in both modes (advisory here)", async () => {
        await assertSameVerdicts((s) => {
            const lg = s.logGroup("orders-api-access-logs", { retentionInDays: 30 });
            s.stage("orders-api-stage", s.api("orders-api", "HTTP"), { logGroup: lg, format: goodFormat });
        }, { [destination]: { enforcementLevel: "advisory", logGroupNamePattern: "^/aws/apigateway/" } }, [`${destination}@orders-api-stage:advisory`]);
    });

    it("a WebSocket stage without the connection fields (advisory), and with them nothing", async () => {
        const r = await assertSameVerdicts((s) => {
            s.account();
            const lg = s.logGroup("ws-logs");
            s.stage("chat-stage", s.api("chat", "WEBSOCKET"), { logGroup: lg, format: goodFormat }, { name: "prod" });
        }, undefined, [`${protocol}@chat-stage:advisory`]);
        assert.match(r.preview.violations[0].message, /without "\$context\.connectionId", "\$context\.eventType", so its log lines cannot be tied to a WebSocket connection/);
        await assertSameVerdicts((s) => {
            s.account();
            const lg = s.logGroup("ws-logs");
            s.stage("chat-stage", s.api("chat", "WEBSOCKET"), { logGroup: lg, format: goodWebSocketFormat }, { name: "prod" });
        }, undefined, []);
        await assertSameVerdicts((s) => {
            s.account();
            const lg = s.logGroup("ws-logs");
            s.stage("chat-stage", s.api("chat", "WEBSOCKET"), { logGroup: lg, format: goodFormat }, { name: "prod" });
        }, { [protocol]: { requiredWebSocketVariables: [] } }, []);
    });

    it("an HTTP stage is never asked for the connection fields", async () => {
        await assertSameVerdicts((s) => {
            const lg = s.logGroup("logs");
            s.stage("orders-stage", s.api("orders", "HTTP"), { logGroup: lg, format: goodFormat });
        }, { [protocol]: { requiredWebSocketVariables: ["connectionId"] } }, []);
    });

    it("a Delivery-class log group, and deletion protection when required", async () => {
        const r = await assertSameVerdicts((s) => {
            const lg = s.logGroup("lambda-delivery", { logGroupClass: "DELIVERY", retentionInDays: 2 });
            s.stage("orders-stage", s.api("orders", "HTTP"), { logGroup: lg, format: goodFormat });
        }, undefined, [`${retention}@orders-stage:mandatory`]);
        assert.match(r.preview.violations[0].message, /is of class DELIVERY/);
        await assertSameVerdicts((s) => {
            const lg = s.logGroup("logs", { retentionInDays: 30, logGroupClass: "INFREQUENT_ACCESS" });
            s.stage("orders-stage", s.api("orders", "HTTP"), { logGroup: lg, format: goodFormat });
        }, { [retention]: { requireDeletionProtection: true } }, [`${retention}@orders-stage:mandatory`]);
        await assertSameVerdicts((s) => {
            const lg = s.logGroup("logs", { retentionInDays: 30, deletionProtectionEnabled: true });
            s.stage("orders-stage", s.api("orders", "HTTP"), { logGroup: lg, format: goodFormat });
        }, { [retention]: { requireDeletionProtection: true } }, []);
    });

    it("the pack describes the destination policy as one policy, with the new config keys in the schemas", () => {
        const info = sessions.preview.info.policies;
        assert.strictEqual(info.filter((p) => p.name === destination).length, 1);
        const props = (name: string) => Object.keys(info.find((p) => p.name === name)?.configSchema?.properties ?? {});
        assert.ok(props(protocol).includes("requiredWebSocketVariables"));
        assert.ok(props(retention).includes("requireDeletionProtection"));
    });
});
