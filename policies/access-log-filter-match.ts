import { StackValidationPolicy } from "@pulumi/policy";
import { jsonShapeOfFormat, protocolOfFormat } from "../lib/access-log-format";
import { protocolOfStageSettings, stageDestination, stageFormat } from "../lib/access-log-settings";
import {
    fieldCount, FilterPattern, fitsFieldCount, FormatField, formatFields, hasConditions, parseFilterPattern, toJsonPattern, variableByName,
} from "../lib/filter-pattern";
import { Fix, Language, languageOfStackTags, prop, str } from "../lib/fix-snippets";
import { parseJsonFormat, repairFormat, RepairedFormat } from "../lib/format-repair";
import { LogGroupArn, parseLogGroupArn } from "../lib/log-group-arn";
import { IndexedLogGroup, LogGroupIndex, StackResource } from "../lib/log-group-index";
import { defaultRepairOptions, formatFix, stageLabel, withFix } from "../lib/messages";
import { ConfigSchemaOf, makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { escapeControlChars, maxQuotedChars, quote, quoteList } from "../lib/quote";
import { isNonBlankString, readProperty, UNKNOWN } from "../lib/read-property";
import {
    awsLogMetricFilter, awsLogSubscriptionFilter, isStageType, nativeMetricFilter, nativeSubscriptionFilter,
} from "../lib/resource-types";
import { noStageReason } from "../lib/applicability";
import { nist80053 } from "../lib/frameworks";
import { governStackPolicy } from "../lib/governance";

export const accessLogFilterMatchName = "apigatewayv2-access-log-filter-match";

export interface AccessLogFilterMatchConfig {
    requireJson: boolean;
}

const configProperties: ConfigSchemaOf<AccessLogFilterMatchConfig> = {
    requireJson: {
        type: "boolean", default: true,
        description: "Set it as apigatewayv2-access-log-format-fields' requireJson: whether that policy's fix turns a non-JSON format into JSON, which a space-delimited filter pattern then stops matching.",
    },
};

const readConfig = makeConfigReader<AccessLogFilterMatchConfig>(accessLogFilterMatchName, configProperties);

/** Where each filter type keeps its pattern and its log group's name. */
const filterKeys: Readonly<Record<string, { pattern: string; logGroup: string; label: string }>> = {
    [awsLogMetricFilter]: { pattern: "pattern", logGroup: "logGroupName", label: "Metric filter" },
    [awsLogSubscriptionFilter]: { pattern: "filterPattern", logGroup: "logGroup", label: "Subscription filter" },
    [nativeMetricFilter]: { pattern: "filterPattern", logGroup: "logGroupName", label: "Metric filter" },
    [nativeSubscriptionFilter]: { pattern: "filterPattern", logGroup: "logGroupName", label: "Subscription filter" },
};

function isFilterType(type: string): boolean {
    return Object.prototype.hasOwnProperty.call(filterKeys, type);
}

interface StageTarget {
    stage: StackResource;
    format: string;
    /** URNs of the stack's log groups the stage writes to, and the destination's name when known. */
    groupUrns: Set<string>;
    names: Set<string>;
}

/** Stages with a known format and the log groups they write to. */
function stageTargets(resources: readonly StackResource[]): StageTarget[] {
    const targets: StageTarget[] = [];
    let index: LogGroupIndex | undefined;
    for (const stage of resources) {
        if (!isStageType(stage.type)) {
            continue;
        }
        // Read without a StageLogging per stage, like the other stack checks.
        const format = stageFormat(stage.props);
        const given = format === undefined ? undefined : stageDestination(stage.props);
        if (format === undefined || given === undefined) {
            continue;
        }
        let destination: LogGroupArn | typeof UNKNOWN;
        if (given === UNKNOWN) {
            destination = UNKNOWN;
        } else {
            const parsed = parseLogGroupArn(given);
            if (!parsed.ok) {
                continue;
            }
            destination = parsed.arn;
        }
        index ??= new LogGroupIndex(resources);
        const match = index.match(stage, destination);
        const groups: IndexedLogGroup[] = match.kind === "matched" ? match.groups : [];
        const names = new Set(groups.map((g) => g.name).filter((n): n is string => typeof n === "string"));
        if (destination !== UNKNOWN) {
            names.add(destination.name);
        }
        targets.push({ stage, format, groupUrns: new Set(groups.map((g) => g.resource.urn)), names });
    }
    return targets;
}

/** The stage whose log group the filter reads: by its property dependency, else by the log group's name. */
function stageOfFilter(filter: StackResource, targets: readonly StageTarget[]): StageTarget | undefined {
    const key = filterKeys[filter.type].logGroup;
    const deps = readProperty(filter.propertyDependencies, key);
    const urns = Array.isArray(deps) ? deps.map((d) => readProperty(d, "urn")).filter((u): u is string => typeof u === "string") : [];
    const name = readProperty(filter.props, key);
    return targets.find((t) => urns.some((u) => t.groupUrns.has(u)) || (isNonBlankString(name) && t.names.has(name)));
}

/** The variable -> JSON key map of a JSON format (or a repaired one): the key of a field that holds only that variable. */
function keysOfJson(fields: readonly (readonly [string, unknown])[]): (variable: string) => string | undefined {
    const byVariable = new Map<string, string>();
    for (const [key, value] of fields) {
        const m = typeof value === "string" ? /^\$context\.([\w.]+)$/.exec(value) : null;
        if (m !== null && !byVariable.has(m[1]) && /^[\w-]+$/.test(key)) {
            byVariable.set(m[1], key);
        }
    }
    return (variable) => byVariable.get(variable);
}

/** The format the format-fields policy's fix writes, with its default variables. */
function repairedFormat(target: StageTarget, requireJson: boolean): RepairedFormat {
    const protocol = protocolOfFormat(target.format) ?? protocolOfStageSettings(target.stage.props);
    return repairFormat(target.format, { ...defaultRepairOptions(protocol), requireJson });
}

function filterLabel(filter: StackResource): string {
    return `${filterKeys[filter.type].label} ${quote(filter.name)}`;
}

/** The filter, by its own name and type, with a new pattern. */
function patternFix(filter: StackResource, pattern: string): Fix {
    return { resources: [{ type: filter.type, name: filter.name, properties: [prop(filterKeys[filter.type].pattern, str(pattern))], more: true }] };
}

/** A few keys of a JSON format, for a message that asks for a pattern by hand. */
function someKeys(fields: readonly (readonly [string, unknown])[]): string {
    const keys = fields.map(([k]) => k);
    return `${quoteList(keys.slice(0, 6))}${keys.length > 6 ? " and more" : ""}`;
}

/** A pattern as it reads, without added quotes (it has its own), short and with control characters escaped. */
function excerpt(pattern: string): string {
    const text = escapeControlChars(pattern);
    return text.length <= maxQuotedChars ? text : `${text.slice(0, maxQuotedChars - 1)}…`;
}

type Delimited = Extract<FilterPattern, { kind: "delimited" }>;

function namedCount(pattern: Delimited): string {
    const named = fieldCount(pattern);
    return pattern.fields.some((f) => f.ellipsis) ? `at least ${named} fields` : `${named} ${named === 1 ? "field" : "fields"}`;
}

interface Verdict {
    message: string;
    fix: Fix;
}

/** What the user writes where the pack cannot be sure of the new pattern. */
const jsonPatternPlaceholder = "<a JSON pattern on the format's keys, such as { $.status = \"4*\" }>";

/** A space-delimited pattern, rewritten for the JSON format `fields` (or said why not). */
function rewriteForJson(filter: StackResource, pattern: Delimited, lineFields: readonly FormatField[] | undefined,
    jsonFields: readonly (readonly [string, unknown])[], variables: readonly string[]): Verdict {
    const keyOf = keysOfJson(jsonFields);
    const rewritten = toJsonPattern(pattern, lineFields, keyOf, variableByName(variables, keyOf));
    return rewritten !== undefined
        ? { message: `The fix gives it the JSON pattern ${excerpt(rewritten)}.`, fix: patternFix(filter, rewritten) }
        : {
            message: `Rewrite it by hand as a JSON pattern on the format's keys (${someKeys(jsonFields)}), such as { $.status = "4*" }: one of its conditions has no JSON equivalent this pack can be sure of.`,
            fix: patternFix(filter, jsonPatternPlaceholder),
        };
}

function variablesOf(fields: readonly (readonly [string, unknown])[]): string[] {
    return fields.map(([, v]) => (typeof v === "string" ? /^\$context\.([\w.]+)$/.exec(v)?.[1] : undefined)).filter((v): v is string => v !== undefined);
}

/** What is wrong with a filter reading a stage's access logs, if anything. */
export function filterVerdict(filter: StackResource, pattern: FilterPattern, target: StageTarget, config: AccessLogFilterMatchConfig): Verdict | undefined {
    const label = filterLabel(filter);
    const stage = stageLabel(target.stage.name);
    const shape = jsonShapeOfFormat(target.format);
    if (pattern.kind === "delimited" && shape === "object") {
        if (!hasConditions(pattern) && pattern.fields.some((f) => f.ellipsis)) {
            return undefined; // `[...]`-like patterns match any line.
        }
        const json = parseJsonFormat(target.format);
        if (json === undefined) {
            return undefined;
        }
        const rewrite = rewriteForJson(filter, pattern, undefined, json.fields, variablesOf(json.fields));
        return { message: `${label} reads the access logs of ${stage} with a space-delimited pattern ([...]), but that format writes JSON, so the pattern's fields do not line up with it and it matches nothing it was written for. ${rewrite.message}`, fix: rewrite.fix };
    }
    if (shape !== "invalid") {
        return undefined; // JSON patterns on JSON formats, and arrays or scalars: no verdict.
    }
    if (pattern.kind === "json") {
        const repaired = repairedFormat(target, true);
        const keys = repaired.kind === "json" ? new Set(repaired.fields.map(([k]) => k)) : new Set<string>();
        const missing = [...new Set(pattern.selectors)].filter((s) => !keys.has(s));
        const problem = `${label} reads the access logs of ${stage} with a JSON pattern ({ $.${pattern.selectors[0]} ... }), but that format does not write JSON, so it never matches.`;
        if (missing.length === 0 && repaired.kind === "json") {
            return {
                message: `${problem} The JSON format of apigatewayv2-access-log-format-fields' fix has the keys it selects: the fix is that format.`,
                fix: formatFix(target.stage.type, target.stage.name, repaired),
            };
        }
        // No JSON format this pack would write has the keys it selects: the format and the pattern both change.
        return {
            message: `${problem} Make the format JSON and give the filter a pattern on its keys (${quoteList(missing.map((s) => `$.${s}`))} are not among those a JSON fix would write), or give it a space-delimited pattern.`,
            fix: repaired.kind === "json"
                ? { resources: [...formatFix(target.stage.type, target.stage.name, repaired).resources, ...patternFix(filter, jsonPatternPlaceholder).resources] }
                : patternFix(filter, "<a space-delimited pattern of the format's fields>"),
        };
    }
    if (pattern.kind !== "delimited") {
        return undefined;
    }
    const fields = formatFields(target.format);
    const repaired = config.requireJson ? repairedFormat(target, true) : undefined;
    const jsonLater = repaired?.kind === "json" ? repaired.fields : undefined;
    const variables = jsonLater !== undefined ? variablesOf(jsonLater) : [];
    if (fields !== undefined && !fitsFieldCount(pattern, fields.length)) {
        const problem = `${label} reads the access logs of ${stage} with a pattern of ${namedCount(pattern)}, but that format writes ${fields.length} ${fields.length === 1 ? "field" : "fields"}, so it never matches.`;
        if (jsonLater === undefined) {
            return {
                message: `${problem} Give the pattern one name per field of the format, or an ellipsis (...) for the fields it skips.`,
                fix: patternFix(filter, `<a space-delimited pattern of ${fields.length} fields, or with ...>`),
            };
        }
        // Positions cannot be trusted when the counts differ: names only.
        const rewrite = rewriteForJson(filter, pattern, undefined, jsonLater, variables);
        return { message: `${problem} The format fix of apigatewayv2-access-log-format-fields makes the format JSON. ${rewrite.message}`, fix: rewrite.fix };
    }
    if (jsonLater === undefined || (!hasConditions(pattern) && fields === undefined)) {
        return undefined;
    }
    const rewrite = rewriteForJson(filter, pattern, fields, jsonLater, variables);
    // The field count of a format with a bare many-word variable depends on the request: no "today".
    const reads = fields !== undefined ? `matches the access logs of ${stage} today` : `reads the access logs of ${stage} with a space-delimited pattern`;
    return {
        message: `${label} ${reads}, but the format fix of apigatewayv2-access-log-format-fields makes that format JSON, and then ${fields !== undefined ? "its space-delimited pattern" : "it"} stops matching: paste both fixes in one change. ${rewrite.message}`,
        fix: rewrite.fix,
    };
}

/** Why the policy evaluated no filter, if it did not: it checks a filter on the log group of a stage with a known format. */
export function filterMatchNotEvaluated(resources: readonly StackResource[]): string | undefined {
    if (!resources.some((r) => isStageType(r.type))) {
        return noStageReason;
    }
    const filters = resources.filter((r) => isFilterType(r.type));
    if (filters.length === 0) {
        return "The stack has no metric or subscription filter (aws.cloudwatch.LogMetricFilter, LogSubscriptionFilter, aws-native logs MetricFilter, SubscriptionFilter)";
    }
    const targets = stageTargets(resources);
    const evaluated = filters.some((f) => parseFilterPattern(readProperty(f.props, filterKeys[f.type].pattern)) !== undefined && stageOfFilter(f, targets) !== undefined);
    return evaluated ? undefined : "No metric or subscription filter with a known pattern reads the log group of a stage whose format is known (they may be unknown until the update)";
}

function report(verdict: Verdict, lang: Language): string {
    return withFix(verdict.message, verdict.fix, lang);
}

export const accessLogFilterMatch: StackValidationPolicy = governStackPolicy({
    name: accessLogFilterMatchName,
    displayName: "Log filters match the access-log format",
    description: "Metric and subscription filters on an API Gateway V2 stage's access-log group must have a pattern that fits the stage's format: JSON patterns for JSON formats, space-delimited patterns with the format's field count otherwise.",
    enforcementLevel: "advisory",
    severity: "medium",
    tags: ["apigatewayv2", "logging", "monitoring", "nist-800-53:AU-6"],
    framework: nist80053("SI-4", "System Monitoring"),
    remediationSteps: "Give each metric or subscription filter on a stage's log group a pattern of the format's shape: { $.status = \"4*\" } for a JSON format, [field, ..., status=4*, ...] with the format's fields for a space-delimited one. When a format fix makes the format JSON, change the filter's pattern in the same change.",
    url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html",
    configSchema: toPolicyConfigSchema(configProperties),
    validateStack: (args, reportViolation) => {
        const config = readConfig(args.getConfig());
        const resources = args.resources as unknown as StackResource[];
        let targets: StageTarget[] | undefined;
        for (const filter of resources) {
            if (!isFilterType(filter.type)) {
                continue;
            }
            const pattern = parseFilterPattern(readProperty(filter.props, filterKeys[filter.type].pattern));
            if (pattern === undefined || pattern.kind === "other") {
                continue;
            }
            targets ??= stageTargets(resources);
            const target = stageOfFilter(filter, targets);
            const verdict = target === undefined ? undefined : filterVerdict(filter, pattern, target, config);
            if (verdict !== undefined) {
                // One report per filter, on the filter: the first stage that writes to its log group decides.
                reportViolation(report(verdict, languageOfStackTags(args.stackTags)), filter.urn);
            }
        }
    },
}, { notEvaluated: (resources) => filterMatchNotEvaluated(resources as unknown as StackResource[]) });
