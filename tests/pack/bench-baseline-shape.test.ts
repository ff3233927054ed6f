import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policies";
import { repoRoot } from "../repo-root";

// Figures 3 and 3b judge the pack against bench/fixtures/honest-noop-pack. In
// every Analyze call the SDK answers "not applicable" for each stack policy
// ("Policy does not implement validateResource"), so a baseline with fewer
// stack policies than the pack is cheaper for a reason that is not the pack's
// code. The baseline must keep the pack's shape as policies are added.

const honestNoopSource = fs.readFileSync(path.join(repoRoot, "bench", "fixtures", "honest-noop-pack", "index.js"), "utf8");

function countCalls(source: string, callee: string): number {
    return source.split("\n").filter((line) => line.trim().startsWith(`${callee}("honest-noop-`)).length;
}

describe("bench baseline: the honest no-op pack has the pack's shape", () => {
    it("has as many resource policies and stack policies as the registry", () => {
        const resourcePolicies = policies.filter((p) => "validateResource" in p && p.validateResource !== undefined).length;
        const stackOnly = policies.filter((p) => !("validateResource" in p && p.validateResource !== undefined)).length;
        assert.deepStrictEqual(
            { resource: countCalls(honestNoopSource, "resource"), stack: countCalls(honestNoopSource, "stack") },
            { resource: resourcePolicies, stack: stackOnly },
        );
    });
});
