import * as assert from "assert";
import { Secret } from "@pulumi/policy";
import { readField, readStageLogging } from "../../lib/access-log-settings";
import { describeType, isUnknownSentinel, rawOwnEntries, readPath, readProperty, UNKNOWN } from "../../lib/read-property";
import { analyzeProps, remediateProps } from "./helpers/policy-harness";
import { secret, unknownSentinels } from "./helpers/fixtures";

describe("lib/read-property readProperty", () => {
    it("reads a known value through the SDK's unknown-checking proxy", () => {
        const props = analyzeProps({ a: { b: "x" } });
        assert.strictEqual(readPath(props, "a", "b"), "x");
    });

    for (const [kind, sentinel] of Object.entries(unknownSentinels)) {
        it(`returns UNKNOWN for the ${kind} sentinel without throwing through the proxy`, () => {
            const props = analyzeProps({ top: sentinel, nested: { inner: sentinel } });
            assert.strictEqual(readProperty(props, "top"), UNKNOWN);
            assert.strictEqual(readPath(props, "nested", "inner"), UNKNOWN);
        });
    }

    it("proves the point: a plain read of the same prop through the proxy throws", () => {
        const props = analyzeProps({ top: unknownSentinels.string });
        assert.throws(() => props.top);
    });

    it("returns undefined for missing keys and non-objects", () => {
        assert.strictEqual(readProperty(analyzeProps({}), "missing"), undefined);
        assert.strictEqual(readProperty(null, "a"), undefined);
        assert.strictEqual(readProperty("string", "length"), undefined);
        assert.strictEqual(readProperty(42, "a"), undefined);
    });

    it("never reaches the prototype chain through constructor, __proto__, toString or hasOwnProperty", () => {
        const props = analyzeProps({ a: 1 });
        for (const key of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
            assert.strictEqual(readProperty(props, key), undefined, key);
        }
    });

    it("reads an own __proto__ key from JSON data as data", () => {
        const obj = JSON.parse(`{"__proto__": {"polluted": true}}`);
        assert.deepStrictEqual(readProperty(obj, "__proto__"), { polluted: true });
        assert.strictEqual(readProperty({}, "polluted"), undefined);
    });

    it("ignores accessors instead of running them", () => {
        const obj = Object.defineProperty({}, "boom", { get: () => { throw new Error("getter ran"); }, enumerable: true });
        assert.strictEqual(readProperty(obj, "boom"), undefined);
    });

    it("never throws on a proxy whose traps throw", () => {
        const hostile = new Proxy({}, { getOwnPropertyDescriptor: () => { throw new Error("trap"); } });
        assert.strictEqual(readProperty(hostile, "a"), undefined);
    });

    it("unwraps Secret values, nested secrets, and a secret unknown", () => {
        assert.strictEqual(readProperty({ a: new Secret("v") }, "a"), "v");
        assert.strictEqual(readProperty({ a: new Secret(new Secret("v")) }, "a"), "v");
        assert.strictEqual(readProperty({ a: new Secret(unknownSentinels.string) }, "a"), UNKNOWN);
    });

    it("survives deep secret nesting (hostile input) without throwing", () => {
        let v: unknown = "deep";
        for (let i = 0; i < 50; i++) {
            v = new Secret(v);
        }
        const read = readProperty({ a: v }, "a");
        assert.ok(read === "deep" || read === undefined);
    });

    it("reads secrets through the remediation proxies (secretsPreservingProxy under unknownCheckingProxy)", () => {
        const props = remediateProps({ s: secret("hidden"), u: secret(unknownSentinels.string) });
        assert.strictEqual(readProperty(props, "s"), "hidden");
        assert.strictEqual(readProperty(props, "u"), UNKNOWN);
    });

    it("isUnknownSentinel recognises the seven sentinels and nothing else", () => {
        for (const s of Object.values(unknownSentinels)) {
            assert.ok(isUnknownSentinel(s));
        }
        assert.ok(!isUnknownSentinel(unknownSentinels.string.toUpperCase()));
        assert.ok(!isUnknownSentinel(`${unknownSentinels.string} `));
    });

    it("rawOwnEntries keeps secrets and sentinels as the SDK handed them over", () => {
        const props = remediateProps({ a: secret("x"), b: unknownSentinels.object, c: 1 });
        const entries = Object.fromEntries(rawOwnEntries(props));
        assert.ok(entries.a instanceof Secret);
        assert.strictEqual(entries.b, unknownSentinels.object);
        assert.strictEqual(entries.c, 1);
    });

    it("describeType names a value's type without echoing it", () => {
        assert.strictEqual(describeType("secret"), "a string");
        assert.strictEqual(describeType("  "), "an empty string");
        assert.strictEqual(describeType(5), "a number");
        assert.strictEqual(describeType([]), "an array");
        assert.strictEqual(describeType(null), "null");
        assert.strictEqual(describeType(true), "a boolean");
        assert.strictEqual(describeType({}), "an object");
        assert.strictEqual(describeType(UNKNOWN), "unknown");
    });
});

describe("lib/access-log-settings", () => {
    it("classifies accessLogSettings: missing, null, unknown, malformed, object", () => {
        assert.deepStrictEqual(readStageLogging(analyzeProps({})), { kind: "missing" });
        assert.deepStrictEqual(readStageLogging(analyzeProps({ accessLogSettings: null })), { kind: "missing" });
        assert.deepStrictEqual(readStageLogging(analyzeProps({ accessLogSettings: unknownSentinels.object })), { kind: "unknown" });
        assert.deepStrictEqual(readStageLogging(analyzeProps({ accessLogSettings: "x" })), { kind: "malformed", type: "a string" });
        assert.deepStrictEqual(readStageLogging(analyzeProps({ accessLogSettings: [] })), { kind: "malformed", type: "an array" });
        assert.strictEqual(readStageLogging(analyzeProps({ accessLogSettings: {} })).kind, "object");
    });

    it("classifies fields: value, blank, missing, unknown, malformed", () => {
        const settings = analyzeProps({ v: "x", b: " \t", n: null, u: unknownSentinels.string, m: 3 });
        assert.deepStrictEqual(readField(settings, "v"), { kind: "value", value: "x" });
        assert.deepStrictEqual(readField(settings, "b"), { kind: "blank" });
        assert.deepStrictEqual(readField(settings, "n"), { kind: "missing" });
        assert.deepStrictEqual(readField(settings, "absent"), { kind: "missing" });
        assert.deepStrictEqual(readField(settings, "u"), { kind: "unknown" });
        assert.deepStrictEqual(readField(settings, "m"), { kind: "malformed", type: "a number" });
    });
});
