// How the bench decides PASS or FAIL, as pure functions of the timings, so
// the rule itself is unit-tested (tests/unit/bench-verdict.test.ts) with
// synthetic timings: noise must pass, a real slowdown must fail.
//
// The rule:
// - Every round measures the subject and its baseline back to back, and
//   yields one paired ratio (subject / baseline). Load that hits both in the
//   same round cancels out of that ratio.
// - A growth figure (small input -> large input) yields, per round, the
//   subject's growth over the baseline's growth in that round: a pack that
//   grows exactly like a no-op pack scores 1, whatever the machine does.
// - The figure is the median of the rounds' ratios. Its confidence is a
//   distribution-free interval for that median, from order statistics.
// - PASS when the whole interval is within the target, FAIL when the whole
//   interval is above it; otherwise the bench runs more rounds, up to a cap,
//   and then the median decides. A noisy round moves the median little, and
//   a real slowdown moves every round.

export function median(values: readonly number[]): number {
    if (values.length === 0) {
        return NaN;
    }
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One round of a ratio figure: the subject and its baseline, measured back to back. */
export interface PairedRound {
    subject: number;
    baseline: number;
}

/** One round of a growth figure: both sides at the small and at the large size. */
export interface GrowthRound {
    subjectSmall: number;
    subjectLarge: number;
    baselineSmall: number;
    baselineLarge: number;
}

export function pairedRatio(r: PairedRound): number {
    return r.subject / r.baseline;
}

/** The subject's growth over the baseline's growth in the same round. */
export function relativeGrowth(r: GrowthRound): number {
    return r.subjectLarge / r.subjectSmall / (r.baselineLarge / r.baselineSmall);
}

/** C(n, k) / 2^n summed for k = 0..j: P(Binomial(n, 1/2) <= j). */
function binomialTail(n: number, j: number): number {
    let term = 2 ** -n;
    let sum = 0;
    for (let k = 0; k <= j; k++) {
        sum += term;
        term = (term * (n - k)) / (k + 1);
    }
    return sum;
}

export interface MedianInterval {
    median: number;
    low: number;
    high: number;
    /** The probability that the interval holds the true median (distribution-free). */
    coverage: number;
    rounds: number;
}

/**
 * The median and the narrowest order-statistic interval [x(k), x(n+1-k)]
 * that holds the true median with probability >= `wanted`; with too few
 * rounds for that, [min, max] and its (lower) coverage.
 */
export function medianInterval(values: readonly number[], wanted = 0.9): MedianInterval {
    const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    const n = sorted.length;
    if (n === 0) {
        return { median: NaN, low: NaN, high: NaN, coverage: 0, rounds: 0 };
    }
    // Interval [x(k), x(n+1-k)] (1-based) misses the median with probability 2 * P(Bin <= k-1).
    let k = 1;
    while (k + 1 <= (n + 1) / 2 && 1 - 2 * binomialTail(n, k) >= wanted) {
        k++;
    }
    const coverage = n === 1 ? 0 : 1 - 2 * binomialTail(n, k - 1);
    return { median: median(sorted), low: sorted[k - 1], high: sorted[n - k], coverage, rounds: n };
}

export type Decision = "PASS" | "FAIL" | "MORE";

export interface Judgement extends MedianInterval {
    decision: Decision;
    /** Whether the interval straddled the target when the decision was made. */
    close: boolean;
}

/**
 * PASS or FAIL when the interval is wholly on one side of `maxRatio`; MORE
 * while it straddles and fewer than `maxRounds` rounds were run; at the cap,
 * the median decides.
 */
export function judge(ratios: readonly number[], maxRatio: number, maxRounds: number): Judgement {
    const interval = medianInterval(ratios);
    if (interval.rounds === 0) {
        return { ...interval, decision: "FAIL", close: false };
    }
    if (interval.high <= maxRatio) {
        return { ...interval, decision: "PASS", close: false };
    }
    if (interval.low > maxRatio) {
        return { ...interval, decision: "FAIL", close: false };
    }
    if (interval.rounds < maxRounds) {
        return { ...interval, decision: "MORE", close: true };
    }
    return { ...interval, decision: interval.median <= maxRatio ? "PASS" : "FAIL", close: true };
}

export interface RoundPlan {
    /** Rounds always run. */
    rounds: number;
    /** Rounds at most, while some target's interval straddles it. */
    maxRounds: number;
}

/**
 * Runs `round` at least `plan.rounds` times, then more while `undecided()`
 * says a verdict still straddles its target, up to `plan.maxRounds`.
 */
export async function runRounds(plan: RoundPlan, round: (index: number) => Promise<void> | void, undecided: () => boolean): Promise<number> {
    let done = 0;
    while (done < plan.rounds || (done < plan.maxRounds && undecided())) {
        await round(done);
        done++;
    }
    return done;
}

/** "0.97-1.04 (90%, 7 rounds)": the spread the verdict was made on. */
export function describeInterval(j: MedianInterval): string {
    if (j.rounds === 0) {
        return "no rounds";
    }
    const digits = j.high >= 10 ? 1 : 2;
    return `${j.low.toFixed(digits)}-${j.high.toFixed(digits)} (${Math.round(j.coverage * 100)}%, ${j.rounds} rounds)`;
}
