// The human report, resembling the "Policies:" section of `pulumi preview`.
import { escapeControlChars } from "../../lib/quote";
import { Violation } from "../resource-model";
import { countLevel, RunReport, summarize } from "./run-report";

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
