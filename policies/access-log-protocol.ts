import { StackValidationPolicy } from "@pulumi/policy";
import { hasVariable, selectVariables } from "../lib/access-log-format";
import { knownFormat, readStageLogging } from "../lib/access-log-settings";
import { isVariableName, Protocol, protocolsOfVariable } from "../lib/context-variables";
import { StackResource } from "../lib/log-group-index";
import { Fix, languageOfStackTags, output, prop } from "../lib/fix-snippets";
import { defaultWebSocketFormatVariables, formatFix, protocolFormatFields, stageLabel, withFix } from "../lib/messages";
import { ConfigSchemaOf, firstBadEntry, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { quote, quoteList } from "../lib/quote";
import { isNonBlankString, readProperty, UNKNOWN } from "../lib/read-property";
import { awsApiGatewayAccount, isApiGatewayAccountType, isApiType, isStageType, nativeApiGatewayAccount, nativeStage } from "../lib/resource-types";
import { noStageReason } from "../lib/applicability";
import { nist80053 } from "../lib/frameworks";
import { governStackPolicy } from "../lib/governance";

export const accessLogProtocolName = "apigatewayv2-access-log-protocol";

export interface AccessLogProtocolConfig {
    requireCloudWatchRoleInStack: boolean;
    requiredWebSocketVariables: string[];
}

const configProperties: ConfigSchemaOf<AccessLogProtocolConfig> = {
    requireCloudWatchRoleInStack: {
        type: "boolean", default: true,
        description: "Report WebSocket stages with access logging when the stack has no aws.apigateway.Account with cloudwatchRoleArn. Turn off where the account-wide role is managed by another stack.",
    },
    requiredWebSocketVariables: {
        type: "array", items: { type: "string" }, default: [...defaultWebSocketFormatVariables],
        description: "$context variable names (without \"$context.\") every WebSocket stage's format must contain, so log lines can be tied to a connection. HTTP stages are never asked for them. [] turns the check off.",
    },
};

const readConfig = makeConfigReader<AccessLogProtocolConfig>(accessLogProtocolName, configProperties, (config) =>
    firstBadEntry<AccessLogProtocolConfig>("requiredWebSocketVariables", config.requiredWebSocketVariables, (v) =>
        isVariableName(v) ? undefined : "is not a variable name such as \"connectionId\" (leave out \"$context.\")"));

interface ApiInfo {
    name: string;
    protocol: Protocol | typeof UNKNOWN | undefined;
}

function readProtocol(props: unknown): Protocol | typeof UNKNOWN | undefined {
    const value = readProperty(props, "protocolType");
    if (value === UNKNOWN) {
        return UNKNOWN;
    }
    const upper = typeof value === "string" ? value.toUpperCase() : undefined;
    return upper === "HTTP" || upper === "WEBSOCKET" ? upper : undefined;
}

/** APIs of the stack, by URN and by every known ID they go by. */
function indexApis(resources: readonly StackResource[]): { byUrn: Map<string, ApiInfo>; byId: Map<string, ApiInfo> } {
    const byUrn = new Map<string, ApiInfo>();
    const byId = new Map<string, ApiInfo>();
    for (const r of resources) {
        if (!isApiType(r.type)) {
            continue;
        }
        const info: ApiInfo = { name: r.name, protocol: readProtocol(r.props) };
        byUrn.set(r.urn, info);
        for (const key of ["id", "apiId"]) {
            const id = readProperty(r.props, key);
            if (isNonBlankString(id)) {
                byId.set(id, info);
            }
        }
    }
    return { byUrn, byId };
}

function apiOfStage(stage: StackResource, apis: ReturnType<typeof indexApis>): ApiInfo | undefined {
    const deps = readProperty(stage.propertyDependencies, "apiId");
    if (Array.isArray(deps)) {
        for (const dep of deps) {
            const urn = readProperty(dep, "urn");
            const api = typeof urn === "string" ? apis.byUrn.get(urn) : undefined;
            if (api !== undefined) {
                return api;
            }
        }
    }
    const apiId = readProperty(stage.props, "apiId");
    return isNonBlankString(apiId) ? apis.byId.get(apiId) : undefined;
}

function hasCloudWatchRole(resources: readonly StackResource[]): boolean {
    return resources.some((r) => {
        if (!isApiGatewayAccountType(r.type)) {
            return false;
        }
        const role = readProperty(r.props, "cloudwatchRoleArn") ?? readProperty(r.props, "cloudWatchRoleArn");
        return role === UNKNOWN || isNonBlankString(role);
    });
}

/**
 * Why the policy evaluated no stage of the stack, if it did not: it checks a
 * stage with an access-log destination whose API, with a known protocol, is in
 * the stack.
 */
export function protocolNotEvaluated(resources: readonly StackResource[]): string | undefined {
    let stages = 0;
    let apis: ReturnType<typeof indexApis> | undefined;
    for (const stage of resources) {
        if (!isStageType(stage.type)) {
            continue;
        }
        stages++;
        const logging = readStageLogging(stage.props);
        if (logging.kind !== "object" || (logging.destinationArn.kind !== "value" && logging.destinationArn.kind !== "unknown")) {
            continue;
        }
        apis ??= indexApis(resources);
        const api = apiOfStage(stage, apis);
        if (api !== undefined && api.protocol !== undefined && api.protocol !== UNKNOWN) {
            return undefined;
        }
    }
    return stages === 0
        ? noStageReason
        : "No stage of the stack has access logging and an API of this stack whose protocol is known (it may be unknown until the update)";
}

const protocolName: Record<Protocol, string> = { HTTP: "HTTP", WEBSOCKET: "WebSocket" };

/**
 * The account-wide CloudWatch Logs role, from the stage's provider. The
 * aws-native Account spells the property cloudWatchRoleArn.
 */
function cloudWatchRoleFix(stageType: string): Fix {
    const native = stageType === nativeStage;
    return {
        resources: [{
            type: native ? nativeApiGatewayAccount : awsApiGatewayAccount, name: "account", more: false,
            properties: [prop(native ? "cloudWatchRoleArn" : "cloudwatchRoleArn", output("role", "arn"))],
        }],
        after: ["role trusted by apigateway.amazonaws.com with AmazonAPIGatewayPushToCloudWatchLogs"],
    };
}

// Stages of one stack usually share a format: remember the last answer.
let lastForeign: { format: string; protocol: Protocol; result: { names: string[]; more: boolean } } | undefined;

/** Variables of the format that only the other protocol supports (a few, for the message). */
function foreignVariables(format: string, protocol: Protocol): { names: string[]; more: boolean } {
    if (lastForeign?.format !== format || lastForeign.protocol !== protocol) {
        const result = selectVariables(format, (name) => {
            const supported = protocolsOfVariable(name);
            return supported !== undefined && supported !== "both" && supported !== protocol;
        }, 5);
        lastForeign = { format, protocol, result };
    }
    return lastForeign.result;
}

function missingVariables(format: string, required: readonly string[]): string[] {
    return [...new Set(required)].filter((name) => !hasVariable(format, name));
}

export const accessLogProtocol: StackValidationPolicy = governStackPolicy({
    name: accessLogProtocolName,
    displayName: "Access logging fits the API protocol",
    description: "API Gateway V2 access logging must fit the API's protocol: only $context variables that protocol supports, and for WebSocket APIs the connection fields and the account-level CloudWatch Logs role.",
    enforcementLevel: "advisory",
    severity: "low",
    tags: ["apigatewayv2", "logging", "audit", "nist-800-53:AU-3"],
    framework: nist80053("AU-12", "Audit Record Generation"),
    remediationSteps: "Use only $context variables listed for the API's protocol. For WebSocket APIs, log $context.connectionId and $context.eventType, and create aws.apigateway.Account with cloudwatchRoleArn set to a role API Gateway can assume to write to CloudWatch Logs.",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html",
    configSchema: toPolicyConfigSchema(configProperties),
    validateStack: (args, reportViolation) => {
        const config = readConfig(args.getConfig());
        const resources = args.resources as unknown as StackResource[];
        let apis: ReturnType<typeof indexApis> | undefined;
        let roleInStack: boolean | undefined;
        for (const stage of resources) {
            if (!isStageType(stage.type)) {
                continue;
            }
            const logging = readStageLogging(stage.props);
            if (logging.kind !== "object" || (logging.destinationArn.kind !== "value" && logging.destinationArn.kind !== "unknown")) {
                continue;
            }
            apis ??= indexApis(resources);
            const api = apiOfStage(stage, apis);
            if (api === undefined || api.protocol === undefined || api.protocol === UNKNOWN) {
                continue;
            }
            const protocol = api.protocol;
            // Built only for a report: most stages have nothing to report.
            const label = (): string => `${stageLabel(stage.name)} of ${protocolName[protocol]} API ${quote(api.name)}`;
            const format = knownFormat(logging);
            if (format !== undefined) {
                // The one format that fits this stage: the pack's default fields, plus the connection fields on WebSocket.
                const fix = (): Fix => formatFix(stage.type, stage.name, protocolFormatFields(protocol, undefined, config.requiredWebSocketVariables));
                const foreign = foreignVariables(format, protocol);
                if (foreign.names.length > 0) {
                    const other = protocol === "HTTP" ? "WebSocket" : "HTTP";
                    const names = `${quoteList(foreign.names.map((n) => `$context.${n}`))}${foreign.more ? " and more" : ""}`;
                    const plural = foreign.names.length > 1 || foreign.more;
                    reportViolation(withFix(
                        `${label()} has an access-log format with ${other}-only ${plural ? "variables" : "variable"} ${names}, which ${protocolName[protocol]} APIs do not support.`,
                        fix(), languageOfStackTags(args.stackTags),
                    ), stage.urn);
                }
                if (protocol === "WEBSOCKET") {
                    const missing = missingVariables(format, config.requiredWebSocketVariables);
                    if (missing.length > 0) {
                        reportViolation(withFix(
                            `${label()} has an access-log format without ${quoteList(missing.map((n) => `$context.${n}`))}, so its log lines cannot be tied to a WebSocket connection.`,
                            fix(), languageOfStackTags(args.stackTags),
                        ), stage.urn);
                    }
                }
            }
            if (protocol === "WEBSOCKET" && config.requireCloudWatchRoleInStack) {
                roleInStack ??= hasCloudWatchRole(resources);
                if (!roleInStack) {
                    reportViolation(withFix(
                        `${label()} has access logging, but the stack sets no account-level CloudWatch Logs role, without which the deployment fails ("CloudWatch Logs role ARN must be set in account settings").`,
                        cloudWatchRoleFix(stage.type), languageOfStackTags(args.stackTags),
                    ), stage.urn);
                }
            }
        }
    },
}, { notEvaluated: (resources) => protocolNotEvaluated(resources as unknown as StackResource[]) });
