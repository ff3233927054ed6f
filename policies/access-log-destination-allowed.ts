import { StackValidationPolicy } from "@pulumi/policy";
import { readStageLogging } from "../lib/access-log-settings";
import { IndexedLogGroup, LogGroupIndex, StackResource } from "../lib/log-group-index";
import { isValidAccountId, isValidRegion, parseLogGroupArn } from "../lib/log-group-arn";
import { Fix, Language, languageOfStackTags } from "../lib/fix-snippets";
import { newLogGroupDestinationFix, stageLabel, withFix } from "../lib/messages";
import { isNonBlankString, readProperty } from "../lib/read-property";
import { ConfigSchemaOf, firstBadEntry, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { compileNamePattern, NamePattern } from "../lib/name-pattern";
import { quote, quoteList } from "../lib/quote";
import { isStageType } from "../lib/resource-types";
import { noStageReason } from "../lib/applicability";
import { nist80053 } from "../lib/frameworks";
import { governStackPolicy } from "../lib/governance";

export const accessLogDestinationAllowedName = "apigatewayv2-access-log-destination-allowed";

export interface AccessLogDestinationAllowedConfig {
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

const configProperties: ConfigSchemaOf<AccessLogDestinationAllowedConfig> = {
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

export const readDestinationAllowedConfig = makeConfigReader<AccessLogDestinationAllowedConfig>(
    accessLogDestinationAllowedName,
    configProperties,
    (config) =>
        firstBadEntry<AccessLogDestinationAllowedConfig>("allowedAccountIds", config.allowedAccountIds,
            (v) => (isValidAccountId(v) ? undefined : "is not a 12-digit account ID")) ??
        firstBadEntry<AccessLogDestinationAllowedConfig>("allowedRegions", config.allowedRegions,
            (v) => (isValidRegion(v) ? undefined : "is not an AWS region such as us-east-1")) ??
        (() => {
            const compiled = config.logGroupNamePattern === "" ? undefined : compileNamePattern(config.logGroupNamePattern);
            return typeof compiled === "string"
                ? { key: "logGroupNamePattern" as const, problem: `is ${quote(config.logGroupNamePattern)}, which ${compiled}` }
                : undefined;
        })(),
);

/** Create a log group whose name the pattern accepts, and bind the stage to it. */
function namedLogGroupFix(stageType: string, stageName: string): Fix {
    return newLogGroupDestinationFix(stageType, stageName, "<a name matching logGroupNamePattern>");
}

/** What is known of the log group a stage writes to; a missing field is not known yet. */
interface DestinationFacts {
    account?: string;
    region?: string;
    name?: string;
}

function destinationViolations(stageName: string, stageType: string, facts: DestinationFacts, config: AccessLogDestinationAllowedConfig, lang: Language): string[] {
    const label = stageLabel(stageName);
    const fix = newLogGroupDestinationFix(stageType, stageName);
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

/**
 * The facts a stage's destination gives, or undefined when this policy does
 * not judge the stage: no destination (apigatewayv2-stage-access-logging
 * reports it), a malformed ARN (apigatewayv2-access-log-destination reports
 * it), or an unknown ARN with no single log group of the stack behind it.
 */
function factsOfStage(stage: StackResource, index: () => LogGroupIndex): DestinationFacts | undefined {
    const logging = readStageLogging(stage.props);
    if (logging.kind !== "object") {
        return undefined;
    }
    const destination = logging.destinationArn;
    if (destination.kind === "value") {
        const parsed = parseLogGroupArn(destination.value);
        return parsed.ok ? parsed.arn : undefined;
    }
    if (destination.kind === "unknown") {
        // With several candidates, which one the ARN will name is not known.
        const groups = index().dependencyGroups(stage);
        return groups.length === 1 ? factsOfLogGroup(groups[0]) : undefined;
    }
    return undefined;
}

function hasDestinationRules(config: AccessLogDestinationAllowedConfig): boolean {
    return config.allowedAccountIds.length > 0 || config.allowedRegions.length > 0 || config.logGroupNamePattern !== "";
}

// A stack policy, so that one config and one verdict cover every stage: a
// known ARN, and in a preview of a new log group the name and region the
// group declares. `pulumi up` runs a preview first and stops there on a
// mandatory violation, so a known ARN is judged before the stage is created;
// an account that only the update reveals is judged when the update ends.
export const accessLogDestinationAllowed: StackValidationPolicy = governStackPolicy({
    name: accessLogDestinationAllowedName,
    displayName: "Access logs go to an allowed account, region and log-group name",
    description: "API Gateway V2 access logs must go to a log group in an allowed AWS account and region, with an allowed name.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["apigatewayv2", "logging", "audit", "nist-800-53:AU-9", "aws-fsbp:APIGateway.9"],
    framework: nist80053("AU-9", "Protection of Audit Information"),
    remediationSteps: "Point accessLogSettings.destinationArn at a log group in an account and region listed in allowedAccountIds and allowedRegions, whose name matches logGroupNamePattern; best bind it to logGroup.arn of such a log group in the same stack.",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html",
    configSchema: toPolicyConfigSchema(configProperties),
    validateStack: (args, reportViolation) => {
        const config = readDestinationAllowedConfig(args.getConfig());
        const resources = args.resources as unknown as StackResource[];
        if (!resources.some((r) => isStageType(r.type))) {
            args.notApplicable(noStageReason);
        }
        if (!hasDestinationRules(config)) {
            args.notApplicable("No allowedAccountIds, allowedRegions or logGroupNamePattern is configured");
        }
        const lang = languageOfStackTags(args.stackTags);
        let built: LogGroupIndex | undefined;
        const index = () => (built ??= new LogGroupIndex(resources));
        let judged = 0;
        for (const stage of resources) {
            if (!isStageType(stage.type)) {
                continue;
            }
            const facts = factsOfStage(stage, index);
            if (facts === undefined) {
                continue;
            }
            judged++;
            for (const message of destinationViolations(stage.name, stage.type, facts, config, lang)) {
                reportViolation(message, stage.urn);
            }
        }
        if (judged === 0) {
            args.notApplicable("No stage writes to a known log-group ARN or to a single log group of the stack; apigatewayv2-stage-access-logging and apigatewayv2-access-log-destination report the others");
        }
    },
}, { notEvaluated: () => undefined });
