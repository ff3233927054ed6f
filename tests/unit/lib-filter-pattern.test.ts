import * as assert from "assert";
import { fitsFieldCount, FilterPattern, formatFields, parseFilterPattern, toJsonPattern, variableByName } from "../../lib/filter-pattern";

// lib/filter-pattern.ts: AWS's filter pattern syntax against access-log
// formats, with AWS's own examples from "Filter pattern syntax for metric
// filters, subscription filters, filter log events, and Live Tail".

type Delimited = Extract<FilterPattern, { kind: "delimited" }>;

function delimited(pattern: string): Delimited {
    const p = parseFilterPattern(pattern);
    assert.ok(p?.kind === "delimited", `${pattern} is space-delimited`);
    return p;
}

const clf = "$context.identity.sourceIp - - [$context.requestTime] \"$context.httpMethod $context.routeKey $context.protocol\" $context.status $context.responseLength $context.requestId";
const keys: Record<string, string> = { "identity.sourceIp": "sourceIp", requestTime: "requestTime", status: "status", responseLength: "responseLength", requestId: "requestId" };
const keyOf = (v: string): string | undefined => keys[v];
const byName = variableByName(Object.keys(keys), keyOf);

describe("lib/filter-pattern", () => {
    it("tells space-delimited, JSON and other patterns apart, and refuses what it cannot read", () => {
        assert.strictEqual(parseFilterPattern("[ip, user, username, timestamp, request, status_code, bytes]")?.kind, "delimited");
        assert.deepStrictEqual(parseFilterPattern("{ $.eventType = \"UpdateTrail\" && $.user.id = 1 }"), { kind: "json", selectors: ["eventType", "user"] });
        for (const other of ["ERROR", "\"ERROR\" -\"Exiting\"", "?ERROR ?WARN", "%ERROR%", ""]) {
            assert.deepStrictEqual(parseFilterPattern(other), { kind: "other" }, other);
        }
        for (const bad of [undefined, 42, "[ip, \"unclosed]", "{ $.x = 1", "[a b]", "[a = ]", "x".repeat(1025)]) {
            assert.strictEqual(parseFilterPattern(bad), undefined, String(bad).slice(0, 20));
        }
    });

    it("reads AWS's examples: conditions, && and ||, and the empty last field", () => {
        assert.deepStrictEqual(delimited("[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]").fields[5].terms,
            [{ field: "status_code", op: "=", value: "4*" }, { field: "status_code", op: "!=", value: "403" }]);
        assert.deepStrictEqual(delimited("[w1=ERROR || w1=WARN, w2]").fields[0].joins, ["||"]);
        const trailing = delimited("[..., request=*.html*, status_code=4*,]");
        assert.deepStrictEqual(trailing.fields.map((f) => [f.name, f.ellipsis]), [[undefined, true], ["request", false], ["status_code", false], [undefined, false]]);
    });

    it("counts a format's fields: brackets and quotes hold one field, requestTime bare is two, routeKey bare is unknowable", () => {
        assert.strictEqual(formatFields(clf)?.length, 8);
        assert.deepStrictEqual(formatFields(clf)?.map((f) => f.variable), ["identity.sourceIp", undefined, undefined, "requestTime", undefined, "status", "responseLength", "requestId"]);
        assert.strictEqual(formatFields("$context.requestId $context.requestTime $context.status")?.length, 4);
        assert.strictEqual(formatFields("$context.requestId $context.routeKey"), undefined);
        assert.strictEqual(formatFields("$context.requestId \"$context.routeKey\"")?.length, 2);
        assert.strictEqual(formatFields("$context.requestId [unclosed"), undefined);
        assert.strictEqual(formatFields("id=\"$context.requestId\""), undefined, "a quote inside a field: AWS's split is not documented");
    });

    it("fits the field count exactly without an ellipsis, and as a minimum with one", () => {
        assert.ok(fitsFieldCount(delimited("[a, b, c, d, e, f, g, h]"), 8));
        assert.ok(!fitsFieldCount(delimited("[a, b, c, d, e, f, g]"), 8));
        assert.ok(fitsFieldCount(delimited("[a, ..., h]"), 8));
        assert.ok(!fitsFieldCount(delimited("[a, ..., c, d, e, f, g, h, i, j]"), 8));
        assert.ok(!fitsFieldCount(delimited("[..., request=*.html*, status_code=4*,]"), 2), "the empty last field counts");
    });

    it("rewrites a pattern as JSON by position, and between ellipses by name", () => {
        const fields = formatFields(clf);
        assert.strictEqual(toJsonPattern(delimited("[ip, id, user, timestamp, request, status_code=4*, size, rid]"), fields, keyOf, byName), "{ $.status = \"4*\" }");
        assert.strictEqual(toJsonPattern(delimited("[ip, ..., status=4*, ...]"), fields, keyOf, byName), "{ $.status = \"4*\" }");
        assert.strictEqual(toJsonPattern(delimited("[..., code = 4* && code != 403, bytes, rid]"), fields, keyOf, byName), "{ $.status = \"4*\" && $.status != \"403\" }");
        assert.strictEqual(toJsonPattern(delimited("[ip = 10.* || ip = 192.*, ...]"), fields, keyOf, byName), "{ $.sourceIp = \"10.*\" || $.sourceIp = \"192.*\" }");
        assert.strictEqual(toJsonPattern(delimited("[a, b, c, d, e, f, g, h]"), fields, keyOf, byName), "{ $.requestId = * }", "a pattern that only counts fields");
    });

    it("gives no rewrite it cannot be sure of: numeric comparisons, a field of several variables, an unknown field", () => {
        const fields = formatFields(clf);
        assert.strictEqual(toJsonPattern(delimited("[..., status >= 400, bytes, rid]"), fields, keyOf, byName), undefined);
        assert.strictEqual(toJsonPattern(delimited("[ip, id, user, timestamp, request = *GET*, ...]"), fields, keyOf, byName), undefined);
        assert.strictEqual(toJsonPattern(delimited("[..., mystery = x, ...]"), fields, keyOf, byName), undefined);
    });
});
