import * as assert from "assert";
import { stageAccessLogging } from "../../policies/stage-access-logging";
import {
    analyze, analyzeChanged, awsStage, compliantStack, nativeStage, P, replaceIn, secret, T, unknownSentinels, without,
    withProp, wsStage,
} from "./helpers/fixtures";
import { assertViolations, TestResource, validateResource } from "./helpers/policy-harness";
import { assertConfigError } from "./helpers/assertions";

// apigatewayv2-stage-access-logging owns every "no usable access logging"
// case: missing, null, malformed or empty settings and fields. Each case runs
// the whole pack on the compliant stack with that one change, and expects
// exactly one violation, from this policy, on the changed stage.

const settings = ["accessLogSettings"];
const destination = ["accessLogSettings", "destinationArn"];
const format = ["accessLogSettings", "format"];

interface Case {
    title: string;
    path: string[];
    value: unknown;
}

const ownedByStagePolicy: Case[] = [
    { title: "accessLogSettings is missing", path: settings, value: undefined },
    { title: "accessLogSettings is null", path: settings, value: null },
    { title: "accessLogSettings is a string", path: settings, value: "arn:aws:logs:us-east-1:123456789012:log-group:x" },
    { title: "accessLogSettings is a number", path: settings, value: 42 },
    { title: "accessLogSettings is an array", path: settings, value: [{ destinationArn: "x", format: "y" }] },
    { title: "accessLogSettings is a boolean", path: settings, value: true },
    { title: "accessLogSettings is an empty object", path: settings, value: {} },
    { title: "destinationArn is missing", path: destination, value: undefined },
    { title: "destinationArn is null", path: destination, value: null },
    { title: "destinationArn is an empty string", path: destination, value: "" },
    { title: "destinationArn is whitespace", path: destination, value: "  \t " },
    { title: "destinationArn is a number", path: destination, value: 123456789012 },
    { title: "destinationArn is an object", path: destination, value: { arn: "x" } },
    { title: "format is missing", path: format, value: undefined },
    { title: "format is null", path: format, value: null },
    { title: "format is an empty string", path: format, value: "" },
    { title: "format is whitespace", path: format, value: "   " },
    { title: "format is an array", path: format, value: ["$context.requestId"] },
    { title: "format is a number", path: format, value: 7 },
    { title: "format is an object", path: format, value: { requestId: "$context.requestId" } },
];

describe("apigatewayv2-stage-access-logging", () => {
    for (const stage of [awsStage(), nativeStage()]) {
        describe(`on ${stage.type}`, () => {
            for (const c of ownedByStagePolicy) {
                it(`reports only this policy when ${c.title}`, async () => {
                    const v = await analyzeChanged(withProp(stage, c.path, c.value));
                    assertViolations(v, [[P.stage, stage.name]]);
                });
            }
        });
    }

    it("reports a WebSocket stage without logging with this policy only (no role or protocol noise)", async () => {
        const v = await analyzeChanged(withProp(wsStage(), settings, undefined));
        assertViolations(v, [[P.stage, "ws-stage"]]);
    });

    it("reports a WebSocket stage with malformed settings in a stack without an Account with this policy only", async () => {
        const stack = replaceIn(without(compliantStack(), "apigw-account"), withProp(wsStage(), settings, "arn:aws:logs:x"));
        assertViolations(await analyze(stack), [[P.stage, "ws-stage"]]);
    });

    it("reports a WebSocket stage with a blank destination in a stack without an Account with this policy only", async () => {
        const stack = replaceIn(without(compliantStack(), "apigw-account"), withProp(wsStage(), destination, " "));
        assertViolations(await analyze(stack), [[P.stage, "ws-stage"]]);
    });

    it("reports both fields in one violation when both are missing", async () => {
        const v = await analyzeChanged(withProp(awsStage(), settings, {}));
        assert.strictEqual(v.length, 1);
        assert.match(v[0].message, /destinationArn is missing/);
        assert.match(v[0].message, /format is missing/);
    });

    it("names the malformed type without quoting the value", async () => {
        const v = await analyzeChanged(withProp(awsStage(), destination, 987654321098));
        assert.match(v[0].message, /destinationArn is a number/);
        assert.ok(!v[0].message.includes("987654321098"));
    });

    it("still reports a stage with no logging during preview, when its other inputs are unknown", async () => {
        const stage: TestResource = withProp(withProp(awsStage(), ["apiId"], unknownSentinels.string), settings, undefined);
        const v = await analyzeChanged(withProp(stage, ["name"], unknownSentinels.string));
        assertViolations(v, [[P.stage, "http-stage"]]);
    });

    it("defers a stage whose accessLogSettings is unknown (object sentinel): no violation from any policy", async () => {
        assertViolations(await analyzeChanged(withProp(awsStage(), settings, unknownSentinels.object)), []);
    });

    it("defers a stage whose destinationArn is unknown: no violation from any policy", async () => {
        assertViolations(await analyzeChanged(withProp(awsStage(), destination, unknownSentinels.string)), []);
    });

    it("defers a stage whose format is unknown: no violation from any policy", async () => {
        assertViolations(await analyzeChanged(withProp(awsStage(), format, unknownSentinels.string)), []);
    });

    it("accepts accessLogSettings that arrive as a secret", async () => {
        const stage = awsStage();
        const v = await analyzeChanged(withProp(stage, settings, secret((stage.props as any).accessLogSettings)));
        assertViolations(v, []);
    });

    it("reports a secret accessLogSettings without format", async () => {
        const stage = awsStage();
        const v = await analyzeChanged(withProp(stage, settings, secret({ destinationArn: (stage.props as any).accessLogSettings.destinationArn })));
        assertViolations(v, [[P.stage, "http-stage"]]);
    });

    it("reports a format that is a secret empty string", async () => {
        const v = await analyzeChanged(withProp(awsStage(), format, secret("")));
        assertViolations(v, [[P.stage, "http-stage"]]);
    });

    it("never reports REST stages (aws:apigateway/stage:Stage), even without logging", async () => {
        const rest: TestResource = { type: T.restStage, name: "rest-stage", props: { restApi: "r", stageName: "prod" } };
        assertViolations((await validateResource(stageAccessLogging, rest)).violations, []);
    });

    it("accepts its default (empty) config and the engine's enforcementLevel key", async () => {
        assertViolations((await validateResource(stageAccessLogging, awsStage(), {})).violations, []);
    });

    it("rejects an unknown config key, naming the policy and the key", async () => {
        await assertConfigError(validateResource(stageAccessLogging, awsStage(), { format: "x" }), P.stage, "format", /not a known key/);
    });
});
