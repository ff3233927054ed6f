// Turns what the session returned for one input into its part of the report.
import { InputSpec } from "../inputs/resolve-inputs";
import { RemediationRecord } from "../protocol/policy-session";
import { EngineResource, Violation } from "../resource-model";
import { propertyChanges } from "./remediation-changes";
import { InputReport } from "./run-report";
import { outermostComponent } from "./source-label";

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
    const located = violations.map((v) => {
        const resource = byUrn.get(v.resourceUrn);
        const component = outermostComponent(resource, byUrn);
        // A state file records where the component's code made the resource, a library's line;
        // the user's lever is the outermost component's own call, when the file records it.
        const source = component !== undefined && input.kind === "state" ? byUrn.get(component.urn)?.source : resource?.source;
        return { ...v, ...(source !== undefined ? { source } : {}), ...(component !== undefined ? { component } : {}) };
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
