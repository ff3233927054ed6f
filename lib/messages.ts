import { variableNamesOf } from "./access-log-format";
import {
    args, bool, Fix, FixProperty, FixValue, json, jsonObject, JsonObject, JsonValue, Language, longStr, num, output, prop, renderFix, ResourceSnippet, str,
} from "./fix-snippets";
import { maxQuotedChars } from "./quote";
import { andList, describeFormatRepair, repairedVariables } from "./format-fix-text";
import { repairFormat, RepairedFormat, RepairOptions } from "./format-repair";
import { quote } from "./quote";
import { fixFormatFields } from "./recommended-format";
import {
    awsApiGatewayAccount, awsIamRole, awsIamRolePolicyAttachment, awsLogGroup, nativeApiGatewayAccount, nativeLogGroup, nativeStage,
} from "./resource-types";
import { defaultMinimumRetentionDays, suggestedRetention } from "./retention";

// Building blocks of violation messages. A message is one line naming the
// resource and the problem, then a line with a short Pulumi fix in the
// program's language (lib/fix-snippets.ts), or two when the fix depends on
// what the policy cannot know (the API's protocol), each saying when it holds.

/** `Stage "name"`, with the name quoted safely (names are user input too). */
export function stageLabel(name: string): string {
    return `Stage ${quote(name)}`;
}

export function apiLabel(name: string): string {
    return `API ${quote(name)}`;
}

/** One fix, and when it applies ("on a WebSocket API") when there are several. */
export interface FixVariant {
    when?: string;
    fix: Fix;
}

type FixRecorder = (rendered: string, variants: readonly FixVariant[]) => void;
let recorder: FixRecorder | undefined;

/**
 * Lets tests apply a fix from its data model rather than its text: while a
 * recorder is set, every message built here is passed to it with its fixes.
 * Unset (the pack at run time), nothing is kept.
 */
export function recordFixes(next: FixRecorder | undefined): void {
    recorder = next;
}

function fixLine(variant: FixVariant, lang: Language): string {
    return `Fix${variant.when === undefined ? "" : ` ${variant.when}`}: ${renderFix(variant.fix, lang)}`;
}

export function withFixes(problem: string, variants: readonly FixVariant[], lang: Language): string {
    const fixes = variants.map((v) => fixLine(v, lang)).join("\n");
    recorder?.(fixes, variants);
    return `${problem}\n${fixes}`;
}

export function withFix(problem: string, fix: Fix, lang: Language): string {
    return withFixes(problem, [{ fix }], lang);
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
export function stageFix(type: string, name: string, properties: readonly FixProperty[]): ResourceSnippet {
    return { type, name, properties, more: true };
}

/** A log group the stack has, by the name fixes give it where they cannot see it. */
export const logGroupArn: FixValue = output("logGroup", "arn");

/** Where the fix cannot know the protocol, one fix for each, each saying when it holds. */
export function byProtocol(protocol: StageProtocol | undefined, build: (protocol: StageProtocol) => Fix): FixVariant[] {
    if (protocol !== undefined) {
        return [{ fix: build(protocol) }];
    }
    return [{ when: "on an HTTP API", fix: build("HTTP") }, { when: "on a WebSocket API", fix: build("WEBSOCKET") }];
}

// ---------------------------------------------------------------------------
// Log groups.

/** What a log group needs under the retention policy's config. */
export interface LogGroupSettings {
    retentionInDays: number;
    kmsKey: boolean;
    deletionProtection: boolean;
}

/**
 * The settings under the retention policy's default config. A resource policy
 * cannot read another policy's config (the SDK hands each policy its own), so
 * a stage policy's fix uses these documented defaults; the stack policies,
 * which own the log group, use the configured values.
 */
export const defaultLogGroupSettings: LogGroupSettings = {
    retentionInDays: suggestedRetention(defaultMinimumRetentionDays, undefined),
    kmsKey: false,
    deletionProtection: false,
};

/** The properties of a new log group with these settings, of class STANDARD. */
export function newLogGroupProperties(settings: LogGroupSettings): FixProperty[] {
    return [
        prop("retentionInDays", num(settings.retentionInDays)),
        prop("logGroupClass", str("STANDARD")),
        ...logGroupExtras(settings),
    ];
}

/** kmsKeyId and deletionProtectionEnabled, where the settings require them. */
export function logGroupExtras(settings: LogGroupSettings): FixProperty[] {
    const properties: FixProperty[] = [];
    if (settings.kmsKey) {
        properties.push(prop("kmsKeyId", output("key", "arn")));
    }
    if (settings.deletionProtection) {
        properties.push(prop("deletionProtectionEnabled", bool(true)));
    }
    return properties;
}

/** What a new log group with these settings is, in words, for a problem line. */
export function describeLogGroupSettings(settings: LogGroupSettings): string {
    const parts = [`keeps logs for ${days(settings.retentionInDays)}`];
    if (settings.kmsKey) {
        parts.push("is encrypted with a KMS key");
    }
    if (settings.deletionProtection) {
        parts.push("has deletion protection");
    }
    return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** "1 day", "30 days". */
export function days(n: number): string {
    return `${n} ${n === 1 ? "day" : "days"}`;
}

/** A variable name for the log group of a stage: `dev` -> `devAccessLogs`, `$default` -> `defaultAccessLogs`. */
export function logGroupVariable(stageName: string): string {
    const words = stageName.split(/[^A-Za-z0-9]+/).filter((w) => w !== "").slice(0, 6);
    const camel = words.map((w, i) => (i === 0 ? w[0].toLowerCase() : w[0].toUpperCase()) + w.slice(1)).join("");
    const base = camel === "" || /^[0-9]/.test(camel) ? `stage${camel}` : camel;
    return `${base.slice(0, 40)}AccessLogs`;
}

/** A log group's resource name after its stage: letters CloudWatch accepts in a name, since the name is its prefix. */
export function logGroupNameFor(stageName: string): string {
    const cleaned = stageName.replace(/[^A-Za-z0-9._/#-]+/g, "").replace(/^[-/]+/, "").slice(0, 60);
    return `${cleaned === "" ? "stage" : cleaned}-access-logs`;
}

/** A new log group for the stage, named after it, with the settings. */
export function newLogGroupFor(stageType: string, stageName: string, settings: LogGroupSettings): ResourceSnippet {
    return {
        type: logGroupTypeFor(stageType), name: logGroupNameFor(stageName), variable: logGroupVariable(stageName),
        properties: newLogGroupProperties(settings), more: false,
    };
}

/**
 * A log group of the stack, named after the stage (the same provider), with
 * the retention policy's documented defaults, and the stage bound to it; with
 * `physicalName`, the log group's own name too.
 */
export function newLogGroupDestinationFix(stageType: string, stageName: string, physicalName?: string): Fix {
    const group = newLogGroupFor(stageType, stageName, defaultLogGroupSettings);
    const named = physicalName === undefined ? group
        : { ...group, properties: [prop(group.type === nativeLogGroup ? "logGroupName" : "name", str(physicalName)), ...group.properties] };
    return {
        resources: [named, stageFix(stageType, stageName, [accessLogSettings([prop("destinationArn", output(group.variable as string, "arn"))], true)])],
    };
}

// ---------------------------------------------------------------------------
// Formats.

// Fixes that set a format must give a format every policy of the pack accepts
// with the default config: JSON, a request ID, the fields the fields policy
// requires, and, on WebSocket stages, the connection fields the protocol
// policy requires. HTTP APIs reject WebSocket-only variables, so no one format
// suits both protocols.
export const defaultWebSocketFormatVariables: readonly string[] = ["connectionId", "eventType"];

/** The format options of the pack's default config, with the protocol. */
export function defaultRepairOptions(protocol: StageProtocol | undefined): RepairOptions {
    return {
        protocol,
        requireJson: true,
        requiredVariables: fixFormatFields.map(([, v]) => v.slice("$context.".length)),
        webSocketVariables: defaultWebSocketFormatVariables,
        additionalVariables: [],
    };
}

/** The pack's own format for a stage that has none: the default fields, and the connection fields on WebSocket. */
export function newFormat(protocol: StageProtocol, webSocketVariables: readonly string[] = defaultWebSocketFormatVariables): RepairedFormat {
    return repairFormat("{}", { ...defaultRepairOptions(protocol), webSocketVariables });
}

// A fix repeats the user's format so that it can be pasted, but within bounds: a message must stay short and
// never repeat a long run of an input value. Past them, the fix shows only what it adds, the rest elided.
const maxRepeatedFormat = 800;

function jsonStrings(value: JsonValue, out: string[]): void {
    if (typeof value === "string") {
        out.push(value);
    } else if (Array.isArray(value)) {
        (value as readonly JsonValue[]).forEach((v) => jsonStrings(v, out));
    } else {
        (value as JsonObject).fields.forEach(([k, v]) => {
            out.push(k);
            jsonStrings(v, out);
        });
    }
}

/** The format as a fix value: whole when short, else only the fields it adds (`before`: the variables the user's format has). */
export function formatValue(format: RepairedFormat, before: ReadonlySet<string> = new Set()): FixValue {
    if (format.kind === "text") {
        return format.text.length <= maxRepeatedFormat ? longStr(format.text) : str(format.text);
    }
    const strings: string[] = [];
    jsonStrings({ fields: format.fields }, strings);
    if (strings.every((x) => x.length <= maxQuotedChars) && strings.reduce((n, x) => n + x.length, 0) <= maxRepeatedFormat) {
        return json(format.fields);
    }
    const added = format.fields.filter(([, v]) => typeof v === "string" && /^\$context\.[\w.]+$/.test(v) && !before.has(v.slice("$context.".length)));
    return json(added, true);
}

/** The fix that sets only a stage's format, keeping its destination. */
export function formatFix(type: string, name: string, format: RepairedFormat, after?: Fix["after"], before?: ReadonlySet<string>): Fix {
    return { resources: [stageFix(type, name, [accessLogSettings([prop("format", formatValue(format, before))], true)])], after };
}

/**
 * The minimal repair of a stage's format, as fixes (one per protocol where it
 * is not known) and the words that say what they change.
 */
export function formatRepairFixes(type: string, name: string, format: string, protocol: StageProtocol | undefined,
    options: (protocol: StageProtocol | undefined) => RepairOptions): { summary: string; variants: FixVariant[] } {
    const repaired = (p: StageProtocol | undefined) => repairFormat(format, options(p));
    const first = repaired(protocol ?? "HTTP");
    let summary = describeFormatRepair(format, first);
    if (protocol === undefined) {
        const http = repairedVariables(first);
        const extra = [...repairedVariables(repaired("WEBSOCKET"))].filter((n) => !http.has(n)).map((n) => `$context.${n}`);
        if (extra.length > 0) {
            summary += ` On a WebSocket API it also adds ${andList(extra.map((n) => quote(n)))}.`;
        }
    }
    const before = variableNamesOf(format);
    return { summary, variants: byProtocol(protocol, (p) => formatFix(type, name, repaired(p), undefined, before)) };
}

// ---------------------------------------------------------------------------
// The account-level CloudWatch Logs role WebSocket logging needs.

/** The AWS managed policy that lets API Gateway write to CloudWatch Logs. */
export const pushToCloudWatchLogsPolicyArn = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs";
export const apiGatewayService = "apigateway.amazonaws.com";

/**
 * A role API Gateway can assume, with the managed policy, and the account
 * setting that uses it, from the stage's provider (the aws-native Account
 * spells the property cloudWatchRoleArn).
 */
export function cloudWatchRoleResources(stageType: string): ResourceSnippet[] {
    const native = stageType === nativeStage;
    const trust = jsonObject([
        ["Version", "2012-10-17"],
        ["Statement", [jsonObject([["Effect", "Allow"], ["Principal", jsonObject([["Service", apiGatewayService]])], ["Action", "sts:AssumeRole"]])]],
    ]);
    return [
        {
            type: awsIamRole, name: "apigateway-cloudwatch-logs", variable: "apiGatewayLogsRole", more: false,
            properties: [prop("assumeRolePolicy", json(trust.fields))],
        },
        {
            type: awsIamRolePolicyAttachment, name: "apigateway-cloudwatch-logs-policy", more: false,
            properties: [prop("role", output("apiGatewayLogsRole", "name")), prop("policyArn", str(pushToCloudWatchLogsPolicyArn))],
        },
        {
            type: native ? nativeApiGatewayAccount : awsApiGatewayAccount, name: "apigateway-account", more: false,
            properties: [prop(native ? "cloudWatchRoleArn" : "cloudwatchRoleArn", output("apiGatewayLogsRole", "arn"))],
        },
    ];
}

/**
 * The fix that adds complete access logging to a stage: the log group (when
 * the stage has no destination), the destination and the format it lacks,
 * and on a WebSocket API the account-level role.
 */
export function accessLoggingFix(type: string, name: string, protocol: StageProtocol, missing: { destination: boolean; format: boolean; settings: boolean },
    group: LogGroupSettings = defaultLogGroupSettings): Fix {
    const resources: ResourceSnippet[] = [];
    const fields: FixProperty[] = [];
    if (missing.destination) {
        const logGroup = newLogGroupFor(type, name, group);
        resources.push(logGroup);
        fields.push(prop("destinationArn", output(logGroup.variable as string, "arn")));
    }
    if (missing.format) {
        fields.push(prop("format", formatValue(newFormat(protocol))));
    }
    resources.push(stageFix(type, name, [accessLogSettings(fields, !missing.settings)]));
    if (protocol === "WEBSOCKET") {
        resources.push(...cloudWatchRoleResources(type));
        return { before: ["leave out the role and the account where the stack has them already, then"], resources };
    }
    return { resources };
}
