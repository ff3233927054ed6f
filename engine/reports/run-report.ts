// What one `npm run analyze` run produced, and its summary; the reports in
// this folder render it for people (text) and for tools (JSON).
import { RemediationRecord } from "../protocol/policy-session";
import { Violation } from "../resource-model";

export type InputKind = "state" | "program";

/** What one analyzed input (a state file or a program) produced. */
export interface InputReport {
    path: string;
    kind: InputKind;
    mode: "preview" | "update";
    resources: number;
    violations: Violation[];
    remediations: RemediationRecord[];
    /** True when remediations changed what Analyze saw (programs); false when only reported (state files). */
    remediationsApplied: boolean;
    notes: string[];
}

export interface RunReport {
    policyPackName: string;
    policyPackVersion: string;
    inputs: InputReport[];
}

export interface Summary {
    mandatory: number;
    advisory: number;
    violations: number;
    resourcesAnalyzed: number;
    resourcesWithViolations: number;
    inputs: number;
    remediations: number;
    perInput: {
        path: string;
        kind: InputKind;
        mode: "preview" | "update";
        resources: number;
        mandatory: number;
        advisory: number;
        remediations: number;
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
        perInput: report.inputs.map((i) => ({
            path: i.path,
            kind: i.kind,
            mode: i.mode,
            resources: i.resources,
            mandatory: countLevel(i.violations, "mandatory"),
            advisory: countLevel(i.violations, "advisory"),
            remediations: i.remediations.filter((r) => r.properties !== undefined).length,
            notes: i.notes,
        })),
    };
}

export function hasMandatory(report: RunReport): boolean {
    return report.inputs.some((i) => i.violations.some((v) => v.enforcementLevel === "mandatory"));
}
