import { args, Fix, FixProperty, FixValue, json, Language, output, prop, renderFix } from "./fix-snippets";
import { quote } from "./quote";
import { fixFormatFields } from "./recommended-format";
import { awsLogGroup, nativeLogGroup, nativeStage } from "./resource-types";

// Building blocks of violation messages. A message is one line naming the
// resource and the problem, then one line with a short Pulumi fix in the
// program's language (lib/fix-snippets.ts).

/** `Stage "name"`, with the name quoted safely (names are user input too). */
export function stageLabel(name: string): string {
    return `Stage ${quote(name)}`;
}

export function apiLabel(name: string): string {
    return `API ${quote(name)}`;
}

export function withFix(problem: string, fix: Fix, lang: Language): string {
    return `${problem}\nFix: ${renderFix(fix, lang)}`;
}

/** The log-group type that goes with a stage of this type (same provider). */
export function logGroupTypeFor(stageType: string): string {
    return stageType === nativeStage ? nativeLogGroup : awsLogGroup;
}

/** The access-log settings of a stage fix: the given fields, the others kept. */
export function accessLogSettings(properties: readonly FixProperty[], more: boolean): FixProperty {
    return prop("accessLogSettings", args("StageAccessLogSettings", properties, more));
}

/** The stage, by its own name, with only the given properties changed. */
export function stageFix(type: string, name: string, properties: readonly FixProperty[]): Fix["resources"][number] {
    return { type, name, properties, more: true };
}

export const logGroupArn: FixValue = output("logGroup", "arn");

/** The fix that adds complete access logging to a stage. */
export function accessLoggingFix(type: string, name: string): Fix {
    return {
        resources: [stageFix(type, name, [accessLogSettings([
            prop("destinationArn", logGroupArn),
            prop("format", json(fixFormatFields)),
        ], false)])],
    };
}

/** The fix that sets only a stage's format, keeping its destination. */
export function formatFix(type: string, name: string, fields: readonly (readonly [string, string])[] = fixFormatFields, after?: Fix["after"]): Fix {
    return { resources: [stageFix(type, name, [accessLogSettings([prop("format", json(fields))], true)])], after };
}
