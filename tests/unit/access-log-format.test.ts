import * as assert from "assert";
import { accessLogFormat } from "../../policies/access-log-format";
import { analyzeChanged, awsStage, formatWith, goodFormat, nativeStage, P, withProp } from "./helpers/fixtures";
import { assertViolations, TestResource, validateResource } from "./helpers/policy-harness";
import { assertConfigError } from "./helpers/assertions";

// apigatewayv2-access-log-format: what AWS accepts. The facts file is the
// judge: $context.requestId or $context.extendedRequestId (not the authorizer
// or integration request IDs), a single line with at most one trailing
// newline, and only variables HTTP or WebSocket APIs support.

const format = ["accessLogSettings", "format"];

function stageWithFormat(value: string, base: TestResource = awsStage()): TestResource {
    return withProp(base, format, value);
}

async function formatViolations(value: string, config: Record<string, unknown> = {}) {
    return (await validateResource(accessLogFormat, stageWithFormat(value), config)).violations;
}

describe("apigatewayv2-access-log-format", () => {
    describe("request ID", () => {
        it("reports a JSON format without any request ID (and the fields policy stays quiet about it)", async () => {
            const noId = JSON.stringify({ ip: "$context.identity.sourceIp", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status" });
            assertViolations(await analyzeChanged(stageWithFormat(noId)), [[P.format, "http-stage"]]);
        });

        it("accepts $context.extendedRequestId instead of $context.requestId", async () => {
            const v = await formatViolations(`{"id":"$context.extendedRequestId","ip":"$context.identity.sourceIp"}`);
            assertViolations(v, []);
        });

        it("does not count $context.authorizer.requestId", async () => {
            assertViolations(await formatViolations(`{"id":"$context.authorizer.requestId"}`), [[P.format, "http-stage"]]);
        });

        it("does not count $context.integration.requestId", async () => {
            assertViolations(await formatViolations(`{"id":"$context.integration.requestId"}`), [[P.format, "http-stage"]]);
        });

        it("does not count $context.awsEndpointRequestId", async () => {
            assertViolations(await formatViolations(`{"id":"$context.awsEndpointRequestId"}`), [[P.format, "http-stage"]]);
        });

        it("reports a format with no $context variable at all", async () => {
            assertViolations(await formatViolations("static text"), [[P.format, "http-stage"]]);
        });
    });

    describe("single line", () => {
        it("accepts one trailing newline", async () => {
            assertViolations(await analyzeChanged(stageWithFormat(`${goodFormat}\n`)), []);
        });

        it("reports a newline in the middle (only this policy; the JSON still parses)", async () => {
            const multiLine = goodFormat.replace(",", ",\n");
            assertViolations(await analyzeChanged(stageWithFormat(multiLine)), [[P.format, "http-stage"]]);
        });

        it("reports a pretty-printed JSON format", async () => {
            const pretty = JSON.stringify(JSON.parse(goodFormat), null, 2);
            assertViolations(await analyzeChanged(stageWithFormat(pretty)), [[P.format, "http-stage"]]);
        });

        it("reports two trailing newlines", async () => {
            assertViolations(await formatViolations(`${goodFormat}\n\n`), [[P.format, "http-stage"]]);
        });

        it("reports a CRLF line break in the middle", async () => {
            assertViolations(await formatViolations(goodFormat.replace(",", ",\r\n")), [[P.format, "http-stage"]]);
        });

        it("says where the line break is", async () => {
            const [v] = await formatViolations("$context.requestId\nx");
            assert.match(v.message, /character 19/);
        });
    });

    describe("supported variables", () => {
        it("reports a misspelled variable, quoting its name", async () => {
            const v = await analyzeChanged(stageWithFormat(formatWith({ method: "$context.httpMethd" })));
            assertViolations(v, [[P.format, "http-stage"]]);
            assert.match(v[0].message, /\$context\.httpMethd/);
        });

        it("is case-sensitive ($context.RequestId is not a variable)", async () => {
            assertViolations(await formatViolations(`{"a":"$context.requestId","b":"$context.RequestTime"}`), [[P.format, "http-stage"]]);
        });

        it("reports REST-only variables such as $context.resourcePath", async () => {
            assertViolations(await formatViolations(formatWith({ p: "$context.resourcePath" })), [[P.format, "http-stage"]]);
        });

        it("reports `$context.` with no name", async () => {
            assertViolations(await formatViolations(formatWith({ p: "$context." })), [[P.format, "http-stage"]]);
        });

        it("accepts HTTP-only variables on a stage (the protocol policy judges the fit)", async () => {
            assertViolations(await formatViolations(formatWith({ m: "$context.httpMethod", l: "$context.responseLength" })), []);
        });

        it("accepts WebSocket-only variables on a stage (the protocol policy judges the fit)", async () => {
            assertViolations(await formatViolations(formatWith({ c: "$context.connectionId", e: "$context.eventType" })), []);
        });

        it("accepts any authorizer.<property>", async () => {
            assertViolations(await formatViolations(formatWith({ t: "$context.authorizer.tenantId", d: "$context.authorizer.x.y" })), []);
        });

        it("accepts authorizer.claims.<claim>", async () => {
            assertViolations(await formatViolations(formatWith({ s: "$context.authorizer.claims.sub" })), []);
        });

        it("reports several bad variables in one violation", async () => {
            const v = await formatViolations(formatWith({ a: "$context.nope1", b: "$context.nope2" }));
            assert.strictEqual(v.length, 1);
            assert.match(v[0].message, /nope1/);
            assert.match(v[0].message, /nope2/);
        });

        it("accepts a non-JSON (CLF-style) single-line format: AWS does not require JSON", async () => {
            const clf = "$context.identity.sourceIp - - [$context.requestTime] \"$context.routeKey\" $context.status $context.requestId";
            assertViolations(await formatViolations(clf), []);
        });

        it("accepts XML and CSV formats", async () => {
            assertViolations(await formatViolations(`<r id="$context.requestId" s="$context.status"/>`), []);
            assertViolations(await formatViolations("$context.requestId,$context.status,$context.routeKey"), []);
        });

        it("reports all three problems of one format as three violations", async () => {
            const v = await formatViolations("$context.status\n$context.bogus");
            assert.strictEqual(v.length, 3);
        });

        it("checks the format of an aws-native stage too", async () => {
            const v = await analyzeChanged(stageWithFormat(formatWith({ x: "$context.bogus" }), nativeStage()));
            assertViolations(v, [[P.format, "native-stage"]]);
        });
    });

    describe("config additionalVariables", () => {
        const newer = formatWith({ vpce: "$context.identity.vpceId" });

        it("defaults to none: a variable AWS added later is reported", async () => {
            assertViolations(await formatViolations(newer), [[P.format, "http-stage"]]);
        });

        it("accepts a listed variable", async () => {
            assertViolations(await formatViolations(newer, { additionalVariables: ["identity.vpceId"] }), []);
        });

        it("still reports variables that are not listed", async () => {
            const v = await formatViolations(formatWith({ vpce: "$context.identity.vpceId", x: "$context.other" }),
                { additionalVariables: ["identity.vpceId"] });
            assertViolations(v, [[P.format, "http-stage"]]);
            // Not reported; the fix keeps the user's field.
            assert.ok(!v[0].message.split("\n")[0].split(". The fix")[0].includes("vpceId"), v[0].message);
            assert.ok(v[0].message.split("\n")[1].includes("$context.identity.vpceId"), v[0].message);
        });

        it("does not make a listed variable count as a request ID", async () => {
            const v = await formatViolations(`{"x":"$context.myRequestId"}`, { additionalVariables: ["myRequestId"] });
            assertViolations(v, [[P.format, "http-stage"]]);
        });

        it("rejects an entry written with the $context. prefix", async () => {
            await assertConfigError(validateResource(accessLogFormat, awsStage(), { additionalVariables: ["$context.identity.vpceId"] }),
                P.format, "additionalVariables", /variable name/);
        });

        it("rejects a non-list", async () => {
            await assertConfigError(validateResource(accessLogFormat, awsStage(), { additionalVariables: "identity.vpceId" }),
                P.format, "additionalVariables", /list of strings/);
        });

        it("rejects an unknown key with a suggestion", async () => {
            await assertConfigError(validateResource(accessLogFormat, awsStage(), { additionalVariable: [] }),
                P.format, "additionalVariable", /did you mean "additionalVariables"/);
        });
    });
});
