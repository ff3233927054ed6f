// The bench's verdict rule on synthetic timings: nothing here is timed. The
// noise cases come from real bench runs on a shared 2-core machine; the
// slowdown cases inject a 30% regression into the same noisy timings.
import * as assert from "assert";
import { describeInterval, GrowthRound, judge, median, medianInterval, pairedRatio, PairedRound, relativeGrowth, runRounds } from "../../bench/verdict";

/** A deterministic noise source (LCG), so every run of the test sees the same timings. */
function noise(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 2 ** 32;
    };
}

/**
 * Timings of one round on a loaded machine: the load factor of the round hits
 * both sides (up to 2x), and each side gets its own jitter (+-`jitter`).
 */
function noisyRound(random: () => number, baselineMs: number, trueRatio: number, jitter: number): PairedRound {
    const load = 1 + random();
    const side = () => 1 + jitter * (2 * random() - 1);
    return { subject: baselineMs * trueRatio * load * side(), baseline: baselineMs * load * side() };
}

/** Runs the bench's round loop on synthetic rounds; returns the final judgement. */
async function simulate(rounds: () => PairedRound, maxRatio: number, plan = { rounds: 5, maxRounds: 11 }) {
    const ratios: number[] = [];
    await runRounds(plan, () => {
        ratios.push(pairedRatio(rounds()));
    }, () => judge(ratios, maxRatio, plan.maxRounds).decision === "MORE");
    return judge(ratios, maxRatio, plan.maxRounds);
}

describe("bench verdict", () => {
    describe("median interval", () => {
        it("takes the median of the rounds and an order-statistic interval around it", () => {
            assert.strictEqual(median([3, 1, 2]), 2);
            assert.strictEqual(median([4, 1, 2, 3]), 2.5);
            const five = medianInterval([1.0, 1.3, 0.9, 1.1, 1.05]);
            assert.deepStrictEqual([five.median, five.low, five.high], [1.05, 0.9, 1.3]);
            assert.strictEqual(five.coverage, 1 - 2 / 32);
            // Nine rounds are enough to drop the extremes and still cover the median 96% of the time.
            const nine = medianInterval([5, 1, 9, 2, 8, 3, 7, 4, 6]);
            assert.deepStrictEqual([nine.median, nine.low, nine.high], [5, 2, 8]);
            assert.ok(nine.coverage > 0.9 && nine.coverage < 1, String(nine.coverage));
            assert.strictEqual(describeInterval(nine), "2.00-8.00 (96%, 9 rounds)");
        });

        it("ignores rounds that produced no number, and fails a figure with none", () => {
            assert.strictEqual(medianInterval([NaN, 1, Infinity, 3]).rounds, 2);
            assert.strictEqual(judge([], 1.2, 5).decision, "FAIL");
            assert.strictEqual(judge([NaN], 1.2, 5).decision, "FAIL");
        });
    });

    describe("decisions", () => {
        it("passes when every plausible median is within the target, fails when every one is above", () => {
            assert.strictEqual(judge([1.01, 0.98, 1.05, 1.0, 0.97], 1.2, 5).decision, "PASS");
            assert.strictEqual(judge([1.31, 1.28, 1.35, 1.3, 1.27], 1.2, 5).decision, "FAIL");
        });

        it("asks for more rounds while the interval straddles the target, then lets the median decide", () => {
            const ratios = [0.95, 1.22, 1.02, 0.98, 1.05];
            assert.strictEqual(judge(ratios, 1.2, 9).decision, "MORE");
            const atCap = judge(ratios, 1.2, 5);
            assert.deepStrictEqual([atCap.decision, atCap.close], ["PASS", true]);
            assert.strictEqual(judge([1.25, 1.18, 1.3, 1.22, 1.24], 1.2, 5).decision, "FAIL");
        });

        it("runs the minimum rounds, then more only while undecided, never past the cap", async () => {
            let undecidedCalls = 0;
            const done = await runRounds({ rounds: 3, maxRounds: 6 }, () => undefined, () => ++undecidedCalls < 2);
            assert.strictEqual(done, 4);
            assert.strictEqual(await runRounds({ rounds: 3, maxRounds: 6 }, () => undefined, () => true), 6);
            assert.strictEqual(await runRounds({ rounds: 3, maxRounds: 6 }, () => undefined, () => false), 3);
        });
    });

    describe("noise that used to fail the bench passes", () => {
        it("2b: the pack grew 11.20x while the no-op pack grew 11.76x in the same run", () => {
            // The old rule compared 11.20 with a fixed 11.00 and failed.
            const round: GrowthRound = { subjectSmall: 1000, subjectLarge: 11_200, baselineSmall: 1000, baselineLarge: 11_760 };
            assert.ok(relativeGrowth(round) < 1);
            const rounds: GrowthRound[] = [
                round,
                { subjectSmall: 507, subjectLarge: 5368, baselineSmall: 520, baselineLarge: 4628 },
                { subjectSmall: 1829, subjectLarge: 15_234, baselineSmall: 1432, baselineLarge: 15_368 },
                { subjectSmall: 1300, subjectLarge: 13_100, baselineSmall: 1250, baselineLarge: 12_900 },
                { subjectSmall: 610, subjectLarge: 6500, baselineSmall: 600, baselineLarge: 6300 },
            ];
            const j = judge(rounds.map(relativeGrowth), 1.2, 5);
            assert.strictEqual(j.decision, "PASS", describeInterval(j));
        });

        it("5: one round at 1.22 among rounds near 1.0", () => {
            const j = judge([0.97, 1.22, 1.03, 0.99, 1.06, 1.01, 0.95], 1.2, 7);
            assert.strictEqual(j.decision, "PASS", describeInterval(j));
        });

        it("paired ratios cancel load that hits both sides: a pack equal to its baseline passes on a machine whose load doubles", async () => {
            for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
                const random = noise(seed);
                const j = await simulate(() => noisyRound(random, 5000, 1.0, 0.08), 1.2);
                assert.strictEqual(j.decision, "PASS", `seed ${seed}: ${describeInterval(j)}`);
            }
        });
    });

    describe("a real 30% slowdown still fails", () => {
        it("the same noisy timings with the subject made 30% slower fail the 1.20 target", async () => {
            for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
                const fine = noise(seed);
                const slow = noise(seed);
                const before = await simulate(() => noisyRound(fine, 5000, 1.0, 0.08), 1.2);
                const after = await simulate(() => {
                    const r = noisyRound(slow, 5000, 1.0, 0.08);
                    return { subject: r.subject * 1.3, baseline: r.baseline };
                }, 1.2);
                assert.strictEqual(before.decision, "PASS", `seed ${seed} before: ${describeInterval(before)}`);
                assert.strictEqual(after.decision, "FAIL", `seed ${seed} after: ${describeInterval(after)}`);
            }
        });

        it("a pack whose large-stack time is 30% worse than its baseline's growth fails the growth target", () => {
            const random = noise(42);
            const rounds: GrowthRound[] = Array.from({ length: 5 }, () => {
                const load = 1 + random();
                const small = 500 * load;
                const noopLarge = 5000 * load * (1 + 0.05 * random());
                return { subjectSmall: small, subjectLarge: noopLarge * 1.3, baselineSmall: small, baselineLarge: noopLarge };
            });
            const j = judge(rounds.map(relativeGrowth), 1.2, 5);
            assert.strictEqual(j.decision, "FAIL", describeInterval(j));
            const healthy = judge(rounds.map((r) => relativeGrowth({ ...r, subjectLarge: r.subjectLarge / 1.3 })), 1.2, 5);
            assert.strictEqual(healthy.decision, "PASS", describeInterval(healthy));
        });

        it("an injected slowdown in one round only does not fail, but the same slowdown in every round does", () => {
            const base = [1.02, 0.99, 1.04, 1.0, 0.98, 1.03, 1.01];
            const oneSlow = base.map((r, i) => (i === 3 ? r * 1.3 : r));
            const allSlow = base.map((r) => r * 1.3);
            assert.strictEqual(judge(oneSlow, 1.2, 7).decision, "PASS");
            assert.strictEqual(judge(allSlow, 1.2, 7).decision, "FAIL");
        });
    });
});
