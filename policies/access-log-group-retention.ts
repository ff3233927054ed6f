import { StackValidationPolicy } from "@pulumi/policy";
import { readStageLogging } from "../lib/access-log-settings";
import { arnPatternProblem, LogGroupArn, matchesArnPattern, parseLogGroupArn } from "../lib/log-group-arn";
import { IndexedLogGroup, LogGroupIndex, StackResource } from "../lib/log-group-index";
import { bool, Fix, FixProperty, Language, languageOfStackTags, num, output, prop, propertyPath, str } from "../lib/fix-snippets";
import { accessLogSettings, logGroupArn, logGroupTypeFor, stageFix, stageLabel, withFix } from "../lib/messages";
import { ConfigSchemaOf, firstBadEntry, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { quote } from "../lib/quote";
import { isNonBlankString, readProperty, UNKNOWN } from "../lib/read-property";
import { isStageType } from "../lib/resource-types";
import { acceptedRetentionDays, isAcceptedRetention, maxRetentionDays } from "../lib/retention";
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
        type: "integer", default: 30, minimum: 0, maximum: maxRetentionDays,
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

/** The settings a log group of this stack needs under the config. */
function logGroupSettings(config: AccessLogGroupRetentionConfig): FixProperty[] {
    const properties = [prop("retentionInDays", num(suggestedRetention(config)))];
    if (config.requireKmsKey) {
        properties.push(prop("kmsKeyId", output("key", "arn")));
    }
    if (config.requireDeletionProtection) {
        properties.push(prop("deletionProtectionEnabled", bool(true)));
    }
    return properties;
}

/** The log group, by its own name and type, with the settings it lacks. */
function logGroupFix(group: IndexedLogGroup, config: AccessLogGroupRetentionConfig, deliveryClass: boolean): Fix {
    // The class cannot change after creation: the fix replaces the log group.
    const logClass = deliveryClass ? [prop("logGroupClass", str("STANDARD"))] : [];
    return { resources: [{ type: group.resource.type, name: group.resource.name, properties: [...logClass, ...logGroupSettings(config)], more: true }] };
}

/** A log group of this stack, and the stage bound to it. */
function managedLogGroupFix(stage: StackResource, config: AccessLogGroupRetentionConfig): Fix {
    return {
        resources: [
            { type: logGroupTypeFor(stage.type), name: "access-logs", variable: "logGroup", properties: logGroupSettings(config), more: false },
            stageFix(stage.type, stage.name, [accessLogSettings([prop("destinationArn", logGroupArn)], true)]),
        ],
        after: ["or list the ARN in allowedExternalLogGroups"],
    };
}

/** Whether the log group is of the Delivery class; an unknown class is not (preview defers). */
function isDeliveryClass(group: IndexedLogGroup): boolean {
    const logClass = readProperty(group.resource.props, "logGroupClass");
    return typeof logClass === "string" && logClass.trim().toUpperCase() === "DELIVERY";
}

/** The smallest retention CloudWatch accepts that satisfies the config. */
function suggestedRetention(config: AccessLogGroupRetentionConfig): number {
    const fit = acceptedRetentionDays.find((d) => d >= config.minimumRetentionDays &&
        (config.maximumRetentionDays === undefined || d <= config.maximumRetentionDays));
    return fit ?? Math.max(config.minimumRetentionDays, 1);
}

/**
 * What is wrong with a log group's retention and encryption, one entry a
 * problem, with property names as the program's language spells them.
 */
export function logGroupProblems(group: IndexedLogGroup, config: AccessLogGroupRetentionConfig, lang: Language = "typescript"): string[] {
    const problems: string[] = [];
    const retention = readProperty(group.resource.props, "retentionInDays");
    if (isDeliveryClass(group)) {
        // Its retention is fixed by the class (the provider forces it), so
        // the class is the one problem to name, whatever retentionInDays says.
        problems.push(`is of class DELIVERY, which keeps events for one day and only forwards them to S3 or Firehose`);
    } else if (retention !== UNKNOWN) {
        const days = typeof retention === "string" && /^\d{1,6}$/.test(retention) ? Number(retention) : retention;
        if (days === undefined || days === null || days === 0) {
            if (!config.allowNeverExpire) {
                problems.push(`keeps logs forever (${propertyPath("retentionInDays", lang)} is not set)`);
            }
        } else if (typeof days !== "number" || !Number.isInteger(days)) {
            problems.push(`has a ${propertyPath("retentionInDays", lang)} that is not a whole number`);
        } else if (!isAcceptedRetention(days)) {
            problems.push(`has ${propertyPath("retentionInDays", lang)} ${days}, which CloudWatch Logs does not accept (valid: 1, 3, 5, 7, 14, 30, 60, 90, ..., 3653)`);
        } else if (days < config.minimumRetentionDays) {
            problems.push(`keeps logs for ${days} days, less than the required ${config.minimumRetentionDays}`);
        } else if (config.maximumRetentionDays !== undefined && days > config.maximumRetentionDays) {
            problems.push(`keeps logs for ${days} days, more than the allowed ${config.maximumRetentionDays}`);
        }
    }
    if (config.requireKmsKey) {
        const key = readProperty(group.resource.props, "kmsKeyId");
        if (key !== UNKNOWN && !isNonBlankString(key)) {
            problems.push(`is not encrypted with a KMS key (${propertyPath("kmsKeyId", lang)} is not set)`);
        }
    }
    if (config.requireDeletionProtection) {
        const protection = readProperty(group.resource.props, "deletionProtectionEnabled");
        if (protection !== UNKNOWN && protection !== true && protection !== "true") {
            problems.push(`can be deleted with its logs (${propertyPath("deletionProtectionEnabled", lang)} is not true)`);
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
        for (const stage of resources) {
            if (!isStageType(stage.type)) {
                continue;
            }
            const logging = readStageLogging(stage.props);
            if (logging.kind !== "object") {
                continue;
            }
            let destination: LogGroupArn | typeof UNKNOWN;
            if (logging.destinationArn.kind === "unknown") {
                destination = UNKNOWN;
            } else if (logging.destinationArn.kind === "value") {
                const parsed = parseLogGroupArn(logging.destinationArn.value);
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
                    `${stageLabel(stage.name)} logs to ${quote(arn)}, a log group that is not managed in this stack, so its retention cannot be verified.`,
                    managedLogGroupFix(stage, config), lang,
                ), stage.urn);
                continue;
            }
            for (const group of match.groups) {
                const problems = logGroupProblems(group, config, lang);
                if (problems.length > 0) {
                    reportViolation(withFix(`${stageLabel(stage.name)} logs to ${groupLabel(group)}, which ${problems.join(" and ")}.`,
                        logGroupFix(group, config, isDeliveryClass(group)), lang), stage.urn);
                }
            }
        }
    },
}, { notEvaluated: (resources) => retentionNotEvaluated(resources as unknown as StackResource[]) });
