// Stages this run could not check, though the Pulumi engine would have.
//
// A policy answers "not applicable" (or passes) when a value that decides its
// verdict is unknown, and says the update checks it. That holds for the output
// of a resource the stack creates: the real preview does not know it either,
// and `pulumi up` checks it once created. It does not hold for a value the
// real engine knows at once but this run does not: a StackReference output
// without --stack-reference-outputs, a lookup, a resource read with `.get`;
// nor, under --update, for any value still unknown. Such a stage is unchecked,
// never a pass.
import { readStageLogging } from "../../lib/access-log-settings";
import { quote } from "../../lib/quote";
import { isStageType } from "../../lib/resource-types";
import { STACK_REFERENCE_TYPE } from "../inputs/program/stack-references";
import { EngineResource, NotApplicableResult, SourceLocation, Violation } from "../resource-model";

export interface UncheckedResult {
    resourceUrn: string;
    policyName: string;
    reason: string;
    /** Where the program declares the stage, when known. */
    source?: SourceLocation;
}

export interface UncheckedContext {
    mode: "preview" | "update";
    resources: readonly EngineResource[];
    /** The inputs Analyze saw instead, for resources a remediation changed. */
    remediated?: ReadonlyMap<string, Record<string, unknown>>;
    violations: readonly Violation[];
    notApplicable: readonly NotApplicableResult[];
    /** The policies the run evaluated (not disabled). */
    policies: readonly string[];
    /** Those of them that check the whole stack (GetAnalyzerInfo's POLICY_TYPE_STACK). */
    stackPolicies?: readonly string[];
}

/** The SDK's wording when a policy is for other types; such an answer says nothing about the stage's values. */
const otherTypePattern = /^Policy only applies to resources of type /;

/** The stage's decisive values that are unknown, as property paths. */
export function unknownLoggingFields(props: unknown): string[] {
    const logging = readStageLogging(props);
    if (logging.kind === "unknown") {
        return ["accessLogSettings"];
    }
    if (logging.kind !== "object") {
        return [];
    }
    return (["destinationArn", "format"] as const).filter((f) => logging[f].kind === "unknown").map((f) => `accessLogSettings.${f}`);
}

/** `type` and `name` of a URN (the type is the last of a parent chain). */
function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const qualified = parts[2] ?? "";
    return { type: qualified.slice(qualified.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

/**
 * Why the value is unknown here though the engine would know it, or
 * undefined when the real preview would not know it either (the output of a
 * resource this stack creates, in a preview).
 */
export function uncheckedOrigin(stage: EngineResource, mode: "preview" | "update", created: ReadonlySet<string>): string | undefined {
    const dependencies = stage.propertyDependencies.accessLogSettings ?? [];
    const references = dependencies.filter((urn) => urnParts(urn).type === STACK_REFERENCE_TYPE);
    const reads = dependencies.filter((urn) => !created.has(urn) && !references.includes(urn));
    const own = dependencies.filter((urn) => created.has(urn));
    if (references.length > 0) {
        const names = references.map((urn) => quote(urnParts(urn).name)).join(", ");
        return `it comes from stack reference ${names}, whose outputs this run does not have (supply them with --stack-reference-outputs FILE)`;
    }
    if (reads.length > 0) {
        const { type, name } = urnParts(reads[0]);
        return `it comes from ${type} ${quote(name)}, read with .get, whose state this run cannot know`;
    }
    if (own.length > 0) {
        if (mode === "preview") {
            return undefined;
        }
        return `it is an output of ${quote(urnParts(own[0]).name)} that this run does not make up, though the update would know it`;
    }
    return "it comes from a lookup or another value this run cannot know, which the Pulumi engine would know";
}

/** Every (stage, policy) pair that a policy did not judge on a value the engine would know. */
export function uncheckedStages(ctx: UncheckedContext): UncheckedResult[] {
    const created = new Set(ctx.resources.map((r) => r.urn));
    const out: UncheckedResult[] = [];
    for (const stage of ctx.resources) {
        if (!isStageType(stage.type)) {
            continue;
        }
        const fields = unknownLoggingFields(ctx.remediated?.get(stage.urn) ?? stage.inputs);
        const origin = fields.length === 0 ? undefined : uncheckedOrigin(stage, ctx.mode, created);
        if (origin === undefined) {
            continue;
        }
        const reason = `${fields.join(" and ")} ${fields.length === 1 ? "is" : "are"} unknown here: ${origin}`;
        const violated = new Set(ctx.violations.filter((v) => v.resourceUrn === stage.urn).map((v) => v.policyName));
        const answers = ctx.notApplicable.filter((n) => n.resourceUrn === stage.urn);
        const otherType = new Set(answers.filter((n) => otherTypePattern.test(n.reason)).map((n) => n.policyName));
        // A stack policy that answered not applicable for the whole stack judged no stage, this one included.
        const stackWide = ctx.notApplicable.filter((n) => n.resourceUrn === "" && (ctx.stackPolicies ?? []).includes(n.policyName));
        const declined = [...answers, ...stackWide].filter((n) => !otherType.has(n.policyName) && !violated.has(n.policyName)).map((n) => n.policyName);
        // A pack that passes unknown values silently: each of its passes on this stage proves nothing.
        const policies = declined.length > 0 ? declined : ctx.policies.filter((p) => !otherType.has(p) && !violated.has(p));
        for (const policyName of [...new Set(policies)]) {
            out.push({ resourceUrn: stage.urn, policyName, reason, ...(stage.source !== undefined ? { source: stage.source } : {}) });
        }
    }
    return out;
}
