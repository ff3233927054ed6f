// The user's policy config file (`--config FILE`, the same JSON the Pulumi CLI
// takes as --policy-pack-config): loading, validation against the schemas the
// pack publishes in GetAnalyzerInfo, and the engine's reconciliation.
//
// Two layers. The first is the CLI's own: it reads the file as Go's JSON
// decoder does (an empty file is no config, a byte-order mark is an error,
// `environments` is reserved) and checks each policy's properties with a JSON
// Schema validator (gojsonschema there, ajv here, draft-07: the keywords packs
// use mean the same in both) against `{type: object, properties, required}`,
// without `additionalProperties: false`. So a misspelled key or policy name
// passes the CLI and reaches the pack. The second layer is ours, on top: every
// policy name and key must exist, and the nearest valid one is suggested,
// before any input is analyzed. Everything works from the schemas; nothing
// here knows this pack's policies.
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
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
            text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf);
        } catch {
            throw new InputError(`${label} is not JSON: it is not valid UTF-8 text`);
        }
    }
    if (text.startsWith("\ufeff")) {
        throw new InputError(`${label} starts with a byte-order mark, which the Pulumi CLI rejects; save it as UTF-8 without a BOM`);
    }
    // The CLI takes an empty file as no config.
    if (text.trim() === "") {
        return {};
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

/**
 * The one candidate that holds all of `word`'s hyphenated words in order: a
 * name typed with a word left out ("access-log-retention" for
 * "access-log-group-retention"), which edit distance ranks below a shorter,
 * different name ("access-log-destination").
 */
function withWordsLeftOut(word: string, candidates: readonly string[]): string | undefined {
    const parts = word.toLowerCase().split("-").filter((p) => p !== "");
    if (parts.length < 2) {
        return undefined;
    }
    const hits = candidates.filter((c) => holdsInOrder(c.toLowerCase().split("-"), parts));
    return hits.length === 1 ? hits[0] : undefined;
}

function holdsInOrder(whole: readonly string[], parts: readonly string[]): boolean {
    let i = 0;
    for (const w of whole) {
        if (i < parts.length && w === parts[i]) {
            i++;
        }
    }
    return i === parts.length;
}

function suggestion(word: string, candidates: readonly string[], what: string): string {
    const near = withWordsLeftOut(word, candidates) ?? nearest(word, candidates);
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

function article(type: string): string {
    return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function shown(value: unknown): string {
    return typeof value === "string" ? quote(value) : escapeControlChars(JSON.stringify(value) ?? String(value)).slice(0, 80);
}

// Unknown keywords and formats constrain nothing, as in gojsonschema.
const ajv = new Ajv({ strict: false, allErrors: false, verbose: true, validateFormats: false, logger: false });
const compiled = new WeakMap<object, ValidateFunction | null>();

function validatorOf(schema: object): ValidateFunction | null {
    let v = compiled.get(schema);
    if (v === undefined) {
        try {
            v = ajv.compile(schema);
        } catch {
            v = null; // a schema's own fault is the pack's problem, not the user's
        }
        compiled.set(schema, v);
    }
    return v;
}

/** "/a/0/b" -> `.a[0].b`, the way the messages name a nested value. */
function pathSuffix(instancePath: string): string {
    return instancePath.split("/").slice(1).map((part) => {
        const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
        return /^\d+$/.test(key) ? `[${key}]` : `.${escapeControlChars(key.slice(0, 80))}`;
    }).join("");
}

/** One ajv error as "<where> <problem>". */
function describeError(e: ErrorObject, where: string): string {
    const at = `${where}${pathSuffix(e.instancePath)}`;
    const value = e.data;
    const p = e.params as Record<string, any>;
    switch (e.keyword) {
        case "type": {
            const types = String(p.type).split(",");
            return `${at} must be ${types.map(article).join(" or ")}, not ${typeName(value)}`;
        }
        case "enum":
            return `${at} must be one of ${(p.allowedValues as unknown[]).map(shown).join(", ")}, not ${shown(value)}`;
        case "const":
            return `${at} must be ${shown(p.allowedValue)}`;
        case "minimum":
            return `${at} must be at least ${p.limit}, not ${value}`;
        case "maximum":
            return `${at} must be at most ${p.limit}, not ${value}`;
        case "exclusiveMinimum":
            return `${at} must be greater than ${p.limit}, not ${value}`;
        case "exclusiveMaximum":
            return `${at} must be less than ${p.limit}, not ${value}`;
        case "multipleOf":
            return `${at} must be a multiple of ${p.multipleOf}`;
        case "minLength":
            return `${at} must be at least ${p.limit} characters long`;
        case "maxLength":
            return `${at} must be at most ${p.limit} characters long`;
        case "pattern":
            return `${at} ${shown(value)} does not match the pattern ${quote(String(p.pattern))}`;
        case "minItems":
            return `${at} must have at least ${p.limit} entries`;
        case "maxItems":
            return `${at} must have at most ${p.limit} entries`;
        case "uniqueItems":
            return `${at} has a duplicate entry ${shown((value as unknown[])[p.j])}`;
        case "required":
            return `${at} is missing the required key ${quote(String(p.missingProperty))}`;
        case "additionalProperties": {
            const props = isPlainObject(e.parentSchema) && isPlainObject(e.parentSchema.properties) ? Object.keys(e.parentSchema.properties) : [];
            return `${at} has an unknown key ${quote(String(p.additionalProperty))}${suggestion(String(p.additionalProperty), props, "key")}`;
        }
        case "oneOf":
            return p.passingSchemas ? `${at} matches more than one of the allowed forms` : `${at} matches none of the allowed forms`;
        default:
            return `${at} ${escapeControlChars(e.message ?? "is not valid")}`;
    }
}

/**
 * The first way `value` breaks the JSON schema `schema`, as "<where>
 * <problem>", or undefined. The validation is ajv's; only the wording is ours.
 */
export function schemaProblem(value: unknown, schema: unknown, where: string): string | undefined {
    if (!isPlainObject(schema)) {
        return undefined;
    }
    const validate = validatorOf(schema);
    if (validate === null || validate(value)) {
        return undefined;
    }
    const first = validate.errors?.[0];
    return first === undefined ? `${where} is not valid` : describeError(first, where);
}

/** The key `environments` is the CLI's own, never a policy's. */
export const reservedKey = "environments";

export interface ValidateOptions {
    /**
     * false: only what the Pulumi CLI checks, so unknown policy names and keys
     * reach the pack (tests use it to see what a user of the real CLI sees).
     */
    strict?: boolean;
}

/** The policies (other than `except`) whose schema has `key`, for a hint that a key sits under the wrong policy. */
function ownersOf(key: string, policies: readonly PolicyDescriptor[], except: string): string[] {
    return policies.filter((p) => p.name !== except && has(p.configSchema?.properties ?? {}, key)).map((p) => p.name);
}

/**
 * Validates a config object (already parsed) against the policies' schemas
 * and returns it normalized. Throws one InputError naming the policy, the key
 * and the problem.
 */
export function validateConfig(raw: unknown, policies: readonly PolicyDescriptor[], label = "config", opts: ValidateOptions = {}): PolicyConfigMap {
    const strict = opts.strict !== false;
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
        if (key === reservedKey) {
            throw new InputError(`${label}: ${quote(reservedKey)} is a key the Pulumi CLI reserves, not a policy name; this analyzer does not read it`);
        }
        const policy = byName.get(key);
        if (policy === undefined && strict) {
            throw new InputError(`${label}: unknown policy ${quote(key)}${suggestion(key, [...names, allKey], "policy name")}`);
        }
        const where = `${label}: policy ${quote(key)}`;
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
        const schemaProps = policy?.configSchema?.properties ?? {};
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
                if (strict) {
                    const owners = ownersOf(prop, policies, key);
                    const hint = owners.length > 0
                        ? `; it is a key of policy ${owners.map((o) => quote(o)).join(", ")}`
                        : validKeys.length === 0
                            ? "; this policy takes only enforcementLevel"
                            : suggestion(prop, [...validKeys, "enforcementLevel"], "key");
                    throw new InputError(`${where}: unknown key ${quote(prop)}${hint}`);
                }
            } else {
                const problem = schemaProblem(propValue, schemaProps[prop], quote(prop));
                if (problem !== undefined) {
                    throw new InputError(`${where}: ${problem}`);
                }
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
