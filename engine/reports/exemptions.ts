// Which of the config's exemptions matched a violation in this run, so that
// stale ones (the resource was fixed, renamed or deleted) get cleaned up, and
// ones about to run out are seen before they do. The matching is the pack's
// own (lib/exemptions.ts), on the violations the pack reported.
import {
    daysUntil, defaultMaxExemptionDays, Exemption, exemptionProblem, expiresSoon, matchesResource,
} from "../../lib/exemptions";
import { exemptionsKey, maxExemptionDaysKey } from "../../lib/governance";
import { quote } from "../../lib/quote";
import { isPlainObject } from "../../lib/read-property";
import { InputError } from "../errors";
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
    /** Days from today to `expires`: 0 on its last day, negative once expired. */
    daysLeft: number;
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

type Configuration = Record<string, { properties: Record<string, unknown> }>;

/**
 * Checks every policy's exemptions against today and its `maxExemptionDays`
 * before anything is analyzed, with the words the pack itself would use; the
 * pack still checks them (the real engine has no such step).
 */
export function checkExemptions(configuration: Configuration, today: string, label = "config"): void {
    for (const [policyName, entry] of Object.entries(configuration)) {
        const list = entry.properties[exemptionsKey];
        if (!Array.isArray(list)) {
            continue;
        }
        const maxDays = entry.properties[maxExemptionDaysKey];
        const limits = { today, maxDays: typeof maxDays === "number" ? maxDays : defaultMaxExemptionDays };
        for (const [index, exemption] of list.entries()) {
            if (!isPlainObject(exemption) || !Array.isArray(exemption.resources) || typeof exemption.expires !== "string" || typeof exemption.reason !== "string") {
                continue;
            }
            const problem = exemptionProblem(exemption as unknown as Exemption, limits);
            if (problem !== undefined) {
                throw new InputError(`${label}: policy ${quote(policyName)}: "${exemptionsKey}" entry [${index}]: ${problem}`);
            }
        }
    }
}

/**
 * Every well-formed exemption of the configuration, with the violations it
 * matched. `configuration` maps policy names to their config properties.
 */
export function exemptionUsage(configuration: Configuration, violations: readonly Violation[], today: string): ExemptionUsage[] {
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
                daysLeft: daysUntil(today, exemption.expires),
                matched,
                unmatchedResources: exemption.resources.filter((pattern) => !urns.some((urn) => matchesResource(pattern, urn))),
            });
        }
    }
    return usage;
}

/** The exemptions that matched nothing at all. */
export function unmatchedExemptions(usage: readonly ExemptionUsage[]): ExemptionUsage[] {
    return usage.filter((u) => u.matched.length === 0);
}

/** The exemptions that matched something and hold for 14 days or fewer. */
export function expiringExemptions(usage: readonly ExemptionUsage[]): ExemptionUsage[] {
    return usage.filter((u) => u.matched.length > 0 && u.status === "active" && expiresSoon(u.daysLeft));
}

/** The pack's first line of an exempted violation. */
export function isExemptMessage(message: string): boolean {
    return message.startsWith("Exempt until ");
}

/**
 * The exemption that decided the violation, chosen as the pack chooses it
 * (lib/exemptions.ts findExemption): of those matching its resource, one that
 * holds (the one holding longest), else the one that expired last.
 */
export function exemptionOf(usage: readonly ExemptionUsage[], v: Violation): ExemptionUsage | undefined {
    let best: ExemptionUsage | undefined;
    for (const u of usage) {
        if (u.policyName !== v.policyName || v.resourceUrn === "" || !u.resources.some((p) => matchesResource(p, v.resourceUrn))) {
            continue;
        }
        const active = u.status === "active";
        if (best === undefined || (active && best.status !== "active") || (active === (best.status === "active") && u.expires > best.expires)) {
            best = u;
        }
    }
    return best;
}

/** The exemption under which the pack let the violation through, if it did. */
export function activeExemptionOf(usage: readonly ExemptionUsage[], v: Violation): ExemptionUsage | undefined {
    const u = isExemptMessage(v.message) ? exemptionOf(usage, v) : undefined;
    return u?.status === "active" ? u : undefined;
}
