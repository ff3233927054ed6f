import * as assert from "assert";
import MarkdownIt from "markdown-it";
import { exemptionUsage } from "../../engine/reports/exemptions";
import { escapeMarkdown, githubCommentLimit, markdownReport } from "../../engine/reports/markdown-report";
import { jsonReport } from "../../engine/reports/json-report";
import { RunReport } from "../../engine/reports/run-report";
import { humanReport } from "../../engine/reports/text-report";
import { junitReport } from "../../engine/reports/junit-report";
import { sarifReport } from "../../engine/reports/sarif-report";
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
    describe("several stacks, unchecked stages and the current directory", () => {
        const stagePolicy2 = "apigatewayv2-access-log-destination";
        const stackUrn = (stack: string, name: string) => `urn:pulumi:${stack}::shop::aws:apigatewayv2/stage:Stage::${name}`;
        const unchecked = (stack: string, name: string, policy: string) => ({
            resourceUrn: stackUrn(stack, name), policyName: policy, reason: "accessLogSettings.destinationArn is unknown here: it comes from stack reference \"acme/logging/prod\"",
            source: { file: "/home/me/shop/index.ts", line: 6, column: 1 },
        });
        /** `npm --prefix PACK run analyze -- .` from /home/me/shop, a program with a dev and a prod stack. */
        function shop(opts: { violations?: boolean; stacks?: string[] } = {}): RunReport {
            const stacks = opts.stacks ?? ["dev", "prod"];
            return {
                ...pack,
                policies: [stagePolicy, stagePolicy2].map((name) => ({ ...meta, name, displayName: name, enforcementLevel: "mandatory" as const })),
                inputs: stacks.map((stack) => ({
                    path: ".", kind: "program" as const, mode: "preview" as const, stack, resources: 4, remediations: [], changes: [], remediationsApplied: true,
                    notes: [`the outputs of stack reference "acme/logging/${stack}" were not supplied`],
                    violations: opts.violations === false ? [] : [{ ...violation("orders"), resourceUrn: stackUrn(stack, "orders"), source: { file: "/home/me/shop/index.ts", line: 12, column: 5 } }],
                    // Two policies could not judge "billing", one "search": two stages, three pairs.
                    unchecked: [unchecked(stack, "billing", stagePolicy), unchecked(stack, "billing", stagePolicy2), unchecked(stack, "search", stagePolicy2)],
                    absolutePath: "/home/me/shop", resourceUrns: [stackUrn(stack, "orders"), stackUrn(stack, "billing"), stackUrn(stack, "search")],
                })),
                exemptions: [],
            };
        }

        it("with several stacks, each violation row and fix names its stack", () => {
            const tokens = md.parse(markdownReport(shop()), {});
            const [violations] = tables(tokens);
            assert.deepStrictEqual(violations[0], ["Level", "Policy", "Resource", "Stack", "Source", "Problem"]);
            assert.deepStrictEqual(violations.slice(1).map((row) => [row[2], row[3]]), [["<code>orders</code>", "<code>dev</code>"], ["<code>orders</code>", "<code>prod</code>"]]);
            const summaries = tokens.filter((t) => t.type === "html_block" && t.content.startsWith("<details>")).map((t) => t.content.trim());
            assert.deepStrictEqual(summaries.map((x) => /<summary>Fix orders in stack (\w+) /.exec(x)?.[1]), ["dev", "prod"]);
        });

        it("with one stack, no stack column", () => {
            const [violations] = tables(md.parse(markdownReport(shop({ stacks: ["prod"] })), {}));
            assert.deepStrictEqual(violations[0], ["Level", "Policy", "Resource", "Source", "Problem"]);
        });

        it("a failing run still lists its unchecked stages, one row per stage with the policies that did not judge it", () => {
            const text = markdownReport(shop());
            const tokens = md.parse(text, {});
            assert.strictEqual(headings(tokens)[0], "h2 ❌ Fail: 2 mandatory violations");
            assert.ok(headings(tokens).includes("h3 Unchecked stages"), headings(tokens).join());
            const uncheckedTable = tables(tokens)[1];
            assert.deepStrictEqual(uncheckedTable[0], ["Stage", "Stack", "Source", "Policies", "Why"]);
            assert.deepStrictEqual(uncheckedTable.slice(1).map((row) => row.slice(0, 4)), [
                ["<code>billing</code>", "<code>dev</code>", "<code>index.ts&#58;6</code>", `<code>${stagePolicy}</code><br><code>${stagePolicy2}</code>`],
                ["<code>search</code>", "<code>dev</code>", "<code>index.ts&#58;6</code>", `<code>${stagePolicy2}</code>`],
                ["<code>billing</code>", "<code>prod</code>", "<code>index.ts&#58;6</code>", `<code>${stagePolicy}</code><br><code>${stagePolicy2}</code>`],
                ["<code>search</code>", "<code>prod</code>", "<code>index.ts&#58;6</code>", `<code>${stagePolicy2}</code>`],
            ]);
            assert.match(uncheckedTable[1][4], /stack reference/);
        });

        it("counts unchecked stages, not stage and policy pairs, as the text and JSON reports do", () => {
            const report = shop({ violations: false });
            assert.strictEqual(headings(md.parse(markdownReport(report), {}))[0], "h2 ⚠️ Pass with unchecked stages: 4 stages could not be checked");
            assert.match(markdownReport(report), /on 0 resources; 4 unchecked stages; 8 resources analyzed in 2 inputs\./);
            assert.match(humanReport(report), /; 4 unchecked stages;/);
            const summary = JSON.parse(jsonReport(report)).summary;
            assert.strictEqual(summary.uncheckedStages, 4);
            assert.deepStrictEqual(summary.perInput.map((i: { uncheckedStages: number }) => i.uncheckedStages), [2, 2]);
            assert.ok(!("unchecked" in summary), "no second count of (stage, policy) pairs beside it");
            assert.strictEqual(JSON.parse(jsonReport(report)).unchecked.length, 6, "the list itself has one entry per stage and policy");
        });

        it("names the current directory by its folder, and the stack, instead of \"(.)\"", () => {
            const text = markdownReport(shop());
            assert.match(text, /^> \*\*Note\*\* \(shop, stack dev\): the outputs/m);
            assert.match(text, /^> \*\*Note\*\* \(shop, stack prod\): the outputs/m);
            assert.ok(!text.includes("(.)"), text);
            assert.match(markdownReport(shop({ stacks: ["prod"] })), /^> \*\*Note\*\* \(shop\): /m);
            assert.match(humanReport(shop()), /^shop \(program, stack dev, preview\): 4 resources$/m);
            assert.match(junitReport(shop()), /<testsuite name="shop \(stack prod\)"/);
        });

        it("SARIF results say their stack when the run has several", () => {
            const results = JSON.parse(sarifReport(shop(), { baseDir: "/home/me", resourceLines: new Map() })).runs[0].results;
            const texts = results.map((r: { message: { text: string } }) => r.message.text.split("\n")[0]);
            assert.ok(texts.some((t: string) => t.startsWith("Stack dev: ")) && texts.some((t: string) => t.startsWith("Stack prod: ")), texts.join(" | "));
            assert.ok(texts.every((t: string) => /^Stack (dev|prod): /.test(t)), texts.join(" | "));
            const single = JSON.parse(sarifReport(shop({ stacks: ["prod"] }), { baseDir: "/home/me", resourceLines: new Map() })).runs[0].results;
            assert.ok(single.every((r: { message: { text: string } }) => !r.message.text.startsWith("Stack ")));
        });
    });
});
