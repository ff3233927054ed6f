import * as assert from "assert";
import {
    archiveSig,
    assetSig,
    makeAnalyzeRequest,
    makeAnalyzerResource,
    outputValueSig,
    providerUrnOf,
    resourceReferenceSig,
    toWireProperties,
    toWireValue,
} from "../../engine/protocol/marshal";
import { loadProto } from "../../engine/protocol/proto";
import { secret, secretSig, specialSigKey, unknownSentinels } from "../../engine/resource-model";
import { resource, urnOf } from "./helpers";

// What the pack's SDK makes of a Struct: the same deserializer its Analyze
// (proxySecrets=false) and Remediate (proxySecrets=true) handlers use.
const sdkDeserialize: (s: unknown, proxySecrets: boolean) => Record<string, unknown> =
    require("@pulumi/policy/deserialize").deserializeProperties;

const U = unknownSentinels;

describe("engine marshal", () => {
    describe("values", () => {
        it("keeps unknown sentinels as strings at every depth, including in lists and secrets", () => {
            const wire = toWireProperties({
                a: U.string,
                b: { c: [U.number, { d: U.object }] },
                e: secret(U.array),
            });
            assert.deepStrictEqual(wire, {
                a: U.string,
                b: { c: [U.number, { d: U.object }] },
                e: { [specialSigKey]: secretSig, value: U.array },
            });
        });

        it("keeps secret envelopes, which the SDK unwraps to plaintext for Analyze and to Secret for Remediate", () => {
            const struct = makeAnalyzeRequest(resource("t:m:R", "r", { s: secret({ k: "v" }), n: 1 }), { s: secret({ k: "v" }), n: 1 }, undefined).getProperties()!;
            assert.deepStrictEqual(struct.toJavaScript(), { s: { [specialSigKey]: secretSig, value: { k: "v" } }, n: 1 });
            assert.deepStrictEqual(sdkDeserialize(struct, false), { s: { k: "v" }, n: 1 });
            const proxied = sdkDeserialize(struct, true);
            const raw = Object.getOwnPropertyDescriptor((proxied as any).__getSpecialProxyTarget, "s")!.value;
            assert.strictEqual(raw.constructor.name, "Secret");
            assert.deepStrictEqual(raw.value, { k: "v" });
        });

        it("drops keys starting with __ at every depth, also inside lists and secrets", () => {
            const wire = toWireProperties({
                __defaults: ["name"],
                keep: { __inner: 1, ok: [{ __x: 1, y: 2 }] },
                s: secret({ __meta: true, v: 3 }),
                _single: "stays",
            });
            assert.deepStrictEqual(wire, { keep: { ok: [{ y: 2 }] }, s: { [specialSigKey]: secretSig, value: { v: 3 } }, _single: "stays" });
        });

        it("keeps __ keys for Remediate, as the engine does, and never lets __proto__ pollute anything", () => {
            const inputs = JSON.parse('{"__defaults": [], "__proto__": {"polluted": true}, "a": 1}');
            const r = resource("t:m:R", "r", inputs);
            const wire = toWireProperties(inputs, { skipInternalKeys: false });
            assert.ok(Object.prototype.hasOwnProperty.call(wire, "__proto__"), "kept as an own data key");
            assert.strictEqual(Object.getPrototypeOf(wire), Object.prototype);
            const keys = (forRemediate: boolean) => makeAnalyzeRequest(r, inputs, undefined, forRemediate).getProperties()!
                .getFieldsMap().getEntryList().map(([k]: [string, unknown]) => k).sort();
            assert.deepStrictEqual(keys(false), ["a"]);
            // google-protobuf's JS maps cannot hold a "__proto__" key (the pack's copy could not either).
            assert.deepStrictEqual(keys(true), ["__defaults", "a"]);
            assert.strictEqual(({} as any).polluted, undefined);
        });

        it("omits undefined object values and turns undefined list entries into null", () => {
            assert.deepStrictEqual(toWireProperties({ a: undefined, b: [1, undefined, 3] }), { b: [1, null, 3] });
        });

        it("turns resource references into ids (unknown while empty) and component references into URNs", () => {
            const ref = (extra: Record<string, unknown>) => ({ [specialSigKey]: resourceReferenceSig, urn: "urn:pulumi:dev::p::t:m:R::r", ...extra });
            assert.strictEqual(toWireValue(ref({ id: "i-123" })), "i-123");
            assert.strictEqual(toWireValue(ref({ id: "" })), U.string);
            assert.strictEqual(toWireValue(ref({})), "urn:pulumi:dev::p::t:m:R::r");
        });

        it("turns output values into their value, an unknown when they have none, and keeps their secretness", () => {
            const out = (extra: Record<string, unknown>) => ({ [specialSigKey]: outputValueSig, ...extra });
            assert.deepStrictEqual(toWireValue(out({ value: { a: 1 } })), { a: 1 });
            assert.strictEqual(toWireValue(out({})), U.string);
            assert.deepStrictEqual(toWireValue(out({ value: "x", secret: true })), { [specialSigKey]: secretSig, value: "x" });
        });

        it("passes assets with content through and turns empty ones and unknown signatures into unknowns the SDK accepts", () => {
            const asset = { [specialSigKey]: assetSig, hash: "abc", text: "hello" };
            assert.deepStrictEqual(toWireValue(asset), asset);
            assert.strictEqual(toWireValue({ [specialSigKey]: assetSig, hash: "abc", text: "" }), U.asset);
            assert.strictEqual(toWireValue({ [specialSigKey]: archiveSig, hash: "abc" }), U.archive);
            assert.strictEqual(toWireValue({ [specialSigKey]: "not-a-known-signature", x: 1 }), U.object);
            const req = makeAnalyzeRequest(resource("t:m:R", "r", {}), {
                a: asset,
                b: { [specialSigKey]: assetSig, hash: "abc" },
                c: { [specialSigKey]: "bogus" },
            }, undefined);
            // The SDK's deserializer throws on empty assets and unknown signatures; after marshalling it does not.
            const seen = sdkDeserialize(req.getProperties(), false);
            assert.strictEqual(seen.b, U.asset);
            assert.strictEqual(seen.c, U.object);
        });

        it("refuses values that are not JSON", () => {
            assert.throws(() => toWireValue({ f: () => 1 }), /cannot marshal a value of type function/);
        });

        it("cuts absurdly deep values instead of overflowing the stack", () => {
            let deep: Record<string, unknown> = { leaf: 1 };
            for (let i = 0; i < 5000; i++) {
                deep = { d: deep };
            }
            assert.doesNotThrow(() => toWireProperties(deep));
        });
    });

    describe("requests", () => {
        const providerUrn = urnOf("pulumi:providers:aws", "default_7_48_0");
        const provider = resource("pulumi:providers:aws", "default_7_48_0", { region: "eu-west-1", __internal: { x: 1 } });
        const stage = resource("aws:apigatewayv2/stage:Stage", "s", { name: "$default", apiId: U.string }, {
            parent: urnOf("pulumi:pulumi:Stack", "proj-dev"),
            provider: `${providerUrn}::4a6b`,
            dependencies: [urnOf("aws:apigatewayv2/api:Api", "api")],
            propertyDependencies: { apiId: [urnOf("aws:apigatewayv2/api:Api", "api")], name: [] },
            outputs: { name: "$default", apiId: U.string, arn: U.string },
        });

        it("always sets options with custom timeouts, and the parent", () => {
            const req = makeAnalyzeRequest(stage, stage.inputs, undefined);
            const opts = req.getOptions()!;
            assert.ok(opts.getCustomtimeouts(), "customTimeouts must be set or the SDK throws");
            assert.strictEqual(opts.getCustomtimeouts()!.getCreate(), 0);
            assert.strictEqual(opts.getParent(), stage.parent);
            assert.strictEqual(req.getUrn(), stage.urn);
            assert.strictEqual(req.getType(), stage.type);
            assert.strictEqual(req.getName(), "s");
        });

        it("sets the provider from the provider resource's inputs, without internal keys", () => {
            const req = makeAnalyzeRequest(stage, stage.inputs, provider);
            const p = req.getProvider()!;
            assert.strictEqual(p.getUrn(), providerUrn);
            assert.strictEqual(p.getType(), "pulumi:providers:aws");
            assert.strictEqual(p.getName(), "default_7_48_0");
            assert.deepStrictEqual(p.getProperties()!.toJavaScript(), { region: "eu-west-1" });
            assert.strictEqual(providerUrnOf(stage.provider), providerUrn);
        });

        it("sets outputs, parent, dependencies and non-empty property dependencies for AnalyzeStack", () => {
            const r = makeAnalyzerResource(stage, provider);
            assert.deepStrictEqual(r.getProperties()!.toJavaScript(), stage.outputs);
            assert.strictEqual(r.getParent(), stage.parent);
            assert.deepStrictEqual(r.getDependenciesList(), stage.dependencies);
            const deps: Record<string, string[]> = {};
            r.getPropertydependenciesMap().forEach((v, k) => {
                deps[k] = v.getUrnsList();
            });
            assert.deepStrictEqual(deps, { apiId: [urnOf("aws:apigatewayv2/api:Api", "api")] });
            assert.ok(r.getOptions()!.getCustomtimeouts());
        });

        it("produces messages the generated serializers accept (same google-protobuf copy)", () => {
            const { analyzer } = loadProto();
            const req = makeAnalyzeRequest(stage, stage.inputs, provider);
            const back = analyzer.AnalyzeRequest.deserializeBinary(req.serializeBinary());
            assert.deepStrictEqual(back.getProperties()!.toJavaScript(), { name: "$default", apiId: U.string });
            const stackReq = new analyzer.AnalyzeStackRequest();
            stackReq.setResourcesList([makeAnalyzerResource(stage, provider)]);
            const backStack = analyzer.AnalyzeStackRequest.deserializeBinary(stackReq.serializeBinary());
            assert.strictEqual(backStack.getResourcesList()[0].getUrn(), stage.urn);
        });
    });
});
