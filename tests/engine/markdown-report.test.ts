import * as assert from "assert";
import MarkdownIt from "markdown-it";
import { exemptionUsage } from "../../engine/reports/exemptions";
import { escapeMarkdown, githubCommentLimit, markdownReport } from "../../engine/reports/markdown-report";
import { RunReport } from "../../engine/reports/run-report";
import { Violation } from "../../engine/resource-model";

// The Markdown report (--format markdown), read back as a Markdown renderer
// reads it: markdown-it with raw HTML allowed, as GitHub allows <details>. The
// checks are on the parsed structure (table rows and cells, HTML blocks,
// fenced code) and on the rendered HTML, not on the Markdown text alone.

type Token = ReturnType<InstanceType<typeof MarkdownIt>["parse"]>[number];

const md = new MarkdownIt({ html: true });
const pack = { policyPackName: "aws-apigatewayv2-access-logging", policyPackVersion: "0.1.0" };
const stagePolicy = "apigatewayv2-stage-access-logging";
const description = "API Gateway V2 stages must have access logging.";
const meta = { type: "resource" as const, tags: [], remediationSteps: "Fix it.", url: "", description };
const urn = (name: string) => `urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::${name}`;
const hostile = "a|b<img src=x onerror=alert(1)>";
const reason = "Partner integration | <b>migrating</b> in Q3";

const violation = (name: string, level: Violation["enforcementLevel"] = "mandatory", fix = `new aws.apigatewayv2.Stage("${name}", { ... })`): Violation => ({
    ...pack, resourceUrn: urn(name), policyName: stagePolicy, enforcementLevel: level,
    message: `${description}\nStage "${name}" has no access logging (accessLogSettings is not set).\nFix: ${fix}`,
    source: { file: "/repo/infra/index.ts", line: 12, column: 5 },
});

function run(violations: Violation[], exemptions: unknown[] = [], language?: RunReport["inputs"][number]["language"]): RunReport {
    return {
        ...pack,
        policies: [{ ...meta, name: stagePolicy, displayName: "Stage access logging", enforcementLevel: "mandatory" }],
        inputs: [{
            path: "infra", kind: "program", mode: "preview", resources: violations.length + 1, remediations: [], changes: [], remediationsApplied: true,
            notes: [], violations, absolutePath: "/repo/infra", resourceUrns: violations.map((v) => v.resourceUrn), language,
        }],
        exemptions: exemptionUsage({ [stagePolicy]: { properties: { exemptions } } }, violations, "2030-06-30"),
    };
}

/** Each table as rows of cell texts (header row first), from markdown-it's tokens. */
function tables(tokens: Token[]): string[][][] {
    const out: string[][][] = [];
    let table: string[][] | undefined;
    let row: string[] | undefined;
    for (const [i, t] of tokens.entries()) {
        if (t.type === "table_open") {
            table = [];
        } else if (t.type === "table_close") {
            out.push(table!);
            table = undefined;
        } else if (t.type === "tr_open") {
            row = [];
        } else if (t.type === "tr_close") {
            table!.push(row!);
        } else if ((t.type === "td_open" || t.type === "th_open") && row !== undefined) {
            row.push(tokens[i + 1].content);
        }
    }
    return out;
}

/** The heading texts, in order. */
const headings = (tokens: Token[]) => tokens.flatMap((t, i) => (t.type === "heading_open" ? [`${t.tag} ${tokens[i + 1].content}`] : []));

/** Inline HTML the renderer would pass through as tags (none may come from the program). */
const inlineHtml = (tokens: Token[]) => tokens.flatMap((t) => (t.children ?? []).filter((c: Token) => c.type === "html_inline").map((c: Token) => c.content));

describe("--format markdown", () => {
    it("puts the verdict first: fail, pass, or pass with advisory violations", () => {
        assert.deepStrictEqual(headings(md.parse(markdownReport(run([violation("orders")])), {}))[0], "h2 ❌ Fail: 1 mandatory violation");
        assert.deepStrictEqual(headings(md.parse(markdownReport(run([])), {})), ["h2 ✅ Pass"]);
        assert.deepStrictEqual(headings(md.parse(markdownReport(run([violation("orders", "advisory")])), {}))[0], "h2 ✅ Pass, with 1 advisory violation");
        // Stages whose decisive value is unknown (issue 14's `unchecked`, per input) are never a plain pass.
        const unchecked = run([]);
        Object.assign(unchecked.inputs[0], { unchecked: [{ resourceUrn: urn("orders"), policyName: stagePolicy, reason: "destination unknown" }] });
        assert.deepStrictEqual(headings(md.parse(markdownReport(unchecked), {}))[0], "h2 ⚠️ Pass with unchecked stages: 1 stage could not be checked");
    });

    it("one table row per violation: level, display name, resource, file:line, one-line problem", () => {
        const tokens = md.parse(markdownReport(run([violation("orders"), violation("billing", "advisory")])), {});
        const [violations] = tables(tokens);
        assert.deepStrictEqual(violations, [
            ["Level", "Policy", "Resource", "Source", "Problem"],
            ["❌ mandatory", "Stage access logging", "<code>orders</code>", "<code>index.ts&#58;12</code>", "Stage &#34;orders&#34; has no access logging (accessLogSettings is not set)."],
            ["⚠️ advisory", "Stage access logging", "<code>billing</code>", "<code>index.ts&#58;12</code>", "Stage &#34;billing&#34; has no access logging (accessLogSettings is not set)."],
        ]);
        const html = md.render(markdownReport(run([violation("orders")])));
        assert.ok(html.includes("<td><code>index.ts:12</code></td>"), "the references render as the characters");
    });

    it("each fix in a <details> block, fenced in the program's language", () => {
        const text = markdownReport(run([violation("orders_stage", "mandatory", 'aws.apigatewayv2.Stage("orders_stage", ...)')], [], "python"));
        const tokens = md.parse(text, {});
        const blocks = tokens.filter((t) => t.type === "html_block").map((t) => t.content.trim());
        assert.deepStrictEqual(blocks, ["<details><summary>Fix orders&#95;stage (Stage access logging)</summary>", "</details>"]);
        const fences = tokens.filter((t) => t.type === "fence");
        assert.deepStrictEqual(fences.map((f) => [f.info, f.content]), [["python", 'aws.apigatewayv2.Stage("orders_stage", ...)\n']]);
        const opened = tokens.indexOf(tokens.find((t) => t.type === "html_block")!);
        assert.ok(tokens.indexOf(fences[0]) > opened, "the fence is inside the details block");
    });

    it(`a stage named ${JSON.stringify(hostile)} stays text: no tag, no broken table`, () => {
        const fix = `new aws.apigatewayv2.Stage("${hostile}", { ... }) \`\`\`\n</details><script>x</script>`;
        const report = run([violation(hostile, "mandatory", fix), violation("orders")], [{ resources: ["a|b*", "gone-*"], reason, expires: "2030-07-07" }]);
        const text = markdownReport(report);
        const tokens = md.parse(text, {});
        const [violations, exemptions, unmatched] = tables(tokens);
        assert.strictEqual(violations.length, 3, "a header and two rows");
        assert.ok(violations.every((row) => row.length === 5), JSON.stringify(violations));
        assert.deepStrictEqual(inlineHtml(tokens).filter((h) => !/^<\/?(code|br)>$/.test(h)), [], "only the report's own tags");
        assert.deepStrictEqual(tokens.filter((t) => t.type === "html_block").map((t) => t.content.trim().replace(/<summary>.*<\/summary>/, "<summary/>")),
            ["<details><summary/>", "</details>", "<details><summary/>", "</details>"], "the hostile fix cannot close its details block");
        const html = md.render(text);
        assert.ok(!html.includes("<img"), "no image tag in the page");
        assert.ok(!html.includes("<script"), "no script tag in the page");
        assert.ok(!html.includes("<b>"), "the reason's markup stays text");
        assert.ok(html.includes("<code>a|b&lt;img src=x onerror=alert(1)&gt;</code>"), "the name shows as written");
        assert.ok(exemptions[1][5].includes("&#124;"), "the reason's pipe does not split the cell");
        assert.strictEqual(exemptions.length, 2);
        assert.deepStrictEqual(unmatched, undefined, "both patterns of the one exemption matched or not, it is in use");
    });

    it("lists exemptions with expiry and days left, warns from 14 days, and lists those that matched nothing", () => {
        const report = run([violation("legacy-a", "advisory"), violation("legacy-b", "advisory")].map((v) => ({
            ...v, message: `Exempt until 2030-07-07: "${reason}"\n${v.message}`,
        })), [{ resources: ["legacy-*"], reason, expires: "2030-07-07" }, { resources: ["gone-stage"], reason, expires: "2030-12-31" }]);
        const tokens = md.parse(markdownReport(report), {});
        assert.deepStrictEqual(headings(tokens), ["h2 ✅ Pass, with 2 advisory violations", "h3 Violations", "h3 Fixes", "h3 Exemptions", "h3 Exemptions that matched nothing"]);
        const [violations, used, stale] = tables(tokens);
        assert.deepStrictEqual(violations.slice(1).map((r) => r[0]), ["🟡 exempt", "🟡 exempt"]);
        assert.deepStrictEqual(used[0], ["Policy", "Entry", "Resources", "Expires", "Days left", "Reason"]);
        assert.deepStrictEqual(used[1].slice(2, 5), ["<code>legacy-a</code><br><code>legacy-b</code>", "2030-07-07", "⏰ 7 (expires in 7 days)"]);
        assert.deepStrictEqual(stale.slice(1).map((r) => r.slice(1)), [["<code>exemptions&#91;1&#93;</code>", "<code>gone-stage</code>", "2030-12-31"]]);
    });

    it(`stays under GitHub's ${githubCommentLimit}-character limit by summarising, and says so`, () => {
        const many = Array.from({ length: 3000 }, (_, i) => violation(`stage-${i}-${"x".repeat(60)}`));
        const text = markdownReport(run(many));
        assert.ok(text.length < githubCommentLimit, `${text.length} characters`);
        const [violations] = tables(md.parse(text, {}));
        const shown = violations.length - 1;
        assert.ok(shown > 0 && shown < 3000);
        assert.match(text, new RegExp(`\\*\\*${3000 - shown} more violations not shown\\*\\* \\(this report stays under GitHub's 65536-character limit\\)`));
    });

    it("escapes what Markdown and HTML act on, and nothing that would show as a stray reference", () => {
        assert.strictEqual(escapeMarkdown("a|b<c>*d*_e_`f`[g](h)~~i~~ &amp; https://x www.y.z a@b.c\nnext"),
            "a&#124;b&#60;c&#62;&#42;d&#42;&#95;e&#95;&#96;f&#96;&#91;g&#93;(h)&#126;&#126;i&#126;&#126; &#38;amp; https&#58;//x www&#46;y.z a&#64;b.c next");
        const linkify = new MarkdownIt({ linkify: true });
        assert.ok(!linkify.render(escapeMarkdown("see https://evil.example, www.evil.example or a@evil.example")).includes("<a "), "GitHub-style autolinks stay text");
        assert.strictEqual(md.renderInline(escapeMarkdown("a|b<c>*d*_e_`f`[g](h)~~i~~ &amp;")), "a|b&lt;c&gt;*d*_e_`f`[g](h)~~i~~ &amp;amp;");
    });
});
