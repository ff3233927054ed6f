import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Policy } from "@pulumi/policy";
import { accessLogDestination } from "../../policies/access-log-destination";
import { accessLogFormat } from "../../policies/access-log-format";
import { accessLogFormatFields } from "../../policies/access-log-format-fields";
import { accessLogGroupRetention } from "../../policies/access-log-group-retention";
import { accessLogProtocol } from "../../policies/access-log-protocol";
import { quickCreateApi } from "../../policies/quick-create-api";
import { stageAccessLogging } from "../../policies/stage-access-logging";

const policies: Policy[] = [
    stageAccessLogging, accessLogDestination, accessLogFormat, accessLogFormatFields,
    quickCreateApi, accessLogGroupRetention, accessLogProtocol,
];

const readme = fs.readFileSync(path.resolve(__dirname, "..", "..", "README.md"), "utf8");

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

    for (const policy of policies) {
        it(`documents ${policy.name}: kind, default level, severity and every config key with its default`, () => {
            const cells = referenceRow(policy.name).split("|").map((c) => c.trim());
            const parts = [..."validateResource" in policy ? ["resource"] : [], ..."validateStack" in policy ? ["stack"] : []];
            const kind = parts.join(" and ");
            assert.strictEqual(cells[2], kind);
            assert.strictEqual(cells[3], policy.enforcementLevel);
            assert.strictEqual(cells[4], policy.severity);
            const properties = policy.configSchema?.properties ?? {};
            const keys = Object.keys(properties);
            if (keys.length === 0) {
                assert.strictEqual(cells[6], "none");
            }
            for (const key of keys) {
                assert.ok(cells[6].includes(`\`${key}\``), `config key ${key} is missing`);
                const def = (properties[key] as { default?: unknown }).default;
                if (def !== undefined) {
                    const shown = Array.isArray(def) ? (def.length === 0 ? "`[]" : JSON.stringify(def).replace(/,/g, ", ")) : `\`${JSON.stringify(def)}\``.replace(/^`""`$/, "`\"\"`");
                    assert.ok(cells[6].includes(shown.replace(/^`/, "")), `default of ${key} (${shown}) is not shown`);
                }
            }
        });
    }
});
