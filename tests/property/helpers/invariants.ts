import { Secret } from "@pulumi/policy";
import { isUnknownSentinel } from "./hostile-values";

// The checks every policy outcome must pass, written independently of the
// pack's own helpers so that a bug there cannot hide itself.

// A fix that creates a log group, and on WebSocket the role and the account, once per protocol (issue 15):
// 2,600 characters in C# for a stage of a short name, 3,900 for an 80-character name of escaped controls.
export const maxMessageLength = 4000;
export const maxQuoted = 80;

// C0 (a lone "\n" between problem and fix is checked separately), DEL, C1,
// and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const rawControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** What is wrong with one violation message, as the user would see it (description + "\n" + message). */
export function messageProblems(message: unknown, description: string): string[] {
    if (typeof message !== "string") {
        return [`message is ${typeof message}, not a string`];
    }
    const problems: string[] = [];
    const shown = `${description}\n${message}`;
    if (shown.length > maxMessageLength) {
        problems.push(`message is ${shown.length} characters (description included), over ${maxMessageLength}`);
    }
    const control = rawControl.exec(message);
    if (control !== null) {
        problems.push(`raw control character U+${control[0].charCodeAt(0).toString(16).padStart(4, "0")} at offset ${control.index}`);
    }
    const lines = message.split("\n");
    const oneFix = lines.length === 2 && lines[1].startsWith("Fix: ");
    const perProtocol = lines.length === 3 && lines[1].startsWith("Fix on an HTTP API: ") && lines[2].startsWith("Fix on a WebSocket API: ");
    if (!(oneFix || perProtocol) || lines[0].trim() === "") {
        problems.push(`message is not "<problem>\\nFix: <fix>", nor a fix per protocol (${lines.length} lines)`);
    }
    return problems;
}

/** Every string in a value: keys, string leaves, and whatever secrets hold. */
export function collectStrings(value: unknown, out: Set<string>): void {
    if (typeof value === "string") {
        out.add(value);
    } else if (value instanceof Secret) {
        collectStrings(value.value, out);
    } else if (Array.isArray(value)) {
        for (const v of value) {
            collectStrings(v, out);
        }
    } else if (value !== null && typeof value === "object") {
        for (const key of Object.keys(value)) {
            out.add(key);
            collectStrings(Object.getOwnPropertyDescriptor(value, key)?.value, out);
        }
    }
}

const hashBase = 65599;
/** Which top 20 bits of a window's hash some message has: most input windows are ruled out here, without a Map lookup. */
const seenTopBits = new Uint8Array(1 << 20);
/** Inputs this long are few and recur (hostile-values' megabyte strings): the top bits of their windows' hashes are kept. */
const bigInput = 1 << 16;
const bigInputBits = new Map<string, Uint8Array>();

/** Calls `visit` with the Rabin-Karp hash of each window of `w` characters of `text`, modulo 2^32 (Math.imul). */
function eachWindowHash(text: string, w: number, pow: number, visit: (hash: number, at: number) => void): void {
    let h = 0;
    for (let i = 0; i < text.length; i++) {
        if (i >= w) {
            h = (h - Math.imul(text.charCodeAt(i - w), pow)) | 0;
        }
        h = (Math.imul(h, hashBase) + text.charCodeAt(i)) | 0;
        if (i >= w - 1) {
            visit(h, i - w + 1);
        }
    }
}

/** A bit per possible top 20 bits of a window hash of a big input: set when one of its windows has them. */
function topBitsOf(input: string, w: number, pow: number): Uint8Array {
    let bits = bigInputBits.get(input);
    if (bits === undefined) {
        const set = new Uint8Array(1 << 17);
        eachWindowHash(input, w, pow, (h) => {
            set[h >>> 15] |= 1 << ((h >>> 12) & 7);
        });
        if (bigInputBits.size >= 64) {
            bigInputBits.clear();
        }
        bigInputBits.set(input, set);
        bits = set;
    }
    return bits;
}

/**
 * A run of more than `maxQuoted` characters that some input string shares with
 * some message, if any. Rabin-Karp over windows of maxQuoted + 1 characters:
 * linear in the total input, which includes megabyte strings. The hash is a
 * polynomial modulo 2^32 in 32-bit integer arithmetic; an input's window is
 * looked up only when a message has a window with the same top bits, and a
 * big input is scanned only when one of its windows may match (its windows'
 * top bits are kept between calls). A float `%` and a Map lookup per
 * character made this check most of the property run's CPU. Equal windows
 * hash equal; a collision is ruled out by comparing the text.
 */
export function longestShared(messages: readonly string[], inputs: Iterable<string>): { input: string; message: string; at: number } | undefined {
    const w = maxQuoted + 1;
    let pow = 1;
    for (let i = 1; i < w; i++) {
        pow = Math.imul(pow, hashBase);
    }
    const windows = new Map<number, { message: string; at: number }[]>();
    for (const message of messages) {
        eachWindowHash(message, w, pow, (h, at) => {
            const list = windows.get(h);
            if (list === undefined) {
                windows.set(h, [{ message, at }]);
            } else {
                list.push({ message, at });
            }
        });
    }
    if (windows.size === 0) {
        return undefined;
    }
    for (const h of windows.keys()) {
        seenTopBits[h >>> 12] = 1;
    }
    try {
        for (const input of inputs) {
            if (input.length >= bigInput) {
                const bits = topBitsOf(input, w, pow);
                if (![...windows.keys()].some((h) => (bits[h >>> 15] & (1 << ((h >>> 12) & 7))) !== 0)) {
                    continue;
                }
            }
            let h = 0;
            for (let i = 0; i < input.length; i++) {
                if (i >= w) {
                    h = (h - Math.imul(input.charCodeAt(i - w), pow)) | 0;
                }
                h = (Math.imul(h, hashBase) + input.charCodeAt(i)) | 0;
                if (i >= w - 1 && seenTopBits[h >>> 12] === 1) {
                    const hits = windows.get(h);
                    if (hits !== undefined) {
                        const piece = input.slice(i - w + 1, i + 1);
                        const hit = hits.find((x) => x.message.startsWith(piece, x.at));
                        if (hit !== undefined) {
                            return { input, ...hit };
                        }
                    }
                }
            }
        }
        return undefined;
    } finally {
        for (const h of windows.keys()) {
            seenTopBits[h >>> 12] = 0;
        }
    }
}

function unwrapSecrets(value: unknown): unknown {
    let v = value;
    while (v instanceof Secret) {
        v = v.value;
    }
    return v;
}

function ownValue(obj: unknown, key: string): unknown {
    if (obj === null || typeof obj !== "object") {
        return undefined;
    }
    return unwrapSecrets(Object.getOwnPropertyDescriptor(obj, key)?.value);
}

/**
 * What apigatewayv2-stage-access-logging must say about a stage, from the raw
 * props: "report" when accessLogSettings is not an object holding two
 * non-blank strings (values that are unknown aside), "clean" when it is,
 * "unknown" when accessLogSettings itself is unknown.
 */
export function expectedStageVerdict(props: unknown): "report" | "clean" | "unknown" {
    const settings = ownValue(props, "accessLogSettings");
    if (isUnknownSentinel(settings)) {
        return "unknown";
    }
    if (settings === null || typeof settings !== "object" || Array.isArray(settings)) {
        return "report";
    }
    const bad = (v: unknown): boolean => !isUnknownSentinel(v) && !(typeof v === "string" && v.trim() !== "");
    return bad(ownValue(settings, "destinationArn")) || bad(ownValue(settings, "format")) ? "report" : "clean";
}

/** A stable text form of any generated value, secrets and special numbers included. */
export function canonical(value: unknown): string {
    return JSON.stringify(value, function (this: unknown, _key: string, v: unknown) {
        if (v instanceof Secret) {
            return { "<secret>": v.value === undefined ? "<undefined>" : v.value };
        }
        if (typeof v === "number" && !Number.isFinite(v)) {
            return `<number ${v}>`;
        }
        if (Object.is(v, -0)) {
            return "<-0>";
        }
        if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, "__proto__")) {
            // JSON.stringify would list it, but a copy made by assignment would lose it; keep it visible.
            return Object.fromEntries(Object.keys(v).map((k) => [k === "__proto__" ? "<own __proto__>" : k, (v as Record<string, unknown>)[k]]));
        }
        return v;
    }) ?? "<undefined>";
}

/** A counterexample short enough to print: long strings are cut to their head and length. */
export function printable(value: unknown): string {
    const shorten = (v: unknown): unknown => {
        if (typeof v === "string") {
            return v.length > 120 ? `${v.slice(0, 60)}…<${v.length} chars>` : v;
        }
        if (v instanceof Secret) {
            return new Secret(shorten(v.value));
        }
        if (Array.isArray(v)) {
            return v.map(shorten);
        }
        if (v !== null && typeof v === "object") {
            return Object.fromEntries(Object.keys(v).map((k) => [shorten(k) as string, shorten(Object.getOwnPropertyDescriptor(v, k)?.value)]));
        }
        return v;
    };
    return canonical(shorten(value)).slice(0, 20000);
}
