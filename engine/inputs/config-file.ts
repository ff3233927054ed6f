// The user's policy config file (`--config FILE`, the same JSON the Pulumi CLI
// takes as --policy-pack-config): loading, validation against the schemas the
// pack publishes in GetAnalyzerInfo, and the engine's reconciliation.
//
// The engine checks config only against each policy's JSON schema, which it
// builds without `additionalProperties: false`, so a misspelled key is
// accepted and silently leaves a check at its default. Here every policy name
// and key must exist (the nearest valid one is suggested), and values must
// have the schema's types, before any input is analyzed. Everything works
// from the schemas; nothing here knows this pack's policies.
import { nearest } from "../../lib/policy-config";
import { escapeControlChars, quote } from "../../lib/quote";
import { InputError, readInputFile } from "../errors";
import { Violation } from "../resource-model";
import { isPlainObject } from "../../lib/read-property";

export type EnforcementLevel = Violation["enforcementLevel"];
export const enforcementLevels: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export type JsonSchema = Record<string, unknown>;

export interface PolicyConfigSchemaInfo {
    properties: Record<string, JsonSchema>;
    required?: string[];
}

/** What GetAnalyzerInfo says about one policy. */
export interface PolicyDescriptor {
    name: string;
    type: "resource" | "stack";
    enforcementLevel: EnforcementLevel;
    description?: string;
    configSchema?: PolicyConfigSchemaInfo;
}

/** One policy's entry in a config source (file or the pack's initial config). */
export interface PolicyConfigEntry {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}

export type PolicyConfigMap = Record<string, PolicyConfigEntry>;

/** What Configure sends for one policy. */
export interface ReconciledPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

/** The key that sets every policy's level; the SDK forbids it as a policy name. */
export const allKey = "all";

const has = (obj: object, key: string) => Object.prototype.hasOwnProperty.call(obj, key);

export function isEnforcementLevel(value: unknown): value is EnforcementLevel {
    return typeof value === "string" && (enforcementLevels as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------

/** Reads and parses a config file; any problem is one InputError line. */
export function readConfigFile(file: string): Record<string, unknown> {
    const label = `config file ${quote(file)}`;
    const buf = readInputFile(file, label, "is a directory, not a JSON file");
    return parseConfigText(buf, label);
}

export function parseConfigText(buf: Buffer | string, label = "config"): Record<string, unknown> {
    let text: string;
    if (typeof buf === "string") {
        text = buf;
    } else {
        if (buf.includes(0)) {
            throw new InputError(`${label} is not JSON: it contains binary data`);
        }
        try {
            text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
        } catch {
            throw new InputError(`${label} is not JSON: it is not valid UTF-8 text`);
        }
    }
    text = text.replace(/^\ufeff/, "");
    if (text.trim() === "") {
        throw new InputError(`${label} is empty; write a JSON object such as {"all": "mandatory"}`);
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (e) {
        throw new InputError(`${label} is not valid JSON: ${escapeControlChars(String((e as Error).message)).slice(0, 200)}`);
    }
    if (!isPlainObject(value)) {
        throw new InputError(`${label} must hold a JSON object mapping policy names to levels or settings, not ${typeName(value)}`);
    }
    return value;
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

export function typeName(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "an array";
    }
    switch (typeof value) {
        case "string":
            return "a string";
        case "number":
            return Number.isInteger(value) ? "an integer" : "a number";
        case "boolean":
            return "a boolean";
        case "object":
            return "an object";
        default:
            return typeof value;
    }
}

function suggestion(word: string, candidates: readonly string[], what: string): string {
    const near = nearest(word, candidates);
    if (near !== undefined) {
        return `; did you mean ${quote(near)}?`;
    }
    if (candidates.length === 0) {
        return `; there are no ${what}s`;
    }
    const shown = candidates.slice(0, 12).map((c) => quote(c)).join(", ");
    return `; valid ${what}s: ${shown}${candidates.length > 12 ? ", …" : ""}`;
}

function levelProblem(value: unknown): string {
    const shown = typeof value === "string" ? quote(value) : typeName(value);
    const near = typeof value === "string" ? nearest(value, enforcementLevels) : undefined;
    return `enforcement level ${shown} is not one of ${enforcementLevels.join(", ")}${near ? `; did you mean ${quote(near)}?` : ""}`;
}

function typeMatches(type: string, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "boolean":
            return typeof value === "boolean";
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "number":
            return typeof value === "number" && Number.isFinite(value);
        case "array":
            return Array.isArray(value);
        case "object":
            return isPlainObject(value);
        case "null":
            return value === null;
        default:
            return true; // an unknown type keyword constrains nothing
    }
}

function article(type: string): string {
    return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) {
        return true;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
    }
    if (isPlainObject(a) && isPlainObject(b)) {
        const ka = Object.keys(a);
        return ka.length === Object.keys(b).length && ka.every((k) => has(b, k) && deepEqual(a[k], b[k]));
    }
    return false;
}

function shown(value: unknown): string {
    return typeof value === "string" ? quote(value) : escapeControlChars(JSON.stringify(value) ?? String(value)).slice(0, 80);
}

/**
 * The first way `value` breaks `schema`, as "<where> <problem>", or undefined.
 * Covers the JSON Schema keywords policy packs use: type, enum, const,
 * numeric and string bounds, pattern, items, properties, required,
 * additionalProperties, allOf, anyOf, oneOf.
 */
export function schemaProblem(value: unknown, schema: unknown, where: string): string | undefined {
    if (!isPlainObject(schema)) {
        return undefined;
    }
    const s = schema;
    if (s.type !== undefined) {
        const types = (Array.isArray(s.type) ? s.type : [s.type]).filter((t): t is string => typeof t === "string");
        if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
            return `${where} must be ${types.map(article).join(" or ")}, not ${typeName(value)}`;
        }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, value))) {
        return `${where} must be one of ${s.enum.map(shown).join(", ")}, not ${shown(value)}`;
    }
    if (has(s, "const") && !deepEqual(s.const, value)) {
        return `${where} must be ${shown(s.const)}`;
    }
    if (typeof value === "number") {
        if (typeof s.minimum === "number" && value < s.minimum) {
            return `${where} must be at least ${s.minimum}, not ${value}`;
        }
        if (typeof s.maximum === "number" && value > s.maximum) {
            return `${where} must be at most ${s.maximum}, not ${value}`;
        }
        if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) {
            return `${where} must be greater than ${s.exclusiveMinimum}, not ${value}`;
        }
        if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum) {
            return `${where} must be less than ${s.exclusiveMaximum}, not ${value}`;
        }
        if (typeof s.multipleOf === "number" && s.multipleOf > 0 && !Number.isInteger(value / s.multipleOf)) {
            return `${where} must be a multiple of ${s.multipleOf}`;
        }
    }
    if (typeof value === "string") {
        const length = [...value].length;
        if (typeof s.minLength === "number" && length < s.minLength) {
            return `${where} must be at least ${s.minLength} characters long`;
        }
        if (typeof s.maxLength === "number" && length > s.maxLength) {
            return `${where} must be at most ${s.maxLength} characters long`;
        }
        if (typeof s.pattern === "string") {
            let re: RegExp | undefined;
            try {
                re = new RegExp(s.pattern, "u");
            } catch {
                re = undefined; // a schema's own bad pattern is the pack's problem, not the user's
            }
            if (re !== undefined && !re.test(value)) {
                return `${where} ${quote(value)} does not match the pattern ${quote(s.pattern)}`;
            }
        }
    }
    if (Array.isArray(value)) {
        if (typeof s.minItems === "number" && value.length < s.minItems) {
            return `${where} must have at least ${s.minItems} entries`;
        }
        if (typeof s.maxItems === "number" && value.length > s.maxItems) {
            return `${where} must have at most ${s.maxItems} entries`;
        }
        if (s.uniqueItems === true) {
            const dup = value.findIndex((v, i) => value.findIndex((w) => deepEqual(v, w)) !== i);
            if (dup >= 0) {
                return `${where} has a duplicate entry ${shown(value[dup])}`;
            }
        }
        if (isPlainObject(s.items)) {
            for (let i = 0; i < value.length; i++) {
                const p = schemaProblem(value[i], s.items, `${where}[${i}]`);
                if (p !== undefined) {
                    return p;
                }
            }
        }
    }
    if (isPlainObject(value)) {
        const props = isPlainObject(s.properties) ? s.properties : {};
        if (Array.isArray(s.required)) {
            for (const key of s.required) {
                if (typeof key === "string" && !has(value, key)) {
                    return `${where} is missing the required key ${quote(key)}`;
                }
            }
        }
        for (const key of Object.keys(value)) {
            const sub = `${where}.${escapeControlChars(key.slice(0, 80))}`;
            if (has(props, key)) {
                const p = schemaProblem(value[key], props[key], sub);
                if (p !== undefined) {
                    return p;
                }
            } else if (s.additionalProperties === false) {
                return `${where} has an unknown key ${quote(key)}${suggestion(key, Object.keys(props), "key")}`;
            } else if (isPlainObject(s.additionalProperties)) {
                const p = schemaProblem(value[key], s.additionalProperties, sub);
                if (p !== undefined) {
                    return p;
                }
            }
        }
    }
    if (Array.isArray(s.allOf)) {
        for (const sub of s.allOf) {
            const p = schemaProblem(value, sub, where);
            if (p !== undefined) {
                return p;
            }
        }
    }
    if (Array.isArray(s.anyOf) && s.anyOf.length > 0 && !s.anyOf.some((sub) => schemaProblem(value, sub, where) === undefined)) {
        return schemaProblem(value, s.anyOf[0], where) ?? `${where} matches none of the allowed forms`;
    }
    if (Array.isArray(s.oneOf) && s.oneOf.length > 0) {
        const matching = s.oneOf.filter((sub) => schemaProblem(value, sub, where) === undefined).length;
        if (matching !== 1) {
            return matching === 0
                ? schemaProblem(value, s.oneOf[0], where) ?? `${where} matches none of the allowed forms`
                : `${where} matches more than one of the allowed forms`;
        }
    }
    return undefined;
}

/**
 * Validates a config object (already parsed) against the policies' schemas
 * and returns it normalized. Throws one InputError naming the policy, the key
 * and the problem.
 */
export function validateConfig(raw: unknown, policies: readonly PolicyDescriptor[], label = "config"): PolicyConfigMap {
    if (!isPlainObject(raw)) {
        throw new InputError(`${label} must be a JSON object mapping policy names to levels or settings, not ${typeName(raw)}`);
    }
    const byName = new Map(policies.map((p) => [p.name, p]));
    const names = policies.map((p) => p.name);
    const result: PolicyConfigMap = Object.create(null);
    for (const key of Object.keys(raw)) {
        const value = raw[key];
        if (key === allKey) {
            result[allKey] = validateAll(value, label);
            continue;
        }
        const policy = byName.get(key);
        if (policy === undefined) {
            throw new InputError(`${label}: unknown policy ${quote(key)}${suggestion(key, [...names, allKey], "policy name")}`);
        }
        const where = `${label}: policy ${quote(policy.name)}`;
        if (typeof value === "string") {
            if (!isEnforcementLevel(value)) {
                throw new InputError(`${where}: ${levelProblem(value)}`);
            }
            result[key] = { enforcementLevel: value };
            continue;
        }
        if (!isPlainObject(value)) {
            throw new InputError(`${where} must be an enforcement level (${enforcementLevels.join(", ")}) or an object, not ${typeName(value)}`);
        }
        const entry: PolicyConfigEntry = {};
        const properties: Record<string, unknown> = {};
        const schemaProps = policy.configSchema?.properties ?? {};
        const validKeys = Object.keys(schemaProps);
        for (const prop of Object.keys(value)) {
            const propValue = value[prop];
            if (prop === "enforcementLevel") {
                if (!isEnforcementLevel(propValue)) {
                    throw new InputError(`${where}: ${levelProblem(propValue)}`);
                }
                entry.enforcementLevel = propValue;
                continue;
            }
            if (!has(schemaProps, prop)) {
                const hint = validKeys.length === 0
                    ? "; this policy takes only enforcementLevel"
                    : suggestion(prop, [...validKeys, "enforcementLevel"], "key");
                throw new InputError(`${where}: unknown key ${quote(prop)}${hint}`);
            }
            const problem = schemaProblem(propValue, schemaProps[prop], quote(prop));
            if (problem !== undefined) {
                throw new InputError(`${where}: ${problem}`);
            }
            Object.defineProperty(properties, prop, { value: propValue, enumerable: true, writable: true, configurable: true });
        }
        if (Object.keys(properties).length > 0) {
            entry.properties = properties;
        }
        // The engine drops entries that set nothing.
        if (entry.enforcementLevel !== undefined || entry.properties !== undefined) {
            result[key] = entry;
        }
    }
    return result;
}

function validateAll(value: unknown, label: string): PolicyConfigEntry {
    const where = `${label}: ${quote(allKey)}`;
    if (typeof value === "string") {
        if (!isEnforcementLevel(value)) {
            throw new InputError(`${where}: ${levelProblem(value)}`);
        }
        return { enforcementLevel: value };
    }
    if (!isPlainObject(value)) {
        throw new InputError(`${where} must be an enforcement level (${enforcementLevels.join(", ")}), not ${typeName(value)}`);
    }
    const entry: PolicyConfigEntry = {};
    for (const prop of Object.keys(value)) {
        if (prop !== "enforcementLevel") {
            throw new InputError(`${where} takes only an enforcement level; unknown key ${quote(prop)}${suggestion(prop, ["enforcementLevel"], "key")}`);
        }
        if (!isEnforcementLevel(value[prop])) {
            throw new InputError(`${where}: ${levelProblem(value[prop])}`);
        }
        entry.enforcementLevel = value[prop] as EnforcementLevel;
    }
    return entry;
}

// ---------------------------------------------------------------------------
// Reconciliation (pkg/resource/analyzer ReconcilePolicyPackConfig)
// ---------------------------------------------------------------------------

function clone<T>(value: T): T {
    return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** Every policy at its default level, with its schema's defaults. */
export function configWithDefaults(policies: readonly PolicyDescriptor[]): Record<string, ReconciledPolicyConfig> {
    const result: Record<string, ReconciledPolicyConfig> = Object.create(null);
    for (const policy of policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (isPlainObject(schema) && has(schema, "default")) {
                properties[key] = clone(schema.default);
            }
        }
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
    }
    return result;
}

/** Applies one config source on top of `result`, as the engine's applyConfig does. */
export function applyConfig(result: Record<string, ReconciledPolicyConfig>, config: PolicyConfigMap | undefined): Record<string, ReconciledPolicyConfig> {
    if (config === undefined) {
        return result;
    }
    const all = has(config, allKey) ? config[allKey] : undefined;
    if (all?.enforcementLevel !== undefined) {
        for (const name of Object.keys(result)) {
            result[name] = { enforcementLevel: all.enforcementLevel, properties: result[name].properties };
        }
    }
    // Like the engine, the "all" entry itself is kept and sent to the pack;
    // the SDK looks policies up by name, so it is inert there.
    for (const name of Object.keys(config)) {
        const given = config[name];
        const current = has(result, name) ? result[name] : undefined;
        const enforcementLevel = given.enforcementLevel ?? current?.enforcementLevel ?? "advisory";
        const properties = { ...(current?.properties ?? {}), ...clone(given.properties ?? {}) };
        result[name] = { enforcementLevel, properties };
    }
    return result;
}

/**
 * Schema defaults, then the pack's initial config, then the user's config.
 * Pure: the inputs are not modified.
 */
export function reconcileConfig(
    policies: readonly PolicyDescriptor[],
    initialConfig: PolicyConfigMap | undefined,
    userConfig: PolicyConfigMap | undefined,
): Record<string, ReconciledPolicyConfig> {
    const result = configWithDefaults(policies);
    applyConfig(result, initialConfig);
    applyConfig(result, userConfig);
    return result;
}

/**
 * After reconciliation, the engine validates each policy's final properties
 * against its schema (this is where `required` is enforced).
 */
export function checkReconciled(policies: readonly PolicyDescriptor[], reconciled: Record<string, ReconciledPolicyConfig>, label = "config"): void {
    for (const policy of policies) {
        const schema = policy.configSchema;
        if (schema === undefined) {
            continue;
        }
        const props = reconciled[policy.name]?.properties ?? {};
        for (const key of schema.required ?? []) {
            if (!has(props, key)) {
                throw new InputError(`${label}: policy ${quote(policy.name)} requires ${quote(key)}, and neither the pack nor the config sets it`);
            }
        }
        for (const key of Object.keys(props)) {
            if (has(schema.properties, key)) {
                const problem = schemaProblem(props[key], schema.properties[key], quote(key));
                if (problem !== undefined) {
                    throw new InputError(`${label}: policy ${quote(policy.name)}: ${problem}`);
                }
            }
        }
    }
}
