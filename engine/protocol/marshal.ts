// EngineResource values -> the Analyzer protocol's messages, with the
// transformations the engine applies (sdk/go/common/resource/plugin:
// MarshalProperties with KeepUnknowns and KeepSecrets, and SkipInternalKeys
// for Analyze/AnalyzeStack but not for Remediate):
// - unknowns stay the engine's sentinel strings;
// - secrets stay signature envelopes, so the pack sees their plaintext;
// - keys starting with "__" are dropped at every depth;
// - resource references become the referenced resource's id (its URN when it
//   has no id), output values become their value, or an unknown when they
//   have none, because the engine does not keep either kind for analyzers;
// - `options` is always set: the Node SDK throws on a request without it.
import type * as analyzerTypes from "@pulumi/pulumi/proto/analyzer_pb";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import { loadProto } from "./proto";
import { EngineResource, secretSig, specialSigKey, unknownSentinels } from "../resource-model";
import { isPlainObject } from "../../lib/read-property";

export const assetSig = "c44067f5952c0a294b673a41bacd8c17";
export const archiveSig = "0def7320c3a5731c473e5ecbe6d01bc7";
export const resourceReferenceSig = "5cf8f73096256a8f31e491e813e4eb8e";
export const outputValueSig = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** Resource options the engine sends with every resource; inputs may carry them. */
export interface EngineResourceOptions {
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    aliases?: string[];
    customTimeouts?: { create?: number; update?: number; delete?: number };
}

/** An EngineResource that may also carry the options recorded for it. */
export type ResourceWithOptions = EngineResource & { options?: EngineResourceOptions };

export interface MarshalOptions {
    /** Drop keys starting with "__" (the engine does for Analyze and AnalyzeStack). */
    skipInternalKeys?: boolean;
}

/** Values deeper than this are cut, so a hostile input cannot overflow the stack. */
const maxDepth = 512;

function hasContent(value: unknown): boolean {
    return (typeof value === "string" && value !== "") || isPlainObject(value);
}

/**
 * One value in wire form: plain JSON that google.protobuf.Value can hold.
 * Returns undefined for a value the engine would omit (an object key whose
 * value is undefined).
 */
export function toWireValue(value: unknown, opts: MarshalOptions = {}, depth = 0): unknown {
    if (value === null || typeof value === "string" || typeof value === "boolean") {
        return value;
    }
    if (typeof value === "number") {
        return value;
    }
    if (value === undefined) {
        return undefined;
    }
    if (depth > maxDepth) {
        return unknownSentinels.object;
    }
    if (Array.isArray(value)) {
        // protobuf lists cannot hold holes; the engine has no undefined either.
        return value.map((v) => {
            const w = toWireValue(v, opts, depth + 1);
            return w === undefined ? null : w;
        });
    }
    if (typeof value !== "object") {
        // bigint, function, symbol: not JSON, so not something an input can hold.
        throw new TypeError(`cannot marshal a value of type ${typeof value}`);
    }
    const obj = value as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(obj, specialSigKey)) {
        return specialToWire(obj, opts, depth);
    }
    return objectToWire(obj, opts, depth);
}

function objectToWire(obj: Record<string, unknown>, opts: MarshalOptions, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
        if (opts.skipInternalKeys !== false && key.startsWith("__")) {
            continue;
        }
        const w = toWireValue(obj[key], opts, depth + 1);
        if (w !== undefined) {
            // defineProperty, so a key "__proto__" (kept when not skipping) stays data.
            Object.defineProperty(out, key, { value: w, enumerable: true, writable: true, configurable: true });
        }
    }
    return out;
}

function specialToWire(obj: Record<string, unknown>, opts: MarshalOptions, depth: number): unknown {
    const sig = obj[specialSigKey];
    switch (sig) {
        case secretSig: {
            const inner = toWireValue(obj.value, opts, depth + 1);
            return { [specialSigKey]: secretSig, value: inner === undefined ? null : inner };
        }
        case resourceReferenceSig: {
            // The engine marshals a reference without KeepResources as the id
            // of a custom resource (unknown when the id is not known yet) or
            // the URN of a component.
            if (Object.prototype.hasOwnProperty.call(obj, "id")) {
                const id = obj.id;
                return typeof id === "string" && id !== "" ? id : unknownSentinels.string;
            }
            return typeof obj.urn === "string" ? obj.urn : unknownSentinels.string;
        }
        case outputValueSig: {
            const known = Object.prototype.hasOwnProperty.call(obj, "value");
            const inner = known ? toWireValue(obj.value, opts, depth + 1) : unknownSentinels.string;
            const v = inner === undefined ? null : inner;
            return obj.secret === true ? { [specialSigKey]: secretSig, value: v } : v;
        }
        case assetSig:
            // The Node SDK throws while deserializing an asset with no path,
            // text or uri (even an empty StringAsset), which would fail the
            // whole request; such an asset reaches the pack as unknown.
            return ["path", "text", "uri"].some((k) => hasContent(obj[k])) ? objectToWire(obj, { skipInternalKeys: false }, depth) : unknownSentinels.asset;
        case archiveSig:
            return ["assets", "path", "uri"].some((k) => hasContent(obj[k])) ? objectToWire(obj, { skipInternalKeys: false }, depth) : unknownSentinels.archive;
        default:
            // An unrecognized signature also makes the SDK throw; the engine
            // never sends one, so it can only come from a damaged input.
            return unknownSentinels.object;
    }
}

/** A property map in wire form (top-level undefined values omitted). */
export function toWireProperties(props: Record<string, unknown> | undefined, opts: MarshalOptions = {}): Record<string, unknown> {
    if (!isPlainObject(props)) {
        return {};
    }
    return objectToWire(props, opts, 0);
}

export function marshalProperties(props: Record<string, unknown> | undefined, opts: MarshalOptions = {}): structTypes.Struct {
    const { struct } = loadProto();
    return struct.Struct.fromJavaScript(toWireProperties(props, opts) as Record<string, structTypes.JavaScriptValue>);
}

/** The inverse for what the pack sends back (remediated properties). */
export function unmarshalProperties(s: structTypes.Struct | undefined): Record<string, unknown> {
    return s === undefined ? {} : (s.toJavaScript() as Record<string, unknown>);
}

function marshalOptions(resource: ResourceWithOptions): analyzerTypes.AnalyzerResourceOptions {
    const { analyzer } = loadProto();
    const o = resource.options ?? {};
    const timeouts = new analyzer.AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(o.customTimeouts?.create ?? 0);
    timeouts.setUpdate(o.customTimeouts?.update ?? 0);
    timeouts.setDelete(o.customTimeouts?.delete ?? 0);
    const opts = new analyzer.AnalyzerResourceOptions();
    opts.setProtect(o.protect === true);
    opts.setIgnorechangesList(o.ignoreChanges ?? []);
    opts.setDeletebeforereplace(o.deleteBeforeReplace === true);
    opts.setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined);
    opts.setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? []);
    opts.setAliasesList(o.aliases ?? []);
    opts.setCustomtimeouts(timeouts);
    if (resource.parent) {
        opts.setParent(resource.parent);
    }
    return opts;
}

/** The URN part of a provider reference `<provider URN>::<provider id>`. */
export function providerUrnOf(reference: string | undefined): string | undefined {
    if (!reference) {
        return undefined;
    }
    const cut = reference.lastIndexOf("::");
    return cut > 0 ? reference.slice(0, cut) : undefined;
}

/** The provider resource a resource names, when it is among `byUrn`. */
export function findProvider(resource: EngineResource, byUrn: ReadonlyMap<string, EngineResource> | undefined): EngineResource | undefined {
    const urn = providerUrnOf(resource.provider);
    return urn !== undefined ? byUrn?.get(urn) : undefined;
}

function marshalProvider(provider: EngineResource): analyzerTypes.AnalyzerProviderResource {
    const { analyzer } = loadProto();
    const p = new analyzer.AnalyzerProviderResource();
    p.setUrn(provider.urn);
    p.setType(provider.type);
    p.setName(provider.name);
    // The engine sends the provider's inputs (its configuration).
    p.setProperties(marshalProperties(provider.inputs, { skipInternalKeys: true }));
    return p;
}

/** The request for Analyze (skipInternalKeys) or Remediate (keeps "__" keys, as the engine does). */
export function makeAnalyzeRequest(
    resource: ResourceWithOptions,
    properties: Record<string, unknown>,
    provider: EngineResource | undefined,
    forRemediate = false,
): analyzerTypes.AnalyzeRequest {
    const { analyzer } = loadProto();
    const req = new analyzer.AnalyzeRequest();
    req.setUrn(resource.urn);
    req.setType(resource.type);
    req.setName(resource.name);
    req.setProperties(marshalProperties(properties, { skipInternalKeys: !forRemediate }));
    req.setOptions(marshalOptions(resource));
    if (provider !== undefined) {
        req.setProvider(marshalProvider(provider));
    }
    return req;
}

/** One resource of an AnalyzeStack request: outputs plus the links between resources. */
export function makeAnalyzerResource(resource: ResourceWithOptions, provider: EngineResource | undefined): analyzerTypes.AnalyzerResource {
    const { analyzer } = loadProto();
    const r = new analyzer.AnalyzerResource();
    r.setUrn(resource.urn);
    r.setType(resource.type);
    r.setName(resource.name);
    r.setProperties(marshalProperties(resource.outputs, { skipInternalKeys: true }));
    r.setOptions(marshalOptions(resource));
    if (provider !== undefined) {
        r.setProvider(marshalProvider(provider));
    }
    if (resource.parent) {
        r.setParent(resource.parent);
    }
    r.setDependenciesList([...(resource.dependencies ?? [])]);
    const deps = r.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
        // The engine skips properties without dependencies.
        if (!Array.isArray(urns) || urns.length === 0) {
            continue;
        }
        const pd = new analyzer.AnalyzerPropertyDependencies();
        pd.setUrnsList([...urns]);
        deps.set(key, pd);
    }
    return r;
}
