// Reading an access-log format string: its $context variables, its lines, and
// whether it is a JSON object once variables are substituted. Every function
// here is one pass over the string (formats can be megabytes of hostile input).

import { Protocol, protocolsOfVariable } from "./context-variables";

const contextPrefix = "$context.";

export interface ContextVariable {
    /** The name after `$context.`, e.g. `identity.sourceIp`. */
    name: string;
    /** Offset of the `$` in the format. */
    start: number;
    /** Offset just past the name. */
    end: number;
}

function isNameChar(code: number): boolean {
    return (code >= 0x30 && code <= 0x39) || // 0-9
        (code >= 0x41 && code <= 0x5a) || // A-Z
        (code >= 0x61 && code <= 0x7a) || // a-z
        code === 0x5f || code === 0x2e; // _ .
}

/**
 * Every `$context.NAME` in the format, in order. A name is a run of letters,
 * digits, `_` and `.`; a trailing `.` is punctuation, not part of it
 * (`$context.status.` at the end of a sentence). `$context.` followed by no
 * name is returned with an empty name so it can be reported.
 */
export function findContextVariables(format: string): ContextVariable[] {
    const found: ContextVariable[] = [];
    forEachContextVariable(format, (nameStart, nameEnd) => {
        found.push({ name: format.slice(nameStart, nameEnd), start: nameStart - contextPrefix.length, end: nameEnd });
    });
    return found;
}

/** The distinct variable names, in order of first appearance. */
export function distinctVariableNames(variables: readonly ContextVariable[]): string[] {
    return [...new Set(variables.map((v) => v.name))];
}

/** The offset just past the variable name starting at `nameStart`. */
function nameEndAt(format: string, nameStart: number): number {
    let end = nameStart;
    while (end < format.length && isNameChar(format.charCodeAt(end))) {
        end++;
    }
    while (end > nameStart && format.charCodeAt(end - 1) === 0x2e) {
        end--;
    }
    return end;
}

/**
 * Calls `visit(nameStart, nameEnd)` for every `$context.NAME`, in order,
 * without building an object per variable (a hostile format can hold a
 * hundred thousand of them). Stops early when `visit` returns false.
 */
export function forEachContextVariable(format: string, visit: (nameStart: number, nameEnd: number) => boolean | void): void {
    let from = 0;
    for (;;) {
        const start = format.indexOf(contextPrefix, from);
        if (start < 0) {
            return;
        }
        const nameStart = start + contextPrefix.length;
        const nameEnd = nameEndAt(format, nameStart);
        if (visit(nameStart, nameEnd) === false) {
            return;
        }
        from = Math.max(nameEnd, nameStart);
    }
}

/**
 * Formats longer than this are scanned on every question instead of
 * remembered. Only one format is kept (a reference, not a copy), so the bound
 * is high: a lower one made a format just above it cost several scans where one
 * just below it cost one, which the bench's 1 MiB / 64 KiB figure showed as 2.6x
 * worse than linear.
 */
const rememberedFormatChars = 8 * 1024 * 1024;
let rememberedFormat: string | undefined;
let rememberedNames: Set<string> = new Set();

/**
 * The distinct variable names of the format, in order of first appearance,
 * or undefined for a format too long to remember. The last format is
 * remembered: the policies ask several questions about each stage's format,
 * and the stages of a stack mostly share one.
 */
function variableNames(format: string): ReadonlySet<string> | undefined {
    if (format.length > rememberedFormatChars) {
        return undefined;
    }
    if (format !== rememberedFormat) {
        rememberedNames = scanVariableNames(format);
        rememberedFormat = format;
    }
    return rememberedNames;
}

function scanVariableNames(format: string): Set<string> {
    const names = new Set<string>();
    forEachContextVariable(format, (start, end) => {
        names.add(format.slice(start, end));
    });
    return names;
}

/**
 * The distinct variable names of the format, in order of first appearance
 * (`""` for a bare `$context.`). For the fixes, which ask for them on every
 * report: remembered like the policies' questions, so a format is scanned
 * once however many problems it has.
 */
export function variableNamesOf(format: string): ReadonlySet<string> {
    return variableNames(format) ?? scanVariableNames(format);
}

/** Whether the format contains `$context.<name>` exactly (not as a prefix of a longer name). */
export function hasVariable(format: string, name: string): boolean {
    const names = variableNames(format);
    if (names !== undefined) {
        return names.has(name);
    }
    let found = false;
    forEachContextVariable(format, (start, end) => {
        found = end - start === name.length && format.startsWith(name, start);
        return !found;
    });
    return found;
}

export function hasRequestIdVariable(format: string): boolean {
    return hasVariable(format, "requestId") || hasVariable(format, "extendedRequestId");
}

/**
 * The distinct variable names for which `select` is true, in order of first
 * appearance, at most `limit` of them; `more` tells whether others exist.
 * Messages show only a few names, so nothing beyond them is kept.
 */
export function selectVariables(format: string, select: (name: string) => boolean, limit: number): { names: string[]; more: boolean } {
    const names: string[] = [];
    let more = false;
    const known = variableNames(format);
    if (known !== undefined) {
        for (const name of known) {
            if (!select(name)) {
                continue;
            }
            if (names.length === limit) {
                more = true;
                break;
            }
            names.push(name);
        }
        return { names, more };
    }
    forEachContextVariable(format, (start, end) => {
        const name = format.slice(start, end);
        if (!select(name) || names.includes(name)) {
            return true;
        }
        if (names.length < limit) {
            names.push(name);
            return true;
        }
        more = true;
        return false;
    });
    return { names, more };
}

/**
 * The protocol a format's own variables reveal: one that uses only HTTP-only
 * (besides shared) variables is an HTTP stage's, one with WebSocket-only
 * variables a WebSocket stage's. Undefined when it shows neither, or both.
 * Lets resource policies, which never see the API, suggest a fitting format.
 */
export function protocolOfFormat(format: string): Protocol | undefined {
    let http = false;
    let webSocket = false;
    for (const name of variableNamesOf(format)) {
        const supported = protocolsOfVariable(name);
        http ||= supported === "HTTP";
        webSocket ||= supported === "WEBSOCKET";
        if (http && webSocket) {
            return undefined;
        }
    }
    return http === webSocket ? undefined : http ? "HTTP" : "WEBSOCKET";
}

/**
 * Where a format breaks the single-line rule: the offset of the first line
 * break (CR, LF, or the Unicode line separators) that is not one LF at the
 * very end, or -1 when it is a single line.
 */
export function lineBreakOffset(format: string): number {
    // A regular expression scans faster than a loop of charCodeAt, on every stage of every Analyze.
    const at = format.search(lineBreak);
    return at === format.length - 1 && format.charCodeAt(at) === 0x0a ? -1 : at;
}

const lineBreak = /[\n\r\u2028\u2029]/;

/**
 * The format with every variable replaced by `1`: valid JSON whether the
 * variable stood inside a string or bare (AWS substitutes numbers such as
 * `$context.status` without quotes), and still valid when two bare variables
 * touch (`11`).
 */
export function substituteVariables(format: string, variables: readonly ContextVariable[]): string {
    if (variables.length === 0) {
        return format;
    }
    const pieces: string[] = [];
    let last = 0;
    for (const v of variables) {
        pieces.push(format.slice(last, v.start), "1");
        last = v.end;
    }
    pieces.push(format.slice(last));
    return pieces.join("");
}

export type JsonShape = "object" | "array" | "scalar" | "invalid";

const enum Expect {
    Value,
    Key,
    AfterValue,
}

/**
 * What the format is once every variable is replaced by `1` (the meaning of
 * substituteVariables), decided by one pass over the format itself: JSON.parse
 * on the substituted text would allocate the whole tree, and V8's parser slows
 * down more than linearly on deeply nested or very wide input.
 */
export function jsonShapeOfFormat(format: string): JsonShape {
    if (format.length > rememberedFormatChars) {
        return scanJsonShape(format);
    }
    if (format !== rememberedShape.format) {
        rememberedShape = { format, shape: scanJsonShape(format) };
    }
    return rememberedShape.shape;
}

/** The last format's shape, for the same reason as its variable names. */
let rememberedShape: { format: string | undefined; shape: JsonShape } = { format: undefined, shape: "invalid" };

function scanJsonShape(format: string): JsonShape {
    const n = format.length;
    let i = 0;
    const skipWhiteSpace = (): void => {
        for (; i < n; i++) {
            const c = format.charCodeAt(i);
            if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
                return;
            }
        }
    };
    // A digit, or a variable standing for the digit 1. Returns the offset past it, or -1.
    const digitEnd = (at: number): number => {
        const c = format.charCodeAt(at);
        if (c >= 0x30 && c <= 0x39) {
            return at + 1;
        }
        return c === 0x24 && format.startsWith(contextPrefix, at) ? Math.max(nameEndAt(format, at + contextPrefix.length), at + contextPrefix.length) : -1;
    };
    const digits = (): boolean => {
        let end = digitEnd(i);
        if (end < 0) {
            return false;
        }
        while (end >= 0) {
            i = end;
            end = digitEnd(i);
        }
        return true;
    };
    const number = (): boolean => {
        if (format.charCodeAt(i) === 0x2d) {
            i++;
        }
        if (format.charCodeAt(i) === 0x30) {
            i++; // a leading zero stands alone
        } else if (!digits()) {
            return false;
        }
        if (format.charCodeAt(i) === 0x2e) {
            i++;
            if (!digits()) {
                return false;
            }
        }
        const e = format.charCodeAt(i);
        if (e === 0x65 || e === 0x45) {
            i++;
            const sign = format.charCodeAt(i);
            if (sign === 0x2b || sign === 0x2d) {
                i++;
            }
            if (!digits()) {
                return false;
            }
        }
        return true;
    };
    // Variables inside a string change nothing: their characters are valid there.
    const string = (): boolean => {
        for (i++; i < n; i++) {
            const c = format.charCodeAt(i);
            if (c === 0x22) {
                i++;
                return true;
            }
            if (c < 0x20) {
                return false;
            }
            if (c === 0x5c) {
                i++;
                const escaped = format.charCodeAt(i);
                if (escaped === 0x75) {
                    for (let k = 0; k < 4; k++) {
                        i++;
                        const h = format.charCodeAt(i);
                        if (!((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) {
                            return false;
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(format[i]) < 0 || i >= n) {
                    return false;
                }
            }
        }
        return false;
    };
    const literal = (word: string): boolean => {
        if (!format.startsWith(word, i)) {
            return false;
        }
        i += word.length;
        return true;
    };

    // Open containers, innermost last: 1 for an object, 0 for an array.
    // In a typed array, not a JS array: a hostile format nests a million deep, and a
    // million-element JS array is garbage the collector must trace and copy as it grows.
    let open = new Uint8Array(16);
    let depth = 0;
    let shape: JsonShape | undefined;
    let expect = Expect.Value;
    for (;;) {
        skipWhiteSpace();
        if (expect === Expect.AfterValue) {
            if (depth === 0) {
                return i === n && shape !== undefined ? shape : "invalid";
            }
            const c = format.charCodeAt(i);
            const inObject = open[depth - 1] === 1;
            if (c === 0x2c) {
                i++;
                expect = inObject ? Expect.Key : Expect.Value;
            } else if ((c === 0x7d && inObject) || (c === 0x5d && !inObject)) {
                i++;
                depth--;
            } else {
                return "invalid";
            }
            continue;
        }
        if (i >= n) {
            return "invalid";
        }
        const c = format.charCodeAt(i);
        if (expect === Expect.Key) {
            if (c !== 0x22 || !string()) {
                return "invalid";
            }
            skipWhiteSpace();
            if (format.charCodeAt(i) !== 0x3a) {
                return "invalid";
            }
            i++;
            expect = Expect.Value;
            continue;
        }
        // Expect.Value
        if (c === 0x7b || c === 0x5b) {
            const isObject = c === 0x7b;
            shape ??= isObject ? "object" : "array";
            i++;
            skipWhiteSpace();
            if (format.charCodeAt(i) === (isObject ? 0x7d : 0x5d)) {
                i++;
                expect = Expect.AfterValue;
            } else {
                if (depth === open.length) {
                    const grown = new Uint8Array(depth * 2);
                    grown.set(open);
                    open = grown;
                }
                open[depth++] = isObject ? 1 : 0;
                expect = isObject ? Expect.Key : Expect.Value;
            }
            continue;
        }
        shape ??= "scalar";
        let ok: boolean;
        if (c === 0x22) {
            ok = string();
        } else if (c === 0x74) {
            ok = literal("true");
        } else if (c === 0x66) {
            ok = literal("false");
        } else if (c === 0x6e) {
            ok = literal("null");
        } else {
            ok = number();
        }
        if (!ok) {
            return "invalid";
        }
        expect = Expect.AfterValue;
    }
}
