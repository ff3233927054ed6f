import * as assert from "assert";
import { FuzzFailure, FuzzStats, generateCases, runCases, startSessions } from "../fuzz/fuzz-driver";
import { repoRoot } from "../repo-root";
import { PolicySession } from "../../engine/protocol/policy-session";
import { requireCurrentBuild } from "../current-build";

requireCurrentBuild();

// The short, fixed-seed part of the protocol fuzz: hostile stacks through the
// built pack (bin/), in preview and in update. `npm run fuzz` runs the long
// mode with a fresh seed.

const seed = 424242;
const minResources = 2000;
// Megabyte strings go through the pack in-process (policies.property.test.ts)
// and in `npm run fuzz`; here they are cut to 64 KiB to keep npm test quick.
const maxStringLength = 64 * 1024;

describe("protocol fuzz: hostile stacks through the real pack (fixed seed)", function () {
    this.timeout(300000);
    let sessions: { preview: PolicySession; update: PolicySession } | undefined;

    before(async () => {
        sessions = await startSessions(repoRoot);
    });
    after(async () => {
        await sessions?.preview.close();
        await sessions?.update.close();
    });

    it(`answers every request for at least ${minResources} resources: no gRPC error, no "can't run policy", only safe messages`, async () => {
        assert.ok(sessions !== undefined);
        const cases = generateCases(seed, minResources, { maxStringLength });
        const { failures, stats } = await runCases(sessions, cases);
        report(stats, failures);
        assert.ok(stats.resources >= minResources, `only ${stats.resources} resources generated`);
        assert.deepStrictEqual(failures.slice(0, 10).map((f) => `${f.mode} case #${f.caseIndex} (seed ${seed}): ${f.kind}: ${f.detail}`), [],
            `${failures.length} failures; replay with: npm run fuzz -- --seed ${seed} --resources ${minResources} --max-string ${maxStringLength}`);
    });
});

function report(stats: FuzzStats, failures: readonly FuzzFailure[]): void {
    console.log(`      protocol fuzz (seed ${seed}): ${stats.cases} stacks, ${stats.resources} resources, ${stats.analyses} resource analyses (preview + update), ` +
        `${stats.violations} violations, ${stats.remediations} remediations, ${failures.length} failures`);
}
