// Markdown for a pull-request comment or a GitHub job summary
// ($GITHUB_STEP_SUMMARY): the verdict first, a table of violations, each fix
// folded in a <details> block, and the exemptions with their days left.
//
// Everything that comes from the program or the config (names, messages,
// reasons, paths) is untrusted: it is written as character references for
// every character Markdown or HTML would act on, so it stays text in table
// cells and in HTML blocks alike, and it cannot end a row or open a tag.
import { expiresIn, expiresSoon } from "../../lib/exemptions";
import { Language } from "../../lib/fix-snippets";
import { escapeControlChars } from "../../lib/quote";
import { Violation } from "../resource-model";
import { activeExemptionOf, ExemptionUsage, unmatchedExemptions } from "./exemptions";
import { hasSeveralStacks, inputLabel } from "./input-label";
import { InputReport, RunReport, summarize } from "./run-report";
import { sourceFile } from "./source-label";
import { editPlace, replacedNote } from "./program-fixes";
import { UncheckedResult } from "./unchecked";

/** GitHub's limit on a comment (and on a job summary's step), in characters. */
export const githubCommentLimit = 65536;
/** Room left under the limit for the summary line and the sections after the table. */
const budget = 60000;
/** Beyond this many violations the table stops and says how many it left out. */
export const maxViolationRows = 200;

// What Markdown or HTML could act on in the middle of a line (nothing here
// starts a line, so list and heading markers are harmless): tags and
// entities, cell breaks, emphasis, code, links and images, strikethrough,
// math, and the `:` or `@` GitHub would turn into a link.
const markdownSpecial = /[&<>"'|\\`*_[\]~!:$@]/g;

/** Text as Markdown and HTML show it literally: one line, special characters as numeric references. */
export function escapeMarkdown(text: string): string {
    return escapeControlChars(text.replace(/\r?\n/g, " "))
        .replace(markdownSpecial, (ch) => `&#${ch.charCodeAt(0)};`)
        // GitHub also links a bare "www.example.com".
        .replace(/(www)\./gi, "$1&#46;");
}

/** Inline code for a cell: a code span cannot hold `|` safely in a GFM table, so it is an HTML <code> with escaped text. */
function code(text: string): string {
    return `<code>${escapeMarkdown(text)}</code>`;
}

function plural(n: number, one: string, many = `${one}s`): string {
    return `${n} ${n === 1 ? one : many}`;
}

const fenceLanguage: Record<Language, string> = {
    typescript: "typescript", python: "python", go: "go", csharp: "csharp", java: "java", yaml: "yaml",
};

/** A fenced block longer than any run of backticks in `body`, so the body cannot close it. */
function fenced(body: string, language: string): string {
    const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
    const fence = "`".repeat(Math.max(3, longest + 1));
    return `${fence}${language}\n${body}\n${fence}`;
}

interface Row {
    v: Violation;
    input: InputReport;
    problem: string;
    fix?: string;
    exemption?: ExemptionUsage;
}

/**
 * The problem line and the fix of a pack message: the policy's description
 * line, an "Exempt until" line, the problem, then "Fix: …".
 */
export function splitMessage(message: string, description: string): { problem: string; fix?: string } {
    const lines = message.split(/\r?\n/).filter((l) => l.trim() !== "");
    const body = lines.filter((l, i) => !(i <= 1 && (l.startsWith("Exempt until ") || l.trim() === description.trim())));
    // "Fix: …", or one "Fix on an HTTP API: …" line per case where the pack cannot know which holds.
    const fixAt = body.findIndex((l) => /^Fix(?: on [^:]{1,60})?: /.test(l));
    const problemLines = fixAt < 0 ? body : body.slice(0, fixAt);
    const problem = problemLines.join(" ").trim() || (lines[0] ?? "").trim();
    const fix = fixAt < 0 ? undefined : [body[fixAt].replace(/^Fix: /, ""), ...body.slice(fixAt + 1)].join("\n");
    return { problem, fix };
}

function resourceName(urn: string): string {
    return urn === "" ? "(stack)" : urn.split("::").pop() ?? urn;
}

function levelCell(v: Violation, exemption: ExemptionUsage | undefined): string {
    if (exemption !== undefined) {
        return "🟡 exempt";
    }
    return v.enforcementLevel === "mandatory" ? "❌ mandatory" : "⚠️ advisory";
}

/** The heading: pass, fail, or pass with unchecked stages. */
export function verdict(report: RunReport): string {
    const s = summarize(report);
    if (s.mandatory > 0) {
        return `## ❌ Fail: ${plural(s.mandatory, "mandatory violation")}`;
    }
    // Stages, not (stage, policy) pairs: the count the text and JSON reports give.
    if (s.uncheckedStages > 0) {
        return `## ⚠️ Pass with unchecked stages: ${plural(s.uncheckedStages, "stage")} could not be checked`;
    }
    return s.advisory > 0 ? `## ✅ Pass, with ${plural(s.advisory, "advisory violation")}` : "## ✅ Pass";
}

function languageOf(input: InputReport): string {
    return fenceLanguage[input.language ?? "typescript"];
}

function rowsOf(report: RunReport): Row[] {
    const descriptions = new Map(report.policies.map((p) => [p.name, p.description]));
    const exemptions = report.exemptions ?? [];
    const rows = report.inputs.flatMap((input) => input.violations.map((v): Row => ({
        v, input, ...splitMessage(v.message, descriptions.get(v.policyName) ?? ""), exemption: activeExemptionOf(exemptions, v),
    })));
    const rank = (r: Row) => (r.exemption !== undefined ? 2 : r.v.enforcementLevel === "mandatory" ? 0 : 1);
    return rows.sort((a, b) => rank(a) - rank(b));
}

/** The fix analyze placed in the program's own code (engine/reports/program-fixes.ts), edit by edit. */
function placedFix(row: Row): string[] {
    const out: string[] = [];
    for (const f of (row.v.programFixes ?? []).filter((x) => x.applies && x.edits.length > 0)) {
        out.push(`In the program's own code${f.when !== undefined ? ` (${escapeMarkdown(f.when)})` : ""}${f.instructions !== undefined ? `, after you ${escapeMarkdown(f.instructions)}` : ""}:`, "");
        for (const e of f.edits) {
            const file = code(sourceFile({ file: e.file, line: 1, column: 1 }, row.input));
            out.push(`${file}, ${editPlace(e)}:`, "", fenced(e.text.split("\n").map((l) => escapeControlChars(l)).join("\n"), "typescript"), "");
        }
        out.push(...(f.replaces ?? []).map((r) => `Note: ${escapeMarkdown(escapeControlChars(replacedNote(r)))}`), ...(f.replaces?.length ? [""] : []));
    }
    return out;
}

/** Where the resource is declared; with several inputs, also which input (a stack's state file, a program). */
function sourceCell(row: Row, manyInputs: boolean): string {
    const where = declaredCell(row, manyInputs);
    const component = row.v.component;
    if (component === undefined) {
        return where;
    }
    const label = `component ${code(component.type)} ${code(component.name)}`;
    return where === "" ? label : `${where} in ${label}`;
}

function declaredCell(row: Row, manyInputs: boolean): string {
    const s = row.v.source;
    if (s === undefined) {
        return manyInputs ? code(inputLabel(row.input)) : "";
    }
    const file = sourceFile(s, row.input);
    if (!manyInputs) {
        return code(`${file}:${s.line}`);
    }
    return row.input.kind === "program" ? code(`${inputLabel(row.input)}/${file}:${s.line}`) : `${code(`${file}:${s.line}`)} in ${code(inputLabel(row.input))}`;
}

/** Beyond this many rows, an exemptions or unchecked table says how many it left out. */
const maxExemptionRows = 100;

function cut<T>(list: readonly T[], what = "more exemption"): { shown: readonly T[]; more: string[] } {
    return list.length <= maxExemptionRows
        ? { shown: list, more: [] }
        : { shown: list.slice(0, maxExemptionRows), more: ["", `**${plural(list.length - maxExemptionRows, what)} not shown**; \`--json\` lists them all.`] };
}

/** Exemptions that let something through, and those that matched nothing. */
function exemptionSections(usage: readonly ExemptionUsage[]): string[] {
    const out: string[] = [];
    const { shown: used, more: moreUsed } = cut(usage.filter((u) => u.matched.length > 0));
    if (used.length > 0) {
        out.push("### Exemptions", "", "| Policy | Entry | Resources | Expires | Days left | Reason |", "| --- | --- | --- | --- | --- | --- |");
        for (const u of used) {
            const days = u.status === "expired" ? `expired ${-u.daysLeft} ${-u.daysLeft === 1 ? "day" : "days"} ago`
                : expiresSoon(u.daysLeft) ? `⏰ ${u.daysLeft} (${expiresIn(u.daysLeft)})` : String(u.daysLeft);
            out.push(`| ${code(u.policyName)} | ${code(`exemptions[${u.index}]`)} | ${u.matched.map((m) => code(resourceName(m))).join("<br>")} | ${escapeMarkdown(u.expires)} | ${days} | ${escapeMarkdown(u.reason)} |`);
        }
        out.push(...moreUsed, "");
    }
    const { shown: stale, more: moreStale } = cut(unmatchedExemptions(usage));
    if (stale.length > 0) {
        out.push("### Exemptions that matched nothing", "", "Remove them, or fix their resources.", "",
            "| Policy | Entry | Patterns | Expires |", "| --- | --- | --- | --- |");
        for (const u of stale) {
            out.push(`| ${code(u.policyName)} | ${code(`exemptions[${u.index}]`)} | ${u.resources.map((r) => code(r)).join("<br>")} | ${escapeMarkdown(u.expires)} |`);
        }
        out.push(...moreStale, "");
    }
    return out;
}

/** Which input a note or a row is about: the input's name, and its stack when the run has several. */
function inputName(input: InputReport, severalStacks: boolean): string {
    return severalStacks && input.stack !== undefined ? `${inputLabel(input)}, stack ${input.stack}` : inputLabel(input);
}

/** The stack cell, present only when the run has several stacks (a program's dev and prod rows look alike otherwise). */
function stackCell(input: InputReport, severalStacks: boolean): string[] {
    return severalStacks ? [input.stack === undefined ? "" : code(input.stack)] : [];
}

function uncheckedSource(u: UncheckedResult, input: InputReport): string {
    return u.source === undefined ? "" : code(`${sourceFile(u.source, input)}:${u.source.line}`);
}

/**
 * The stages no policy could judge, one row per stage with the policies that
 * did not judge it and why. Listed on a failing run too: a fail on one stage
 * says nothing about the others.
 */
function uncheckedSection(report: RunReport, severalStacks: boolean): string[] {
    const stages = report.inputs.flatMap((input) => {
        const byStage = new Map<string, UncheckedResult[]>();
        for (const u of input.unchecked ?? []) {
            byStage.set(u.resourceUrn, [...(byStage.get(u.resourceUrn) ?? []), u]);
        }
        return [...byStage.values()].map((us) => ({ input, us }));
    });
    if (stages.length === 0) {
        return [];
    }
    const { shown, more } = cut(stages, "more unchecked stage");
    const out = ["### Unchecked stages", "",
        "A value that decides these stages' verdicts is unknown in this run, though the Pulumi engine would know it: they were not checked, and did not pass.", "",
        `| Stage |${severalStacks ? " Stack |" : ""} Source | Policies | Why |`, `| --- |${severalStacks ? " --- |" : ""} --- | --- | --- |`];
    for (const { input, us } of shown) {
        const cells = [code(resourceName(us[0].resourceUrn)), ...stackCell(input, severalStacks), uncheckedSource(us[0], input),
            us.map((u) => code(u.policyName)).join("<br>"), [...new Set(us.map((u) => escapeMarkdown(u.reason)))].join("<br>")];
        out.push(`| ${cells.join(" | ")} |`);
    }
    out.push(...more, "");
    return out;
}

export function markdownReport(report: RunReport): string {
    const s = summarize(report);
    const severalStacks = hasSeveralStacks(report.inputs);
    const displayNames = new Map(report.policies.map((p) => [p.name, p.displayName !== "" ? p.displayName : p.name]));
    const out: string[] = [verdict(report), ""];
    const unchecked = s.uncheckedStages > 0 ? `; ${plural(s.uncheckedStages, "unchecked stage")}` : "";
    out.push(
        `${code(`${report.policyPackName}@v${report.policyPackVersion}`)}: ` +
        `${plural(s.violations, "violation")} (${s.mandatory} mandatory, ${s.advisory} advisory) on ${plural(s.resourcesWithViolations, "resource")}${unchecked}; ` +
        `${plural(s.resourcesAnalyzed, "resource")} analyzed in ${plural(s.inputs, "input")}.`,
        "",
    );
    for (const input of report.inputs) {
        for (const note of input.notes) {
            out.push(`> **Note** (${escapeMarkdown(inputName(input, severalStacks))}): ${escapeMarkdown(note)}`, "");
        }
    }
    const rows = rowsOf(report);
    const tail = [...uncheckedSection(report, severalStacks), ...exemptionSections(report.exemptions ?? [])];
    const tailLength = tail.join("\n").length;
    if (rows.length > 0) {
        const header = `| Level | Policy | Resource |${severalStacks ? " Stack |" : ""} Source | Problem |`;
        const table = ["### Violations", "", header, `| --- | --- | --- |${severalStacks ? " --- |" : ""} --- | --- |`];
        const fixes: string[] = [];
        let size = out.join("\n").length + tailLength;
        let shown = 0;
        for (const row of rows) {
            const cells = [levelCell(row.v, row.exemption), escapeMarkdown(displayNames.get(row.v.policyName) ?? row.v.policyName),
                code(resourceName(row.v.resourceUrn)), ...stackCell(row.input, severalStacks), sourceCell(row, report.inputs.length > 1), escapeMarkdown(row.problem)];
            const line = `| ${cells.join(" | ")} |`;
            const inStack = severalStacks && row.input.stack !== undefined ? ` in stack ${escapeMarkdown(row.input.stack)}` : "";
            const fix = row.fix === undefined ? [] : [
                `<details><summary>Fix ${escapeMarkdown(resourceName(row.v.resourceUrn))}${inStack} (${escapeMarkdown(displayNames.get(row.v.policyName) ?? row.v.policyName)})</summary>`,
                "",
                fenced(row.fix.split("\n").map((l) => escapeControlChars(l)).join("\n"), languageOf(row.input)),
                "",
                ...placedFix(row),
                "</details>",
                "",
            ];
            const cost = line.length + fix.join("\n").length + 2;
            if (shown >= maxViolationRows || size + cost > budget) {
                break;
            }
            table.push(line);
            fixes.push(...fix);
            size += cost;
            shown++;
        }
        out.push(...table, "");
        if (shown < rows.length) {
            out.push(`**${plural(rows.length - shown, "more violation")} not shown** (this report stays under GitHub's ${githubCommentLimit}-character limit); ` +
                "run `npm run -s analyze -- --format sarif` or `--json` for all of them.", "");
        }
        if (fixes.length > 0) {
            out.push("### Fixes", "", ...fixes);
        }
    }
    out.push(...tail);
    return out.join("\n").trimEnd() + "\n";
}
