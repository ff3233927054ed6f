import * as assert from "assert";
import { accessLogProtocol } from "../../policies/access-log-protocol";
import {
    analyze, apiGatewayAccount, awsStage, compliantStack, formatWith, wsFormatWith, httpApi, nativeApi, nativeStage, P, replaceIn, T,
    unknownSentinels, without, withProp, withPropertyDependencies, wsApi, wsApiId, wsStage,
} from "./helpers/fixtures";
import { assertViolations, resourceUrn, TestResource, validateStack } from "./helpers/policy-harness";
import { assertConfigError } from "./helpers/assertions";

// apigatewayv2-access-log-protocol (advisory, stack): variables the API's
// protocol does not support, and WebSocket logging without the account-level
// CloudWatch role. The stage's API is found through propertyDependencies.apiId
// or through apiId equal to the API's id.

const format = ["accessLogSettings", "format"];

function protocolRun(stack: readonly TestResource[], config: Record<string, unknown> = {}) {
    return validateStack(accessLogProtocol, stack, config).then((r) => r.violations);
}

function stackWith(...changes: TestResource[]): TestResource[] {
    return replaceIn(compliantStack(), ...changes);
}

/** Unlinked from its API except through the apiId value. */
function byApiIdOnly(stage: TestResource): TestResource {
    const deps = { ...stage.propertyDependencies };
    delete deps.apiId;
    return withPropertyDependencies(stage, deps);
}

describe("apigatewayv2-access-log-protocol", () => {
    describe("variables the protocol does not support", () => {
        it("reports $context.httpMethod on a WebSocket stage, and only this policy does", async () => {
            const v = await analyze(stackWith(withProp(wsStage(), format, wsFormatWith({ method: "$context.httpMethod" }))));
            assertViolations(v, [[P.protocol, "ws-stage"]]);
            assert.match(v[0].message, /\$context\.httpMethod/);
        });

        it("reports $context.connectionId on an HTTP stage, and only this policy does", async () => {
            const v = await analyze(stackWith(withProp(awsStage(), format, formatWith({ conn: "$context.connectionId" }))));
            assertViolations(v, [[P.protocol, "http-stage"]]);
            assert.match(v[0].message, /\$context\.connectionId/);
        });

        it("reports $context.authorizer.claims.<claim> (HTTP only) on a WebSocket stage", async () => {
            const v = await protocolRun(stackWith(withProp(wsStage(), format, wsFormatWith({ sub: "$context.authorizer.claims.sub" }))));
            assertViolations(v, [[P.protocol, "ws-stage"]]);
        });

        it("accepts HTTP-only variables on an HTTP stage", async () => {
            const stage = withProp(awsStage(), format, formatWith({ m: "$context.httpMethod", p: "$context.path", l: "$context.responseLatency" }));
            assertViolations(await protocolRun(stackWith(stage)), []);
        });

        it("accepts WebSocket-only variables on a WebSocket stage", async () => {
            const stage = withProp(wsStage(), format, wsFormatWith({ c: "$context.connectionId", e: "$context.eventType", m: "$context.messageId" }));
            assertViolations(await protocolRun(stackWith(stage)), []);
        });

        it("accepts custom authorizer properties on an HTTP stage even when WebSocket uses the same name ($context.authorizer.status)", async () => {
            // Facts: authorizer.<property> is open on both protocols; on an HTTP API it is a key of the
            // Lambda authorizer's context map, so authorizer.status / latency / requestId are valid there.
            const stage = withProp(awsStage(), format, formatWith({ a: "$context.authorizer.status", b: "$context.authorizer.latency", c: "$context.authorizer.requestId" }));
            assertViolations(await protocolRun(stackWith(stage)), []);
        });

        it("lists several foreign variables in one violation", async () => {
            const stage = withProp(awsStage(), format, formatWith({ c: "$context.connectionId", e: "$context.eventType" }));
            const v = await protocolRun(stackWith(stage));
            assertViolations(v, [[P.protocol, "http-stage"]]);
            assert.match(v[0].message, /connectionId/);
            assert.match(v[0].message, /eventType/);
        });

        it("finds the API through apiId equal to the API's id when there are no propertyDependencies", async () => {
            const stage = byApiIdOnly(withProp(wsStage(), format, wsFormatWith({ method: "$context.httpMethod" })));
            assertViolations(await protocolRun(stackWith(stage)), [[P.protocol, "ws-stage"]]);
        });

        it("finds an aws-native API through its apiId output", async () => {
            const stage = withPropertyDependencies(withProp(withProp(nativeStage(), ["apiId"], "n1a2t3i4v5"), format,
                formatWith({ conn: "$context.connectionId" })), {});
            const v = await protocolRun([...stackWith(stage), nativeApi()]);
            assertViolations(v, [[P.protocol, "native-stage"]]);
        });

        it("prefers propertyDependencies.apiId over a stale apiId value", async () => {
            const stage = withProp(withProp(wsStage(), ["apiId"], "a1b2c3d4e5"), format, wsFormatWith({ method: "$context.httpMethod" }));
            assertViolations(await protocolRun(stackWith(stage)), [[P.protocol, "ws-stage"]]);
        });

        it("stays quiet when the API cannot be found (apiId unknown, no propertyDependencies)", async () => {
            const stage = byApiIdOnly(withProp(withProp(wsStage(), ["apiId"], unknownSentinels.string), format, wsFormatWith({ method: "$context.httpMethod" })));
            assertViolations(await protocolRun(stackWith(stage)), []);
        });

        it("stays quiet when apiId names an API outside the stack", async () => {
            const stage = byApiIdOnly(withProp(withProp(awsStage(), ["apiId"], "zzzzzzzzzz"), format, formatWith({ conn: "$context.connectionId" })));
            assertViolations(await protocolRun(stackWith(stage)), []);
        });

        it("stays quiet when the API's protocolType is unknown", async () => {
            const api = withProp(wsApi(), ["protocolType"], unknownSentinels.string);
            const stage = withProp(wsStage(), format, wsFormatWith({ method: "$context.httpMethod" }));
            assertViolations(await protocolRun(stackWith(api, stage)), []);
        });

        it("stays quiet when the format is unknown", async () => {
            assertViolations(await protocolRun(stackWith(withProp(wsStage(), format, unknownSentinels.string))), []);
        });

        it("names the stage and the API and reports on the stage's URN", async () => {
            const v = await protocolRun(stackWith(withProp(wsStage(), format, wsFormatWith({ method: "$context.httpMethod" }))));
            assert.ok(v[0].message.includes(`"ws-stage"`));
            assert.ok(v[0].message.includes(`"ws-api"`));
            assert.match(v[0].message, /WebSocket/);
            assert.strictEqual(v[0].urn, resourceUrn(wsStage()));
        });
    });

    describe("WebSocket logging needs the account-level CloudWatch role", () => {
        it("reports a WebSocket stage with logging in a stack without aws.apigateway.Account, and only this policy does", async () => {
            const v = await analyze(without(compliantStack(), "apigw-account"));
            assertViolations(v, [[P.protocol, "ws-stage"]]);
            assert.match(v[0].message, /CloudWatch Logs role/);
            assert.match(v[0].message, /aws\.apigateway\.Account/);
        });

        it("accepts an Account whose cloudwatchRoleArn is unknown (preview)", async () => {
            const account = withProp(apiGatewayAccount(), ["cloudwatchRoleArn"], unknownSentinels.string);
            assertViolations(await analyze(stackWith(account)), []);
        });

        it("reports an Account without cloudwatchRoleArn", async () => {
            const account = withProp(apiGatewayAccount(), ["cloudwatchRoleArn"], undefined);
            assertViolations(await protocolRun(stackWith(account)), [[P.protocol, "ws-stage"]]);
        });

        it("reports an Account with an empty cloudwatchRoleArn", async () => {
            const account = withProp(apiGatewayAccount(), ["cloudwatchRoleArn"], "");
            assertViolations(await protocolRun(stackWith(account)), [[P.protocol, "ws-stage"]]);
        });

        it("accepts an aws-native Account with cloudWatchRoleArn", async () => {
            const native: TestResource = { type: T.nativeAccount, name: "native-account", props: { cloudWatchRoleArn: "arn:aws:iam::123456789012:role/r" } };
            assertViolations(await protocolRun([...without(compliantStack(), "apigw-account"), native]), []);
        });

        it("does not require the role for HTTP stages", async () => {
            const stack = without(without(without(compliantStack(), "apigw-account"), "ws-stage"), "ws-api");
            assertViolations(await analyze(stack), []);
        });

        it("does not report a WebSocket stage without logging (the stage policy owns it)", async () => {
            const stack = replaceIn(without(compliantStack(), "apigw-account"), withProp(wsStage(), ["accessLogSettings"], undefined));
            assertViolations(await analyze(stack), [[P.stage, "ws-stage"]]);
        });

        it("reports a WebSocket stage whose destination is unknown (preview) but set", async () => {
            const stack = replaceIn(without(compliantStack(), "apigw-account"),
                withProp(wsStage(), ["accessLogSettings", "destinationArn"], unknownSentinels.string));
            assertViolations(await protocolRun(stack), [[P.protocol, "ws-stage"]]);
        });

        it("finds the WebSocket API through apiId alone for the role check", async () => {
            const stack = replaceIn(without(compliantStack(), "apigw-account"), byApiIdOnly(wsStage()));
            assertViolations(await protocolRun(stack), [[P.protocol, "ws-stage"]]);
        });

        it("reports both problems of a WebSocket stage as two violations", async () => {
            const stack = replaceIn(without(compliantStack(), "apigw-account"),
                withProp(wsStage(), format, wsFormatWith({ method: "$context.httpMethod" })));
            assertViolations(await protocolRun(stack), [[P.protocol, "ws-stage"], [P.protocol, "ws-stage"]]);
        });

        it("requireCloudWatchRoleInStack false turns the role check off", async () => {
            const v = await protocolRun(without(compliantStack(), "apigw-account"), { requireCloudWatchRoleInStack: false });
            assertViolations(v, []);
        });

        it("requireCloudWatchRoleInStack false keeps the variable check", async () => {
            const stack = replaceIn(without(compliantStack(), "apigw-account"), withProp(wsStage(), format, wsFormatWith({ m: "$context.httpMethod" })));
            assertViolations(await protocolRun(stack, { requireCloudWatchRoleInStack: false }), [[P.protocol, "ws-stage"]]);
        });

        it("requireCloudWatchRoleInStack true (the default, given explicitly) reports", async () => {
            const v = await protocolRun(without(compliantStack(), "apigw-account"), { requireCloudWatchRoleInStack: true });
            assertViolations(v, [[P.protocol, "ws-stage"]]);
        });
    });

    describe("config errors", () => {
        it("rejects a non-boolean requireCloudWatchRoleInStack", async () => {
            await assertConfigError(protocolRun(compliantStack(), { requireCloudWatchRoleInStack: "no" }),
                P.protocol, "requireCloudWatchRoleInStack", /true or false/);
        });

        it("rejects a misspelled key with a suggestion", async () => {
            await assertConfigError(protocolRun(compliantStack(), { requireCloudwatchRoleInStack: false }),
                P.protocol, "requireCloudwatchRoleInStack", /did you mean "requireCloudWatchRoleInStack"/);
        });
    });

    it("ignores an unrelated stack (buckets, REST stages)", async () => {
        const stack: TestResource[] = [
            { type: T.bucket, name: "b", props: { bucket: "b" } },
            { type: T.restStage, name: "rest", props: { restApi: wsApiId, accessLogSettings: { destinationArn: "x", format: "$context.httpMethod" } } },
            httpApi(),
        ];
        assertViolations(await protocolRun(stack), []);
    });
});
