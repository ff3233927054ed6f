import * as assert from "assert";
import { quickCreateApi } from "../../policies/quick-create-api";
import { analyzeChanged, httpApi, nativeApi, P, replaceIn, compliantStack, analyze, T, unknownSentinels, withProp } from "./helpers/fixtures";
import { assertViolations, TestResource, validateResource } from "./helpers/policy-harness";
import { assertConfigError, assertMessageShape } from "./helpers/assertions";

// apigatewayv2-quick-create-api: an API created with `target` gets a $default
// stage API Gateway manages, which can never log. Unknown counts as set: at
// preview `target` is usually a Lambda ARN that does not exist yet.

const lambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:handler";

describe("apigatewayv2-quick-create-api", () => {
    it("reports an HTTP API with a known target, and only this policy does", async () => {
        const v = await analyzeChanged(withProp(httpApi(), ["target"], lambdaArn));
        assertViolations(v, [[P.quickCreate, "http-api"]]);
    });

    it("reports an API whose target is unknown (preview)", async () => {
        const v = await analyzeChanged(withProp(httpApi(), ["target"], unknownSentinels.string));
        assertViolations(v, [[P.quickCreate, "http-api"]]);
    });

    it("accepts an API without target", async () => {
        assertViolations((await validateResource(quickCreateApi, httpApi())).violations, []);
    });

    it("accepts an API whose target is null", async () => {
        assertViolations((await validateResource(quickCreateApi, withProp(httpApi(), ["target"], null))).violations, []);
    });

    it("accepts an API whose target is an empty string", async () => {
        assertViolations((await validateResource(quickCreateApi, withProp(httpApi(), ["target"], ""))).violations, []);
    });

    it("reports an aws-native Api with a target", async () => {
        const v = await analyze(replaceIn(compliantStack(), withProp(nativeApi(), ["target"], lambdaArn)));
        assertViolations(v, [[P.quickCreate, "native-api"]]);
    });

    it("accepts an aws-native Api without target", async () => {
        assertViolations((await validateResource(quickCreateApi, nativeApi())).violations, []);
    });

    it("does not treat routeKey or credentialsArn alone as quick create", async () => {
        const api = withProp(withProp(httpApi(), ["routeKey"], "$default"), ["credentialsArn"], "arn:aws:iam::123456789012:role/r");
        assertViolations((await validateResource(quickCreateApi, api)).violations, []);
    });

    it("ignores a target on other types (a REST stage, a bucket)", async () => {
        for (const type of [T.restStage, T.bucket, T.awsStage]) {
            const r: TestResource = { type, name: "other", props: { target: lambdaArn } };
            assertViolations((await validateResource(quickCreateApi, r)).violations, []);
        }
    });

    it("explains the fix: drop target and add a Stage with logging", async () => {
        const [v] = (await validateResource(quickCreateApi, withProp(httpApi(), ["target"], lambdaArn))).violations;
        assertMessageShape(v, `"http-api"`);
        assert.match(v.message, /\$default/);
        assert.match(v.message, /accessLogSettings/);
        assert.ok(!v.message.includes(lambdaArn), "the target is not echoed");
    });

    it("takes no config but exemptions: an unknown key is an error naming the policy and the only valid key", async () => {
        await assertConfigError(validateResource(quickCreateApi, httpApi(), { allowTarget: true }), P.quickCreate, "allowTarget", /valid keys: exemptions/);
    });
});
