import { findContextVariables, jsonShapeOfFormat, variableNamesOf } from "./access-log-format";
import { isSupportedVariable, knownVariableNames, Protocol, protocolsOfVariable } from "./context-variables";
import { JsonObject, JsonValue } from "./fix-snippets";

// The smallest change to a user's access-log format that every format policy
// of the pack accepts: the user's own fields stay, with their keys; only an
// invalid variable is replaced (a known mistake such as resourcePath -> path)
// or removed; missing variables are added. A format is rebuilt only to make a
// non-JSON format JSON when JSON is required, and then every variable the user
// logged becomes a field of it.

export interface RepairOptions {
    /** The API's protocol, when known: variables of the other protocol are removed, WebSocket stages get the connection fields. */
    protocol?: Protocol;
    requireJson: boolean;
    requiredVariables: readonly string[];
    webSocketVariables: readonly string[];
    additionalVariables: readonly string[];
}

export type RepairedFormat =
    | { kind: "json"; fields: readonly (readonly [string, JsonValue])[] }
    | { kind: "text"; text: string };

/** Variables of other APIs people use by mistake, by what the HTTP or WebSocket API calls the same thing. */
const knownReplacements: Readonly<Record<string, string>> = {
    resourcePath: "path",
    "identity.clientCert.subjectDn": "identity.clientCert.subjectDN",
    "identity.clientCert.issuerDn": "identity.clientCert.issuerDN",
};

let lowerCaseNames: Map<string, string> | undefined;

/** What an invalid variable becomes: a documented name it stands for, or undefined to remove it. */
function replacementOf(name: string, keep: (name: string) => boolean): string | undefined {
    const known = knownReplacements[name];
    if (known !== undefined && keep(known)) {
        return known;
    }
    lowerCaseNames ??= new Map(knownVariableNames().map((n) => [n.toLowerCase(), n]));
    const sameButCase = lowerCaseNames.get(name.toLowerCase());
    return sameButCase !== undefined && keep(sameButCase) ? sameButCase : undefined;
}

/** A JSON key for a variable: its last segment (`identity.sourceIp` -> `sourceIp`). */
export function fieldKey(variable: string): string {
    return variable.slice(variable.lastIndexOf(".") + 1);
}

function variableFilter(options: RepairOptions): (name: string) => boolean {
    const additional = new Set(options.additionalVariables);
    return (name) => {
        if (!isSupportedVariable(name, additional)) {
            return false;
        }
        const protocols = protocolsOfVariable(name);
        return options.protocol === undefined || protocols === undefined || protocols === "both" || protocols === options.protocol;
    };
}

/** The variables the format must have: a request ID, the required fields, and the connection fields on WebSocket. */
function wantedVariables(options: RepairOptions): string[] {
    const wanted = ["requestId", ...options.requiredVariables];
    if (options.protocol === "WEBSOCKET") {
        wanted.push(...options.webSocketVariables);
    }
    return [...new Set(wanted)];
}

/** Replaces or removes the invalid variables of one string, keeping all its other text. */
function editString(text: string, keep: (name: string) => boolean): string {
    const variables = findContextVariables(text);
    let out = "";
    let last = 0;
    for (const v of variables) {
        if (v.name !== "" && keep(v.name)) {
            continue;
        }
        const replacement = v.name === "" ? undefined : replacementOf(v.name, keep);
        out += text.slice(last, v.start) + (replacement === undefined ? "" : `$context.${replacement}`);
        last = v.end;
    }
    return out + text.slice(last);
}

/** A format that is a JSON object, with bare variables (`"status": $context.status`) read as strings; undefined otherwise. */
export function parseJsonFormat(format: string): JsonObject | undefined {
    if (format.length > 20_000 || jsonShapeOfFormat(format) !== "object") {
        return undefined;
    }
    const variables = findContextVariables(format);
    let quoted = "";
    let last = 0;
    let inString = false;
    let i = 0;
    for (const v of variables) {
        for (; i < v.start; i++) {
            const c = format[i];
            if (c === "\\" && inString) {
                i++;
            } else if (c === "\"") {
                inString = !inString;
            }
        }
        if (!inString) {
            quoted += `${format.slice(last, v.start)}"${format.slice(v.start, v.end)}"`;
            last = v.end;
        }
        i = v.end;
    }
    quoted += format.slice(last);
    try {
        const parsed: unknown = JSON.parse(quoted);
        const value = toJsonValue(parsed);
        return typeof value === "object" && !Array.isArray(value) ? value as JsonObject : undefined;
    } catch {
        return undefined;
    }
}

function toJsonValue(value: unknown): JsonValue {
    if (Array.isArray(value)) {
        return value.map(toJsonValue);
    }
    if (value !== null && typeof value === "object") {
        return { fields: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJsonValue(v)] as const) };
    }
    return String(value);
}

function editJson(value: JsonValue, keep: (name: string) => boolean): JsonValue | undefined {
    if (typeof value === "string") {
        const edited = editString(value, keep);
        // A field that held only an invalid variable goes with it.
        return edited.trim() === "" && value.trim() !== "" ? undefined : edited;
    }
    if (Array.isArray(value)) {
        return (value as readonly JsonValue[]).map((v) => editJson(v, keep)).filter((v): v is JsonValue => v !== undefined);
    }
    const fields: (readonly [string, JsonValue])[] = [];
    for (const [k, v] of (value as JsonObject).fields) {
        const edited = editJson(v, keep);
        if (edited !== undefined) {
            fields.push([k, edited]);
        }
    }
    return { fields };
}

function jsonHasVariable(value: JsonValue, name: string): boolean {
    if (typeof value === "string") {
        return findContextVariables(value).some((v) => v.name === name);
    }
    if (Array.isArray(value)) {
        return (value as readonly JsonValue[]).some((v) => jsonHasVariable(v, name));
    }
    return (value as JsonObject).fields.some(([, v]) => jsonHasVariable(v, name));
}

/** Adds `key: "$context.name"` for each missing variable, with a key no field has yet. */
function addFields(fields: (readonly [string, JsonValue])[], names: readonly string[]): void {
    const keys = new Set(fields.map(([k]) => k));
    for (const name of names) {
        let key = fieldKey(name);
        if (keys.has(key)) {
            key = name;
        }
        for (let n = 2; keys.has(key); n++) {
            key = `${fieldKey(name)}${n}`;
        }
        keys.add(key);
        fields.push([key, `$context.${name}`]);
    }
}

function hasAnyRequestId(has: (name: string) => boolean): boolean {
    return has("requestId") || has("extendedRequestId");
}

/** The variables `wanted` lacks, given what the format has; a request ID counts as either ID. */
function missingOf(wanted: readonly string[], has: (name: string) => boolean): string[] {
    return wanted.filter((name) => name === "requestId" ? !hasAnyRequestId(has) : !has(name));
}

/** The distinct variables of the format once invalid ones are replaced or removed, in order of first appearance. */
function keptVariables(format: string, keep: (name: string) => boolean): string[] {
    const kept = new Set<string>();
    for (const name of variableNamesOf(format)) {
        const edited = name === "" ? undefined : keep(name) ? name : replacementOf(name, keep);
        if (edited !== undefined) {
            kept.add(edited);
        }
    }
    return [...kept];
}

// Every format policy asks for the same stage's repair, once per problem it
// reports: the last format's repairs are remembered, by options.
let repairsOf: { format: string | undefined; byOptions: Map<string, RepairedFormat> } = { format: undefined, byOptions: new Map() };

/**
 * The user's format, minimally changed so that the pack's format policies
 * accept it under the options. The result is shared between callers: do not
 * change it.
 */
export function repairFormat(format: string, options: RepairOptions): RepairedFormat {
    if (repairsOf.format !== format) {
        repairsOf = { format, byOptions: new Map() };
    }
    const key = JSON.stringify([options.protocol, options.requireJson, options.requiredVariables, options.webSocketVariables, options.additionalVariables]);
    let repaired = repairsOf.byOptions.get(key);
    if (repaired === undefined) {
        repaired = computeRepair(format, options);
        repairsOf.byOptions.set(key, repaired);
    }
    return repaired;
}

function computeRepair(format: string, options: RepairOptions): RepairedFormat {
    const keep = variableFilter(options);
    const wanted = wantedVariables(options);
    const parsed = parseJsonFormat(format);
    if (parsed !== undefined) {
        const edited = editJson(parsed, keep) as JsonObject;
        const fields = [...edited.fields];
        addFields(fields, missingOf(wanted, (name) => fields.some(([, v]) => jsonHasVariable(v, name))));
        return { kind: "json", fields };
    }
    if (options.requireJson) {
        // Only requiring JSON justifies a new format: it keeps every variable the user logged, as fields.
        // Only the variables matter, so the format is not rewritten (it can be megabytes).
        const fields: (readonly [string, JsonValue])[] = [];
        addFields(fields, keptVariables(format, keep));
        addFields(fields, missingOf(wanted, (name) => fields.some(([, v]) => v === `$context.${name}`)));
        return { kind: "json", fields };
    }
    // One line: a line break becomes a space (a trailing newline is allowed, but not needed).
    const oneLine = editString(format.replace(/\r\n|[\r\n\u2028\u2029]/g, " ").trimEnd(), keep);
    const present = new Set(findContextVariables(oneLine).map((v) => v.name));
    const missing = missingOf(wanted, (name) => present.has(name));
    const text = [oneLine.replace(/ {2,}/g, " ").trim(), ...missing.map((name) => `$context.${name}`)].filter((s) => s !== "").join(" ");
    return { kind: "text", text };
}
