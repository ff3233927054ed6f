import * as assert from "assert";
import { forgetComponents, loggingSwitchAbove, loggingSwitchOf, rememberComponent } from "../../lib/component";
import { analyze, awsStage, compliantStack, P, replaceIn, unknownSentinels, withProp } from "./helpers/fixtures";
import { assertViolations, resourceUrn, TestResource } from "./helpers/policy-harness";

// Issue 15, item 6 (a): a stage made inside a component names the component's
// input that turns access logging on, when one plainly does, and nothing else.

describe("lib/component: the input that turns a component's access logging on", () => {
    it("names the one access-logging switch set to false, whatever its spelling", () => {
        for (const key of ["apiGatewayAccessLoggingEnabled", "accessLogging", "enable_access_logs", "accessLogsEnabled", "enableAccessLogging", "stageAccessLogs"]) {
            assert.strictEqual(loggingSwitchOf({ name: "orders", [key]: false }), key, key);
        }
    });

    it("a switch that only says logging counts only when no input says access logging", () => {
        assert.strictEqual(loggingSwitchOf({ logging: false }), "logging");
        assert.strictEqual(loggingSwitchOf({ enableLogging: false, memorySize: 128 }), "enableLogging");
        assert.strictEqual(loggingSwitchOf({ logging: false, accessLogs: false }), "accessLogs");
    });

    it("names nothing for a switch that is on, unknown, not a boolean, ambiguous or about something else", () => {
        const none: Record<string, unknown>[] = [
            {},
            { accessLogging: true },
            { accessLogging: unknownSentinels.boolean },
            { accessLogging: "false" },
            { accessLogging: 0 },
            { accessLogging: false, apiAccessLogs: false },
            { executionLogging: false },
            { lambdaLoggingEnabled: false },
            { loggingLevel: "OFF" },
            { disableAccessLogs: true },
            { accessLogFormat: "$context.requestId" },
            { accessLogSettings: { destinationArn: "x" } },
            { logRetentionInDays: 0 },
            { enableMetrics: false },
        ];
        for (const props of none) {
            assert.strictEqual(loggingSwitchOf(props), undefined, JSON.stringify(props));
        }
        assert.strictEqual(loggingSwitchOf(null), undefined);
        assert.strictEqual(loggingSwitchOf("accessLogging"), undefined);
    });

    it("finds the outermost component above a resource that has a switch, as remembered", () => {
        forgetComponents();
        const outer = "urn:pulumi:dev::p::acme:x:Platform::shop";
        const inner = "urn:pulumi:dev::p::acme:x:Platform$acme:x:Api::orders";
        rememberComponent(outer, "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", { apiAccessLogs: false });
        rememberComponent(inner, outer, { accessLogging: false });
        assert.deepStrictEqual(loggingSwitchAbove(inner), { component: { type: "acme:x:Platform", name: "shop" }, input: "apiAccessLogs" });
        forgetComponents();
        assert.strictEqual(loggingSwitchAbove(inner), undefined);
        rememberComponent("urn:pulumi:dev::p::aws:apigatewayv2/api:Api::a", undefined, { accessLogging: false });
        assert.strictEqual(loggingSwitchAbove("urn:pulumi:dev::p::aws:apigatewayv2/api:Api::a"), undefined, "only components are remembered");
    });
});

describe("apigatewayv2-stage-access-logging: a stage made inside a component", () => {
    const componentType = "acme:apigateway:HttpApi";
    const component = (props: Record<string, unknown>, parent?: string): TestResource => ({
        type: componentType, name: "orders", props, ...(parent ? { parent } : {}),
    });
    const stageIn = (parent: TestResource): TestResource => ({
        ...withProp(awsStage(), ["accessLogSettings"], undefined), parent: resourceUrn(parent),
    });

    beforeEach(forgetComponents);

    it("names the component's input that turns logging on, in the only violation", async () => {
        const api = component({ apiGatewayAccessLoggingEnabled: false, domain: "orders.example.com" });
        const stage = stageIn(api);
        const v = await analyze(replaceIn([api, ...compliantStack()], stage));
        assertViolations(v, [[P.stage, stage.name]]);
        assert.match(v[0].message, /turn it on with apiGatewayAccessLoggingEnabled: true on component "acme:apigateway:HttpApi" "orders"/);
    });

    it("writes the input the way the program's language passes it", async () => {
        const api = component({ accessLogging: false });
        const stage = stageIn(api);
        const v = await analyze(replaceIn([api, ...compliantStack()], stage), {}, { "pulumi:runtime": "python" });
        assert.match(v[0].message, /turn it on with accessLogging=True on component/);
    });

    it("names no input when none plainly controls access logging, and keeps the general note", async () => {
        const api = component({ enableMetrics: false, loggingLevel: "OFF" });
        const stage = stageIn(api);
        const v = await analyze(replaceIn([api, ...compliantStack()], stage));
        assertViolations(v, [[P.stage, stage.name]]);
        assert.doesNotMatch(v[0].message, /turn it on with/);
        assert.match(v[0].message, /turn access logging on through that component's inputs where it has one/);
    });

    it("a component whose switch is on but whose stage still has no logging: no input is named", async () => {
        const api = component({ accessLogging: true });
        const v = await analyze(replaceIn([api, ...compliantStack()], stageIn(api)));
        assert.doesNotMatch(v[0].message, /turn it on with/);
    });
});
