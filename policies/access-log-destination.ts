import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { knownDestination, readStageLogging } from "../lib/access-log-settings";
import { IndexedLogGroup, LogGroupIndex, StackResource } from "../lib/log-group-index";
import { isValidAccountId, isValidRegion, parseLogGroupArn } from "../lib/log-group-arn";
import { Fix, Language, languageOfStackTags, output, prop, propertyPath, str } from "../lib/fix-snippets";
import { accessLogSettings, defaultLogGroupSettings, newLogGroupFor, stageFix, stageLabel, withFix } from "../lib/messages";
import { isNonBlankString, readProperty } from "../lib/read-property";
import { ConfigSchemaOf, firstBadEntry, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { compileNamePattern, NamePattern } from "../lib/name-pattern";
import { quote, quoteList } from "../lib/quote";
import { isStageType, nativeLogGroup, stageTypes } from "../lib/resource-types";
import { destinationNotEvaluated, destinationStackNotEvaluated } from "../lib/applicability";
import { nist80053 } from "../lib/frameworks";
import { governResourcePolicy } from "../lib/governance";

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

/**
 * A log group of the stack, named after the stage (the same provider), with
 * the retention policy's documented defaults, and the stage bound to it; with
 * `physicalName`, the log group's own name too.
 */
function destinationFix(stageType: string, stageName: string, physicalName?: string): Fix {
    const group = newLogGroupFor(stageType, stageName, defaultLogGroupSettings);
    const named = physicalName === undefined ? group
        : { ...group, properties: [prop(group.type === nativeLogGroup ? "logGroupName" : "name", str(physicalName)), ...group.properties] };
    return {
        resources: [named, stageFix(stageType, stageName, [accessLogSettings([prop("destinationArn", output(group.variable as string, "arn"))], true)])],
    };
}

/** Create a log group whose name the pattern accepts, and bind the stage to it. */
function namedLogGroupFix(stageType: string, stageName: string): Fix {
    return destinationFix(stageType, stageName, "<a name matching logGroupNamePattern>");
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

/** What is known of the log group a stage writes to; a missing field is not known yet. */
interface DestinationFacts {
    account?: string;
    region?: string;
    name?: string;
}

/**
 * The config checks on a destination's account, region and name, as one
 * message each. The resource check (known ARN) and the stack check (unknown
 * ARN, facts from the log group) share them, so preview and update word a
 * defect the same way.
 */
function destinationViolations(stageName: string, stageType: string, facts: DestinationFacts, config: AccessLogDestinationConfig, lang: Language): string[] {
    const label = stageLabel(stageName);
    const fix = destinationFix(stageType, stageName);
    const messages: string[] = [];
    if (facts.account !== undefined && config.allowedAccountIds.length > 0 && !config.allowedAccountIds.includes(facts.account)) {
        messages.push(withFix(`${label} logs to account ${facts.account}, which is not in allowedAccountIds (${quoteList(config.allowedAccountIds)}).`, fix, lang));
    }
    if (facts.region !== undefined && config.allowedRegions.length > 0 && !config.allowedRegions.includes(facts.region)) {
        messages.push(withFix(`${label} logs to region ${facts.region}, which is not in allowedRegions (${quoteList(config.allowedRegions)}).`, fix, lang));
    }
    const pattern = namePattern(config.logGroupNamePattern);
    if (facts.name !== undefined && pattern !== undefined && !pattern.test(facts.name)) {
        messages.push(withFix(`${label} logs to log group ${quote(facts.name)}, whose name does not match logGroupNamePattern ${quote(config.logGroupNamePattern)}.`,
            namedLogGroupFix(stageType, stageName), lang));
    }
    return messages;
}

/**
 * What a log group reveals about the ARN a stage will get: everything, from
 * its own known ARN; else its known name and the region it sets. The account
 * is known only from a known ARN.
 */
function factsOfLogGroup(group: IndexedLogGroup): DestinationFacts | undefined {
    if (typeof group.arn === "string") {
        const parsed = parseLogGroupArn(group.arn);
        return parsed.ok ? { account: parsed.arn.account, region: parsed.arn.region, name: parsed.arn.name } : undefined;
    }
    const facts: DestinationFacts = {};
    if (typeof group.name === "string") {
        facts.name = group.name;
    }
    const region = readProperty(group.resource.props, "region");
    // A malformed region is the provider's to reject; it never goes into a message.
    if (isNonBlankString(region) && isValidRegion(region)) {
        facts.region = region;
    }
    return facts;
}

function hasDestinationRules(config: AccessLogDestinationConfig): boolean {
    return config.allowedAccountIds.length > 0 || config.allowedRegions.length > 0 || config.logGroupNamePattern !== "";
}

// One policy, two checks. The resource check runs on a stage's inputs before
// the stage is created, so a known destination that breaks the rules blocks
// `up` before anything changes. In a preview of a new log group the stage's
// ARN is unknown, and resource checks never see other resources; the stack
// check then reads the facts from the log group the stage depends on. Each
// stage is judged by exactly one of the two: the resource check when its ARN
// is known, the stack check when it is not. Being the same policy, both
// report under one name, with one config and one enforcement level.
export const accessLogDestination: ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack"> = governResourcePolicy({
    name: accessLogDestinationName,
    displayName: "Access logs go to a CloudWatch Logs log group",
    description: "API Gateway V2 access logs must go to a CloudWatch Logs log group, given by a valid log-group ARN.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["apigatewayv2", "logging", "audit", "nist-800-53:AU-9", "aws-fsbp:APIGateway.9"],
    framework: nist80053("AU-12", "Audit Record Generation"),
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
        const lang = languageOfStackTags(args.stackTags);
        const parsed = parseLogGroupArn(destination);
        if (!parsed.ok) {
            reportViolation(withFix(`${stageLabel(args.name)} has ${propertyPath("accessLogSettings.destinationArn", lang)} ${quote(destination)}, which is not a CloudWatch Logs log-group ARN: ${parsed.reason}.`,
                destinationFix(args.type, args.name), lang));
            return;
        }
        for (const message of destinationViolations(args.name, args.type, parsed.arn, config, lang)) {
            reportViolation(message);
        }
    },
    validateStack: (args, reportViolation) => {
        const config = readConfig(args.getConfig());
        if (!hasDestinationRules(config)) {
            return;
        }
        const resources = args.resources as unknown as StackResource[];
        const lang = languageOfStackTags(args.stackTags);
        let index: LogGroupIndex | undefined;
        for (const stage of resources) {
            if (!isStageType(stage.type)) {
                continue;
            }
            const logging = readStageLogging(stage.props);
            if (logging.kind !== "object" || logging.destinationArn.kind !== "unknown") {
                continue; // A known ARN is the resource check's.
            }
            index ??= new LogGroupIndex(resources);
            const groups = index.dependencyGroups(stage);
            // With several candidates, which one the ARN will name is not known.
            const facts = groups.length === 1 ? factsOfLogGroup(groups[0]) : undefined;
            if (facts === undefined) {
                continue;
            }
            for (const message of destinationViolations(stage.name, stage.type, facts, config, lang)) {
                reportViolation(message, stage.urn);
            }
        }
    },
}, { types: stageTypes, notEvaluated: destinationNotEvaluated, stackNotEvaluated: destinationStackNotEvaluated });
