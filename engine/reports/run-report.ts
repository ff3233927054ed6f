// What one `npm run analyze` run produced, and its summary; the reports in
// this folder render it for people (text) and for tools (JSON, SARIF, JUnit).
import { Language } from "../../lib/fix-snippets";
import { EnforcementLevel } from "../inputs/config-file";
import { PolicyMetadata } from "../protocol/analyzer-info";
import { RemediationRecord } from "../protocol/policy-session";
import { NotApplicableResult, Violation } from "../resource-model";
import { ExemptionUsage } from "./exemptions";
import { PropertyChange } from "./remediation-changes";
import { UncheckedResult } from "./unchecked";

export type InputKind = "state" | "program";

/** What one analyzed input (a state file or a program) produced. */
export interface InputReport {
    path: string;
    kind: InputKind;
    mode: "preview" | "update";
    resources: number;
    violations: Violation[];
    /** Policies that did not apply to a resource (or, with URN "", to the stack). */
    notApplicable?: NotApplicableResult[];
    /** The stack the input was analyzed as: a program's chosen stack, or what a state file records. */
    stack?: string;
    /** Stages whose deciding value this run could not know, though the engine would: never a pass. */
    unchecked?: UncheckedResult[];
    remediations: RemediationRecord[];
    /** What each remediation changed, in the order of `remediations` that returned properties. */
    changes: RemediationChanges[];
    /** True when remediations changed what Analyze saw (programs); false when only reported (state files). */
    remediationsApplied: boolean;
    notes: string[];
    /** Absolute path of the input: the program's directory, or the state file. */
    absolutePath: string;
    /** URNs of the resources analyzed, in order (the test cases of a JUnit report). */
    resourceUrns: string[];
    /** The language fixes are written in (from the stack's runtime); TypeScript when unset. */
    language?: Language;
}

export interface RemediationChanges {
    resourceUrn: string;
    policyName: string;
    changes: PropertyChange[];
}

export interface RunReport {
    policyPackName: string;
    policyPackVersion: string;
    /** The pack's homepage, if its package.json names one. */
    policyPackUri?: string;
    /** Every policy of the pack, with its level in this run (after config). */
    policies: (PolicyMetadata & { enforcementLevel: EnforcementLevel })[];
    inputs: InputReport[];
    /** The config's exemptions and what they matched over all inputs. */
    exemptions?: ExemptionUsage[];
}

export interface Summary {
    mandatory: number;
    advisory: number;
    violations: number;
    resourcesAnalyzed: number;
    resourcesWithViolations: number;
    inputs: number;
    remediations: number;
    /** Unchecked stages (a stage counts once, however many policies could not judge it). */
    uncheckedStages: number;
    perInput: {
        path: string;
        stack?: string;
        kind: InputKind;
        mode: "preview" | "update";
        resources: number;
        mandatory: number;
        advisory: number;
        remediations: number;
        uncheckedStages: number;
        notes: string[];
    }[];
}

export function countLevel(vs: readonly Violation[], level: Violation["enforcementLevel"]): number {
    return vs.filter((v) => v.enforcementLevel === level).length;
}

export function summarize(report: RunReport): Summary {
    const all = report.inputs.flatMap((i) => i.violations);
    return {
        mandatory: countLevel(all, "mandatory"),
        advisory: countLevel(all, "advisory"),
        violations: all.length,
        resourcesAnalyzed: report.inputs.reduce((n, i) => n + i.resources, 0),
        resourcesWithViolations: report.inputs.reduce((n, i) => n + new Set(i.violations.map((v) => v.resourceUrn)).size, 0),
        inputs: report.inputs.length,
        remediations: report.inputs.reduce((n, i) => n + i.remediations.filter((r) => r.properties !== undefined).length, 0),
        uncheckedStages: report.inputs.reduce((n, i) => n + uncheckedStageCount(i), 0),
        perInput: report.inputs.map((i) => ({
            path: i.path,
            ...(i.stack !== undefined ? { stack: i.stack } : {}),
            kind: i.kind,
            mode: i.mode,
            resources: i.resources,
            mandatory: countLevel(i.violations, "mandatory"),
            advisory: countLevel(i.violations, "advisory"),
            remediations: i.remediations.filter((r) => r.properties !== undefined).length,
            uncheckedStages: uncheckedStageCount(i),
            notes: i.notes,
        })),
    };
}

export function hasMandatory(report: RunReport): boolean {
    return report.inputs.some((i) => i.violations.some((v) => v.enforcementLevel === "mandatory"));
}

export function uncheckedStageCount(input: InputReport): number {
    return new Set((input.unchecked ?? []).map((u) => u.resourceUrn)).size;
}

export function hasUnchecked(report: RunReport): boolean {
    return report.inputs.some((i) => (i.unchecked ?? []).length > 0);
}
