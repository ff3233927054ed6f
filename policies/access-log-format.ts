import { ResourceValidationPolicy } from "@pulumi/policy";
import { hasRequestIdVariable, lineBreakOffset, protocolOfFormat, selectVariables } from "../lib/access-log-format";
import { knownFormat, protocolOfStageSettings, readStageLogging } from "../lib/access-log-settings";
import { isSupportedVariable, isVariableName } from "../lib/context-variables";
import { languageOfStackTags } from "../lib/fix-snippets";
import { defaultRepairOptions, formatRepairFixes, stageLabel, withFixes } from "../lib/messages";
import { ConfigSchemaOf, firstBadEntry, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { quoteList } from "../lib/quote";
import { isStageType, stageTypes } from "../lib/resource-types";
import { formatNotEvaluated } from "../lib/applicability";
import { nist80053 } from "../lib/frameworks";
import { governResourcePolicy } from "../lib/governance";

export const accessLogFormatName = "apigatewayv2-access-log-format";

export interface AccessLogFormatConfig {
    additionalVariables: string[];
}

const configProperties: ConfigSchemaOf<AccessLogFormatConfig> = {
    additionalVariables: {
        type: "array", items: { type: "string" }, default: [],
        description: "Extra $context variable names (without \"$context.\") to accept, for variables AWS added after this pack was released.",
    },
};

const readConfig = makeConfigReader<AccessLogFormatConfig>(accessLogFormatName, configProperties, (config) =>
    firstBadEntry<AccessLogFormatConfig>("additionalVariables", config.additionalVariables, (v) =>
        isVariableName(v) ? undefined : "is not a variable name such as \"identity.vpceId\" (leave out \"$context.\")"));

// The Set of extra names is rebuilt only when the config's list changes.
let lastAdditional: readonly string[] | undefined;
let additionalSet: ReadonlySet<string> = new Set();
function additionalVariableSet(list: readonly string[]): ReadonlySet<string> {
    if (list !== lastAdditional) {
        additionalSet = new Set(list);
        lastAdditional = list;
    }
    return additionalSet;
}

export const accessLogFormat: ResourceValidationPolicy = governResourcePolicy({
    name: accessLogFormatName,
    displayName: "Access-log format accepted by AWS",
    description: "API Gateway V2 access-log formats must be accepted by AWS: a single line containing $context.requestId or $context.extendedRequestId, with only supported $context variables.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["apigatewayv2", "logging", "audit", "nist-800-53:AU-12"],
    framework: nist80053("AU-3", "Content of Audit Records"),
    remediationSteps: "Write the format on one line, include \"$context.requestId\", and use only $context variables listed for HTTP or WebSocket APIs (or add new ones through additionalVariables).",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html",
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
        const lang = languageOfStackTags(args.stackTags);
        // Built only for a report: most formats have nothing to report. The other format policies'
        // settings are their documented defaults (a policy sees only its own config), so that
        // every format policy gives a stage the same fix.
        const report = (problem: string): void => {
            const { summary, variants } = formatRepairFixes(args.type, args.name, format, protocolOfFormat(format) ?? protocolOfStageSettings(args.props),
                (p) => ({ ...defaultRepairOptions(p), additionalVariables: config.additionalVariables }));
            reportViolation(withFixes(`${problem} ${summary}`, variants, lang));
        };
        if (!hasRequestIdVariable(format)) {
            report(`${stageLabel(args.name)} has an access-log format without $context.requestId or $context.extendedRequestId, so AWS rejects it and log lines cannot be traced to requests.`);
        }
        const breakAt = lineBreakOffset(format);
        if (breakAt >= 0) {
            report(`${stageLabel(args.name)} has an access-log format with a line break at character ${breakAt + 1}; AWS accepts only a single line (one trailing newline at most).`);
        }
        const additional = additionalVariableSet(config.additionalVariables);
        const unsupported = selectVariables(format, (name) => !isSupportedVariable(name, additional), 5);
        if (unsupported.names.length > 0) {
            const names = `${quoteList(unsupported.names.map((n) => `$context.${n}`))}${unsupported.more ? " and more" : ""}`;
            const plural = unsupported.names.length > 1 || unsupported.more;
            report(`${stageLabel(args.name)} has an access-log format with ${plural ? "$context variables" : "a $context variable"} that neither HTTP nor WebSocket APIs support: ${names} (names are case-sensitive; newer AWS variables go in additionalVariables).`);
        }
    },
}, { types: stageTypes, notEvaluated: formatNotEvaluated, readConfig });
