import { StackValidationPolicy } from "@pulumi/policy";
import { stageDestination } from "../lib/access-log-settings";
import { arnPatternProblem, LogGroupArn, matchesArnPattern, parseLogGroupArn } from "../lib/log-group-arn";
import { IndexedLogGroup, LogGroupIndex, StackResource } from "../lib/log-group-index";
import { bool, Fix, FixProperty, Language, languageOfStackTags, num, output, prop, propertyPath, str } from "../lib/fix-snippets";
import {
    accessLogSettings, days, describeLogGroupSettings, LogGroupSettings, logGroupNameFor, newLogGroupFor, stageFix, stageLabel, withFix,
} from "../lib/messages";
import { ConfigSchemaOf, firstBadEntry, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { quote } from "../lib/quote";
import { isNonBlankString, readProperty, UNKNOWN } from "../lib/read-property";
import { isStageType } from "../lib/resource-types";
import { acceptedRetentionDays, defaultMinimumRetentionDays, isAcceptedRetention, maxRetentionDays, suggestedRetention } from "../lib/retention";
import { retentionNotEvaluated } from "../lib/applicability";
import { nist80053 } from "../lib/frameworks";
import { governStackPolicy } from "../lib/governance";

export const accessLogGroupRetentionName = "apigatewayv2-access-log-group-retention";

export interface AccessLogGroupRetentionConfig {
    minimumRetentionDays: number;
    maximumRetentionDays?: number;
    allowNeverExpire: boolean;
    requireKmsKey: boolean;
    requireDeletionProtection: boolean;
    allowedExternalLogGroups: string[];
}

const configProperties: ConfigSchemaOf<AccessLogGroupRetentionConfig> = {
    minimumRetentionDays: {
        type: "integer", default: defaultMinimumRetentionDays, minimum: 0, maximum: maxRetentionDays,
        description: "The shortest retention, in days, a destination log group may have.",
    },
    maximumRetentionDays: {
        type: "integer", minimum: 1, maximum: maxRetentionDays,
        description: "The longest retention, in days, a destination log group may have. Unset means no cap.",
    },
    allowNeverExpire: {
        type: "boolean", default: false,
        description: "Accept log groups whose logs never expire (retentionInDays unset or 0).",
    },
    requireKmsKey: {
        type: "boolean", default: false,
        description: "Require the destination log group to be encrypted with a KMS key (kmsKeyId).",
    },
    requireDeletionProtection: {
        type: "boolean", default: false,
        description: "Require the destination log group to set deletionProtectionEnabled: true, so nobody can delete the audit trail with the log group.",
    },
    allowedExternalLogGroups: {
        type: "array", items: { type: "string" }, default: [],
        description: "ARN patterns (* matches any run of characters) of log groups managed outside this stack that stages may write to.",
    },
};

const readConfig = makeConfigReader<AccessLogGroupRetentionConfig>(accessLogGroupRetentionName, configProperties, (config) => {
    const max = config.maximumRetentionDays;
    if (max !== undefined && config.minimumRetentionDays > max) {
        return { key: "minimumRetentionDays", problem: `(${config.minimumRetentionDays}) is greater than maximumRetentionDays (${max})` };
    }
    if (max !== undefined && !acceptedRetentionDays.some((d) => d >= config.minimumRetentionDays && d <= max)) {
        return {
            key: "minimumRetentionDays",
            problem: `(${config.minimumRetentionDays}) to maximumRetentionDays (${max}) holds no retention CloudWatch Logs accepts (${acceptedRetentionDays.join(", ")})`,
        };
    }
    return firstBadEntry<AccessLogGroupRetentionConfig>("allowedExternalLogGroups", config.allowedExternalLogGroups, arnPatternProblem);
});

function groupLabel(group: IndexedLogGroup): string {
    return `log group ${quote(typeof group.name === "string" ? group.name : group.resource.name)}`;
}

/** The settings a new log group of this stack needs under the config. */
function settingsOf(config: AccessLogGroupRetentionConfig): LogGroupSettings {
    return {
        retentionInDays: suggestedRetention(config.minimumRetentionDays, config.maximumRetentionDays),
        kmsKey: config.requireKmsKey,
        deletionProtection: config.requireDeletionProtection,
    };
}

/** The log group, by its own name and type, with exactly the settings its problems call for. */
function logGroupFix(group: IndexedLogGroup, problems: readonly LogGroupProblem[]): Fix {
    return { resources: [{ type: group.resource.type, name: group.resource.name, properties: problems.flatMap((p) => p.properties), more: true }] };
}

/** A log group of this stack, named after the stage, and the stage bound to it. */
function managedLogGroupFix(stage: StackResource, config: AccessLogGroupRetentionConfig): Fix {
    const group = newLogGroupFor(stage.type, stage.name, settingsOf(config));
    return {
        resources: [group, stageFix(stage.type, stage.name, [accessLogSettings([prop("destinationArn", output(group.variable as string, "arn"))], true)])],
    };
}

/** Whether the log group is of the Delivery class; an unknown class is not (preview defers). */
function isDeliveryClass(group: IndexedLogGroup): boolean {
    const logClass = readProperty(group.resource.props, "logGroupClass");
    return typeof logClass === "string" && logClass.trim().toUpperCase() === "DELIVERY";
}

function andList(items: readonly string[]): string {
    return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** One problem of a log group, and the properties that fix it. */
export interface LogGroupProblem {
    text: string;
    /** What the fix does about it, in words. */
    change: string;
    properties: FixProperty[];
}

/** What is wrong with a retention value under the config, or undefined; an unknown value is checked at the update. */
function retentionProblem(retention: unknown, config: AccessLogGroupRetentionConfig, lang: Language): string | undefined {
    if (retention === UNKNOWN) {
        return undefined;
    }
    const number = typeof retention === "string" && /^\d{1,6}$/.test(retention) ? Number(retention) : retention;
    if (number === undefined || number === null || number === 0) {
        return config.allowNeverExpire ? undefined : `keeps logs forever (${propertyPath("retentionInDays", lang)} is ${number === 0 ? "0" : "not set"})`;
    }
    if (typeof number !== "number" || !Number.isInteger(number)) {
        return `has a ${propertyPath("retentionInDays", lang)} that is not a whole number`;
    }
    if (!isAcceptedRetention(number)) {
        return `has ${propertyPath("retentionInDays", lang)} ${number}, which CloudWatch Logs does not accept (valid: 1, 3, 5, 7, 14, 30, 60, 90, ..., 3653)`;
    }
    if (number < config.minimumRetentionDays) {
        return `keeps logs for ${days(number)}, less than the required ${days(config.minimumRetentionDays)}`;
    }
    if (config.maximumRetentionDays !== undefined && number > config.maximumRetentionDays) {
        return `keeps logs for ${days(number)}, more than the allowed ${days(config.maximumRetentionDays)}`;
    }
    return undefined;
}

/**
 * What is wrong with a log group's retention and encryption, one entry a
 * problem, with property names as the program's language spells them.
 */
export function logGroupProblems(group: IndexedLogGroup, config: AccessLogGroupRetentionConfig, lang: Language = "typescript"): LogGroupProblem[] {
    const problems: LogGroupProblem[] = [];
    // Nothing is made for a log group without a problem: this runs for every stage of the stack.
    if (isDeliveryClass(group)) {
        // Its retention is fixed by the class (the provider forces it), so the class is the problem
        // to name; the class cannot change after creation, so the fix replaces the log group.
        problems.push({
            text: "is of class DELIVERY, so it keeps events for 1 day and only forwards them to S3 or Firehose",
            change: `replaces it with one of class STANDARD that keeps logs for ${days(settingsOf(config).retentionInDays)} (the class cannot change in place)`,
            properties: [prop("logGroupClass", str("STANDARD")), prop("retentionInDays", num(settingsOf(config).retentionInDays))],
        });
    } else {
        const problem = retentionProblem(readProperty(group.resource.props, "retentionInDays"), config, lang);
        if (problem !== undefined) {
            problems.push({ text: problem, change: `sets ${propertyPath("retentionInDays", lang)} to ${settingsOf(config).retentionInDays}`,
                properties: [prop("retentionInDays", num(settingsOf(config).retentionInDays))] });
        }
    }
    if (config.requireKmsKey) {
        const key = readProperty(group.resource.props, "kmsKeyId");
        if (key !== UNKNOWN && !isNonBlankString(key)) {
            problems.push({
                text: `is not encrypted with a KMS key (${propertyPath("kmsKeyId", lang)} is not set)`,
                change: `sets ${propertyPath("kmsKeyId", lang)} to a KMS key whose key policy lets CloudWatch Logs use it`,
                properties: [prop("kmsKeyId", output("key", "arn"))],
            });
        }
    }
    if (config.requireDeletionProtection) {
        const protection = readProperty(group.resource.props, "deletionProtectionEnabled");
        if (protection !== UNKNOWN && protection !== true && protection !== "true") {
            problems.push({
                text: `can be deleted with its logs (${propertyPath("deletionProtectionEnabled", lang)} is not true)`,
                change: `sets ${propertyPath("deletionProtectionEnabled", lang)} to true`,
                properties: [prop("deletionProtectionEnabled", bool(true))],
            });
        }
    }
    return problems;
}

export const accessLogGroupRetention: StackValidationPolicy = governStackPolicy({
    name: accessLogGroupRetentionName,
    displayName: "Access-log group retention",
    description: "API Gateway V2 access logs must go to a log group managed in the same stack, with a retention period.",
    enforcementLevel: "mandatory",
    severity: "medium",
    tags: ["apigatewayv2", "logging", "audit", "retention", "nist-800-53:AU-9"],
    framework: nist80053("AU-11", "Audit Record Retention"),
    remediationSteps: "Create the log group in the same stack with retentionInDays set (30 days or more by default) and a class other than DELIVERY (deletionProtectionEnabled: true where required), and bind the stage's accessLogSettings.destinationArn to logGroup.arn. For a log group managed elsewhere, list its ARN in allowedExternalLogGroups.",
    url: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
    configSchema: toPolicyConfigSchema(configProperties),
    validateStack: (args, reportViolation) => {
        const config = readConfig(args.getConfig());
        const resources = args.resources as unknown as StackResource[];
        const lang = languageOfStackTags(args.stackTags);
        let index: LogGroupIndex | undefined;
        for (let i = 0; i < resources.length; i++) {
            const stage = resources[i];
            if (!isStageType(stage.type)) {
                continue;
            }
            const given = stageDestination(stage.props);
            let destination: LogGroupArn | typeof UNKNOWN;
            if (given === UNKNOWN) {
                destination = UNKNOWN;
            } else if (given !== undefined) {
                const parsed = parseLogGroupArn(given);
                if (!parsed.ok) {
                    continue; // apigatewayv2-access-log-destination reports it.
                }
                destination = parsed.arn;
            } else {
                continue; // apigatewayv2-stage-access-logging reports it.
            }
            index ??= new LogGroupIndex(resources);
            const match = index.match(stage, destination);
            if (match.kind === "deferred") {
                continue;
            }
            if (match.kind === "none") {
                const arn = destination === UNKNOWN ? "" : destination.normalized;
                if (config.allowedExternalLogGroups.some((pattern) => matchesArnPattern(pattern, arn))) {
                    continue;
                }
                reportViolation(withFix(
                    `${stageLabel(stage.name)} logs to ${quote(arn)}, a log group that is not managed in this stack, so its retention cannot be verified. The fix creates log group ${quote(logGroupNameFor(stage.name))} in the stack, of class STANDARD, that ${describeLogGroupSettings(settingsOf(config))}, and points the stage at it; or list the ARN in allowedExternalLogGroups.`,
                    managedLogGroupFix(stage, config), lang,
                ), stage.urn);
                continue;
            }
            for (let g = 0; g < match.groups.length; g++) {
                const group = match.groups[g];
                const problems = logGroupProblems(group, config, lang);
                if (problems.length > 0) {
                    reportViolation(withFix(`${stageLabel(stage.name)} logs to ${groupLabel(group)}, which ${andList(problems.map((p) => p.text))}. The fix ${andList(problems.map((p) => p.change))}.`,
                        logGroupFix(group, problems), lang), stage.urn);
                }
            }
        }
    },
}, { notEvaluated: (resources) => retentionNotEvaluated(resources as unknown as StackResource[]) });
