// A single JSON object whose violations use the field names of a
// `policyEvent` in `pulumi preview --json`.
import { RunReport, summarize } from "./run-report";

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
