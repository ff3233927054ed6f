import * as assert from "assert";
import MarkdownIt from "markdown-it";
import * as path from "path";
import { main } from "../../engine/cli";
import { isInputError } from "../../engine/errors";
import { pinToday, scratchFiles, stateFixture } from "./helpers";
import { scopedConfig } from "./policy-scope";
import { validateSarif } from "./sarif-multitool";

// Issue 17 through `npm run analyze` and the real pack process: exemptions that
// are too broad or too long stop the run before anything is analyzed, and the
// Markdown, SARIF and JUnit reports of a run with exemptions, one of them
// about to run out. The date is pinned through the environment the pack
// process inherits.

const pinnedToday = "2030-06-30";
const reason = "Partner integration, migrating to the new stage in Q3";
const stagePolicy = "apigatewayv2-stage-access-logging";
const retention = "apigatewayv2-access-log-group-retention";

async function failure(run: () => Promise<unknown>): Promise<Error> {
    try {
        await run();
    } catch (e) {
        return e as Error;
    }
    assert.fail("the run did not fail");
}

describe("exemptions through npm run analyze (date pinned to 2030-06-30)", () => {
    pinToday(pinnedToday);
    const files = scratchFiles("exemption-cli-");
    const config = {
        [stagePolicy]: { exemptions: [{ resources: ["orders-*"], reason, expires: "2030-07-07" }] },
        [retention]: { exemptions: [{ resources: ["audit-stage"], reason, expires: "2031-01-31" }, { resources: ["gone-stage"], reason, expires: "2030-12-31" }] },
    };

    describe("bad exemptions: one line naming the policy, the entry and the problem, before anything is analyzed", () => {
        const cases: [string, unknown, RegExp][] = [
            ["a match-all pattern", { resources: ["legacy-stage", "urn:pulumi:*"], reason, expires: "2030-07-01" },
                /^config file "[^"]+": policy "apigatewayv2-stage-access-logging": "exemptions" entry \[0\]: "resources" entry "urn:pulumi:\*" matches every resource; name the resources to exempt, or set the policy's enforcementLevel to "disabled" to turn the policy off$/],
            ["an end date past maxExemptionDays", { resources: ["legacy-stage"], reason, expires: "2099-12-31" },
                /^config file "[^"]+": policy "apigatewayv2-stage-access-logging": "exemptions" entry \[0\]: "expires" 2099-12-31 is more than maxExemptionDays \(365\) days away; the latest allowed is 2031-06-30: renew the exemption when it runs out instead$/],
        ];
        for (const [what, entry, message] of cases) {
            it(what, async () => {
                const file = files.write(`bad-${what.replace(/\W+/g, "-")}.json`, JSON.stringify({ [stagePolicy]: { exemptions: [entry] } }));
                const e = await failure(() => main(["--config", file, stateFixture("noncompliant.json")]));
                assert.ok(isInputError(e), `the driver's check, before any Analyze call (got ${e.name}: ${e.message})`);
                assert.match(e.message, message);
            });
        }
        it("maxExemptionDays of the policy sets the limit", async () => {
            const file = files.write("long.json", JSON.stringify({ [stagePolicy]: { maxExemptionDays: 731, exemptions: [{ resources: ["orders-stage"], reason, expires: "2032-06-30" }] } }));
            const { code } = await main(["--config", file, "--json", stateFixture("noncompliant.json")]);
            assert.strictEqual(code, 1, "the exemption is accepted; the other stage's violations still fail");
        });
    });

    it("--format markdown: verdict, violations table, fixes in <details>, exemptions with days left", async () => {
        const file = files.write("config.json", JSON.stringify(scopedConfig(config)));
        const { code, stdout } = await main(["--format", "markdown", "--config", file, stateFixture("noncompliant.json")]);
        const tokens = new MarkdownIt({ html: true }).parse(stdout, {});
        const headings = tokens.flatMap((t, i) => (t.type === "heading_open" ? [tokens[i + 1].content] : []));
        assert.strictEqual(code, 0, "every violation is exempted");
        assert.strictEqual(headings[0], "✅ Pass, with 2 advisory violations");
        assert.deepStrictEqual(headings.slice(1), ["Violations", "Fixes", "Exemptions", "Exemptions that matched nothing"]);
        assert.ok(tokens.some((t) => t.type === "html_block" && t.content.startsWith("<details><summary>Fix ")));
        assert.ok(tokens.some((t) => t.type === "fence" && t.info === "typescript"));
        const html = new MarkdownIt({ html: true }).render(stdout);
        assert.match(html, /<td>⏰ 7 \(expires in 7 days\)<\/td>/);
        assert.match(html, /<td><code>gone-stage<\/code><\/td>/);
    });

    it("SARIF: exempted results suppressed as accepted, a note for the one about to run out, and the Multitool with GitHub's rules passes", async function () {
        this.timeout(300000);
        const file = files.write("config-sarif.json", JSON.stringify(scopedConfig(config)));
        const out = path.join(files.dir(), "exempt.sarif");
        await main(["--format", "sarif", "--output", out, "--config", file, stateFixture("noncompliant.json")]);
        const log = JSON.parse(require("fs").readFileSync(out, "utf8"));
        const results: any[] = log.runs[0].results;
        const suppressed = results.filter((r) => r.suppressions !== undefined);
        assert.ok(suppressed.length >= 2, `${suppressed.length} suppressed`);
        for (const r of suppressed) {
            assert.deepStrictEqual(r.suppressions.map((s: any) => [s.kind, s.status, s.justification.startsWith(reason)]), [["external", "accepted", true]]);
            assert.match(r.message.text, /^Exempt until /);
        }
        const notes = results.filter((r) => r.level === "note");
        assert.ok(notes.length >= 1 && notes.every((n) => /expires in 7 days, after 2030-07-07/.test(n.message.text)), JSON.stringify(notes.map((n) => n.message.text)));
        const fingerprints = results.map((r) => JSON.stringify(r.partialFingerprints));
        assert.strictEqual(new Set(fingerprints).size, fingerprints.length, "every result has its own fingerprint");
        assert.deepStrictEqual(await validateSarif(out), []);
    });
});
