import { args, Fix, FixProperty, FixValue, json, Language, output, prop, renderFix, Text } from "./fix-snippets";
import { quote } from "./quote";
import { fixFormatFields } from "./recommended-format";
import { awsLogGroup, nativeLogGroup, nativeStage } from "./resource-types";

// Building blocks of violation messages. A message is one line naming the
// resource and the problem, then one line with a short Pulumi fix in the
// program's language (lib/fix-snippets.ts).

/** `Stage "name"`, with the name quoted safely (names are user input too). */
export function stageLabel(name: string): string {
    return `Stage ${quote(name)}`;
}

export function apiLabel(name: string): string {
    return `API ${quote(name)}`;
}

export function withFix(problem: string, fix: Fix, lang: Language): string {
    return `${problem}\nFix: ${renderFix(fix, lang)}`;
}

/** The log-group type that goes with a stage of this type (same provider). */
export function logGroupTypeFor(stageType: string): string {
    return stageType === nativeStage ? nativeLogGroup : awsLogGroup;
}

/** The access-log settings of a stage fix: the given fields, the others kept. */
export function accessLogSettings(properties: readonly FixProperty[], more: boolean): FixProperty {
    return prop("accessLogSettings", args("StageAccessLogSettings", properties, more));
}

export type StageProtocol = "HTTP" | "WEBSOCKET";

/** The stage, by its own name, with only the given properties changed. */
export function stageFix(type: string, name: string, properties: readonly FixProperty[]): Fix["resources"][number] {
    return { type, name, properties, more: true };
}

export const logGroupArn: FixValue = output("logGroup", "arn");

// Fixes that set a format must give a format every policy of the pack accepts
// with the default config: JSON, a request ID, the fields the fields policy
// requires, and, on WebSocket stages, the connection fields the protocol
// policy requires. HTTP APIs reject WebSocket-only variables, so no one format
// suits both protocols.
export const defaultWebSocketFormatVariables: readonly string[] = ["connectionId", "eventType"];

/** A JSON key for a $context variable: its last segment (`identity.sourceIp` -> `sourceIp`). */
function fieldKey(variable: string): string {
    return variable.slice(variable.lastIndexOf(".") + 1);
}

/** `fields`, plus on a WebSocket stage the connection fields (by key, no duplicates). */
export function protocolFormatFields(protocol: StageProtocol | undefined, fields: readonly (readonly [string, string])[] = fixFormatFields,
    webSocketVariables: readonly string[] = defaultWebSocketFormatVariables): (readonly [string, string])[] {
    const out = [...fields];
    if (protocol !== "WEBSOCKET") {
        return out;
    }
    const keys = new Set(out.map(([key]) => key));
    for (const variable of webSocketVariables) {
        const key = fieldKey(variable);
        if (!keys.has(key)) {
            keys.add(key);
            out.push([key, `$context.${variable}`]);
        }
    }
    return out;
}

/**
 * What a WebSocket stage adds to the HTTP format, as a trailing note, for
 * callers that cannot tell the protocol (resource policies do not see the API).
 */
export function webSocketFormatNote(webSocketVariables: readonly string[] = defaultWebSocketFormatVariables): Text | undefined {
    if (webSocketVariables.length === 0) {
        return undefined;
    }
    return [`on a WebSocket API add ${webSocketVariables.map((v) => `${fieldKey(v)}: "$context.${v}"`).join(", ")}`];
}

/** The fix that adds complete access logging to a stage whose protocol may be known. */
export function accessLoggingFix(type: string, name: string, protocol?: StageProtocol): Fix {
    return {
        resources: [stageFix(type, name, [accessLogSettings([
            prop("destinationArn", logGroupArn),
            prop("format", json(protocolFormatFields(protocol))),
        ], false)])],
        after: protocol === undefined ? webSocketFormatNote() : undefined,
    };
}

/** The fix that sets only a stage's format, keeping its destination. */
export function formatFix(type: string, name: string, fields: readonly (readonly [string, string])[] = fixFormatFields, after?: Fix["after"]): Fix {
    return { resources: [stageFix(type, name, [accessLogSettings([prop("format", json(fields))], true)])], after };
}

/** The format fix for a stage whose protocol may be known: the WebSocket fields, or a note naming them. */
export function protocolFormatFix(type: string, name: string, protocol: StageProtocol | undefined, after?: Text,
    fields: readonly (readonly [string, string])[] = fixFormatFields): Fix {
    const note = protocol === undefined ? webSocketFormatNote() : undefined;
    const trailer = after !== undefined && note !== undefined ? [...after, "; ", ...note] : after ?? note;
    return formatFix(type, name, protocolFormatFields(protocol, fields), trailer);
}
