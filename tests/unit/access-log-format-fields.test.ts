import * as assert from "assert";
import { accessLogFormatFields } from "../../policies/access-log-format-fields";
import { analyzeChanged, awsStage, goodFormat, P, withProp } from "./helpers/fixtures";
import { assertViolations, validateResource } from "./helpers/policy-harness";
import { assertConfigError } from "./helpers/assertions";

// apigatewayv2-access-log-format-fields (advisory): structured JSON with the
// required variables. Variables may stand inside quotes or bare.

const format = ["accessLogSettings", "format"];

async function fieldViolations(value: string, config: Record<string, unknown> = {}) {
    return (await validateResource(accessLogFormatFields, withProp(awsStage(), format, value), config)).violations;
}

const allRequired = `"$context.requestId" "$context.identity.sourceIp" "$context.requestTime" "$context.routeKey" "$context.status"`;

describe("apigatewayv2-access-log-format-fields", () => {
    describe("JSON shape (requireJson, default true)", () => {
        it("reports a CLF format that AWS accepts, and only this policy reports it", async () => {
            const clf = "$context.identity.sourceIp [$context.requestTime] \"$context.routeKey\" $context.status $context.requestId";
            assertViolations(await analyzeChanged(withProp(awsStage(), format, clf)), [[P.fields, "http-stage"]]);
        });

        it("accepts bare number variables", async () => {
            const bare = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","routeKey":"$context.routeKey","status":$context.status,"latency":$context.integrationLatency}`;
            assertViolations(await analyzeChanged(withProp(awsStage(), format, bare)), []);
        });

        it("accepts adjacent bare variables", async () => {
            const adjacent = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","routeKey":"$context.routeKey","n":$context.status$context.integrationLatency}`;
            assertViolations(await fieldViolations(adjacent), []);
        });

        it("reports a JSON array", async () => {
            const v = await fieldViolations(`[${allRequired.split(" ").join(",")}]`);
            assertViolations(v, [[P.fields, "http-stage"]]);
            assert.match(v[0].message, /array/);
        });

        it("reports a single JSON string", async () => {
            const v = await fieldViolations(`"$context.requestId $context.identity.sourceIp $context.requestTime $context.routeKey $context.status"`);
            assertViolations(v, [[P.fields, "http-stage"]]);
            assert.match(v[0].message, /single JSON value/);
        });

        it("reports JSON with a trailing comma", async () => {
            assertViolations(await fieldViolations(goodFormat.replace(/}$/, ",}")), [[P.fields, "http-stage"]]);
        });

        it("reports a bare variable used as a key", async () => {
            assertViolations(await fieldViolations(`{$context.requestId:"$context.identity.sourceIp $context.requestTime $context.routeKey $context.status"}`),
                [[P.fields, "http-stage"]]);
        });

        it("accepts JSON with one trailing newline", async () => {
            assertViolations(await fieldViolations(`${goodFormat}\n`), []);
        });

        it("requireJson false accepts a CLF format that has every required variable", async () => {
            assertViolations(await fieldViolations(allRequired, { requireJson: false }), []);
        });

        it("requireJson must be a boolean", async () => {
            await assertConfigError(validateResource(accessLogFormatFields, awsStage(), { requireJson: "false" }),
                P.fields, "requireJson", /true or false/);
        });
    });

    describe("required variables (requiredVariables)", () => {
        const defaults = ["requestId", "identity.sourceIp", "requestTime", "routeKey", "status"];
        for (const missing of defaults.filter((d) => d !== "requestId")) {
            it(`reports a JSON format without the default $context.${missing}, and only this policy does`, async () => {
                const fields = JSON.parse(goodFormat) as Record<string, string>;
                const without = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== `$context.${missing}`));
                const v = await analyzeChanged(withProp(awsStage(), format, JSON.stringify(without)));
                assertViolations(v, [[P.fields, "http-stage"]]);
                assert.ok(v[0].message.includes(`$context.${missing}`));
            });
        }

        it("reports requestId as missing when the format has extendedRequestId instead", async () => {
            const v = await fieldViolations(goodFormat.replace("$context.requestId", "$context.extendedRequestId"));
            assertViolations(v, [[P.fields, "http-stage"]]);
            assert.match(v[0].message, /\$context\.requestId/);
        });

        it("lists every missing variable in one violation", async () => {
            const v = await fieldViolations(`{"id":"$context.requestId"}`);
            assert.strictEqual(v.length, 1);
            for (const name of defaults.slice(1)) {
                assert.ok(v[0].message.includes(`$context.${name}`), name);
            }
        });

        it("does not count a variable's prefix ($context.statusCode is not $context.status)", async () => {
            const v = await fieldViolations(goodFormat.replace("$context.status", "$context.statusCode"));
            assert.ok(v.some((x) => x.message.includes("$context.status\"")));
        });

        it("an override replaces the default list", async () => {
            const config = { requiredVariables: ["requestId", "httpMethod"] };
            assertViolations(await fieldViolations(`{"id":"$context.requestId","m":"$context.httpMethod"}`, config), []);
            const v = await fieldViolations(goodFormat, config);
            assertViolations(v, [[P.fields, "http-stage"]]);
            assert.match(v[0].message, /httpMethod/);
        });

        it("an empty list requires nothing", async () => {
            assertViolations(await fieldViolations(`{"id":"$context.requestId"}`, { requiredVariables: [] }), []);
        });

        it("rejects an entry with the $context. prefix", async () => {
            await assertConfigError(validateResource(accessLogFormatFields, awsStage(), { requiredVariables: ["$context.status"] }),
                P.fields, "requiredVariables", /variable name/);
        });

        it("rejects a non-list", async () => {
            await assertConfigError(validateResource(accessLogFormatFields, awsStage(), { requiredVariables: "status" }),
                P.fields, "requiredVariables", /list of strings/);
        });

        it("rejects an unknown key with a suggestion", async () => {
            await assertConfigError(validateResource(accessLogFormatFields, awsStage(), { requireJSON: true }),
                P.fields, "requireJSON", /did you mean "requireJson"/);
        });
    });
});
