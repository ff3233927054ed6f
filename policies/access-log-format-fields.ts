import { ResourceValidationPolicy } from "@pulumi/policy";
import { hasRequestIdVariable, hasVariable, jsonShapeOfFormat, protocolOfFormat } from "../lib/access-log-format";
import { knownFormat, protocolOfStageSettings, readStageLogging } from "../lib/access-log-settings";
import { isVariableName } from "../lib/context-variables";
import { languageOfStackTags } from "../lib/fix-snippets";
import { defaultRepairOptions, formatRepairFixes, stageLabel, withFixes } from "../lib/messages";
import { ConfigSchemaOf, firstBadEntry, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { quoteList } from "../lib/quote";
import { isStageType, stageTypes } from "../lib/resource-types";
import { formatNotEvaluated } from "../lib/applicability";
import { nist80053 } from "../lib/frameworks";
import { governResourcePolicy } from "../lib/governance";

export const accessLogFormatFieldsName = "apigatewayv2-access-log-format-fields";

export interface AccessLogFormatFieldsConfig {
    requireJson: boolean;
    requiredVariables: string[];
}

export const defaultRequiredVariables = ["requestId", "identity.sourceIp", "requestTime", "routeKey", "status"];

const configProperties: ConfigSchemaOf<AccessLogFormatFieldsConfig> = {
    requireJson: {
        type: "boolean", default: true,
        description: "Require the format to be a JSON object once $context variables are substituted, so logs can be queried with CloudWatch Logs Insights.",
    },
    requiredVariables: {
        type: "array", items: { type: "string" }, default: defaultRequiredVariables,
        description: "$context variable names (without \"$context.\") every format must contain.",
    },
};

const readConfig = makeConfigReader<AccessLogFormatFieldsConfig>(accessLogFormatFieldsName, configProperties, (config) =>
    firstBadEntry<AccessLogFormatFieldsConfig>("requiredVariables", config.requiredVariables, (v) =>
        isVariableName(v) ? undefined : "is not a variable name such as \"identity.sourceIp\" (leave out \"$context.\")"));

// The request-ID rule belongs to apigatewayv2-access-log-format; this policy
// does not repeat it when a format has neither ID variable.
const requestIdVariables = new Set(["requestId", "extendedRequestId"]);

// The parsed config is reused while it stays the same, and so is its list without repeats.
let lastRequired: readonly string[] | undefined;
let distinctRequired: readonly string[] = [];

function distinct(list: readonly string[]): readonly string[] {
    if (list !== lastRequired) {
        distinctRequired = [...new Set(list)];
        lastRequired = list;
    }
    return distinctRequired;
}

const shapeProblem: Record<string, string> = {
    invalid: "is not valid JSON once $context variables are substituted",
    array: "is a JSON array, not a JSON object",
    scalar: "is a single JSON value, not a JSON object",
};

export const accessLogFormatFields: ResourceValidationPolicy = governResourcePolicy({
    name: accessLogFormatFieldsName,
    displayName: "Structured access-log fields",
    description: "API Gateway V2 access-log formats should be structured JSON that records who called what, when, and with which result.",
    enforcementLevel: "advisory",
    severity: "low",
    tags: ["apigatewayv2", "logging", "audit", "nist-800-53:AU-12(2)"],
    framework: nist80053("AU-3", "Content of Audit Records"),
    remediationSteps: "Build the format with JSON.stringify({...}) and include $context.requestId, $context.identity.sourceIp, $context.requestTime, $context.routeKey and $context.status.",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html",
    configSchema: toPolicyConfigSchema(configProperties),
    validateResource: (args, reportViolation) => {
        if (!isStageType(args.type)) {
            return;
        }
        const config = readConfig(args.getConfig());
        const format = knownFormat(readStageLogging(args.props));
        if (format === undefined) {
            return;
        }
        // Built only for a report: most formats have nothing to report.
        const report = (problem: string): void => {
            const { summary, variants } = formatRepairFixes(args.type, args.name, format, protocolOfFormat(format) ?? protocolOfStageSettings(args.props),
                (p) => ({ ...defaultRepairOptions(p), requireJson: config.requireJson, requiredVariables: config.requiredVariables }));
            reportViolation(withFixes(`${problem} ${summary}`, variants, languageOfStackTags(args.stackTags)));
        };
        const shape = config.requireJson ? jsonShapeOfFormat(format) : "object";
        const skipRequestId = !hasRequestIdVariable(format);
        const missing = distinct(config.requiredVariables)
            .filter((name) => !(skipRequestId && requestIdVariables.has(name)) && !hasVariable(format, name));
        // One violation per stage: both problems have the same fix, the format this policy's config asks for.
        const problems = [
            ...(shape !== "object" ? [`that ${shapeProblem[shape]}`] : []),
            ...(missing.length > 0 ? [`without ${quoteList(missing.map((n) => `$context.${n}`))}`] : []),
        ];
        if (problems.length > 0) {
            // A new shape breaks what parses the old one; the filters are another resource's defect, reported there.
            const filters = shape !== "object" ? " A metric or subscription filter of this stack that parses its current shape is reported by apigatewayv2-access-log-filter-match, with its new pattern: change both in one go." : "";
            report(`${stageLabel(args.name)} has an access-log format ${problems.join(", and ")}.${filters}`);
        }
    },
}, { types: stageTypes, notEvaluated: formatNotEvaluated, readConfig });
