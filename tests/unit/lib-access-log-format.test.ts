import * as assert from "assert";
import * as fc from "fast-check";
import {
    distinctVariableNames,
    findContextVariables,
    hasRequestIdVariable,
    hasVariable,
    selectVariables,
    jsonShapeOfFormat,
    lineBreakOffset,
    substituteVariables,
} from "../../lib/access-log-format";
import { isSupportedVariable, knownVariableNames, protocolsOfVariable } from "../../lib/context-variables";
import { recommendedAccessLogFormat } from "../../lib/recommended-format";

const names = (format: string) => findContextVariables(format).map((v) => v.name);
const shape = (format: string) => jsonShapeOfFormat(format);

describe("lib/access-log-format findContextVariables", () => {
    it("finds every variable with its offsets", () => {
        const format = `{"id":"$context.requestId","ip":"$context.identity.sourceIp"}`;
        const found = findContextVariables(format);
        assert.deepStrictEqual(found.map((v) => v.name), ["requestId", "identity.sourceIp"]);
        for (const v of found) {
            assert.strictEqual(format.slice(v.start, v.end), `$context.${v.name}`);
        }
    });

    it("treats a trailing dot as punctuation, not part of the name", () => {
        assert.deepStrictEqual(names("status is $context.status."), ["status"]);
        assert.deepStrictEqual(names("$context.requestId..."), ["requestId"]);
    });

    it("splits adjacent variables", () => {
        assert.deepStrictEqual(names("$context.status$context.requestTime"), ["status", "requestTime"]);
    });

    it("reports `$context.` with no name as an empty name", () => {
        assert.deepStrictEqual(names("x $context. y"), [""]);
        assert.deepStrictEqual(names("$context."), [""]);
    });

    it("ignores $context without the dot and other $ variables", () => {
        assert.deepStrictEqual(names("$context $stageVariables.x $input.body"), []);
    });

    it("stops a name at characters other than letters, digits, _ and .", () => {
        assert.deepStrictEqual(names(`"$context.requestId"-$context.status,$context.a_b1`), ["requestId", "status", "a_b1"]);
    });

    it("distinctVariableNames keeps first-appearance order without repeats", () => {
        assert.deepStrictEqual(distinctVariableNames(findContextVariables("$context.b $context.a $context.b")), ["b", "a"]);
    });

    it("hasRequestIdVariable accepts requestId and extendedRequestId only", () => {
        assert.ok(hasRequestIdVariable(("$context.requestId")));
        assert.ok(hasRequestIdVariable(("$context.extendedRequestId")));
        assert.ok(!hasRequestIdVariable(("$context.authorizer.requestId")));
        assert.ok(!hasRequestIdVariable(("$context.integration.requestId")));
        assert.ok(!hasRequestIdVariable(("$context.awsEndpointRequestId")));
        assert.ok(!hasRequestIdVariable(("$context.requestIdX")));
    });
});

describe("lib/access-log-format lineBreakOffset", () => {
    it("is -1 for a single line", () => {
        assert.strictEqual(lineBreakOffset("$context.requestId"), -1);
    });

    it("allows exactly one trailing newline", () => {
        assert.strictEqual(lineBreakOffset("$context.requestId\n"), -1);
    });

    it("reports a second trailing newline", () => {
        assert.strictEqual(lineBreakOffset("ab\n\n"), 2);
    });

    it("reports a newline in the middle at its offset", () => {
        assert.strictEqual(lineBreakOffset("ab\ncd"), 2);
    });

    it("reports a CRLF in the middle at the CR", () => {
        assert.strictEqual(lineBreakOffset("ab\r\ncd"), 2);
    });

    it("reports a lone CR", () => {
        assert.strictEqual(lineBreakOffset("ab\rcd"), 2);
    });

    it("reports a leading newline", () => {
        assert.strictEqual(lineBreakOffset("\nab"), 0);
    });
});

describe("lib/access-log-format jsonShapeOfFormat", () => {
    it("accepts variables inside quotes", () => {
        assert.strictEqual(shape(`{"id":"$context.requestId"}`), "object");
    });

    it("accepts bare variables, as AWS substitutes numbers without quotes", () => {
        assert.strictEqual(shape(`{"status":$context.status,"latency":$context.integrationLatency}`), "object");
    });

    it("accepts adjacent bare variables", () => {
        assert.strictEqual(shape(`{"n":$context.status$context.integrationLatency}`), "object");
    });

    it("classifies arrays, scalars and non-JSON", () => {
        assert.strictEqual(shape(`["$context.requestId"]`), "array");
        assert.strictEqual(shape(`"$context.requestId"`), "scalar");
        assert.strictEqual(shape(`$context.status`), "scalar");
        assert.strictEqual(shape(`$context.requestId $context.status`), "invalid");
        assert.strictEqual(shape(`{"id": "$context.requestId",}`), "invalid");
        assert.strictEqual(shape(`<r id="$context.requestId"/>`), "invalid");
    });

    it("agrees with JSON.parse of the substituted format on generated near-JSON formats", () => {
        // The one-pass scanner must mean exactly "JSON.parse(substituteVariables(format))".
        const reference = (format: string): string => {
            try {
                const parsed: unknown = JSON.parse(substituteVariables(format, findContextVariables(format)));
                return parsed !== null && typeof parsed === "object" ? (Array.isArray(parsed) ? "array" : "object") : "scalar";
            } catch {
                return "invalid";
            }
        };
        const piece = fc.constantFrom("{", "}", "[", "]", ",", ":", "\"", "\\", "\\u00e9", "\\x", " ", "\n", "\t", "\u0001",
            "0", "1", "-", ".", "e", "E", "+", "01", "true", "false", "null", "tru", "a", "$context.status", "$context.", "$context.x.",
            "$context.requestId", "\"$context.requestId\"", "\"k\":", "$", "é");
        fc.assert(fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
            const format = pieces.join("");
            assert.strictEqual(jsonShapeOfFormat(format), reference(format), JSON.stringify(format));
        }), { seed: 4242, numRuns: 20000 });
        const json = fc.json({ maxDepth: 4 }).map((text) => text.replace(/"([a-z])"/g, "\"$context.$1\"").replace(/:1\b/g, ":$context.status"));
        fc.assert(fc.property(json, (format) => {
            assert.strictEqual(jsonShapeOfFormat(format), reference(format), JSON.stringify(format));
        }), { seed: 4243, numRuns: 3000 });
    });

    it("substituteVariables replaces each variable with 1 and keeps the rest", () => {
        const format = `a$context.x-b"$context.y"`;
        assert.strictEqual(substituteVariables(format, findContextVariables(format)), `a1-b"1"`);
    });
});

describe("lib/access-log-format hasVariable and selectVariables", () => {
    it("hasVariable matches whole names only", () => {
        assert.ok(hasVariable(`{"s":"$context.status"}`, "status"));
        assert.ok(!hasVariable(`{"s":"$context.statusCode"}`, "status"));
        assert.ok(!hasVariable(`{"s":"$context.integration.status"}`, "status"));
        assert.ok(hasVariable(`$context.identity.sourceIp.`, "identity.sourceIp"));
    });

    it("selectVariables keeps distinct names in order, at most the limit, and says whether more exist", () => {
        const format = "$context.a $context.b $context.a $context.c $context.requestId $context.d";
        assert.deepStrictEqual(selectVariables(format, (n) => n.length === 1, 3), { names: ["a", "b", "c"], more: true });
        assert.deepStrictEqual(selectVariables(format, (n) => n.length === 1, 4), { names: ["a", "b", "c", "d"], more: false });
        assert.deepStrictEqual(selectVariables(format, () => false, 4), { names: [], more: false });
    });
});

describe("lib/context-variables", () => {
    it("knows shared, HTTP-only and WebSocket-only variables", () => {
        assert.strictEqual(protocolsOfVariable("requestId"), "both");
        assert.strictEqual(protocolsOfVariable("identity.sourceIp"), "both");
        assert.strictEqual(protocolsOfVariable("httpMethod"), "HTTP");
        assert.strictEqual(protocolsOfVariable("responseLength"), "HTTP");
        assert.strictEqual(protocolsOfVariable("connectionId"), "WEBSOCKET");
        assert.strictEqual(protocolsOfVariable("eventType"), "WEBSOCKET");
    });

    it("keeps authorizer.<property> open for both protocols and authorizer.claims.<claim> for HTTP", () => {
        assert.strictEqual(protocolsOfVariable("authorizer.tenantId"), "both");
        assert.strictEqual(protocolsOfVariable("authorizer.claims.sub"), "HTTP");
        assert.strictEqual(protocolsOfVariable("authorizer"), undefined);
    });

    it("is case-sensitive and rejects unknown names", () => {
        assert.strictEqual(protocolsOfVariable("RequestId"), undefined);
        assert.strictEqual(protocolsOfVariable("resourcePath"), undefined);
    });

    it("lists every variable of the facts file", () => {
        const known = new Set(knownVariableNames());
        for (const v of ["apiId", "domainName", "error.responseType", "identity.principalOrgId", "integration.integrationStatus",
            "requestTimeEpoch", "accountId", "awsEndpointRequestId2", "customDomain.basePathMatched", "dataProcessed", "domainPrefix",
            "identity.clientCert.validity.notAfter", "integrationErrorMessage", "path", "protocol", "responseLatency",
            "connectedAt", "messageId", "authorize.latency", "authenticate.status", "authorizer.integrationLatency",
            "error.validationErrorString", "identity.apiKeyId", "waf.status"]) {
            assert.ok(known.has(v), v);
        }
    });

    it("isSupportedVariable honours the additional set", () => {
        assert.ok(!isSupportedVariable("identity.vpceId", new Set()));
        assert.ok(isSupportedVariable("identity.vpceId", new Set(["identity.vpceId"])));
    });

    it("the recommended format uses only variables both protocols support", () => {
        for (const name of distinctVariableNames(findContextVariables(recommendedAccessLogFormat))) {
            assert.strictEqual(protocolsOfVariable(name), "both", name);
        }
    });
});
