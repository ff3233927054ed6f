import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policies";
import { accessLogGroupRetention } from "../../policies/access-log-group-retention";
import { resourceUrn, TestResource, validateStack } from "../unit/helpers/policy-harness";
import { repoRoot } from "../repo-root";

/** How the README's table abbreviates each framework's name. */
const frameworkShortNames: Record<string, string> = {
    "AWS Foundational Security Best Practices": "AWS FSBP",
    "NIST SP 800-53": "NIST 800-53",
};

const read = (file: string): string => fs.readFileSync(path.join(repoRoot, file), "utf8");
const readmeText = read("README.md");
const policiesDoc = read(path.join("docs", "policies.md"));
const governanceDoc = read(path.join("docs", "governance.md"));

/** The text of the `## title` section of a Markdown page, up to the next `## `. */
function section(page: string, title: string): string {
    const start = page.indexOf(`\n## ${title}\n`);
    assert.ok(start >= 0, `no section "## ${title}"`);
    const end = page.indexOf("\n## ", start + 1);
    return page.slice(start, end < 0 ? undefined : end);
}

/** The rows of a Markdown table whose first cell names a policy (plain or linked), keyed by that name. */
function policyRows(text: string): Map<string, string[]> {
    const rows = new Map<string, string[]>();
    for (const line of text.split("\n")) {
        const m = /^\| \[?`([a-z0-9-]+)`/.exec(line);
        if (m) {
            assert.ok(!rows.has(m[1]), `${m[1]} has two rows`);
            rows.set(m[1], line.split("|").map((c) => c.trim()));
        }
    }
    return rows;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
function anchor(heading: string): string {
    return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
}

function anchors(page: string): Set<string> {
    return new Set([...page.matchAll(/^#+ (.*)$/gm)].map((m) => anchor(m[1])));
}

// The README's short table and docs/policies.md's reference are written by
// hand; these tests keep them true to the policies' own metadata and config
// schemas, and fail when a policy of the pack has no row.
describe("README policy table", () => {
    const rows = policyRows(section(readmeText, "Policies"));

    it("lists exactly the pack's policies", () => {
        assert.deepStrictEqual([...rows.keys()].sort(), policies.map((p) => p.name).sort());
    });

    it("gives each policy's default level and links to its section in docs/policies.md", () => {
        const targets = anchors(policiesDoc);
        for (const policy of policies) {
            const cells = rows.get(policy.name);
            assert.ok(cells, `README has no row for ${policy.name}`);
            assert.strictEqual(cells[1], `[\`${policy.name}\`](docs/policies.md#${policy.name})`);
            assert.ok(targets.has(policy.name), `docs/policies.md has no heading for ${policy.name}`);
            assert.strictEqual(cells[2], policy.enforcementLevel, policy.name);
        }
    });

    it("is short: one line of at most 150 characters of prose per policy", () => {
        for (const [name, cells] of rows) {
            assert.ok(cells[3].length <= 150, `${name}: ${cells[3].length} characters`);
        }
    });
});

describe("docs/policies.md reference", () => {
    const reference = section(policiesDoc, "Reference");
    const rows = policyRows(reference);

    it("lists exactly the pack's policies", () => {
        assert.deepStrictEqual([...rows.keys()].sort(), policies.map((p) => p.name).sort());
    });

    it("has the columns the checks below read", () => {
        const header = reference.split("\n").find((line) => line.startsWith("| policy |"));
        assert.strictEqual(header, "| policy | display name | kind | default level | severity | framework | config keys (default) |");
    });

    for (const policy of policies) {
        it(`documents ${policy.name}: display name, kind, default level, severity, framework and every config key with its default`, () => {
            const cells = rows.get(policy.name);
            assert.ok(cells, `docs/policies.md's reference has no row for ${policy.name}`);
            assert.ok(reference.includes(`\n### \`${policy.name}\`\n`), `no section for ${policy.name}`);
            const parts = [..."validateResource" in policy ? ["resource"] : [], ..."validateStack" in policy ? ["stack"] : []];
            const kind = parts.join(" and ");
            assert.strictEqual(cells[2], policy.displayName);
            assert.strictEqual(cells[3], kind);
            assert.strictEqual(cells[4], policy.enforcementLevel);
            assert.strictEqual(cells[5], policy.severity);
            assert.ok(policy.framework !== undefined, `${policy.name} has no framework`);
            assert.strictEqual(cells[6], `${frameworkShortNames[policy.framework.name]} ${policy.framework.reference}`);
            const properties = policy.configSchema?.properties ?? {};
            const keys = Object.keys(properties);
            assert.ok(keys.includes("exemptions"), "every policy takes exemptions");
            for (const key of keys) {
                assert.ok(cells[7].includes(`\`${key}\``), `config key ${key} is missing`);
                const def = (properties[key] as { default?: unknown }).default;
                if (def !== undefined) {
                    const shown = Array.isArray(def) ? (def.length === 0 ? "`[]" : JSON.stringify(def).replace(/,/g, ", ")) : `\`${JSON.stringify(def)}\``.replace(/^`""`$/, "`\"\"`");
                    assert.ok(cells[7].includes(shown.replace(/^`/, "")), `default of ${key} (${shown}) is not shown`);
                }
            }
        });
    }

});

describe("each policy's control in docs/policies.md", () => {
    /** The `### name` section of docs/policies.md. */
    const policySection = (name: string): string => {
        const start = policiesDoc.indexOf(`\n### \`${name}\`\n`);
        assert.ok(start >= 0, `docs/policies.md has no section for ${name}`);
        const ends = [policiesDoc.indexOf("\n### ", start + 1), policiesDoc.indexOf("\n## ", start + 1)].filter((i) => i >= 0);
        return policiesDoc.slice(start, Math.min(...ends));
    };

    for (const policy of policies) {
        it(`${policy.name}: its framework control with its title, and every tag that names a control`, () => {
            const control = policySection(policy.name).split("\n").find((line) => line.startsWith("Control: "));
            assert.ok(control, `no "Control:" line for ${policy.name}`);
            assert.ok(control.includes(`**${policy.framework!.reference}**`), `${policy.name}: ${policy.framework!.reference}`);
            assert.ok(control.includes(policy.framework!.specification), `${policy.name}: ${policy.framework!.specification}`);
            for (const tag of (policy.tags ?? []).filter((t) => t.includes(":"))) {
                assert.ok(control.includes(tag.split(":")[1]), `${policy.name}: tag ${tag} is not listed`);
            }
        });
    }

    it("docs/governance.md names the primary sources of the controls", () => {
        const metadata = section(governanceDoc, "Metadata Pulumi Cloud shows");
        assert.match(metadata, /docs\.aws\.amazon\.com\/securityhub\/latest\/userguide\/apigateway-controls\.html#apigateway-9/);
        assert.match(metadata, /usnistgov\/oscal-content/);
    });
});

// docs/policies.md's Messages section shows one violation and its fix per
// runtime; both are checked against what the retention policy reports for that stack.
describe("docs/policies.md messages section", () => {
    const messages = section(policiesDoc, "Messages and fixes");
    const name = "api-access-logs-3f2a9c1";
    const arn = `arn:aws:logs:us-east-1:123456789012:log-group:${name}`;
    const group: TestResource = { type: "aws:cloudwatch/logGroup:LogGroup", name: "api-access-logs", props: { name, arn } };
    const stage: TestResource = {
        type: "aws:apigatewayv2/stage:Stage", name: "api-stage",
        props: { apiId: "a1b2c3", name: "$default", accessLogSettings: { destinationArn: arn, format: "{\"requestId\":\"$context.requestId\"}" } },
        propertyDependencies: { accessLogSettings: [resourceUrn(group)] },
    };
    const messageFor = async (runtime?: string): Promise<string> => {
        const r = await validateStack(accessLogGroupRetention, [group, stage], {}, runtime === undefined ? {} : { "pulumi:runtime": runtime });
        assert.strictEqual(r.violations.length, 1);
        return r.violations[0].message;
    };

    it("the sample's last two lines are the pack's message for a Python program", async () => {
        const sample = /A violation reads like this[^\n]*\n\n```\n([^\n]+)\n([^\n]+)\n([^\n]+\n[^\n]+)\n```/.exec(messages);
        assert.ok(sample, "the sample block");
        assert.strictEqual(sample[1], "apigatewayv2-access-log-group-retention (aws:apigatewayv2/stage:Stage: api-stage)");
        assert.strictEqual(sample[2], accessLogGroupRetention.description);
        assert.strictEqual(sample[3], await messageFor("python"));
    });

    it("each runtime's row is the fix the pack writes", async () => {
        const rows = messages.split("\n").filter((line) => /^\| `(nodejs|python|go|dotnet|java|yaml)`/.test(line));
        assert.strictEqual(rows.length, 6);
        for (const row of rows) {
            const runtime = /^\| `(\w+)`/.exec(row)![1];
            const fix = /\| `([^|]*)` \|$/.exec(row)![1];
            assert.strictEqual(`Fix: ${fix}`, (await messageFor(runtime)).split("\n")[1], runtime);
            if (runtime === "nodejs") {
                assert.strictEqual(`Fix: ${fix}`, (await messageFor()).split("\n")[1], "no tag");
                assert.strictEqual(`Fix: ${fix}`, (await messageFor("fortran")).split("\n")[1], "an unknown runtime");
            }
        }
    });
});

// Pages move and headings change; a link that points nowhere is caught here.
describe("links between the README and docs/", () => {
    const pages = ["README.md", "examples/README.md", ...fs.readdirSync(path.join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

    it("the docs pages the README's links promise exist", () => {
        for (const page of ["policies", "governance", "analyze", "ci", "performance", "reliability", "development", "architecture"]) {
            assert.ok(pages.includes(`docs/${page}.md`), `docs/${page}.md`);
        }
    });

    for (const page of pages) {
        it(`every relative link of ${page} names a file that exists, and a heading of it`, () => {
            const text = read(page);
            const prose = text.replace(/```[\s\S]*?```/g, "");
            for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
                const target = m[1];
                if (/^[a-z]+:/.test(target)) {
                    continue;
                }
                const [file, hash] = target.split("#");
                const resolved = file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
                assert.ok(fs.existsSync(path.join(repoRoot, resolved)), `${page}: ${target} names no file`);
                if (hash !== undefined && resolved.endsWith(".md")) {
                    assert.ok(anchors(read(resolved)).has(hash), `${page}: ${target} names no heading of ${resolved}`);
                }
            }
        });
    }
});
