import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import { policies } from "../../policies";
import { inScope, outOfScope, scopedArgs, scopedConfig } from "../engine/policy-scope";

// The scope of the fixture-wide CLI and example tests (tests/engine/policy-scope.ts):
// the access-logging policies. With every policy about access logging the
// scoping changes nothing; with a policy about something else it disables
// that policy and only that one.

const pack = [
    { name: "apigatewayv2-stage-access-logging", tags: ["apigatewayv2", "logging"] },
    { name: "apigatewayv2-access-log-group-retention", tags: ["logging", "retention"] },
    { name: "apigatewayv2-stage-detailed-metrics", tags: ["apigatewayv2", "monitoring"] },
    { name: "untagged" },
];

describe("policy scope of the fixture-wide tests", () => {
    it("with every policy about access logging, the runs are unchanged", () => {
        const logging = pack.slice(0, 2);
        assert.deepStrictEqual(outOfScope(logging), []);
        assert.deepStrictEqual(scopedArgs(["--json", "a.json"], logging), ["--json", "a.json"]);
        assert.deepStrictEqual(scopedConfig({ all: "advisory" }, logging), { all: "advisory" });
    });

    it("reads the pack's own registry by default", () => {
        assert.deepStrictEqual(outOfScope(), policies.filter((p) => !(p.tags ?? []).includes("logging")).map((p) => p.name));
    });

    it("disables the policies not tagged logging, keeping their properties and the rest of the config", () => {
        assert.deepStrictEqual(outOfScope(pack), ["apigatewayv2-stage-detailed-metrics", "untagged"]);
        assert.deepStrictEqual(scopedConfig({ all: "advisory", "apigatewayv2-stage-detailed-metrics": { exemptions: [] } }, pack), {
            all: "advisory",
            "apigatewayv2-stage-detailed-metrics": { exemptions: [], enforcementLevel: "disabled" },
            untagged: "disabled",
        });
    });

    it("keeps only the results of in-scope policies", () => {
        const results = pack.map((p) => ({ policyName: p.name }));
        assert.deepStrictEqual(inScope(results, pack).map((r) => r.policyName), ["apigatewayv2-stage-access-logging", "apigatewayv2-access-log-group-retention"]);
    });

    it("adds a --config, or rewrites the run's own under its file name with the out-of-scope policies disabled", () => {
        const added = scopedArgs(["--json", "a.json"], pack);
        assert.deepStrictEqual(added.slice(0, 3), ["--json", "a.json", "--config"]);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(added[3], "utf8")), { "apigatewayv2-stage-detailed-metrics": "disabled", untagged: "disabled" });
        const own = `${fs.mkdtempSync(`${os.tmpdir()}/scope-test-`)}/levels.json`;
        fs.writeFileSync(own, JSON.stringify({ all: "advisory" }));
        for (const args of [["--config", own, "a.json"], [`--policy-pack-config=${own}`, "a.json"]]) {
            const scoped = scopedArgs(args, pack);
            const file = scoped[0].includes("=") ? scoped[0].split("=")[1] : scoped[1];
            assert.ok(file.endsWith("/levels.json") && file !== own, file);
            assert.deepStrictEqual(JSON.parse(fs.readFileSync(file, "utf8")), { all: "advisory", "apigatewayv2-stage-detailed-metrics": "disabled", untagged: "disabled" });
            assert.strictEqual(scoped[scoped.length - 1], "a.json");
        }
        fs.rmSync(own.replace(/\/levels\.json$/, ""), { recursive: true });
    });
});
