import { ResourceValidationArgs, ResourceValidationPolicy, Secret } from "@pulumi/policy";
import { FieldState, protocolOfStageSettings, readStageLogging, StageLogging } from "../lib/access-log-settings";
import { Language, languageOfStackTags, propertyPath } from "../lib/fix-snippets";
import {
    accessLoggingFix, byProtocol, defaultLogGroupSettings, describeLogGroupSettings, logGroupNameFor, stageLabel, withFixes,
} from "../lib/messages";
import { quote } from "../lib/quote";
import { componentNote, componentOf, loggingSwitchAbove, mayBeComponentType, rememberComponent } from "../lib/component";
import { makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { isPlainObject, rawOwnEntries, readProperty } from "../lib/read-property";
import { recommendedAccessLogFormat, recommendedWebSocketAccessLogFormat } from "../lib/recommended-format";
import { isStageType, stageTypes } from "../lib/resource-types";
import { stageLoggingNotEvaluated } from "../lib/applicability";
import { awsFsbp } from "../lib/frameworks";
import { governResourcePolicy } from "../lib/governance";

export const stageAccessLoggingName = "apigatewayv2-stage-access-logging";

// This policy takes no settings beyond its enforcement level; the reader still
// rejects unknown keys so a misplaced setting is not silently ignored.
type StageAccessLoggingConfig = Record<string, never>;
const readConfig = makeConfigReader<StageAccessLoggingConfig>(stageAccessLoggingName, {});

function fieldProblem(path: string, state: FieldState, lang: Language): string | undefined {
    switch (state.kind) {
        case "missing":
            return `${propertyPath(path, lang)} is missing`;
        case "blank":
            return `${propertyPath(path, lang)} is empty`;
        case "malformed":
            return `${propertyPath(path, lang)} is ${state.type}, not a string`;
        default:
            return undefined;
    }
}

/**
 * The problems that make a stage's access logging absent or unusable, if any,
 * with property names as the program's language spells them.
 */
export function stageLoggingProblem(props: unknown, lang: Language = "typescript"): string | undefined {
    const logging = readStageLogging(props);
    switch (logging.kind) {
        case "unknown":
            return undefined;
        case "missing":
            return `has no access logging (${propertyPath("accessLogSettings", lang)} is not set)`;
        case "malformed":
            return `has ${propertyPath("accessLogSettings", lang)} that is ${logging.type}, not an object`;
        case "object": {
            const problems = [
                fieldProblem("accessLogSettings.destinationArn", logging.destinationArn, lang),
                fieldProblem("accessLogSettings.format", logging.format, lang),
            ].filter((p): p is string => p !== undefined);
            return problems.length > 0 ? `has incomplete access logging: ${problems.join(" and ")}` : undefined;
        }
    }
}

function isPresent(state: FieldState): boolean {
    return state.kind === "value" || state.kind === "unknown";
}

/** What a stage's logging lacks: the settings object, the destination, the format. */
function missingParts(logging: StageLogging): { settings: boolean; destination: boolean; format: boolean } {
    if (logging.kind !== "object") {
        return { settings: true, destination: true, format: true };
    }
    return { settings: false, destination: !isPresent(logging.destinationArn), format: !isPresent(logging.format) };
}

/**
 * What the fix changes, in words: a new log group (with the retention
 * policy's documented defaults, since this policy cannot read that policy's
 * config), a format, and on a WebSocket API the account-level role.
 */
function fixSummary(stageName: string, missing: ReturnType<typeof missingParts>, protocolKnown: "HTTP" | "WEBSOCKET" | undefined): string {
    const parts: string[] = [];
    if (missing.destination) {
        parts.push(`creates log group ${quote(logGroupNameFor(stageName))} of class STANDARD that ${describeLogGroupSettings(defaultLogGroupSettings)} (the retention policy's default minimum)`);
    }
    if (missing.format) {
        parts.push("sets a JSON format");
    }
    const role = "the account-level CloudWatch Logs role WebSocket logging needs";
    if (protocolKnown === "WEBSOCKET") {
        parts.push(`adds ${role}`);
    }
    const said = parts.length === 0 ? "" : `The fix ${parts.join(" and ")}`;
    return protocolKnown === undefined ? `${said}; on a WebSocket API it also adds ${role}.` : `${said}.`;
}

/**
 * Remediation: a stage that names a destination but no format gets the pack's
 * recommended JSON format. Everything else is left for a person, since only
 * they know which log group a stage should write to. Secret-wrapped values
 * are carried over as they came, so secretness survives the rewrite.
 */
export function remediateStageFormat(args: ResourceValidationArgs): Record<string, unknown> | undefined {
    if (!isStageType(args.type)) {
        return undefined;
    }
    readConfig(args.getConfig());
    const logging = readStageLogging(args.props);
    if (logging.kind !== "object") {
        return undefined;
    }
    const destinationPresent = logging.destinationArn.kind === "value" || logging.destinationArn.kind === "unknown";
    const formatAbsent = logging.format.kind === "missing" || logging.format.kind === "blank";
    if (!destinationPresent || !formatAbsent) {
        return undefined;
    }
    const entries = rawOwnEntries(args.props);
    const settingsIndex = entries.findIndex(([key]) => key === "accessLogSettings");
    if (settingsIndex < 0) {
        return undefined;
    }
    const rawSettings = entries[settingsIndex][1];
    const inner = rawSettings instanceof Secret ? readProperty(rawSettings, "value") : rawSettings;
    if (!isPlainObject(inner)) {
        return undefined;
    }
    const fixed: Record<string, unknown> = Object.fromEntries(rawOwnEntries(inner));
    // A blank-but-secret format stays secret after it is filled.
    const recommended = protocolOfStageSettings(args.props) === "WEBSOCKET" ? recommendedWebSocketAccessLogFormat : recommendedAccessLogFormat;
    fixed.format = fixed.format instanceof Secret ? new Secret(recommended) : recommended;
    entries[settingsIndex] = ["accessLogSettings", rawSettings instanceof Secret ? new Secret(fixed) : fixed];
    return Object.fromEntries(entries);
}

export const stageAccessLogging: ResourceValidationPolicy = governResourcePolicy({
    name: stageAccessLoggingName,
    displayName: "API Gateway V2 stage access logging",
    description: "API Gateway V2 stages must have access logging: accessLogSettings with a destinationArn and a format.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["apigatewayv2", "logging", "audit", "nist-800-53:AU-2", "nist-800-53:AU-3", "nist-800-53:AU-12"],
    framework: awsFsbp("APIGateway.9", "Access logging should be configured for API Gateway V2 Stages"),
    remediationSteps: "Create a CloudWatch Logs log group and set the stage's accessLogSettings to { destinationArn: logGroup.arn, format: <a JSON format with $context.requestId> }.",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html",
    configSchema: toPolicyConfigSchema<StageAccessLoggingConfig>({}),
    validateResource: (args, reportViolation) => {
        if (!isStageType(args.type)) {
            return;
        }
        readConfig(args.getConfig());
        const lang = languageOfStackTags(args.stackTags);
        const problem = stageLoggingProblem(args.props, lang);
        if (problem !== undefined) {
            const missing = missingParts(readStageLogging(args.props));
            const protocol = protocolOfStageSettings(args.props);
            const parent = readProperty(args.opts, "parent");
            const component = componentOf(parent);
            const inComponent = component === undefined ? "" : ` ${componentNote(component, loggingSwitchAbove(parent), lang)}`;
            reportViolation(withFixes(`${stageLabel(args.name)} ${problem}.${inComponent} ${fixSummary(args.name, missing, protocol)}`,
                byProtocol(protocol, (p) => accessLoggingFix(args.type, args.name, p, missing)), lang));
        }
    },
    remediateResource: remediateStageFormat,
}, {
    types: stageTypes,
    notEvaluated: stageLoggingNotEvaluated,
    observe: (args) => {
        if (mayBeComponentType(args.type)) {
            rememberComponent(args.urn, readProperty(args.opts, "parent"), args.props);
        }
    },
});
