import { quote } from "./quote";

// Exemptions let one legacy resource through a policy, with a reason and an
// end date, without lowering the policy's level for everyone. They live in the
// pack's own config (the `exemptions` key of every policy), so they work in
// every backend and with `--policy-pack-config`. A violation an exemption
// matches is still reported, at advisory, until the end date; after it, the
// violation is back at its configured level and says the exemption expired.

export interface Exemption {
    resources: string[];
    reason: string;
    /** A calendar date, YYYY-MM-DD; the exemption holds through that day (UTC). */
    expires: string;
}

/** What the pack treats as "now"; injectable so that no test depends on today's date. */
export type Clock = () => Date;

export const minReasonChars = 10;
/** Longer patterns are no URN or name a resource can have. */
export const maxPatternLength = 1024;
/** How far ahead `expires` may be, unless the policy's `maxExemptionDays` says otherwise. */
export const defaultMaxExemptionDays = 365;
/** The largest `maxExemptionDays`: ten years is already no end date at all. */
export const maxExemptionDaysLimit = 3653;
/** From this many days left, reports warn that an exemption is about to run out. */
export const expiryWarningDays = 14;

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
    const m = datePattern.exec(value);
    if (m === null) {
        return false;
    }
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Today's date in UTC, YYYY-MM-DD; dates in that form compare correctly as strings. */
export function utcDate(now: Date): string {
    return now.toISOString().slice(0, 10);
}

const dayMs = 24 * 60 * 60 * 1000;

function utcDay(date: string): number {
    return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

/** Whole days from `today` to `date` (both YYYY-MM-DD): 0 on the last day an exemption holds, negative once it expired. */
export function daysUntil(today: string, date: string): number {
    return Math.round((utcDay(date) - utcDay(today)) / dayMs);
}

/** The date `days` days after `today`, YYYY-MM-DD. */
export function addDays(today: string, days: number): string {
    return utcDate(new Date(utcDay(today) + days * dayMs));
}

/** Whether an exemption that still holds has so few days left that reports should say so. */
export function expiresSoon(daysLeft: number): boolean {
    return daysLeft >= 0 && daysLeft <= expiryWarningDays;
}

/** "expires today", "expires in 1 day", "expires in 7 days". */
export function expiresIn(daysLeft: number): string {
    return daysLeft === 0 ? "expires today" : `expires in ${daysLeft} ${daysLeft === 1 ? "day" : "days"}`;
}

/**
 * Wildcards, `::` and `:` separators, and the `urn:pulumi:` prefix: a pattern
 * made only of these names no resource, it matches every one (`*`, `**`,
 * `urn:pulumi:*`, `*::*`, `urn:pulumi:*::*::*::*`).
 */
const scaffoldingOnly = /^(?:\*|:|urn:|pulumi:|\s)*$/;

/** Whether the pattern names nothing and so would exempt every resource. */
export function namesNothing(pattern: string): boolean {
    return scaffoldingOnly.test(pattern);
}

function nonSpaceLength(text: string): number {
    let n = 0;
    for (const ch of text) {
        if (ch.trim() !== "") {
            n++;
        }
    }
    return n;
}

/** What an exemption is judged against besides itself: today's date and the policy's `maxExemptionDays`. */
export interface ExemptionLimits {
    /** YYYY-MM-DD, UTC. */
    today: string;
    maxDays: number;
}

/**
 * What is wrong with one exemption whose shape (keys and types) the config
 * reader has already checked, or undefined. Without `limits`, only what does
 * not depend on the date is checked.
 */
export function exemptionProblem(entry: Exemption, limits?: ExemptionLimits): string | undefined {
    if (entry.resources.length === 0) {
        return "\"resources\" is empty; list at least one URN or resource name";
    }
    for (const pattern of entry.resources) {
        if (pattern.trim() === "") {
            return "\"resources\" has an empty entry";
        }
        if (pattern.length > maxPatternLength) {
            return `"resources" has an entry longer than ${maxPatternLength} characters`;
        }
        if (namesNothing(pattern)) {
            return `"resources" entry ${quote(pattern)} matches every resource; name the resources to exempt, ` +
                "or set the policy's enforcementLevel to \"disabled\" to turn the policy off";
        }
    }
    if (nonSpaceLength(entry.reason) < minReasonChars) {
        return `"reason" ${quote(entry.reason)} is too short: write at least ${minReasonChars} characters that are not white space`;
    }
    if (!isCalendarDate(entry.expires)) {
        return `"expires" ${quote(entry.expires)} is not a calendar date written YYYY-MM-DD`;
    }
    if (limits !== undefined && daysUntil(limits.today, entry.expires) > limits.maxDays) {
        return `"expires" ${entry.expires} is more than maxExemptionDays (${limits.maxDays}) days away; ` +
            `the latest allowed is ${addDays(limits.today, limits.maxDays)}: renew the exemption when it runs out instead`;
    }
    return undefined;
}

/**
 * Whether `text` matches `pattern`, where `*` matches any run of characters
 * (also none) and every other character only itself. Linear in practice: the
 * classic two-pointer match that backtracks only to the last `*`.
 */
export function matchesWildcard(pattern: string, text: string): boolean {
    let p = 0;
    let t = 0;
    let star = -1;
    let resume = 0;
    while (t < text.length) {
        if (p < pattern.length && pattern[p] !== "*" && pattern[p] === text[t]) {
            p++;
            t++;
        } else if (p < pattern.length && pattern[p] === "*") {
            star = p++;
            resume = t;
        } else if (star >= 0) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.length && pattern[p] === "*") {
        p++;
    }
    return p === pattern.length;
}

/**
 * The resource name inside a URN (`urn:pulumi:STACK::PROJECT::TYPE::NAME`):
 * everything after the third `::`, as the Pulumi engine splits it, so a name
 * that itself contains `::` stays whole.
 */
export function nameOfUrn(urn: string): string {
    let at = 0;
    for (let i = 0; i < 3; i++) {
        const next = urn.indexOf("::", at);
        if (next < 0) {
            return urn;
        }
        at = next + 2;
    }
    return urn.slice(at);
}

/** An entry starting with `urn:` matches the whole URN; any other entry matches the resource's name. */
export function matchesResource(pattern: string, urn: string): boolean {
    return pattern.startsWith("urn:") ? matchesWildcard(pattern, urn) : matchesWildcard(pattern, nameOfUrn(urn));
}

export interface ExemptionMatch {
    exemption: Exemption;
    /** Its position in the policy's `exemptions` list. */
    index: number;
    /** Whether it still holds today. */
    active: boolean;
}

/**
 * The exemption that decides a violation on `urn`: of those that match, one
 * that still holds (the one holding longest), else the one that expired last.
 * The clock is read only when something matches.
 */
export function findExemption(exemptions: readonly Exemption[], urn: string, clock: Clock): ExemptionMatch | undefined {
    let best: ExemptionMatch | undefined;
    let today: string | undefined;
    for (const [index, exemption] of exemptions.entries()) {
        if (!exemption.resources.some((pattern) => matchesResource(pattern, urn))) {
            continue;
        }
        today ??= utcDate(clock());
        const candidate = { exemption, index, active: exemption.expires >= today };
        if (best === undefined || (candidate.active && !best.active) ||
            (candidate.active === best.active && candidate.exemption.expires > best.exemption.expires)) {
            best = candidate;
        }
    }
    return best;
}

/** The first line of an exempted violation: the end date and the reason, quoted and cut to 80 characters. */
export function exemptLine(exemption: Exemption): string {
    return `Exempt until ${exemption.expires}: ${quote(exemption.reason)}`;
}

/** The message with "(exemption expired DATE)" at the end of its first line. */
export function withExpiredNote(message: string, exemption: Exemption): string {
    const note = ` (exemption expired ${exemption.expires})`;
    const lineEnd = message.indexOf("\n");
    return lineEnd < 0 ? `${message}${note}` : `${message.slice(0, lineEnd)}${note}${message.slice(lineEnd)}`;
}

/** The JSON schema of the `exemptions` key, as every policy publishes it. */
export const exemptionsSchemaDescription =
    "Resources this policy lets through until a date: [{ \"resources\": [URN or name, * matches any run of characters], " +
    "\"reason\": \"why (10+ characters)\", \"expires\": \"YYYY-MM-DD\" }]. Their violations are reported as advisory, " +
    "prefixed \"Exempt until DATE\", and a remediation leaves them unchanged; after the date they count again.";
