// Turns what the session returned for one input into its part of the report.
import { InputSpec } from "../inputs/resolve-inputs";
import { RemediationRecord } from "../protocol/policy-session";
import { EngineResource, RemovedByTransform, Violation } from "../resource-model";
import { fixContext, programFixes } from "./program-fixes";
import { propertyChanges } from "./remediation-changes";
import { InputReport } from "./run-report";

/** What a transform removed that the violation's message names: why a property the program sets is "not set". */
function removedBy(r: EngineResource | undefined, message: string): RemovedByTransform[] {
    return (r?.removedByTransform ?? []).filter((x) => message.includes(x.property));
}

/** One input's part of the report: its violations located in the source, and what remediations changed. */
export function inputReport(
    input: InputSpec,
    mode: "preview" | "update",
    resources: readonly EngineResource[],
    violations: readonly Violation[],
    remediations: RemediationRecord[],
    notes: string[],
): InputReport {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // Only a program's files can take its fixes; a state file's resources have no source text here.
    const fixes = input.kind === "program" ? fixContext(resources) : undefined;
    const located = violations.map((v) => {
        const source = byUrn.get(v.resourceUrn)?.source;
        const removed = removedBy(byUrn.get(v.resourceUrn), v.message);
        // Pasting settings a transform strips again would not help: the transform is what to change.
        const placed = (fixes !== undefined ? programFixes(fixes, v) : []).map((f) => (removed.length > 0 && f.applies
            ? { ...f, edits: [], unplaced: `a transform removes ${removed.map((r) => r.property).join(", ")} from the program's own settings` }
            : f));
        return { ...v, ...(source !== undefined ? { source } : {}), ...(removed.length > 0 ? { removedByTransform: removed } : {}), ...(placed.length > 0 ? { programFixes: placed } : {}) };
    });
    // Each remediation is compared with the properties before it: the resource's inputs, or the previous remediation's result.
    const current = new Map<string, Record<string, unknown>>();
    const changes = remediations.filter((r) => r.properties !== undefined).map((r) => {
        const before = current.get(r.resourceUrn) ?? byUrn.get(r.resourceUrn)?.inputs ?? {};
        current.set(r.resourceUrn, r.properties!);
        return { resourceUrn: r.resourceUrn, policyName: r.policyName, changes: propertyChanges(before, r.properties!) };
    });
    return {
        path: input.label,
        kind: input.kind,
        mode,
        resources: resources.length,
        violations: located,
        remediations,
        changes,
        remediationsApplied: input.kind === "program",
        notes,
        absolutePath: input.root,
        resourceUrns: resources.map((r) => r.urn),
    };
}
