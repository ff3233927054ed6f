// Reading an access-log format string: its $context variables, its lines, and
// whether it is a JSON object once variables are substituted. Every function
// here is one pass over the string (formats can be megabytes of hostile input).

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
    let from = 0;
    for (;;) {
        const start = format.indexOf(contextPrefix, from);
        if (start < 0) {
            return found;
        }
        let end = start + contextPrefix.length;
        while (end < format.length && isNameChar(format.charCodeAt(end))) {
            end++;
        }
        while (end > start + contextPrefix.length && format[end - 1] === ".") {
            end--;
        }
        found.push({ name: format.slice(start + contextPrefix.length, end), start, end });
        from = Math.max(end, start + contextPrefix.length);
    }
}

/** The distinct variable names, in order of first appearance. */
export function distinctVariableNames(variables: readonly ContextVariable[]): string[] {
    return [...new Set(variables.map((v) => v.name))];
}

export function hasRequestIdVariable(variables: readonly ContextVariable[]): boolean {
    return variables.some((v) => v.name === "requestId" || v.name === "extendedRequestId");
}

/**
 * Where a format breaks the single-line rule: the offset of the first line
 * break (CR, LF, or the Unicode line separators) that is not one LF at the
 * very end, or -1 when it is a single line.
 */
export function lineBreakOffset(format: string): number {
    const body = format.endsWith("\n") ? format.slice(0, -1) : format;
    for (let i = 0; i < body.length; i++) {
        const c = body.charCodeAt(i);
        if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) {
            return i;
        }
    }
    return -1;
}

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

/** What the format is once variables are substituted. */
export function jsonShapeOfFormat(format: string, variables: readonly ContextVariable[]): JsonShape {
    let parsed: unknown;
    try {
        parsed = JSON.parse(substituteVariables(format, variables));
    } catch {
        return "invalid";
    }
    if (parsed !== null && typeof parsed === "object") {
        return Array.isArray(parsed) ? "array" : "object";
    }
    return "scalar";
}
