import * as assert from "assert";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { json, prop } from "../../lib/fix-snippets";
import { accessLogSettings, stageFix } from "../../lib/messages";
import { applyFix, fixFor, startRecordingFixes, stopRecordingFixes } from "./helpers/apply-fix";
import {
    accountId, analyze, apiGatewayAccount, awsStage, compliantStack, formatWith, goodFormat, httpApi, logGroup, metricFilter,
    nativeApi, nativeLogGroup, nativeStage, P, packPolicies, region, replaceIn, T, without, withProp, wsFormatWith, wsStage,
} from "./helpers/fixtures";
import { analyzePack, PolicyConfigs, resourceUrn, TestResource, Violation } from "./helpers/policy-harness";

// Issue 9, item 2, and issue 15: every fix, applied to the resource it
// names, gives a stack that passes every policy of the pack with the default
// config. Each case below breaks the compliant stack in one way; the test runs
// the pack, and for every violation applies that violation's own fix to the
// stack and runs the whole pack again. The fix is applied from its data model
// (tests/unit/helpers/apply-fix.ts), never by reading the rendered text: where
// a fix comes in two (HTTP and WebSocket), the one for the stage's protocol.

const format = ["accessLogSettings", "format"];
const settings = ["accessLogSettings"];
const destination = ["accessLogSettings", "destinationArn"];

interface FixCase {
    title: string;
    stack: TestResource[];
    /** Config under which the defect is reported (default config when absent). */
    configs?: PolicyConfigs;
    /** Placeholders in the fix, as the user would fill them in. */
    placeholders?: Record<string, string>;
    /** Also check the fixed stack under `configs` (the fix is concrete enough for it). */
    passesUnderConfig?: boolean;
    /** Defects of several owners (a whole program's round): only all fixes together cure the stack. */
    severalDefects?: boolean;
}

function isWebSocketStage(stack: readonly TestResource[], stage: TestResource | undefined): boolean {
    const apiUrns = stage?.propertyDependencies?.apiId ?? [];
    return stack.some((r) => apiUrns.includes(resourceUrn(r)) && r.props.protocolType === "WEBSOCKET");
}

/** The stack after applying one violation's fix, for the protocol of the stage it is about. */
function applyViolationFix(stack: readonly TestResource[], v: Violation, placeholders: Record<string, string>): TestResource[] {
    const target = stack.find((r) => resourceUrn(r) === v.urn);
    const stage = target?.type.endsWith("Stage") ? target : stack.find((r) => r.type.endsWith(":Stage") && isWebSocketStage(stack, r));
    return applyFix(stack, v, fixFor(v, isWebSocketStage(stack, stage)), placeholders);
}

const lambdaRole: TestResource = {
    type: "aws:iam/role:Role", name: "handler-role",
    props: {
        arn: `arn:aws:iam::${accountId}:role/handler-role`,
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    },
};

function accountOn(role: TestResource): TestResource {
    return { ...withProp(apiGatewayAccount(), ["cloudwatchRoleArn"], role.props.arn), propertyDependencies: { cloudwatchRoleArn: [resourceUrn(role)] } };
}

const lambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:f";

const kmsOn = { [P.retention]: { requireKmsKey: true } };

/** A metric filter on logGroup(), the log group of the HTTP stage, with a pattern. */
function filterOn(pattern: string): TestResource {
    return withProp(metricFilter(), ["pattern"], pattern);
}

const clfFormat = "$context.identity.sourceIp - - [$context.requestTime] \"$context.httpMethod $context.routeKey $context.protocol\" $context.status $context.responseLength $context.requestId";

const cases: FixCase[] = [
    { title: "an HTTP stage without accessLogSettings", stack: replaceIn(compliantStack(), withProp(awsStage(), settings, undefined)) },
    { title: "a WebSocket stage without accessLogSettings", stack: replaceIn(compliantStack(), withProp(wsStage(), settings, undefined)) },
    { title: "an aws-native stage without accessLogSettings", stack: replaceIn(compliantStack(), withProp(nativeStage(), settings, undefined)) },
    { title: "a WebSocket stage with execution logging and without accessLogSettings", stack: replaceIn(compliantStack(), withProp(withProp(wsStage(), ["defaultRouteSettings", "loggingLevel"], "INFO"), settings, undefined)) },
    { title: "a stage with a format but no destination", stack: replaceIn(compliantStack(), withProp(awsStage(), destination, undefined)) },
    { title: "a stage logging to Firehose", stack: replaceIn(compliantStack(), withProp(awsStage(), destination, "arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-x")) },
    { title: "an aws-native stage logging to a bare name", stack: replaceIn(compliantStack(), withProp(nativeStage(), destination, "native-access-logs")) },
    { title: "a format without a request ID", stack: replaceIn(compliantStack(), withProp(awsStage(), format, JSON.stringify({ ip: "$context.identity.sourceIp", status: "$context.status" }))) },
    { title: "a format on two lines", stack: replaceIn(compliantStack(), withProp(awsStage(), format, goodFormat.replace(",", ",\n"))) },
    { title: "a format with an unsupported variable", stack: replaceIn(compliantStack(), withProp(awsStage(), format, formatWith({ x: "$context.requestID" }))) },
    { title: "a Common Log Format format", stack: replaceIn(compliantStack(), withProp(awsStage(), format, "$context.requestId $context.identity.sourceIp [$context.requestTime] \"$context.routeKey\" $context.status")) },
    { title: "a format without the source IP", stack: replaceIn(compliantStack(), withProp(awsStage(), format, JSON.stringify({ requestId: "$context.requestId", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status" }))) },
    { title: "a WebSocket format without the source IP", stack: replaceIn(compliantStack(), withProp(wsStage(), format, JSON.stringify({ requestId: "$context.requestId", connectionId: "$context.connectionId", eventType: "$context.eventType", status: "$context.status" }))) },
    { title: "a WebSocket CLF format without a request ID", stack: replaceIn(compliantStack(), withProp(wsStage(), format, "$context.connectionId $context.eventType $context.status")) },
    { title: "a WebSocket format with $context.httpMethod", stack: replaceIn(compliantStack(), withProp(wsStage(), format, wsFormatWith({ method: "$context.httpMethod" }))) },
    { title: "an HTTP format with $context.connectionId", stack: replaceIn(compliantStack(), withProp(awsStage(), format, formatWith({ connectionId: "$context.connectionId" }))) },
    { title: "a WebSocket format without the connection fields", stack: replaceIn(compliantStack(), withProp(wsStage(), format, goodFormat)) },
    { title: "a WebSocket stage in a stack without the CloudWatch role", stack: without(compliantStack(), "apigw-account") },
    // Issue 15: real-program shapes.
    { title: "a WebSocket stage without logging in a stack without the account-level role", stack: replaceIn(without(compliantStack(), "apigw-account"), withProp(wsStage(), settings, undefined)) },
    { title: "a WebSocket stage with a CLF format in a stack without the account-level role", stack: replaceIn(without(compliantStack(), "apigw-account"), withProp(wsStage(), format, "$context.requestId $context.connectionId [$context.requestTime] $context.eventType $context.status")), severalDefects: true },
    { title: "an account whose role only Lambda can assume", stack: replaceIn(compliantStack(), lambdaRole, accountOn(lambdaRole)) },
    { title: "the user's own JSON fields with a REST-only variable", stack: replaceIn(compliantStack(), withProp(awsStage(), format, JSON.stringify({ id: "$context.requestId", method: "$context.httpMethod", latency: "$context.integrationLatency", sub: "$context.authorizer.claims.sub", rp: "$context.resourcePath" }))) },
    { title: "an HTTP format with a WebSocket variable and the user's own fields", stack: replaceIn(compliantStack(), withProp(awsStage(), format, formatWith({ method: "$context.httpMethod", conn: "$context.connectionId" }))) },
    // Issue 15, item 5: what reads the logs. Both fixes of one round (the format and the filter) together.
    { title: "a CLF format read by a metric filter with a space-delimited pattern", stack: replaceIn(compliantStack(), withProp(awsStage(), format, clfFormat), filterOn("[ip, ..., status=4*, ...]")), severalDefects: true },
    { title: "a JSON format read by a metric filter with a space-delimited pattern", stack: replaceIn(compliantStack(), filterOn("[ip, id, user, timestamp, request, status=4*, size, rid]")) },
    { title: "a CLF format read by a metric filter with a JSON pattern", stack: replaceIn(compliantStack(), withProp(awsStage(), format, clfFormat), filterOn("{ $.status = \"5*\" }")) },
    // The quick-create fix writes a whole new stage (lib/stage-baseline.ts): this is where a stage policy whose
    // compliant value is not in that baseline fails, on either provider.
    { title: "a quick-create API", stack: replaceIn(compliantStack(), withProp(httpApi(), ["target"], lambdaArn)) },
    // The fix binds the stage to `api.id`, the resource's id, which aws-native reports as apiId too.
    { title: "an aws-native quick-create API", stack: replaceIn(compliantStack(), withProp(withProp(nativeApi(), ["target"], lambdaArn), ["id"], "n1a2t3i4v5")) },
    { title: "a log group without retention", stack: replaceIn(compliantStack(), withProp(logGroup(), ["retentionInDays"], undefined)) },
    { title: "a log group kept for 7 days", stack: replaceIn(compliantStack(), withProp(logGroup(), ["retentionInDays"], 7)) },
    { title: "a log group with a retention CloudWatch rejects", stack: replaceIn(compliantStack(), withProp(logGroup(), ["retentionInDays"], 45)) },
    { title: "an aws-native log group kept for 1 day", stack: replaceIn(compliantStack(), withProp(nativeLogGroup(), ["retentionInDays"], 1)) },
    { title: "a Delivery-class log group", stack: replaceIn(compliantStack(), withProp(withProp(logGroup(), ["logGroupClass"], "DELIVERY"), ["retentionInDays"], 2)) },
    { title: "a stage logging to a log group outside the stack", stack: replaceIn(compliantStack(), withProp(awsStage(), destination, `arn:aws:logs:${region}:${accountId}:log-group:/shared/x`)) },
    { title: "an aws-native stage logging outside the stack", stack: replaceIn(compliantStack(), withProp(nativeStage(), destination, `arn:aws:logs:${region}:${accountId}:log-group:/shared/y:*`)) },
    // Under config: the defect exists only there; the fix must pass the default config, and the config too where it is concrete.
    { title: "requireKmsKey and a log group without a key", stack: compliantStack(), configs: kmsOn, passesUnderConfig: true },
    { title: "requireDeletionProtection and log groups without it", stack: compliantStack(), configs: { [P.retention]: { requireDeletionProtection: true } }, passesUnderConfig: true },
    { title: "minimumRetentionDays 90", stack: compliantStack(), configs: { [P.retention]: { minimumRetentionDays: 90 } }, passesUnderConfig: true },
    {
        title: "logGroupNamePattern that the names miss", stack: compliantStack(), configs: { [P.destinationAllowed]: { logGroupNamePattern: "^/team-a/" } },
        placeholders: { "<a name matching logGroupNamePattern>": "/team-a/access" }, passesUnderConfig: true,
    },
    { title: "allowedRegions without the log group's region", stack: compliantStack(), configs: { [P.destinationAllowed]: { allowedRegions: ["eu-west-1"] } } },
];


describe("every fix passes the pack", () => {
    before(startRecordingFixes);
    after(stopRecordingFixes);

    for (const c of cases) {
        it(`${c.title}: each violation's fix gives a stack with no violation`, async () => {
            const before = await analyze(c.stack, c.configs ?? {});
            assert.ok(before.length > 0, "the case is a defect");
            for (const v of before) {
                const fixed = applyViolationFix(c.stack, v, c.placeholders ?? {});
                // Each case has one defect, so any one of its fixes cures the whole stack, even where the
                // defect is reported several times (two stages on one log group, two policies on one format).
                const after = c.severalDefects ? [] : await analyze(fixed);
                assert.deepStrictEqual(after.map((x) => `${x.policy} @ ${x.resource}: ${x.message.split("\n")[0]}`), [],
                    `after applying "${v.message.split("\n").slice(1).join(" / ")}" (for ${v.policy} on ${v.resource})`);
                const all = await analyze(applyAll(c.stack, before, c.placeholders ?? {}));
                assert.deepStrictEqual(all.map((x) => `${x.policy} @ ${x.resource}: ${x.message.split("\n")[0]}`), [], "after applying every fix");
                if (c.passesUnderConfig) {
                    const underConfig = await analyze(applyAll(c.stack, before, c.placeholders ?? {}), c.configs);
                    assert.deepStrictEqual(underConfig.map((x) => `${x.policy} @ ${x.resource}: ${x.message.split("\n")[0]}`), [], "under the case's config");
                }
            }
        });
    }
});

describe("the fix applier has teeth", () => {
    before(startRecordingFixes);
    after(stopRecordingFixes);

    it("the protocol fix of round 1, JSON.stringify({ requestId, routeKey, status }), applied, fails the fields policy", async () => {
        const stack = replaceIn(compliantStack(), withProp(awsStage(), format, formatWith({ connectionId: "$context.connectionId" })));
        const [v] = await analyze(stack);
        const old = stageFix(T.awsStage, "http-stage", [accessLogSettings([prop("format", json([
            ["requestId", "$context.requestId"], ["routeKey", "$context.routeKey"], ["status", "$context.status"],
        ]))], true)]);
        const after = await analyze(applyFix(stack, v, { resources: [old] }));
        assert.deepStrictEqual(after.map((x) => `${x.policy} @ ${x.resource}`), [`${P.fields} @ http-stage`]);
    });

    it("the old fix for a stage without logging, bound to a logGroup the program does not have, cannot be applied", async () => {
        const stack = replaceIn(compliantStack(), withProp(awsStage(), settings, undefined));
        const [v] = await analyze(stack);
        const old = stageFix(T.awsStage, "http-stage", [accessLogSettings([prop("destinationArn", { kind: "output", variable: "logGroup", property: "arn" })], false)]);
        assert.throws(() => applyFix(stack, v, { resources: [old] }), /refers to logGroup\.arn, which it does not create/);
    });

    it("the old account-role fix, bound to a role the program does not have, cannot be applied", async () => {
        const stack = without(compliantStack(), "apigw-account");
        const [v] = await analyze(stack);
        const old = { type: T.account, name: "account", more: false, properties: [prop("cloudwatchRoleArn", { kind: "output" as const, variable: "role", property: "arn" })] };
        assert.throws(() => applyFix(stack, v, { resources: [old] }), /refers to role\.arn/);
    });

    it("a stage policy whose compliant value is not in lib/stage-baseline.ts fails the quick-create case", async () => {
        // A throw-away stage policy on a property no real stage policy will ever check, so the baseline never
        // holds it: the stage the quick-create fix writes lacks it, so the case above would fail for such a
        // policy, while the compliant stages, given the property here, pass.
        const throwAway: ResourceValidationPolicy = {
            name: "test-only-stage-policy", description: "stages set testOnlySetting", enforcementLevel: "mandatory",
            validateResource: (a, report) => {
                if (a.type.endsWith(":Stage") && (a.props as { testOnlySetting?: unknown }).testOnlySetting !== true) {
                    report("testOnlySetting is not true");
                }
            },
        };
        const given = (r: TestResource) => (r.type.endsWith(":Stage") ? withProp(r, ["testOnlySetting"], true) : r);
        const stack = replaceIn(compliantStack(), withProp(httpApi(), ["target"], lambdaArn)).map(given);
        const pack = [...packPolicies, throwAway];
        const [v] = await analyzePack(pack, stack);
        assert.strictEqual(v.policy, P.quickCreate);
        const after = await analyzePack(pack, applyFix(stack, v, fixFor(v, false)));
        assert.deepStrictEqual(after.map((x) => `${x.policy} @ ${x.resource}`), ["test-only-stage-policy @ http-api-default"]);
    });

    it("a fix for a resource that is not in the stack fails the test instead of passing it", async () => {
        const stack = replaceIn(compliantStack(), withProp(awsStage(), format, "$context.requestId"));
        const [v] = await analyze(stack);
        assert.throws(() => applyFix(stack, v, { resources: [stageFix(T.awsStage, "no-such-stage", [])] }), /not in the stack/);
    });
});

function applyAll(stack: readonly TestResource[], violations: readonly Violation[], placeholders: Record<string, string>): TestResource[] {
    let out = [...stack];
    for (const v of violations) {
        out = applyViolationFix(out, v, placeholders);
    }
    return out;
}
