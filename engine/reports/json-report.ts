// A single JSON object whose violations use the field names of a
// `policyEvent` in `pulumi preview --json`, plus where the resource is
// declared, what each remediation changed, the policies that did not apply,
// the stages left unchecked, and the exemptions with what they matched and
// their days left; for a program, each TypeScript fix placed in its files
// (`fixes`: engine/reports/program-fixes.ts).
import { expiringExemptions, unmatchedExemptions } from "./exemptions";
import { RunReport, summarize } from "./run-report";
import { sourceFile, sourceLabel } from "./source-label";

/** An edit's file as `source.file` names it: relative to the program's directory. */
function editFile(file: string, input: RunReport["inputs"][number]): string {
    return sourceFile({ file, line: 1, column: 1 }, input);
}

/** The JSON report: the policyEvent fields and the source per violation, the remediations, not-applicable results, exemptions, then the summary. */
export function jsonReport(report: RunReport): string {
    const violations = report.inputs.flatMap((input) => input.violations.map((v) => ({
        resourceUrn: v.resourceUrn,
        message: v.message,
        policyName: v.policyName,
        policyPackName: v.policyPackName,
        policyPackVersion: v.policyPackVersion,
        enforcementLevel: v.enforcementLevel,
        // `file` is relative to the program's directory (or as the state file records it); `location` is "file:line:column".
        source: v.source ? { file: sourceFile(v.source, input), line: v.source.line, column: v.source.column, location: sourceLabel(v.source, input) } : null,
        ...(v.notReachedByUp === true ? { notReachedByUp: true } : {}),
        ...(v.removedByTransform !== undefined ? {
            removedByTransform: v.removedByTransform.map((r) => ({
                property: r.property,
                transform: r.transform ? { file: sourceFile(r.transform, input), line: r.transform.line, column: r.transform.column, location: sourceLabel(r.transform, input) } : null,
            })),
        } : {}),
        ...(v.programFixes !== undefined ? { fixes: v.programFixes.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, file: editFile(e.file, input) })) })) } : {}),
    })));
    const remediations = report.inputs.flatMap((input) => input.changes.map((r) => ({
        resourceUrn: r.resourceUrn,
        policyName: r.policyName,
        applied: input.remediationsApplied,
        changes: r.changes,
    })));
    const notApplicable = report.inputs.flatMap((i) => (i.notApplicable ?? []).map((n) => ({
        resourceUrn: n.resourceUrn,
        policyName: n.policyName,
        reason: n.reason,
        input: i.path,
    })));
    const unchecked = report.inputs.flatMap((i) => (i.unchecked ?? []).map((u) => ({
        resourceUrn: u.resourceUrn,
        policyName: u.policyName,
        reason: u.reason,
        input: i.path,
        ...(i.stack !== undefined ? { stack: i.stack } : {}),
        source: u.source ? { file: sourceFile(u.source, i), line: u.source.line, column: u.source.column, location: sourceLabel(u.source, i) } : null,
    })));
    const exemptions = report.exemptions ?? [];
    const summary = {
        ...summarize(report),
        notApplicable: notApplicable.length,
        unchecked: unchecked.length,
        exemptions: exemptions.length,
        unmatchedExemptions: unmatchedExemptions(exemptions).length,
        expiringExemptions: expiringExemptions(exemptions).length,
    };
    return JSON.stringify({ violations, remediations, notApplicable, unchecked, exemptions, summary }, null, 2);
}
