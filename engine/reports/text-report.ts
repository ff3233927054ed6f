// The human report, resembling the "Policies:" section of `pulumi preview`.
import { escapeControlChars, quote } from "../../lib/quote";
import { FixEdit, Violation } from "../resource-model";
import { Palette, palette } from "./colour";
import { expiresIn, expiresSoon } from "../../lib/exemptions";
import { ExemptionUsage, unmatchedExemptions } from "./exemptions";
import { inputLabel } from "./input-label";
import { countLevel, InputReport, RunReport, summarize, UpOutcome } from "./run-report";
import { componentLabel, sourceFile, sourceLabel } from "./source-label";
import { editPlace, replacedNote } from "./program-fixes";

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

/** " (src/api.ts:4:5, in component "acme:x:Api" "orders")": where it is declared, and the component it is made in. */
function whereLabel(v: Violation, input: RunReport["inputs"][number]): string {
    const parts = [
        ...(v.source ? [sourceLabel(v.source, input)] : []),
        ...(v.component ? [`in ${componentLabel(v.component)}`] : []),
    ];
    return parts.length === 0 ? "" : ` (${escapeControlChars(parts.join(", "))})`;
}

function levelColour(colours: Palette, level: Violation["enforcementLevel"]): (t: string) => string {
    return level === "mandatory" ? colours.mandatory : colours.advisory;
}

/** "until DATE", with "expires in N days" when that is 14 days or fewer; "expired DATE" after. */
function expiryLabel(e: ExemptionUsage): string {
    if (e.status === "expired") {
        return `expired ${e.expires}`;
    }
    return expiresSoon(e.daysLeft) ? `until ${e.expires}, ${expiresIn(e.daysLeft)}` : `until ${e.expires}`;
}

/** The exemptions that matched violations, each with the resources it matched (a pattern may match several). */
function exemptionsInUse(usage: readonly ExemptionUsage[]): string[] {
    const used = usage.filter((e) => e.matched.length > 0);
    if (used.length === 0) {
        return [];
    }
    const out = ["Exemptions in use:"];
    for (const e of used) {
        out.push(`    ${escapeControlChars(e.policyName)} exemptions[${e.index}] (${expiryLabel(e)}): ${quote(e.reason)}`);
        for (const urn of e.matched) {
            out.push(`        ${resourceLabel(urn)}`);
        }
    }
    out.push("");
    return out;
}

/** Where an edit goes: "index.ts lines 8-12 become", "index.ts after line 7, insert". */
function editHeading(e: FixEdit, input: InputReport): string {
    const file = escapeControlChars(sourceFile({ file: e.file, line: 1, column: 1 }, input));
    return `${file}${e.endLine < e.startLine ? "," : ""} ${editPlace(e)}:`;
}

/** The fixes analyze placed in the program's own code, as the user pastes them. */
function programFixLines(v: Violation, input: InputReport): string[] {
    const out: string[] = [];
    for (const f of (v.programFixes ?? []).filter((x) => x.applies && x.edits.length > 0)) {
        const todo = f.instructions !== undefined ? ` (first ${escapeControlChars(f.instructions)})` : "";
        out.push(`              Fix${f.when !== undefined ? ` ${escapeControlChars(f.when)}` : ""} in the program's own code${todo}:`);
        for (const e of f.edits) {
            out.push(`                ${editHeading(e, input)}`);
            out.push(...e.text.split("\n").map((l) => `                    ${escapeControlChars(l)}`));
        }
        out.push(...(f.replaces ?? []).map((r) => `                Note: ${escapeControlChars(replacedNote(r))}`));
    }
    return out;
}

/**
 * Why no fix could be placed, so the reader knows the Fix line is to be
 * applied by hand; a transform's removal has its own note.
 */
function unplacedLines(v: Violation): string[] {
    const fixes = (v.programFixes ?? []).filter((f) => f.applies);
    if ((v.removedByTransform ?? []).length > 0 || fixes.some((f) => f.edits.length > 0)) {
        return [];
    }
    const reasons = new Set(fixes.flatMap((f) => (f.unplaced !== undefined ? [f.unplaced] : [])));
    return [...reasons].map((r) => `              Not placed in the program's own code: ${escapeControlChars(r)}; apply the Fix above by hand.`);
}

/** Why a property the program sets reached the pack unset: a transform removed it. */
function transformLines(v: Violation, input: InputReport): string[] {
    return (v.removedByTransform ?? []).map((r) => {
        const own = r.transform !== undefined && v.source !== undefined && r.transform.file === v.source.file && r.transform.line === v.source.line;
        const where = r.transform === undefined ? "" : own ? " of its own transforms option" : ` registered at ${escapeControlChars(sourceLabel(r.transform, input))}`;
        return `              Note: the program sets ${escapeControlChars(r.property)}, but a transform${where} removed it before the resource was registered; change or remove that transform.`;
    });
}

/** The human report; `colour` only for a terminal. */
/** What `pulumi up` would do, for an --update run: it stops at its preview, or before the stack policies. */
function upLines(up: UpOutcome | undefined): string[] {
    if (up === undefined) {
        return [];
    }
    const lines: string[] = [];
    if (up.previewMandatory > 0) {
        lines.push(`    up: stops after its preview, on ${plural(up.previewMandatory, "mandatory violation")}, before anything is deployed`);
    }
    if (up.stopsBeforeStackPolicies) {
        lines.push("    up: a mandatory violation of a resource stops the update before the stack policies run; their results below are marked (not reached by up)");
    }
    return lines;
}

export function humanReport(report: RunReport, colour = false): string {
    const colours = palette(colour);
    const out: string[] = [];
    const s = summarize(report);
    const pack = `${report.policyPackName}@v${report.policyPackVersion}`;
    for (const input of report.inputs) {
        const mandatory = countLevel(input.violations, "mandatory");
        const stack = input.stack !== undefined ? `, stack ${escapeControlChars(input.stack)}` : "";
        out.push(`${escapeControlChars(inputLabel(input))} (${input.kind === "state" ? "state file" : "program"}${stack}, ${input.mode}): ${plural(input.resources, "resource")}`);
        for (const note of input.notes) {
            out.push(`    note: ${escapeControlChars(note)}`);
        }
        out.push(...upLines(input.up));
        out.push("Policies:");
        const unchecked = input.unchecked ?? [];
        // Unchecked is never a pass: no ✅ while a stage went unjudged.
        const mark = mandatory > 0 ? colours.mandatory("❌") : input.violations.length > 0 ? colours.advisory("⚠️ ") : unchecked.length > 0 ? colours.advisory("❔") : "✅";
        out.push(`    ${mark} ${escapeControlChars(pack)}`);
        const byUrn = new Map<string, Violation[]>();
        for (const v of input.violations) {
            const list = byUrn.get(v.resourceUrn) ?? [];
            list.push(v);
            byUrn.set(v.resourceUrn, list);
        }
        for (const [urn, vs] of byUrn) {
            out.push(`        ${resourceLabel(urn)}${whereLabel(vs[0], input)}`);
            for (const v of vs) {
                out.push(`            - ${levelColour(colours, v.enforcementLevel)(`[${v.enforcementLevel}]`)}  ${escapeControlChars(v.policyName)}${v.notReachedByUp === true ? "  (not reached by up)" : ""}`);
                for (const line of messageLines(v.message)) {
                    out.push(`              ${line}`);
                }
                out.push(...transformLines(v, input));
                out.push(...programFixLines(v, input));
                out.push(...unplacedLines(v));
            }
        }
        if (unchecked.length > 0) {
            out.push("    Unchecked (a value that decides the verdict is unknown here, though the Pulumi engine would know it):");
            const byStage = new Map<string, typeof unchecked>();
            for (const u of unchecked) {
                byStage.set(u.resourceUrn, [...(byStage.get(u.resourceUrn) ?? []), u]);
            }
            for (const [urn, us] of byStage) {
                const source = us[0].source;
                out.push(`        ${resourceLabel(urn)}${source ? ` (${escapeControlChars(sourceLabel(source, input))})` : ""}`);
                out.push(`            ${escapeControlChars(us.map((u) => u.policyName).join(", "))}`);
                for (const reason of [...new Set(us.map((u) => u.reason))]) {
                    out.push(`              ${escapeControlChars(reason)}`);
                }
            }
        }
        if (input.changes.length > 0) {
            out.push(input.remediationsApplied ? "    Remediated:" : "    Would remediate (not applied to a state file):");
            for (const r of input.changes) {
                out.push(`        ${resourceLabel(r.resourceUrn)}  by ${escapeControlChars(r.policyName)}`);
                for (const c of r.changes) {
                    out.push(`            set ${c.property} to ${c.value}`);
                }
            }
        }
        out.push("");
    }
    out.push(...exemptionsInUse(report.exemptions ?? []));
    const stale = unmatchedExemptions(report.exemptions ?? []);
    if (stale.length > 0) {
        out.push("Exemptions that matched nothing (remove them, or fix their resources):");
        for (const e of stale) {
            const resources = e.resources.map((r) => quote(r)).join(", ");
            out.push(`    ${escapeControlChars(e.policyName)} exemptions[${e.index}]: ${resources} (${expiryLabel(e)})`);
        }
        out.push("");
    }
    const remediations = s.remediations > 0 ? `; ${plural(s.remediations, "remediation")}` : "";
    const unchecked = s.uncheckedStages > 0 ? `; ${plural(s.uncheckedStages, "unchecked stage")}` : "";
    out.push(
        `Summary: ${plural(s.violations, "violation")} (${s.mandatory} mandatory, ${s.advisory} advisory)` +
        ` on ${plural(s.resourcesWithViolations, "resource")}${remediations}${unchecked};` +
        ` ${plural(s.resourcesAnalyzed, "resource")} analyzed in ${plural(s.inputs, "input")}`,
    );
    return out.join("\n");
}
