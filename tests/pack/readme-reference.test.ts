import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Policy } from "@pulumi/policy";
import { accessLogDestination } from "../../policies/access-log-destination";
import { accessLogDestinationAllowed } from "../../policies/access-log-destination-allowed";
import { accessLogFormat } from "../../policies/access-log-format";
import { accessLogFormatFields } from "../../policies/access-log-format-fields";
import { accessLogGroupRetention } from "../../policies/access-log-group-retention";
import { accessLogProtocol } from "../../policies/access-log-protocol";
import { quickCreateApi } from "../../policies/quick-create-api";
import { stageAccessLogging } from "../../policies/stage-access-logging";
import { resourceUrn, TestResource, validateStack } from "../unit/helpers/policy-harness";

const policies: Policy[] = [
    stageAccessLogging, accessLogDestination, accessLogDestinationAllowed, accessLogFormat, accessLogFormatFields,
    quickCreateApi, accessLogGroupRetention, accessLogProtocol,
];

/** How the README's table abbreviates each framework's name. */
const frameworkShortNames: Record<string, string> = {
    "AWS Foundational Security Best Practices": "AWS FSBP",
    "NIST SP 800-53": "NIST 800-53",
};

const wholeReadme = fs.readFileSync(path.resolve(__dirname, "..", "..", "README.md"), "utf8");
/** The "Policies" section, which holds the reference table (other sections have tables of policies too). */
const readme = wholeReadme.slice(wholeReadme.indexOf("\n## Policies\n"), wholeReadme.indexOf("\n## ", wholeReadme.indexOf("\n## Policies\n") + 1));

function referenceRow(name: string): string {
    const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
    assert.ok(row, `README's policy table has no row for ${name}`);
    return row;
}

// The README's reference table is written by hand; these tests keep it true to
// the policies' own metadata and config schemas.
describe("README policy reference", () => {
    it("lists exactly the pack's policies", () => {
        const rows = readme.split("\n").filter((line) => /^\| `apigatewayv2-[a-z0-9-]+` \|/.test(line));
        assert.deepStrictEqual(rows.map((r) => r.split("`")[1]).sort(), policies.map((p) => p.name).sort());
    });

    it("has the columns the checks below read", () => {
        const header = readme.split("\n").find((line) => line.startsWith("| policy |"));
        assert.strictEqual(header, "| policy | display name | kind | default level | severity | framework | what it checks | config keys (default) |");
    });

    for (const policy of policies) {
        it(`documents ${policy.name}: display name, kind, default level, severity, framework and every config key with its default`, () => {
            const cells = referenceRow(policy.name).split("|").map((c) => c.trim());
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
                assert.ok(cells[8].includes(`\`${key}\``), `config key ${key} is missing`);
                const def = (properties[key] as { default?: unknown }).default;
                if (def !== undefined) {
                    const shown = Array.isArray(def) ? (def.length === 0 ? "`[]" : JSON.stringify(def).replace(/,/g, ", ")) : `\`${JSON.stringify(def)}\``.replace(/^`""`$/, "`\"\"`");
                    assert.ok(cells[8].includes(shown.replace(/^`/, "")), `default of ${key} (${shown}) is not shown`);
                }
            }
        });
    }

    it("the governance section names each policy's framework control with its title, and the tags it carries", () => {
        const start = wholeReadme.indexOf("\n### Metadata Pulumi Cloud shows\n");
        assert.ok(start > 0, "the README has the governance metadata section");
        const section = wholeReadme.slice(start, wholeReadme.indexOf("\n### ", start + 1));
        for (const policy of policies) {
            const row = section.split("\n").find((line) => line.startsWith(`| \`${policy.name}\` |`));
            assert.ok(row, `no metadata row for ${policy.name}`);
            assert.ok(row.includes(`**${policy.framework!.reference}**`), `${policy.name}: ${policy.framework!.reference}`);
            assert.ok(row.includes(policy.framework!.specification), `${policy.name}: ${policy.framework!.specification}`);
            for (const tag of (policy.tags ?? []).filter((t) => t.includes(":"))) {
                const id = tag.split(":")[1];
                assert.ok(row.includes(id), `${policy.name}: tag ${tag} is not listed`);
            }
        }
        assert.match(section, /docs\.aws\.amazon\.com\/securityhub\/latest\/userguide\/apigateway-controls\.html#apigateway-9/);
        assert.match(section, /usnistgov\/oscal-content/);
    });
});

// The Messages section shows one violation and its fix per runtime; both are
// checked against what the retention policy reports for that stack.
describe("README messages section", () => {
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
        const sample = /A violation reads like this[^\n]*\n\n```\n([^\n]+)\n([^\n]+)\n([^\n]+\n[^\n]+)\n```/.exec(readme);
        assert.ok(sample, "the sample block");
        assert.strictEqual(sample[1], "apigatewayv2-access-log-group-retention (aws:apigatewayv2/stage:Stage: api-stage)");
        assert.strictEqual(sample[2], accessLogGroupRetention.description);
        assert.strictEqual(sample[3], await messageFor("python"));
    });

    it("each runtime's row is the fix the pack writes", async () => {
        const rows = readme.split("\n").filter((line) => /^\| `(nodejs|python|go|dotnet|java|yaml)`/.test(line));
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
