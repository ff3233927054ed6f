// A single JSON object whose violations use the field names of a
// `policyEvent` in `pulumi preview --json`, then the policies that did not
// apply and the exemptions with what they matched.
import { unmatchedExemptions } from "./exemptions";
import { RunReport, summarize } from "./run-report";

/** The JSON report: exactly the policyEvent fields per violation, not-applicable results, exemptions, then the summary. */
export function jsonReport(report: RunReport): string {
    const violations = report.inputs.flatMap((i) => i.violations).map((v) => ({
        resourceUrn: v.resourceUrn,
        message: v.message,
        policyName: v.policyName,
        policyPackName: v.policyPackName,
        policyPackVersion: v.policyPackVersion,
        enforcementLevel: v.enforcementLevel,
    }));
    const notApplicable = report.inputs.flatMap((i) => (i.notApplicable ?? []).map((n) => ({
        resourceUrn: n.resourceUrn,
        policyName: n.policyName,
        reason: n.reason,
        input: i.path,
    })));
    const exemptions = report.exemptions ?? [];
    const summary = {
        ...summarize(report),
        notApplicable: notApplicable.length,
        exemptions: exemptions.length,
        unmatchedExemptions: unmatchedExemptions(exemptions).length,
    };
    return JSON.stringify({ violations, notApplicable, exemptions, summary }, null, 2);
}
