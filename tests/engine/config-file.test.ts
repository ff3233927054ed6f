import * as assert from "assert";
import * as path from "path";
import {
    checkReconciled,
    PolicyDescriptor,
    readConfigFile,
    reconcileConfig,
    schemaProblem,
    validateConfig,
} from "../../engine/inputs/config-file";
import { InputError } from "../../engine/errors";
import { scratchFiles } from "./helpers";

// Synthetic policies: the validator must work from whatever schemas a pack
// publishes, so none of these are this project's policies.
const policies: PolicyDescriptor[] = [
    {
        name: "bucket-encryption",
        type: "resource",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                algorithm: { type: "string", enum: ["AES256", "aws:kms"], default: "AES256" },
                minimumKeyBits: { type: "integer", minimum: 128, maximum: 4096, default: 256 },
                exemptBuckets: { type: "array", items: { type: "string", pattern: "^[a-z0-9.-]+$" }, default: [] },
                ratio: { type: "number", exclusiveMinimum: 0 },
                tags: { type: "object", properties: { owner: { type: "string" } }, additionalProperties: false },
            },
        },
    },
    { name: "no-public-ips", type: "resource", enforcementLevel: "advisory", configSchema: { properties: {} } },
    {
        name: "stack-budget",
        type: "stack",
        enforcementLevel: "advisory",
        configSchema: { properties: { monthlyLimit: { type: "integer" }, currency: { type: "string", default: "USD" } }, required: ["monthlyLimit"] },
    },
];

function rejects(config: unknown, pattern: RegExp): void {
    assert.throws(() => validateConfig(config, policies, "config file \"c.json\""), (e: unknown) => {
        assert.ok(e instanceof InputError, `expected InputError, got ${e}`);
        assert.ok(!/[\r\n]/.test(e.message), "one line");
        assert.match(e.message, pattern);
        return true;
    });
}

describe("engine config file", () => {
    describe("validation", () => {
        it("accepts levels, objects with enforcementLevel and properties, and \"all\"", () => {
            const v = validateConfig({
                all: "advisory",
                "bucket-encryption": { enforcementLevel: "remediate", minimumKeyBits: 2048, exemptBuckets: ["logs.example"], tags: { owner: "team" } },
                "no-public-ips": "disabled",
                "stack-budget": { monthlyLimit: 100 },
            }, policies);
            assert.deepStrictEqual(JSON.parse(JSON.stringify(v)), {
                all: { enforcementLevel: "advisory" },
                "bucket-encryption": { enforcementLevel: "remediate", properties: { minimumKeyBits: 2048, exemptBuckets: ["logs.example"], tags: { owner: "team" } } },
                "no-public-ips": { enforcementLevel: "disabled" },
                "stack-budget": { properties: { monthlyLimit: 100 } },
            });
        });

        it("drops entries that set nothing, as the engine does", () => {
            assert.deepStrictEqual(Object.keys(validateConfig({ "no-public-ips": {} }, policies)), []);
        });

        it("rejects unknown policy names, suggesting the nearest", () => {
            rejects({ "bucket-encyption": "mandatory" }, /config file "c\.json": unknown policy "bucket-encyption"; did you mean "bucket-encryption"\?/);
            rejects({ "no-ips": "mandatory" }, /unknown policy "no-ips"; did you mean "no-public-ips"\?/);
            rejects({ "stack": "mandatory" }, /unknown policy "stack"; valid policy names:/);
            rejects({ "something-else-entirely": "mandatory" }, /unknown policy "something-else-entirely"; valid policy names: "bucket-encryption", "no-public-ips", "stack-budget", "all"/);
        });

        it("rejects unknown keys, suggesting the nearest valid key", () => {
            rejects({ "bucket-encryption": { minKeyBits: 512 } }, /policy "bucket-encryption": unknown key "minKeyBits"; did you mean "minimumKeyBits"\?/);
            rejects({ "bucket-encryption": { enforcementlevel: "advisory" } }, /unknown key "enforcementlevel"; did you mean "enforcementLevel"\?/);
            rejects({ "no-public-ips": { allowed: true } }, /policy "no-public-ips": unknown key "allowed"; this policy takes only enforcementLevel/);
        });

        it("rejects unknown keys in nested objects whose schema forbids them", () => {
            rejects({ "bucket-encryption": { tags: { ownr: "x" } } }, /"tags" has an unknown key "ownr"; did you mean "owner"\?/);
        });

        it("rejects wrong JSON types, naming the key and both types", () => {
            rejects({ "bucket-encryption": { minimumKeyBits: "256" } }, /policy "bucket-encryption": "minimumKeyBits" must be an integer, not a string/);
            rejects({ "bucket-encryption": { minimumKeyBits: 256.5 } }, /"minimumKeyBits" must be an integer, not a number/);
            rejects({ "bucket-encryption": { minimumKeyBits: null } }, /"minimumKeyBits" must be an integer, not null/);
            rejects({ "bucket-encryption": { exemptBuckets: "logs" } }, /"exemptBuckets" must be an array, not a string/);
            rejects({ "bucket-encryption": { exemptBuckets: ["ok", 3] } }, /"exemptBuckets"\[1\] must be a string, not an integer/);
            rejects({ "bucket-encryption": { ratio: true } }, /"ratio" must be a number, not a boolean/);
        });

        it("rejects values outside enum, bounds and pattern", () => {
            rejects({ "bucket-encryption": { algorithm: "DES" } }, /"algorithm" must be one of "AES256", "aws:kms", not "DES"/);
            rejects({ "bucket-encryption": { minimumKeyBits: 64 } }, /"minimumKeyBits" must be at least 128, not 64/);
            rejects({ "bucket-encryption": { minimumKeyBits: 8192 } }, /"minimumKeyBits" must be at most 4096, not 8192/);
            rejects({ "bucket-encryption": { ratio: 0 } }, /"ratio" must be greater than 0/);
            rejects({ "bucket-encryption": { exemptBuckets: ["Bad Name"] } }, /"exemptBuckets"\[0\] "Bad Name" does not match the pattern/);
        });

        it("rejects invalid enforcement levels wherever they appear", () => {
            rejects({ "no-public-ips": "mandatroy" }, /policy "no-public-ips": enforcement level "mandatroy" is not one of advisory, mandatory, remediate, disabled; did you mean "mandatory"\?/);
            rejects({ "bucket-encryption": { enforcementLevel: 1 } }, /enforcement level an integer is not one of/);
            rejects({ all: "strict" }, /"all": enforcement level "strict" is not one of/);
            rejects({ all: { enforcementLevel: "off" } }, /"all": enforcement level "off"/);
        });

        it("rejects \"all\" with anything but a level, and policy values that are neither level nor object", () => {
            rejects({ all: { enforcementLevel: "advisory", minimumKeyBits: 1 } }, /"all" takes only an enforcement level; unknown key "minimumKeyBits"/);
            rejects({ all: 3 }, /"all" must be an enforcement level .* not an integer/);
            rejects({ "no-public-ips": ["advisory"] }, /policy "no-public-ips" must be an enforcement level .* or an object, not an array/);
            rejects({ "no-public-ips": null }, /not null/);
            rejects([], /must be a JSON object mapping policy names/);
        });

        it("treats __proto__ and constructor as unknown policy names without polluting anything", () => {
            rejects(JSON.parse('{"__proto__": {"enforcementLevel": "disabled"}}'), /unknown policy "__proto__"/);
            rejects({ constructor: "advisory" }, /unknown policy "constructor"/);
            assert.strictEqual(({} as any).enforcementLevel, undefined);
        });

        it("reserves \"environments\", as the CLI does", () => {
            rejects({ environments: ["team/prod"] }, /"environments" is a key the Pulumi CLI reserves, not a policy name/);
        });

        it("names the policy that owns a key set under the wrong one", () => {
            rejects({ "no-public-ips": { monthlyLimit: 5 } }, /policy "no-public-ips": unknown key "monthlyLimit"; it is a key of policy "stack-budget"/);
        });

        it("checks only what the CLI checks when not strict: unknown names and keys pass, schema types still fail", () => {
            const v = validateConfig({ "bucket-encyption": "mandatory", "bucket-encryption": { minKeyBits: 512 } }, policies, "c", { strict: false });
            assert.deepStrictEqual(JSON.parse(JSON.stringify(v)), {
                "bucket-encyption": { enforcementLevel: "mandatory" },
                "bucket-encryption": { properties: { minKeyBits: 512 } },
            });
            assert.throws(() => validateConfig({ "bucket-encryption": { minimumKeyBits: "x" } }, policies, "c", { strict: false }), /must be an integer/);
        });

        it("escapes control characters in quoted names", () => {
            rejects({ "bad\nname\u0007": "advisory" }, /unknown policy "bad\\nname\\x07"/);
        });
    });

    describe("schemaProblem (the JSON Schema subset)", () => {
        it("handles anyOf, oneOf, allOf, const, uniqueItems and length bounds", () => {
            const anyOf = { anyOf: [{ type: "string" }, { type: "integer" }] };
            assert.strictEqual(schemaProblem("x", anyOf, "v"), undefined);
            assert.strictEqual(schemaProblem(3, anyOf, "v"), undefined);
            assert.match(schemaProblem(true, anyOf, "v")!, /v must be a string, not a boolean/);
            assert.match(schemaProblem(3, { oneOf: [{ type: "integer" }, { type: "number" }] }, "v")!, /more than one/);
            assert.match(schemaProblem(3, { allOf: [{ type: "integer" }, { maximum: 2 }] }, "v")!, /at most 2/);
            assert.match(schemaProblem("b", { const: "a" }, "v")!, /v must be "a"/);
            assert.match(schemaProblem(["a", "a"], { uniqueItems: true }, "v")!, /duplicate entry "a"/);
            assert.match(schemaProblem("", { minLength: 1 }, "v")!, /at least 1 characters/);
            assert.match(schemaProblem([1, 2, 3], { maxItems: 2 }, "v")!, /at most 2 entries/);
            assert.strictEqual(schemaProblem({ any: 1 }, { type: "object" }, "v"), undefined);
        });
    });

    describe("reconciliation", () => {
        it("starts from each policy's default level and schema defaults", () => {
            const r = reconcileConfig(policies, undefined, undefined);
            assert.deepStrictEqual(JSON.parse(JSON.stringify(r)), {
                "bucket-encryption": { enforcementLevel: "mandatory", properties: { algorithm: "AES256", minimumKeyBits: 256, exemptBuckets: [] } },
                "no-public-ips": { enforcementLevel: "advisory", properties: {} },
                "stack-budget": { enforcementLevel: "advisory", properties: { currency: "USD" } },
            });
        });

        it("applies the pack's initial config, then the user's, property by property", () => {
            const r = reconcileConfig(
                policies,
                { "bucket-encryption": { enforcementLevel: "advisory", properties: { minimumKeyBits: 512 } } },
                { "bucket-encryption": { properties: { algorithm: "aws:kms" } }, "stack-budget": { enforcementLevel: "disabled" } },
            );
            assert.deepStrictEqual(r["bucket-encryption"], { enforcementLevel: "advisory", properties: { algorithm: "aws:kms", minimumKeyBits: 512, exemptBuckets: [] } });
            assert.strictEqual(r["stack-budget"].enforcementLevel, "disabled");
        });

        it("lets \"all\" set every level, and a policy's own level win over it whatever the key order", () => {
            const r = reconcileConfig(policies, undefined, { "no-public-ips": { enforcementLevel: "mandatory" }, all: { enforcementLevel: "disabled" } });
            assert.strictEqual(r["bucket-encryption"].enforcementLevel, "disabled");
            assert.strictEqual(r["stack-budget"].enforcementLevel, "disabled");
            assert.strictEqual(r["no-public-ips"].enforcementLevel, "mandatory");
            // Kept, as the engine keeps it; the SDK ignores names it has no policy for.
            assert.strictEqual(r.all.enforcementLevel, "disabled");
            assert.deepStrictEqual(r["bucket-encryption"].properties.algorithm, "AES256", "\"all\" keeps properties");
        });

        it("lets an initial \"all\" be overridden by the user's \"all\"", () => {
            const r = reconcileConfig(policies, { all: { enforcementLevel: "disabled" } }, { all: { enforcementLevel: "mandatory" } });
            assert.ok(policies.every((p) => r[p.name].enforcementLevel === "mandatory"));
        });

        it("does not modify its inputs or share default arrays between runs", () => {
            const user = { "bucket-encryption": { properties: { exemptBuckets: ["a"] } } };
            const before = JSON.stringify(user);
            const r1 = reconcileConfig(policies, undefined, user);
            (r1["bucket-encryption"].properties.exemptBuckets as string[]).push("mutated");
            assert.strictEqual(JSON.stringify(user), before);
            const r2 = reconcileConfig(policies, undefined, undefined);
            assert.deepStrictEqual(r2["bucket-encryption"].properties.exemptBuckets, []);
            assert.deepStrictEqual(((policies[0].configSchema!.properties.exemptBuckets) as any).default, []);
        });

        it("enforces required keys on the reconciled config", () => {
            const r = reconcileConfig(policies, undefined, undefined);
            assert.throws(() => checkReconciled(policies, r, "config"), /config: policy "stack-budget" requires "monthlyLimit"/);
            const ok = reconcileConfig(policies, undefined, validateConfig({ "stack-budget": { monthlyLimit: 5 } }, policies));
            assert.doesNotThrow(() => checkReconciled(policies, ok, "config"));
        });
    });

    describe("reading the file", () => {
        const scratch = scratchFiles("engine-config-");
        const write = scratch.write;
        const fails = (file: string, pattern: RegExp) =>
            assert.throws(() => readConfigFile(file), (e: unknown) => e instanceof InputError && !/\n/.test(e.message) && pattern.test(e.message));

        it("reads a JSON object; an empty file is no config, as the Pulumi CLI takes it", () => {
            assert.deepStrictEqual(readConfigFile(write("ok.json", '{"all": "advisory"}')), { all: "advisory" });
            assert.deepStrictEqual(readConfigFile(write("empty.json", "")), {});
            assert.deepStrictEqual(readConfigFile(write("blank.json", "  \n")), {});
        });

        it("rejects a byte-order mark, as the CLI's JSON decoder does, with one line saying so", () => {
            fails(write("bom.json", '\ufeff{"all": "advisory"}'), /starts with a byte-order mark, which the Pulumi CLI rejects; save it as UTF-8 without a BOM/);
        });

        it("gives one line for a missing file, a directory, non-JSON, binary, empty and non-object content", () => {
            fails(path.join(scratch.dir(), "nope.json"), /config file ".*nope\.json" does not exist/);
            fails(scratch.dir(), /is a directory/);
            fails(write("bad.json", "{all: advisory"), /is not valid JSON/);
            fails(write("truncated.json", '{"all": "adv'), /is not valid JSON/);
            fails(write("bin.json", Buffer.from([0x7b, 0x00, 0xff, 0x10])), /binary data/);
            fails(write("latin1.json", Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d])), /not valid UTF-8/);
            fails(write("array.json", "[]"), /must hold a JSON object .* not an array/);
            fails(write("string.json", '"mandatory"'), /not a string/);
        });
    });
});
