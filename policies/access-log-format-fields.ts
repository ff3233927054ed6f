import { ResourceValidationPolicy } from "@pulumi/policy";
import { hasRequestIdVariable, hasVariable, jsonShapeOfFormat, protocolOfFormat } from "../lib/access-log-format";
import { knownFormat, protocolOfStageSettings, readStageLogging } from "../lib/access-log-settings";
import { isVariableName } from "../lib/context-variables";
import { Fix, Language, languageOfStackTags } from "../lib/fix-snippets";
import { protocolFormatFix, stageLabel, withFix } from "../lib/messages";
import { ConfigSchemaOf, firstBadEntry, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { quoteList } from "../lib/quote";
import { fixFormatFields } from "../lib/recommended-format";
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

const shapeProblem: Record<string, string> = {
    invalid: "is not valid JSON once $context variables are substituted",
    array: "is a JSON array, not a JSON object",
    scalar: "is a single JSON value, not a JSON object",
};

/** The fix's fields: the pack's usual ones, plus any other variable the config requires. */
function formatFieldsFor(required: readonly string[]): (readonly [string, string])[] {
    const fields = [...fixFormatFields];
    const present = new Set(fields.map(([, value]) => value));
    for (const name of required) {
        const variable = `$context.${name}`;
        if (!present.has(variable)) {
            fields.push([name, variable]);
            present.add(variable);
        }
    }
    return fields;
}

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
        const label = stageLabel(args.name);
        // Built only for a report: most formats have nothing to report.
        const fix = (): Fix => protocolFormatFix(args.type, args.name, protocolOfFormat(format) ?? protocolOfStageSettings(args.props), undefined,
            formatFieldsFor(config.requiredVariables));
        const lang = (): Language => languageOfStackTags(args.stackTags);
        if (config.requireJson) {
            const shape = jsonShapeOfFormat(format);
            if (shape !== "object") {
                reportViolation(withFix(`${label} has an access-log format that ${shapeProblem[shape]}.`, fix(), lang()));
            }
        }
        const skipRequestId = !hasRequestIdVariable(format);
        const missing = [...new Set(config.requiredVariables)]
            .filter((name) => !(skipRequestId && requestIdVariables.has(name)) && !hasVariable(format, name));
        if (missing.length > 0) {
            reportViolation(withFix(`${label} has an access-log format without ${quoteList(missing.map((n) => `$context.${n}`))}.`, fix(), lang()));
        }
    },
}, { types: stageTypes, notEvaluated: formatNotEvaluated, readConfig });
