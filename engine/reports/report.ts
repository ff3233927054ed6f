// Reports for `npm run analyze`: a human one resembling the "Policies:"
// section of `pulumi preview`, and a single JSON object whose violations use
// the field names of a `policyEvent` in `pulumi preview --json`.
import { escapeControlChars } from "../../lib/quote";
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

function countLevel(vs: readonly Violation[], level: Violation["enforcementLevel"]): number {
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

/** The JSON report: exactly the policyEvent fields per violation, then the summary. */
export function jsonReport(report: RunReport): string {
    const violations = report.inputs.flatMap((i) => i.violations).map((v) => ({
        resourceUrn: v.resourceUrn,
        message: v.message,
        policyName: v.policyName,
        policyPackName: v.policyPackName,
        policyPackVersion: v.policyPackVersion,
        enforcementLevel: v.enforcementLevel,
    }));
    return JSON.stringify({ violations, summary: summarize(report) }, null, 2);
}

function plural(n: number, one: string, many = `${one}s`): string {
    return `${n} ${n === 1 ? one : many}`;
}

/** Message lines, each escaped, so a hostile message cannot forge report lines. */
function messageLines(message: string): string[] {
    return message.split(/\r?\n/).map((l) => escapeControlChars(l)).filter((l) => l.trim() !== "");
}

function resourceLabel(urn: string): string {
    if (urn === "") {
        return "(stack)";
    }
    return escapeControlChars(urn);
}

/** The human report. */
export function humanReport(report: RunReport): string {
    const out: string[] = [];
    const s = summarize(report);
    const pack = `${report.policyPackName}@v${report.policyPackVersion}`;
    for (const input of report.inputs) {
        const mandatory = countLevel(input.violations, "mandatory");
        out.push(`${escapeControlChars(input.path)} (${input.kind === "state" ? "state file" : "program"}, ${input.mode}): ${plural(input.resources, "resource")}`);
        for (const note of input.notes) {
            out.push(`    note: ${escapeControlChars(note)}`);
        }
        out.push("Policies:");
        const mark = mandatory > 0 ? "❌" : input.violations.length > 0 ? "⚠️ " : "✅";
        out.push(`    ${mark} ${escapeControlChars(pack)}`);
        const byUrn = new Map<string, Violation[]>();
        for (const v of input.violations) {
            const list = byUrn.get(v.resourceUrn) ?? [];
            list.push(v);
            byUrn.set(v.resourceUrn, list);
        }
        for (const [urn, vs] of byUrn) {
            out.push(`        ${resourceLabel(urn)}`);
            for (const v of vs) {
                out.push(`            - [${v.enforcementLevel}]  ${escapeControlChars(v.policyName)}`);
                for (const line of messageLines(v.message)) {
                    out.push(`              ${line}`);
                }
            }
        }
        const fixes = input.remediations.filter((r) => r.properties !== undefined);
        if (fixes.length > 0) {
            out.push(input.remediationsApplied ? "    Remediated:" : "    Would remediate (not applied to a state file):");
            for (const r of fixes) {
                out.push(`        ${resourceLabel(r.resourceUrn)}  by ${escapeControlChars(r.policyName)}`);
            }
        }
        out.push("");
    }
    const remediations = s.remediations > 0 ? `; ${plural(s.remediations, "remediation")}` : "";
    out.push(
        `Summary: ${plural(s.violations, "violation")} (${s.mandatory} mandatory, ${s.advisory} advisory)` +
        ` on ${plural(s.resourcesWithViolations, "resource")}${remediations};` +
        ` ${plural(s.resourcesAnalyzed, "resource")} analyzed in ${plural(s.inputs, "input")}`,
    );
    return out.join("\n");
}
