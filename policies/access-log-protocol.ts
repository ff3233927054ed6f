import { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { hasVariable, selectVariables } from "../lib/access-log-format";
import { stageDestination, stageFormat } from "../lib/access-log-settings";
import { isVariableName, Protocol, protocolsOfVariable } from "../lib/context-variables";
import { StackResource } from "../lib/log-group-index";
import { Fix, Language, languageOfStackTags, output, prop } from "../lib/fix-snippets";
import {
    apiGatewayService, cloudWatchRoleResources, defaultRepairOptions, defaultWebSocketFormatVariables, formatRepairFixes, stageLabel, withFix, withFixes,
} from "../lib/messages";
import { roleTrust, RoleTrust } from "../lib/role-trust";
import { ConfigSchemaOf, firstBadEntry, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { quote, quoteList } from "../lib/quote";
import { isNonBlankString, readProperty, UNKNOWN } from "../lib/read-property";
import { isApiGatewayAccountType, isApiType, isStageType } from "../lib/resource-types";
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
    // Index loops here and below: these run over every resource of the stack, and array iterators allocate.
    for (let i = 0; i < resources.length; i++) {
        const r = resources[i];
        if (!isApiType(r.type)) {
            continue;
        }
        const info: ApiInfo = { name: r.name, protocol: readProtocol(r.props) };
        byUrn.set(r.urn, info);
        const id = readProperty(r.props, "id");
        if (isNonBlankString(id)) {
            byId.set(id, info);
        }
        const apiId = readProperty(r.props, "apiId");
        if (isNonBlankString(apiId)) {
            byId.set(apiId, info);
        }
    }
    return { byUrn, byId };
}

function apiOfStage(stage: StackResource, apis: ReturnType<typeof indexApis>): ApiInfo | undefined {
    const deps = readProperty(stage.propertyDependencies, "apiId");
    if (Array.isArray(deps)) {
        for (let i = 0; i < deps.length; i++) {
            const urn = readProperty(deps[i], "urn");
            const api = typeof urn === "string" ? apis.byUrn.get(urn) : undefined;
            if (api !== undefined) {
                return api;
            }
        }
    }
    const apiId = readProperty(stage.props, "apiId");
    return isNonBlankString(apiId) ? apis.byId.get(apiId) : undefined;
}

function accountRoleArn(account: StackResource): unknown {
    return readProperty(account.props, "cloudwatchRoleArn") ?? readProperty(account.props, "cloudWatchRoleArn");
}

function hasCloudWatchRole(resources: readonly StackResource[]): boolean {
    return resources.some((r) => {
        if (!isApiGatewayAccountType(r.type)) {
            return false;
        }
        const role = accountRoleArn(r);
        return role === UNKNOWN || isNonBlankString(role);
    });
}

/** The account settings of the stack whose role is a role of the stack that API Gateway cannot assume. */
function untrustedAccountRoles(resources: readonly StackResource[]): { account: StackResource; role: StackResource; trust: Extract<RoleTrust, { kind: "untrusted" }> }[] {
    const found: { account: StackResource; role: StackResource; trust: Extract<RoleTrust, { kind: "untrusted" }> }[] = [];
    for (let i = 0; i < resources.length; i++) {
        const account = resources[i];
        if (!isApiGatewayAccountType(account.type)) {
            continue;
        }
        const role = roleOfAccount(account, resources);
        const trust = role === undefined ? undefined : roleTrust(role.props);
        if (role !== undefined && trust?.kind === "untrusted") {
            found.push({ account, role, trust });
        }
    }
    return found;
}

/** The role the account names: the resource its cloudwatchRoleArn depends on, or the one with that ARN. */
function roleOfAccount(account: StackResource, resources: readonly StackResource[]): StackResource | undefined {
    const deps = readProperty(account.propertyDependencies, "cloudwatchRoleArn") ?? readProperty(account.propertyDependencies, "cloudWatchRoleArn");
    const urns = Array.isArray(deps) ? deps.map((d) => readProperty(d, "urn")).filter((u): u is string => typeof u === "string") : [];
    const arn = accountRoleArn(account);
    return resources.find((r) => isRoleType(r.type) && (urns.includes(r.urn) || (isNonBlankString(arn) && readProperty(r.props, "arn") === arn)));
}

function isRoleType(type: string): boolean {
    return type === "aws:iam/role:Role" || type === "aws-native:iam:Role";
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
        if (stageDestination(stage.props) === undefined) {
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

/** The account-wide CloudWatch Logs role and the account setting, from the stage's provider. */
function cloudWatchRoleFix(stageType: string): Fix {
    return { resources: cloudWatchRoleResources(stageType) };
}

/** A role API Gateway can assume, bound to the account setting the stack has (by its own name and type). */
function accountRoleFix(account: StackResource): Fix {
    const native = account.type === "aws-native:apigateway:Account";
    const [role, attachment] = cloudWatchRoleResources(native ? "aws-native:apigatewayv2:Stage" : "aws:apigatewayv2/stage:Stage");
    return {
        resources: [role, attachment, {
            type: account.type, name: account.name, more: true,
            properties: [prop(native ? "cloudWatchRoleArn" : "cloudwatchRoleArn", output(role.variable as string, "arn"))],
        }],
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

const noVariables: { names: readonly string[]; more: boolean } = { names: [], more: false };

function stageOfApiLabel(stage: StackResource, protocol: Protocol, api: ApiInfo): string {
    return `${stageLabel(stage.name)} of ${protocolName[protocol]} API ${quote(api.name)}`;
}

/** The problems of a stage's format on this protocol: variables of the other protocol, missing connection fields. */
function formatProblems(stage: StackResource, api: ApiInfo, protocol: Protocol, format: string,
    foreign: { names: readonly string[]; more: boolean }, missing: readonly string[]): string[] {
    const problems: string[] = [];
    if (foreign.names.length > 0) {
        const other = protocol === "HTTP" ? "WebSocket" : "HTTP";
        const names = `${quoteList(foreign.names.map((n) => `$context.${n}`))}${foreign.more ? " and more" : ""}`;
        const plural = foreign.names.length > 1 || foreign.more;
        problems.push(`${stageOfApiLabel(stage, protocol, api)} has an access-log format with ${other}-only ${plural ? "variables" : "variable"} ${names}, which ${protocolName[protocol]} APIs do not support.`);
    }
    if (missing.length > 0) {
        problems.push(`${stageOfApiLabel(stage, protocol, api)} has an access-log format without ${quoteList(missing.map((n) => `$context.${n}`))}, so its log lines cannot be tied to a WebSocket connection.`);
    }
    return problems;
}

/** Each problem with the user's format, minimally changed to fit this protocol (the other policies' settings at their defaults). */
function reportFormatProblems(stage: StackResource, format: string, protocol: Protocol, problems: readonly string[], config: AccessLogProtocolConfig,
    lang: Language, reportViolation: ReportViolation): void {
    for (const problem of problems) {
        const { summary, variants } = formatRepairFixes(stage.type, stage.name, format, protocol,
            (p) => ({ ...defaultRepairOptions(p), webSocketVariables: config.requiredWebSocketVariables }));
        reportViolation(withFixes(`${problem} ${summary}`, variants, lang), stage.urn);
    }
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
        let untrustedReported = false;
        for (let i = 0; i < resources.length; i++) {
            const stage = resources[i];
            if (!isStageType(stage.type) || stageDestination(stage.props) === undefined) {
                continue;
            }
            apis ??= indexApis(resources);
            const api = apiOfStage(stage, apis);
            if (api === undefined || api.protocol === undefined || api.protocol === UNKNOWN) {
                continue;
            }
            const protocol = api.protocol;
            const format = stageFormat(stage.props);
            const foreign = format === undefined ? noVariables : foreignVariables(format, protocol);
            const missing = format === undefined || protocol !== "WEBSOCKET" ? noVariables.names : missingVariables(format, config.requiredWebSocketVariables);
            if (format !== undefined && (foreign.names.length > 0 || missing.length > 0)) {
                // In a function of its own: a closure here would make every stage of the loop allocate its variables.
                reportFormatProblems(stage, format, protocol, formatProblems(stage, api, protocol, format, foreign, missing), config, languageOfStackTags(args.stackTags), reportViolation);
            }
            if (protocol === "WEBSOCKET" && !untrustedReported) {
                // One report per account, on the account: its role is the defect, whichever stages need it.
                untrustedReported = true;
                for (const { account, role, trust } of untrustedAccountRoles(resources)) {
                    const trusted = trust.services.length > 0 ? `lets only ${quoteList(trust.services)} assume it` : "lets no AWS service assume it";
                    reportViolation(withFix(
                        `Account ${quote(account.name)} sets the CloudWatch Logs role to role ${quote(role.name)}, whose trust policy ${trusted}, not ${apiGatewayService}, so WebSocket ${stageOfApiLabel(stage, protocol, api)} cannot write its access logs. The fix adds a role API Gateway can assume, with the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs, and points the account at it.`,
                        accountRoleFix(account), languageOfStackTags(args.stackTags),
                    ), account.urn);
                }
            }
            if (protocol === "WEBSOCKET" && config.requireCloudWatchRoleInStack) {
                roleInStack ??= hasCloudWatchRole(resources);
                if (!roleInStack) {
                    reportViolation(withFix(
                        `${stageOfApiLabel(stage, protocol, api)} has access logging, but the stack sets no account-level CloudWatch Logs role, without which the deployment fails ("CloudWatch Logs role ARN must be set in account settings"). The fix adds a role API Gateway can assume, with the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs, and the aws.apigateway.Account that uses it (leave both out if another stack of this AWS account and region sets them).`,
                        cloudWatchRoleFix(stage.type), languageOfStackTags(args.stackTags),
                    ), stage.urn);
                }
            }
        }
    },
}, { notEvaluated: (resources) => protocolNotEvaluated(resources as unknown as StackResource[]) });
