import type { Secret } from "@pulumi/policy";

// The policy SDK is loaded on the first object read: the pack has loaded it
// already, and `npm run analyze`, which imports this module everywhere, then
// answers --help and usage errors without its ~0.8 s of start-up.
let secretClass: typeof Secret | undefined;

function isSecret(value: unknown): boolean {
    if (value === null || typeof value !== "object") {
        return false;
    }
    secretClass ??= (require("@pulumi/policy") as typeof import("@pulumi/policy")).Secret;
    return value instanceof secretClass;
}

/**
 * Stands for a value the engine does not know yet (a preview of a resource
 * whose inputs depend on outputs that do not exist yet).
 */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

// The engine's sentinel strings for unknown values, as @pulumi/policy's proxy
// recognises them. Reading one through the SDK's proxy throws UnknownValueError
// and turns the whole check into a "can't run policy" advisory; we read around
// the proxy instead and defer only the part of the check that needs the value.
const unknownSentinels: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknownSentinel(value: unknown): boolean {
    return typeof value === "string" && value.length === 36 && unknownSentinels.has(value);
}

const hasOwn = Object.prototype.hasOwnProperty;
/** An own property's getter, if it is an accessor (Annex B; allocates nothing). */
const lookupGetter = (Object.prototype as unknown as { __lookupGetter__(this: object, key: string): unknown }).__lookupGetter__;

/**
 * The one way the pack reads a property. It never throws and never hands back
 * a proxy: it reads the raw object behind the SDK's unknown-checking proxy
 * (and, elsewhere, goes through `getOwnPropertyDescriptor`, which no proxy
 * check sees), so everything below the first read is plain data.
 *
 * Returns UNKNOWN for an unknown value, `undefined` when `obj` is not an object
 * or has no such own data property, and otherwise the value with any secret
 * wrapper removed (policies never echo values, so secrecy does not change a
 * verdict). Inherited properties and accessors are ignored, so keys such as
 * `__proto__` or `constructor` in user data cannot reach the prototype chain.
 */
export function readProperty(obj: unknown, key: string): unknown {
    if (obj === null || typeof obj !== "object") {
        return undefined;
    }
    try {
        const target = rawTarget(obj);
        if (target !== obj) {
            // Behind the SDK's proxies is deserialized JSON: data properties only.
            return hasOwn.call(target, key) ? unwrap((target as Record<string, unknown>)[key]) : undefined;
        }
        // Not getOwnPropertyDescriptor: a descriptor object per read is most of
        // what a stack check over 10,000 stages allocates, and in the SDK's
        // gigabyte heap every extra young-generation collection is costly.
        if (!hasOwn.call(obj, key) || lookupGetter.call(obj, key) !== undefined) {
            return undefined;
        }
        // An own data property, or an accessor without a getter (reads undefined, runs nothing).
        return unwrap((obj as Record<string, unknown>)[key]);
    } catch {
        return undefined;
    }
}

// @pulumi/policy's unknown-checking and secret-preserving proxies answer these
// two keys without any check. Reading through the proxy itself would wrap every
// object it returns in a new proxy; the raw target costs nothing. Keys starting
// with "__" never come from the engine, which drops them.
const isSpecialProxyKey = "__isSpecialProxy";
const specialProxyTargetKey = "__getSpecialProxyTarget";

function rawTarget(obj: object): object {
    let target = obj;
    for (let depth = 0; depth < 4; depth++) {
        const record = target as Record<string, unknown>;
        if (record[isSpecialProxyKey] !== true) {
            return target;
        }
        const inner = record[specialProxyTargetKey];
        if (inner === null || typeof inner !== "object") {
            return target;
        }
        target = inner;
    }
    return target;
}

/** Reads a nested property; stops at the first unknown or missing step. */
export function readPath(obj: unknown, ...keys: string[]): unknown {
    let current: unknown = obj;
    for (const key of keys) {
        current = readProperty(current, key);
        if (current === UNKNOWN || current === undefined) {
            return current;
        }
    }
    return current;
}

function unwrap(value: unknown): unknown {
    // Secrets nest (a secret of a secret) only in hostile input; the bound
    // keeps that from looping.
    for (let depth = 0; depth < 8; depth++) {
        if (isUnknownSentinel(value)) {
            return UNKNOWN;
        }
        if (!isSecret(value)) {
            return value;
        }
        value = readProperty(value, "value");
        if (value === UNKNOWN) {
            return UNKNOWN;
        }
    }
    return undefined;
}

/** A plain (non-array) object, as JSON objects arrive from the engine. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A string that is empty or only white space counts as no value at all. */
export function isBlankString(value: unknown): boolean {
    return typeof value === "string" && value.trim() === "";
}

/** A usable string: non-blank. */
export function isNonBlankString(value: unknown): value is string {
    return typeof value === "string" && value.trim() !== "";
}

/** Names a value's JSON type for messages, without quoting the value. */
export function describeType(value: unknown): string {
    if (value === UNKNOWN) {
        return "unknown";
    }
    if (value === null) {
        return "null";
    }
    if (value === undefined) {
        return "missing";
    }
    if (Array.isArray(value)) {
        return "an array";
    }
    switch (typeof value) {
        case "string":
            return value.trim() === "" ? "an empty string" : "a string";
        case "number":
            return "a number";
        case "boolean":
            return "a boolean";
        case "object":
            return "an object";
        default:
            return typeof value;
    }
}

/**
 * The raw own properties of a resource's props, with secrets and unknowns
 * left exactly as the SDK handed them over, for building a remediated copy
 * that keeps secretness.
 */
export function rawOwnEntries(obj: unknown): [string, unknown][] {
    if (obj === null || typeof obj !== "object") {
        return [];
    }
    const entries: [string, unknown][] = [];
    for (const key of Object.keys(obj)) {
        const descriptor = Object.getOwnPropertyDescriptor(obj, key);
        if (descriptor !== undefined && "value" in descriptor) {
            entries.push([key, descriptor.value]);
        }
    }
    return entries;
}
