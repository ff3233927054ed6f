// JUnit XML, for CI systems that show test results: a test suite per input,
// a test case per pair of resource and policy that the policy evaluated. A
// mandatory violation is a failure; an advisory one is written to the case's
// system-out and a property, and the case passes; so does an exempted one,
// with a system-out line naming the exemption. A policy that answered "not
// applicable" for the resource (or, for a stack policy, for the whole stack)
// did not evaluate it: by default the pair is only counted (most pairs of an
// ordinary program are such, and would bury the real results); with
// --junit-not-applicable it is a skipped case with the policy's reason. Either
// way it is never counted as a pass. An unchecked stage's case is always
// skipped, with why it could not be checked.
import { escapeControlChars, quote } from "../../lib/quote";
import { Violation } from "../resource-model";
import { activeExemptionOf, ExemptionUsage } from "./exemptions";
import { inputLabel } from "./input-label";
import { InputReport, RunReport } from "./run-report";
import { componentLabel, sourceFile } from "./source-label";

/** Escapes text for XML; control characters are already visible escapes, so none reaches the XML (1.0 forbids most). */
export function xmlText(text: string): string {
    return text
        .split(/\r?\n/)
        .map((l) => escapeControlChars(l))
        .join("\n")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&apos;");
}

/** An attribute holds one line: line breaks become " | ". */
function attr(text: string): string {
    return xmlText(text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "").join(" | "));
}

function firstLine(message: string): string {
    return message.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";
}

interface Case {
    urn: string;
    policy: string;
    violations: Violation[];
    /** The policy's reason when it did not apply to this resource. */
    notApplicable?: string;
    /** Why the policy could not judge this stage, though the engine would have. */
    unchecked?: string;
}

function cases(input: InputReport, policies: readonly string[]): Case[] {
    const byKey = new Map<string, Case>();
    const key = (urn: string, policy: string) => `${urn}\0${policy}`;
    for (const urn of input.resourceUrns) {
        for (const policy of policies) {
            byKey.set(key(urn, policy), { urn, policy, violations: [] });
        }
    }
    for (const v of input.violations) {
        const k = key(v.resourceUrn, v.policyName);
        const c = byKey.get(k) ?? { urn: v.resourceUrn, policy: v.policyName, violations: [] };
        c.violations.push(v);
        byKey.set(k, c);
    }
    for (const na of input.notApplicable ?? []) {
        for (const c of byKey.values()) {
            if (c.policy === na.policyName && (na.resourceUrn === "" || c.urn === na.resourceUrn) && c.violations.length === 0) {
                c.notApplicable ??= na.reason;
            }
        }
    }
    for (const u of input.unchecked ?? []) {
        const c = byKey.get(key(u.resourceUrn, u.policyName));
        if (c !== undefined && c.violations.length === 0) {
            c.unchecked ??= u.reason;
        }
    }
    return [...byKey.values()];
}

/** The system-out line of a violation an exemption let through. */
export function exemptionLine(e: ExemptionUsage): string {
    return `exempted by ${e.policyName} exemptions[${e.index}] until ${e.expires}: ${quote(e.reason)}`;
}

function testCase(c: Case, input: InputReport, exemptions: readonly ExemptionUsage[], out: string[]): { failed: boolean; skipped: boolean } {
    const source = c.violations.find((v) => v.source !== undefined)?.source;
    const where = source ? ` file="${attr(sourceFile(source, input))}" line="${source.line}"` : "";
    const open = `    <testcase classname="${attr(c.urn === "" ? "(stack)" : c.urn)}" name="${attr(c.policy)}"${where}`;
    const exempted = new Map(c.violations.map((v) => [v, activeExemptionOf(exemptions, v)] as const).filter(([, e]) => e !== undefined)) as Map<Violation, ExemptionUsage>;
    const mandatory = c.violations.filter((v) => v.enforcementLevel === "mandatory" && !exempted.has(v));
    const advisory = c.violations.filter((v) => v.enforcementLevel !== "mandatory" || exempted.has(v));
    if (c.violations.length === 0 && c.unchecked !== undefined) {
        out.push(`${open}>`, `      <skipped message="${attr(`unchecked: ${c.unchecked}`)}"/>`, "    </testcase>");
        return { failed: false, skipped: true };
    }
    if (c.violations.length === 0 && c.notApplicable !== undefined) {
        out.push(`${open}>`, `      <skipped message="${attr(`not applicable: ${c.notApplicable}`)}"/>`, "    </testcase>");
        return { failed: false, skipped: true };
    }
    if (c.violations.length === 0) {
        out.push(`${open}/>`);
        return { failed: false, skipped: false };
    }
    out.push(`${open}>`);
    const component = c.violations.find((v) => v.component !== undefined)?.component;
    if (advisory.length > 0 || component !== undefined) {
        out.push("      <properties>");
        if (component !== undefined) {
            out.push(`        <property name="component" value="${attr(componentLabel(component))}"/>`);
        }
        for (const v of advisory) {
            out.push(`        <property name="${attr(v.enforcementLevel)}" value="${attr(v.message)}"/>`);
        }
        out.push("      </properties>");
    }
    for (const v of mandatory) {
        out.push(`      <failure message="${attr(firstLine(v.message))}" type="mandatory">${xmlText(v.message)}</failure>`);
    }
    if (advisory.length > 0) {
        const lines = advisory.map((v) => {
            const e = exempted.get(v);
            return `${e !== undefined ? `${exemptionLine(e)}\n` : ""}[${v.enforcementLevel}] ${v.message}`;
        });
        out.push(`      <system-out>${xmlText(lines.join("\n"))}</system-out>`);
    }
    out.push("    </testcase>");
    return { failed: mandatory.length > 0, skipped: false };
}

export interface JunitOptions {
    /** Not-applicable pairs as skipped cases, instead of only their count. */
    notApplicable: boolean;
}

export function junitReport(report: RunReport, opts: JunitOptions = { notApplicable: false }): string {
    const evaluated = report.policies.filter((p) => p.enforcementLevel !== "disabled").map((p) => p.name);
    const suites: string[] = [];
    let tests = 0;
    let failures = 0;
    let skips = 0;
    const paths = report.inputs.map((i) => i.path);
    for (const input of report.inputs) {
        // One program analyzed as several stacks gives a suite per stack.
        const shared = paths.indexOf(input.path) !== paths.lastIndexOf(input.path);
        const name = shared && input.stack !== undefined ? `${inputLabel(input)} (stack ${input.stack})` : inputLabel(input);
        const body: string[] = [];
        const every = cases(input, evaluated);
        const all = opts.notApplicable ? every : every.filter((c) => c.notApplicable === undefined || c.unchecked !== undefined);
        const leftOut = every.length - all.length;
        const results = all.map((c) => testCase(c, input, report.exemptions ?? [], body));
        const failed = results.filter((r) => r.failed).length;
        const skipped = results.filter((r) => r.skipped).length;
        tests += all.length;
        failures += failed;
        skips += skipped;
        suites.push(
            `  <testsuite name="${attr(name)}" tests="${all.length}" failures="${failed}" errors="0" skipped="${skipped}">`,
            "    <properties>",
            `      <property name="kind" value="${input.kind === "state" ? "state file" : "program"}"/>`,
            `      <property name="mode" value="${input.mode}"/>`,
            ...(input.stack !== undefined ? [`      <property name="stack" value="${attr(input.stack)}"/>`] : []),
            `      <property name="policyPack" value="${attr(`${report.policyPackName}@v${report.policyPackVersion}`)}"/>`,
            ...(opts.notApplicable ? [] : [`      <property name="notApplicable" value="${leftOut}"/>`]),
            ...input.notes.map((n) => `      <property name="note" value="${attr(n)}"/>`),
            "    </properties>",
            ...body,
            "  </testsuite>",
        );
    }
    return [
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        `<testsuites name="${attr(report.policyPackName)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skips}">`,
        ...suites,
        "</testsuites>",
    ].join("\n");
}
