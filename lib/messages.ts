import { nativeStage } from "./resource-types";
import { quote } from "./quote";

// Building blocks of violation messages. A message is one line naming the
// resource and the problem, then one line with a short Pulumi TypeScript fix.

/** `Stage "name"`, with the name quoted safely (names are user input too). */
export function stageLabel(name: string): string {
    return `Stage ${quote(name)}`;
}

export function apiLabel(name: string): string {
    return `API ${quote(name)}`;
}

export function withFix(problem: string, fix: string): string {
    return `${problem}\nFix: ${fix}`;
}

/** The constructor a fix snippet should use for a stage of this type. */
export function stageConstructor(type: string): string {
    return type === nativeStage ? "new awsnative.apigatewayv2.Stage" : "new aws.apigatewayv2.Stage";
}

export function logGroupConstructor(type: string): string {
    return type === nativeStage ? "new awsnative.logs.LogGroup" : "new aws.cloudwatch.LogGroup";
}

/** The fix snippet that adds complete access logging to a stage. */
export function accessLoggingFix(type: string, protocol?: "HTTP" | "WEBSOCKET"): string {
    return `${stageConstructor(type)}("stage", { ..., accessLogSettings: { destinationArn: logGroup.arn, format: ${formatSnippet(protocol)} } })${protocol === undefined ? webSocketFormatNote() : ""}`;
}

// Fix snippets that set a format must give a format every policy of the pack
// accepts with the default config: JSON, a request ID, the fields the fields
// policy requires, and, on WebSocket stages, the connection fields the
// protocol policy requires. HTTP APIs reject WebSocket-only variables, so no
// one format suits both protocols.
const defaultFormatFields: readonly (readonly [string, string])[] = [
    ["requestId", "requestId"],
    ["ip", "identity.sourceIp"],
    ["requestTime", "requestTime"],
    ["routeKey", "routeKey"],
    ["status", "status"],
];

export const defaultWebSocketFormatVariables: readonly string[] = ["connectionId", "eventType"];

/** A JSON key for a $context variable: its last segment (`identity.sourceIp` -> `sourceIp`). */
function fieldKey(variable: string): string {
    const last = variable.slice(variable.lastIndexOf(".") + 1);
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(last) ? last : JSON.stringify(last);
}

function formatFields(webSocketVariables: readonly string[]): string {
    const fields = defaultFormatFields.map(([key, variable]) => `${key}: "$context.${variable}"`);
    const keys = new Set(defaultFormatFields.map(([key]) => key));
    for (const variable of webSocketVariables) {
        const key = fieldKey(variable);
        if (!keys.has(key)) {
            keys.add(key);
            fields.push(`${key}: "$context.${variable}"`);
        }
    }
    return fields.join(", ");
}

/**
 * `JSON.stringify({ ... })` for a stage's format. `protocol` undefined means
 * the caller cannot tell (resource policies do not see the API): the snippet
 * is the HTTP one, with a note naming what WebSocket stages add.
 */
export function formatSnippet(protocol: "HTTP" | "WEBSOCKET" | undefined, webSocketVariables: readonly string[] = defaultWebSocketFormatVariables): string {
    if (protocol === "WEBSOCKET") {
        return `JSON.stringify({ ${formatFields(webSocketVariables)} })`;
    }
    return `JSON.stringify({ ${formatFields([])} })`;
}

/** What a WebSocket stage adds to `formatSnippet(undefined)`, as a trailing note. */
export function webSocketFormatNote(webSocketVariables: readonly string[] = defaultWebSocketFormatVariables): string {
    if (webSocketVariables.length === 0) {
        return "";
    }
    return ` // on a WebSocket API add ${webSocketVariables.map((v) => `${fieldKey(v)}: "$context.${v}"`).join(", ")}`;
}

/** `accessLogSettings: { ..., format: ... }` for a stage whose protocol may be known. */
export function formatFix(protocol: "HTTP" | "WEBSOCKET" | undefined): string {
    return `accessLogSettings: { ..., format: ${formatSnippet(protocol)} }${protocol === undefined ? webSocketFormatNote() : ""}`;
}
