import { findContextVariables } from "./access-log-format";

// CloudWatch Logs filter patterns against an access-log format, following
// AWS's "Filter pattern syntax for metric filters, subscription filters, filter
// log events, and Live Tail"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
// - a space-delimited pattern is `[field, field, ...]`: one name per field,
//   in order, each optionally with conditions; without an ellipsis (`...`) it
//   names every field of the event, with one it names at least those fields;
// - in the event, the characters between `[` and `]` or between two `"` are one
//   field, and fields are separated by spaces;
// - a JSON pattern is `{ $.selector OP value ... }` and only matches JSON events;
// - anything else (terms, `%regex%`) does not depend on the format's shape.
// Every function answers undefined rather than guess: no verdict, never a throw.

/** AWS's limit on a filter pattern's length. */
const maxPatternChars = 1024;

export interface PatternTerm {
    field: string;
    op: string;
    value: string;
}

export interface DelimitedField {
    /** undefined for an ellipsis or an empty entry (a field with no name: AWS's `[..., status_code=4*,]`). */
    name: string | undefined;
    ellipsis: boolean;
    /** The field's conditions as written, joined by && and ||. */
    terms: PatternTerm[];
    joins: string[];
}

export type FilterPattern =
    | { kind: "delimited"; fields: DelimitedField[] }
    | { kind: "json"; selectors: string[] }
    | { kind: "other" };

/** Splits on commas outside double quotes. */
function splitTopLevel(text: string): string[] {
    const parts: string[] = [];
    let current = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === "\\" && quoted && i + 1 < text.length) {
            current += c + text[++i];
            continue;
        }
        if (c === "\"") {
            quoted = !quoted;
        }
        if (c === "," && !quoted) {
            parts.push(current);
            current = "";
        } else {
            current += c;
        }
    }
    parts.push(current);
    return quoted ? [] : parts;
}

const namePart = /\s*([A-Za-z_$][\w$]*)\s*/y;
const condition = /(!=|<=|>=|=|<|>)\s*("(?:[^"\\]|\\.)*"|[^\s&|"]+)\s*/y;
const join = /(&&|\|\|)\s*/y;

/** One entry of a space-delimited pattern: `name`, `name = 4*`, `a = 4* && b > 10`, or `...`. */
function parseField(entry: string): DelimitedField | undefined {
    if (entry.trim() === "...") {
        return { name: undefined, ellipsis: true, terms: [], joins: [] };
    }
    if (entry.trim() === "") {
        return { name: undefined, ellipsis: false, terms: [], joins: [] };
    }
    const terms: PatternTerm[] = [];
    const joins: string[] = [];
    let at = 0;
    let name: string | undefined;
    for (;;) {
        namePart.lastIndex = at;
        const n = namePart.exec(entry);
        if (n === null) {
            return undefined;
        }
        name ??= n[1];
        at = namePart.lastIndex;
        condition.lastIndex = at;
        const c = condition.exec(entry);
        if (c !== null) {
            terms.push({ field: n[1], op: c[1], value: c[2] });
            at = condition.lastIndex;
        } else if (terms.length > 0 || joins.length > 0) {
            return undefined; // after && or ||, a bare name is not a condition
        }
        join.lastIndex = at;
        const j = join.exec(entry);
        if (j === null) {
            break;
        }
        joins.push(j[1]);
        at = join.lastIndex;
    }
    return at === entry.length ? { name, ellipsis: false, terms, joins } : undefined;
}

/** The shape of a filter pattern; undefined when it cannot be read (not a string, too long, malformed). */
export function parseFilterPattern(pattern: unknown): FilterPattern | undefined {
    if (typeof pattern !== "string" || pattern.length > maxPatternChars) {
        return undefined;
    }
    const p = pattern.trim();
    if (p.startsWith("{")) {
        if (!p.endsWith("}")) {
            return undefined;
        }
        const selectors = [...p.matchAll(/\$\.?([\w-]+)/g)].map((m) => m[1]);
        return selectors.length > 0 ? { kind: "json", selectors } : undefined;
    }
    if (!p.startsWith("[")) {
        return { kind: "other" };
    }
    if (!p.endsWith("]")) {
        return undefined;
    }
    // An empty entry is a field without a name: AWS's `[..., request=*.html*, status_code=4*,]` extracts a 7th field.
    const entries = splitTopLevel(p.slice(1, -1));
    const fields = entries.map(parseField);
    return fields.length > 0 && fields.every((f): f is DelimitedField => f !== undefined) ? { kind: "delimited", fields } : undefined;
}

/** Whether a space-delimited pattern sets any condition: one without matches every event its field count fits. */
export function hasConditions(pattern: Extract<FilterPattern, { kind: "delimited" }>): boolean {
    return pattern.fields.some((f) => f.terms.length > 0);
}

export interface FormatField {
    /** The one variable the field holds alone (possibly in brackets or quotes), if it holds exactly that. */
    variable: string | undefined;
}

// Variables whose value never holds a space (API Gateway writes "-" for an
// empty one), so a bare one is one field. Others (routeKey "GET /pets",
// userAgent, error messages, custom authorizer values) may hold spaces.
const singleWordVariables = new Set([
    "requestId", "extendedRequestId", "apiId", "stage", "status", "httpMethod", "protocol", "path", "domainName", "domainPrefix",
    "accountId", "identity.sourceIp", "identity.accountId", "identity.userArn", "identity.principalOrgId", "identity.cognitoIdentityId",
    "identity.cognitoIdentityPoolId", "identity.apiKeyId", "integrationLatency", "integration.latency", "integration.status",
    "integration.integrationStatus", "integrationStatus", "integration.requestId", "responseLatency", "responseLength",
    "requestTimeEpoch", "connectionId", "connectedAt", "eventType", "messageId", "dataProcessed", "awsEndpointRequestId",
    "awsEndpointRequestId2", "error.responseType", "waf.status", "waf.latency", "authorize.status", "authorize.latency",
    "authenticate.status", "authenticate.latency", "authorizer.status", "authorizer.latency", "authorizer.integrationLatency",
    "authorizer.integrationStatus", "authorizer.requestId",
]);

/** Fields a bare variable's value spans: requestTime is `03/Dec/2026:13:00:00 +0000`. */
function wordsOf(variable: string): number | undefined {
    if (variable === "requestTime") {
        return 2;
    }
    return singleWordVariables.has(variable) ? 1 : undefined;
}

/** The variable a field holds alone: `$context.status`, `[$context.requestTime]`, `"$context.routeKey"`. */
function soleVariable(text: string): string | undefined {
    const inner = /^\[.*\]$|^".*"$/s.test(text) ? text.slice(1, -1) : text;
    const m = /^\$context\.([\w.]+?)\.?$/.exec(inner);
    return m === null ? undefined : m[1];
}

/**
 * The fields a non-JSON format writes, in order, or undefined when their
 * number depends on the request (a bare variable whose value may hold spaces,
 * or brackets and quotes that do not open a field).
 */
export function formatFields(format: string): FormatField[] | undefined {
    const line = format.replace(/\r?\n$/, "");
    if (line.length > 20_000) {
        return undefined;
    }
    const fields: FormatField[] = [];
    let i = 0;
    while (i < line.length) {
        if (line[i] === " " || line[i] === "\t") {
            i++;
            continue;
        }
        const close = line[i] === "[" ? "]" : line[i] === "\"" ? "\"" : undefined;
        let end: number;
        if (close !== undefined) {
            end = line.indexOf(close, i + 1);
            if (end < 0) {
                return undefined;
            }
            end++;
            if (end < line.length && line[end] !== " " && line[end] !== "\t") {
                return undefined;
            }
        } else {
            end = i;
            while (end < line.length && line[end] !== " " && line[end] !== "\t") {
                if (line[end] === "[" || line[end] === "\"") {
                    return undefined;
                }
                end++;
            }
        }
        const text = line.slice(i, end);
        if (close === undefined) {
            let words = 1;
            for (const v of findContextVariables(text)) {
                const w = wordsOf(v.name);
                if (w === undefined) {
                    return undefined;
                }
                words += w - 1;
            }
            const variable = words === 1 ? soleVariable(text) : undefined;
            for (let k = 0; k < words; k++) {
                fields.push({ variable });
            }
        } else {
            fields.push({ variable: soleVariable(text) });
        }
        i = end;
    }
    return fields;
}

/** Whether a space-delimited pattern fits a line of `count` fields. */
export function fitsFieldCount(pattern: Extract<FilterPattern, { kind: "delimited" }>, count: number): boolean {
    const named = fieldCount(pattern);
    return pattern.fields.some((f) => f.ellipsis) ? count >= named : count === named;
}

/** The fields a space-delimited pattern names (ellipses left out). */
export function fieldCount(pattern: Extract<FilterPattern, { kind: "delimited" }>): number {
    return pattern.fields.filter((f) => !f.ellipsis).length;
}

/** Lower case without separators: `status_code` and `statusCode` compare equal. */
function normalized(name: string): string {
    return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * The format variable each named field of the pattern reads, where it can be
 * known: by position for the fields before the first and after the last
 * ellipsis, else by a name equal to the variable's or its JSON key's.
 */
function variablesOfFields(pattern: Extract<FilterPattern, { kind: "delimited" }>, fields: readonly FormatField[] | undefined,
    byName: (name: string) => string | undefined): Map<string, string | undefined> {
    const result = new Map<string, string | undefined>();
    const list = pattern.fields;
    const first = list.findIndex((f) => f.ellipsis);
    const last = list.length - 1 - [...list].reverse().findIndex((f) => f.ellipsis);
    list.forEach((f, i) => {
        if (f.name === undefined) {
            return;
        }
        let variable: string | undefined;
        if (fields !== undefined && (first < 0 || i < first)) {
            variable = fields[i]?.variable;
        } else if (fields !== undefined && first >= 0 && i > last) {
            variable = fields[fields.length - (list.length - i)]?.variable;
        }
        result.set(f.name, variable ?? byName(f.name));
    });
    return result;
}

function jsonValue(value: string): string {
    return value.startsWith("\"") ? value : JSON.stringify(value);
}

/**
 * The JSON pattern that selects what a space-delimited pattern selects, once
 * the format is JSON with `keyOf(variable)` for each variable; undefined when
 * a condition cannot be carried over (a numeric comparison, a field whose
 * variable is not known, a negation written `=!`).
 */
export function toJsonPattern(pattern: Extract<FilterPattern, { kind: "delimited" }>, fields: readonly FormatField[] | undefined,
    keyOf: (variable: string) => string | undefined, variableNamed: (name: string) => string | undefined): string | undefined {
    const variables = variablesOfFields(pattern, fields, variableNamed);
    const keyOfField = (name: string): string | undefined => {
        const variable = variables.get(name);
        return variable === undefined ? undefined : keyOf(variable);
    };
    const parts: string[] = [];
    for (const field of pattern.fields) {
        if (field.terms.length === 0) {
            continue;
        }
        let expression = "";
        for (const [i, term] of field.terms.entries()) {
            const key = keyOfField(term.field);
            if (key === undefined || (term.op !== "=" && term.op !== "!=") || term.value.startsWith("!")) {
                return undefined;
            }
            expression += `${i > 0 ? ` ${field.joins[i - 1]} ` : ""}$.${key} ${term.op} ${jsonValue(term.value)}`;
        }
        parts.push(field.joins.includes("||") && pattern.fields.filter((f) => f.terms.length > 0).length > 1 ? `(${expression})` : expression);
    }
    if (parts.length === 0) {
        // Only the field count mattered: every line of the format fits once it is JSON.
        const key = keyOf("requestId") ?? keyOf("extendedRequestId");
        return key === undefined ? undefined : `{ $.${key} = * }`;
    }
    return `{ ${parts.join(" && ")} }`;
}

/** The variable a pattern's field name stands for, among the format's own: `status`, `request_id`. */
export function variableByName(variables: readonly string[], keyOf: (variable: string) => string | undefined): (name: string) => string | undefined {
    return (name) => {
        const n = normalized(name);
        return variables.find((v) => normalized(v) === n || normalized(v.slice(v.lastIndexOf(".") + 1)) === n || normalized(keyOf(v) ?? "") === n);
    };
}
