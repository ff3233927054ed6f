import * as assert from "assert";
import { editDistance, makeConfigReader, nearest, PolicyConfigError } from "../../lib/policy-config";
import { escapeControlChars, quote, quoteList } from "../../lib/quote";

describe("lib/quote", () => {
    it("quotes a short value whole, in double quotes", () => {
        assert.strictEqual(quote("abc"), `"abc"`);
    });

    it("keeps at most 80 characters and marks the cut", () => {
        const q = quote("x".repeat(10_000));
        assert.strictEqual(q, `"${"x".repeat(80)}…"`);
    });

    it("does not mark an 80-character value as cut", () => {
        assert.strictEqual(quote("y".repeat(80)), `"${"y".repeat(80)}"`);
    });

    it("escapes newline, CR, tab, BEL, DEL, C1, line separators and bidi controls", () => {
        assert.strictEqual(quote("a\nb\rc\td\u0007e\u007ff\u0085g\u2028h\u202ei"), `"a\\nb\\rc\\td\\x07e\\x7ff\\x85g\\u2028h\\u202ei"`);
    });

    it("never leaves half a surrogate pair at the cut", () => {
        const value = "a".repeat(79) + "😀" + "b";
        const q = quote(value);
        assert.ok(!/[\ud800-\udbff]…/.test(q), q);
    });

    it("escapes before measuring nothing beyond 80 input characters", () => {
        const q = quote("\n".repeat(200));
        assert.strictEqual(q, `"${"\\n".repeat(80)}…"`);
    });

    it("escapeControlChars leaves printable text alone", () => {
        assert.strictEqual(escapeControlChars("Stage é 😀 /#"), "Stage é 😀 /#");
    });

    it("quoteList shows five values then counts the rest", () => {
        assert.strictEqual(quoteList(["a", "b", "c", "d", "e", "f", "g"]), `"a", "b", "c", "d", "e" and 2 more`);
        assert.strictEqual(quoteList(["a"]), `"a"`);
    });
});

describe("lib/policy-config editDistance and nearest", () => {
    it("computes Levenshtein distance", () => {
        assert.strictEqual(editDistance("kitten", "sitting"), 3);
        assert.strictEqual(editDistance("", "abc"), 3);
        assert.strictEqual(editDistance("same", "same"), 0);
    });

    it("ignores case", () => {
        assert.strictEqual(editDistance("AllowedRegions", "allowedregions"), 0);
    });

    it("bounds the cost for long inputs", () => {
        assert.strictEqual(editDistance("a".repeat(100), "b"), 100);
    });

    it("suggests the closest key for a typo", () => {
        const keys = ["minimumRetentionDays", "maximumRetentionDays", "allowNeverExpire", "requireKmsKey", "allowedExternalLogGroups"];
        assert.strictEqual(nearest("minimumRetentionDay", keys), "minimumRetentionDays");
        assert.strictEqual(nearest("requireKMSKey", keys), "requireKmsKey");
        assert.strictEqual(nearest("allowNeverExpires", keys), "allowNeverExpire");
    });

    it("suggests nothing when no key is close", () => {
        assert.strictEqual(nearest("colour", ["allowedRegions", "allowedAccountIds"]), undefined);
        assert.strictEqual(nearest("x", []), undefined);
    });
});

describe("lib/policy-config makeConfigReader", () => {
    interface C { limit: number; names: string[]; on: boolean }
    const read = () => makeConfigReader<C>("demo-policy", {
        limit: { type: "integer", default: 3, minimum: 1, maximum: 10, description: "d" },
        names: { type: "array", items: { type: "string" }, default: ["a"], description: "d" },
        on: { type: "boolean", default: false, description: "d" },
    }, (c) => (c.names.includes("bad") ? { key: "names", problem: "has bad" } : undefined));

    it("fills defaults for missing and null keys, ignoring enforcementLevel", () => {
        assert.deepStrictEqual(read()({ enforcementLevel: "mandatory", limit: null }), { limit: 3, names: ["a"], on: false });
    });

    it("treats a non-object config as empty", () => {
        assert.deepStrictEqual(read()(undefined), { limit: 3, names: ["a"], on: false });
        assert.deepStrictEqual(read()([1, 2]), { limit: 3, names: ["a"], on: false });
    });

    it("hands out a copy of an array default, so a policy cannot mutate the schema", () => {
        const parsed = read()({});
        parsed.names.push("z");
        assert.deepStrictEqual(read()({}).names, ["a"]);
    });

    function throwsConfig(fn: () => unknown, ...parts: RegExp[]): void {
        assert.throws(fn, (e: unknown) => {
            assert.ok(e instanceof PolicyConfigError, `expected PolicyConfigError, got ${String(e)}`);
            assert.ok(!e.message.includes("\n"), "one line");
            for (const p of parts) {
                assert.match(e.message, p);
            }
            return true;
        });
    }

    it("rejects wrong types with the key named", () => {
        throwsConfig(() => read()({ limit: "3" }), /"demo-policy"/, /"limit"/, /integer/);
        throwsConfig(() => read()({ limit: 2.5 }), /"limit"/, /integer/);
        throwsConfig(() => read()({ names: ["a", 1] }), /"names"/, /list of strings/);
        throwsConfig(() => read()({ names: "a" }), /"names"/, /list of strings/);
        throwsConfig(() => read()({ on: "yes" }), /"on"/, /true or false/);
    });

    it("enforces integer bounds", () => {
        throwsConfig(() => read()({ limit: 0 }), /"limit"/, /at least 1/);
        throwsConfig(() => read()({ limit: 11 }), /"limit"/, /at most 10/);
    });

    it("rejects an unknown key with the nearest valid key", () => {
        throwsConfig(() => read()({ limt: 3 }), /"limt"/, /did you mean "limit"\?/);
    });

    it("rejects an unknown key with no near match by listing the valid keys", () => {
        throwsConfig(() => read()({ somethingElse: 3 }), /"somethingElse"/, /valid keys: limit, names, on/);
    });

    it("escapes and shortens a hostile unknown key", () => {
        throwsConfig(() => read()({ ["a\nb" + "c".repeat(200)]: 1 }), /a\\nb/);
        try {
            read()({ ["a\nb" + "c".repeat(200)]: 1 });
        } catch (e) {
            assert.ok((e as Error).message.length < 300);
        }
    });

    it("runs the cross-field check after defaults", () => {
        throwsConfig(() => read()({ names: ["bad"] }), /"names" has bad/);
    });

    it("a policy without settings says it takes no config", () => {
        const none = makeConfigReader<Record<string, never>>("bare-policy", {});
        assert.deepStrictEqual(none({ enforcementLevel: "advisory" }), {});
        throwsConfig(() => none({ limit: 1 }), /"bare-policy"/, /takes no config/);
    });

    it("re-validates when the config changes after a cached good config", () => {
        const r = read();
        assert.strictEqual(r({ limit: 5 }).limit, 5);
        throwsConfig(() => r({ limit: 50 }), /at most 10/);
        assert.strictEqual(r({ limit: 6 }).limit, 6);
    });
});
