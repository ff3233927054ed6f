// Which of the config's exemptions matched a violation in this run, so that
// stale ones (the resource was fixed, renamed or deleted) get cleaned up.
// The matching is the pack's own (lib/exemptions.ts), on the violations the
// pack reported.
import { Exemption, exemptionProblem, matchesResource } from "../../lib/exemptions";
import { exemptionsKey } from "../../lib/governance";
import { isPlainObject } from "../../lib/read-property";
import { Violation } from "../resource-model";

export interface ExemptionUsage {
    policyName: string;
    /** Position in the policy's `exemptions` list. */
    index: number;
    resources: string[];
    reason: string;
    expires: string;
    /** Whether it holds on `today` (its violations are advisory) or has expired. */
    status: "active" | "expired";
    /** URNs of the resources whose violations of this policy it matched. */
    matched: string[];
    /** Entries of `resources` that matched no violation. */
    unmatchedResources: string[];
}

function isExemption(value: unknown): value is Exemption {
    return isPlainObject(value) &&
        Array.isArray(value.resources) && value.resources.every((r) => typeof r === "string") &&
        typeof value.reason === "string" && typeof value.expires === "string" &&
        exemptionProblem(value as unknown as Exemption) === undefined;
}

/**
 * Every well-formed exemption of the configuration, with the violations it
 * matched. `configuration` maps policy names to their config properties.
 */
export function exemptionUsage(
    configuration: Record<string, { properties: Record<string, unknown> }>,
    violations: readonly Violation[],
    today: string,
): ExemptionUsage[] {
    const usage: ExemptionUsage[] = [];
    for (const [policyName, entry] of Object.entries(configuration)) {
        const list = entry.properties[exemptionsKey];
        if (!Array.isArray(list)) {
            continue;
        }
        const urns = [...new Set(violations.filter((v) => v.policyName === policyName && v.resourceUrn !== "").map((v) => v.resourceUrn))];
        for (const [index, exemption] of list.entries()) {
            if (!isExemption(exemption)) {
                continue;
            }
            const matched = urns.filter((urn) => exemption.resources.some((pattern) => matchesResource(pattern, urn)));
            usage.push({
                policyName,
                index,
                resources: [...exemption.resources],
                reason: exemption.reason,
                expires: exemption.expires,
                status: exemption.expires >= today ? "active" : "expired",
                matched,
                unmatchedResources: exemption.resources.filter((pattern) => !urns.some((urn) => matchesResource(pattern, urn))),
            });
        }
    }
    return usage;
}

/** The exemptions that matched no violation at all. */
export function unmatchedExemptions(usage: readonly ExemptionUsage[]): ExemptionUsage[] {
    return usage.filter((u) => u.matched.length === 0);
}
