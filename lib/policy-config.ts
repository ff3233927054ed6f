import { PolicyConfigSchema } from "@pulumi/policy";
import { escapeControlChars } from "./quote";

// Config arrives from the engine already checked against each policy's JSON
// schema, but the engine accepts keys the schema does not declare, so a
// misspelled key would silently leave a check at its default. Every policy
// reads its config through here, and a bad config fails the deployment with a
// one-line error instead of weakening the check.

/** A field of an object in a list (such as one exemption). */
export type ObjectFieldSchema =
    | { type: "string"; minLength?: number; description: string }
    | { type: "array"; items: { type: "string"; minLength?: number }; minItems?: number; description: string };

/** A list entry that is an object with exactly the given keys, all of them required. */
export interface ObjectItemSchema {
    type: "object";
    properties: Record<string, ObjectFieldSchema>;
    required: string[];
    additionalProperties: false;
}

export type ConfigPropertySchema =
    | { type: "boolean"; default: boolean; description: string }
    | { type: "integer"; default?: number; minimum?: number; maximum?: number; description: string }
    | { type: "string"; default: string; description: string }
    | { type: "array"; items: { type: "string" }; default: string[]; description: string }
    | { type: "array"; items: ObjectItemSchema; default: never[]; description: string };

export type ConfigSchemaOf<T> = { [K in keyof T]-?: ConfigPropertySchema };

export class PolicyConfigError extends Error {
    constructor(policyName: string, key: string, problem: string) {
        super(`invalid config for policy "${policyName}": "${key}" ${problem}`);
        this.name = "PolicyConfigError";
        // The SDK sends a policy's error to the CLI as "<its context>:\n" + error.stack,
        // and the CLI prints it as it is: the user should read one line, not a stack trace.
        this.stack = this.message;
    }
}

export function editDistance(a: string, b: string): number {
    if (a.length > 64 || b.length > 64) {
        return Math.max(a.length, b.length);
    }
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution = previous[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1);
            current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
        }
        previous = current;
    }
    return previous[b.length];
}

/** The candidate closest to `word`, if it is close enough to be a likely typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(word, c);
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function describeValue(value: unknown): string {
    return value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** What is wrong with one field of a list entry; minimum lengths and counts are checked by the policy's own check. */
function checkField(key: string, schema: ObjectFieldSchema, value: unknown): string | undefined {
    if (schema.type === "string") {
        return typeof value === "string" ? undefined : `"${key}" must be a string, not ${describeValue(value)}`;
    }
    return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? undefined
        : `"${key}" must be a list of strings`;
}

/** The first entry of a list of objects that breaks its schema, as "entry [i]: problem". */
function checkObjectList(items: ObjectItemSchema, value: unknown): string | undefined {
    if (!Array.isArray(value)) {
        return `must be a list of objects, not ${describeValue(value)}`;
    }
    const keys = Object.keys(items.properties);
    for (const [i, entry] of value.entries()) {
        const at = `entry [${i}]`;
        if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
            return `${at} must be an object with ${keys.map((k) => `"${k}"`).join(", ")}, not ${describeValue(entry)}`;
        }
        for (const key of Object.keys(entry)) {
            if (!Object.prototype.hasOwnProperty.call(items.properties, key)) {
                const suggestion = nearest(key, keys);
                const hint = suggestion !== undefined ? `; did you mean "${suggestion}"?` : `; valid keys: ${keys.join(", ")}`;
                return `${at} has an unknown key "${escapeControlChars(key.slice(0, 80))}"${hint}`;
            }
        }
        for (const key of items.required) {
            if (!Object.prototype.hasOwnProperty.call(entry, key) || (entry as Record<string, unknown>)[key] === undefined) {
                return `${at} is missing "${key}"`;
            }
        }
        for (const key of keys) {
            const problem = checkField(key, items.properties[key], (entry as Record<string, unknown>)[key]);
            if (problem !== undefined) {
                return `${at}: ${problem}`;
            }
        }
    }
    return undefined;
}

function checkType(schema: ConfigPropertySchema, value: unknown): string | undefined {
    switch (schema.type) {
        case "boolean":
            return typeof value === "boolean" ? undefined : "must be true or false";
        case "string":
            return typeof value === "string" ? undefined : "must be a string";
        case "integer":
            if (typeof value !== "number" || !Number.isInteger(value)) {
                return "must be an integer";
            }
            if (schema.minimum !== undefined && value < schema.minimum) {
                return `must be at least ${schema.minimum}`;
            }
            if (schema.maximum !== undefined && value > schema.maximum) {
                return `must be at most ${schema.maximum}`;
            }
            return undefined;
        case "array":
            if (schema.items.type === "object") {
                return checkObjectList(schema.items, value);
            }
            return Array.isArray(value) && value.every((v) => typeof v === "string")
                ? undefined
                : "must be a list of strings";
    }
}

/** The error for a config key the policy does not know, naming the nearest valid key. */
export function unknownKeyError(policyName: string, key: string, keys: readonly string[]): PolicyConfigError {
    const suggestion = nearest(key, keys);
    const hint = suggestion !== undefined
        ? `; did you mean "${suggestion}"?`
        : keys.length > 0 ? `; valid keys: ${keys.join(", ")}` : "; this policy takes no config";
    return new PolicyConfigError(policyName, escapeControlChars(key.slice(0, 80)), `is not a known key${hint}`);
}

/** The schema the SDK publishes, from the same table the reader validates with. */
export function toPolicyConfigSchema<T>(properties: ConfigSchemaOf<T>): PolicyConfigSchema {
    return { properties: properties as PolicyConfigSchema["properties"] };
}

/**
 * A reader for one policy's config: rejects unknown keys (naming the nearest
 * valid one), checks types, fills defaults, then runs the policy's own
 * cross-field checks. The parsed result is reused while the raw config is the
 * same, so a stack of 10,000 stages validates its config once.
 */
export function makeConfigReader<T>(
    policyName: string,
    properties: ConfigSchemaOf<T>,
    check?: (config: T) => { key: keyof T & string; problem: string } | undefined,
): (raw: unknown) => T {
    const keys = Object.keys(properties);
    let lastRaw: Record<string, unknown> | undefined;
    let lastParsed: T | undefined;

    const parse = (raw: Record<string, unknown>): T => {
        const result: Record<string, unknown> = {};
        for (const key of Object.keys(raw)) {
            if (key === "enforcementLevel") {
                continue;
            }
            if (!Object.prototype.hasOwnProperty.call(properties, key)) {
                throw unknownKeyError(policyName, key, keys);
            }
        }
        for (const key of keys) {
            const schema = (properties as Record<string, ConfigPropertySchema>)[key];
            const value = Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined;
            if (value === undefined || value === null) {
                result[key] = Array.isArray(schema.default) ? [...schema.default] : schema.default;
                continue;
            }
            const problem = checkType(schema, value);
            if (problem !== undefined) {
                throw new PolicyConfigError(policyName, key, problem);
            }
            result[key] = value;
        }
        const parsed = result as T;
        const failure = check?.(parsed);
        if (failure !== undefined) {
            throw new PolicyConfigError(policyName, failure.key, failure.problem);
        }
        return parsed;
    };

    return (raw: unknown): T => {
        const config = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? raw as Record<string, unknown> : {};
        if (lastRaw !== undefined && lastParsed !== undefined && shallowEqual(lastRaw, config)) {
            return lastParsed;
        }
        const parsed = parse(config);
        lastRaw = { ...config };
        lastParsed = parsed;
        return parsed;
    };
}

/** The same keys with identical values (the SDK copies a config object, not its values). */
export function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
    const aKeys = Object.keys(a);
    const bKeys = Object.keys(b);
    return aKeys.length === bKeys.length && aKeys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

/** The first entry of a list that fails `problemOf`, as a config failure. */
export function firstBadEntry<T>(
    key: keyof T & string,
    values: readonly string[],
    problemOf: (value: string) => string | undefined,
): { key: keyof T & string; problem: string } | undefined {
    for (const value of values) {
        const problem = problemOf(value);
        if (problem !== undefined) {
            return { key, problem: `has an entry "${escapeControlChars(value.slice(0, 80))}" that ${problem}` };
        }
    }
    return undefined;
}
