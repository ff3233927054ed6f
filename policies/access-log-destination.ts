import { ResourceValidationPolicy } from "@pulumi/policy";
import { knownDestination, readStageLogging } from "../lib/access-log-settings";
import { isValidAccountId, isValidRegion, parseLogGroupArn } from "../lib/log-group-arn";
import { Fix, languageOfStackTags, num, prop, propertyPath, str } from "../lib/fix-snippets";
import { accessLogSettings, logGroupArn, logGroupTypeFor, stageFix, stageLabel, withFix } from "../lib/messages";
import { ConfigSchemaOf, firstBadEntry, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { compileNamePattern, NamePattern } from "../lib/name-pattern";
import { quote, quoteList } from "../lib/quote";
import { isStageType, nativeLogGroup } from "../lib/resource-types";

export const accessLogDestinationName = "apigatewayv2-access-log-destination";

export interface AccessLogDestinationConfig {
    allowedAccountIds: string[];
    allowedRegions: string[];
    logGroupNamePattern: string;
}

// Compiled once per distinct pattern, not once per stage.
let lastPatternSource: string | undefined;
let lastPattern: NamePattern | undefined;
function namePattern(source: string): NamePattern | undefined {
    if (source === "") {
        return undefined;
    }
    if (source !== lastPatternSource) {
        const compiled = compileNamePattern(source);
        lastPattern = typeof compiled === "string" ? undefined : compiled;
        lastPatternSource = source;
    }
    return lastPattern;
}

const configProperties: ConfigSchemaOf<AccessLogDestinationConfig> = {
    allowedAccountIds: {
        type: "array", items: { type: "string" }, default: [],
        description: "AWS account IDs a destination log group may belong to. Empty means any account.",
    },
    allowedRegions: {
        type: "array", items: { type: "string" }, default: [],
        description: "AWS regions a destination log group may be in. Empty means any region.",
    },
    logGroupNamePattern: {
        type: "string", default: "",
        description: "A regular expression (RE2 syntax, matched in linear time) the log-group name must contain a match of: use ^ and $ for a whole-name match. Empty means any name.",
    },
};

/** Bind the stage to a log group of the stack (the same provider as the stage). */
function destinationFix(stageType: string, stageName: string): Fix {
    return { resources: [stageFix(stageType, stageName, [accessLogSettings([prop("destinationArn", logGroupArn)], true)])] };
}

/** Create a log group whose name the pattern accepts, and bind the stage to it. */
function namedLogGroupFix(stageType: string, stageName: string): Fix {
    const groupType = logGroupTypeFor(stageType);
    return {
        resources: [
            {
                type: groupType, name: "access-logs", variable: "logGroup", more: false,
                properties: [
                    prop(groupType === nativeLogGroup ? "logGroupName" : "name", str("<a name matching logGroupNamePattern>")),
                    prop("retentionInDays", num(30)),
                ],
            },
            ...destinationFix(stageType, stageName).resources,
        ],
    };
}

const readConfig = makeConfigReader<AccessLogDestinationConfig>(
    accessLogDestinationName,
    configProperties,
    (config) =>
        firstBadEntry<AccessLogDestinationConfig>("allowedAccountIds", config.allowedAccountIds,
            (v) => (isValidAccountId(v) ? undefined : "is not a 12-digit account ID")) ??
        firstBadEntry<AccessLogDestinationConfig>("allowedRegions", config.allowedRegions,
            (v) => (isValidRegion(v) ? undefined : "is not an AWS region such as us-east-1")) ??
        (() => {
            const compiled = config.logGroupNamePattern === "" ? undefined : compileNamePattern(config.logGroupNamePattern);
            return typeof compiled === "string"
                ? { key: "logGroupNamePattern" as const, problem: `is ${quote(config.logGroupNamePattern)}, which ${compiled}` }
                : undefined;
        })(),
);

export const accessLogDestination: ResourceValidationPolicy = {
    name: accessLogDestinationName,
    description: "API Gateway V2 access logs must go to a CloudWatch Logs log group, given by a valid log-group ARN.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["apigatewayv2", "logging", "audit"],
    remediationSteps: "Set accessLogSettings.destinationArn to a CloudWatch Logs log-group ARN (arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME), best bound to logGroup.arn of a log group in the same stack.",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html",
    configSchema: toPolicyConfigSchema(configProperties),
    validateResource: (args, reportViolation) => {
        if (!isStageType(args.type)) {
            return;
        }
        const config = readConfig(args.getConfig());
        const destination = knownDestination(readStageLogging(args.props));
        if (destination === undefined) {
            return;
        }
        const label = stageLabel(args.name);
        const lang = languageOfStackTags(args.stackTags);
        const fix = destinationFix(args.type, args.name);
        const parsed = parseLogGroupArn(destination);
        if (!parsed.ok) {
            reportViolation(withFix(`${label} has ${propertyPath("accessLogSettings.destinationArn", lang)} ${quote(destination)}, which is not a CloudWatch Logs log-group ARN: ${parsed.reason}.`, fix, lang));
            return;
        }
        const arn = parsed.arn;
        if (config.allowedAccountIds.length > 0 && !config.allowedAccountIds.includes(arn.account)) {
            reportViolation(withFix(`${label} logs to account ${arn.account}, which is not in allowedAccountIds (${quoteList(config.allowedAccountIds)}).`, fix, lang));
        }
        if (config.allowedRegions.length > 0 && !config.allowedRegions.includes(arn.region)) {
            reportViolation(withFix(`${label} logs to region ${arn.region}, which is not in allowedRegions (${quoteList(config.allowedRegions)}).`, fix, lang));
        }
        const pattern = namePattern(config.logGroupNamePattern);
        if (pattern !== undefined && !pattern.test(arn.name)) {
            reportViolation(withFix(`${label} logs to log group ${quote(arn.name)}, whose name does not match logGroupNamePattern ${quote(config.logGroupNamePattern)}.`,
                namedLogGroupFix(args.type, args.name), lang));
        }
    },
};
