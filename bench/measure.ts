// Timing, statistics and the report lines every figure shares. The machines
// the bench runs on are shared and noisy, so every comparison is a ratio of
// medians taken in the same run, with the measured subject and its baseline
// alternating (and swapping which goes first) so drift hits both alike.

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function nowMs(): number {
    return Number(process.hrtime.bigint()) / 1e6;
}

export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
    const start = nowMs();
    const value = await fn();
    return { ms: nowMs() - start, value };
}

export function median(values: readonly number[]): number {
    if (values.length === 0) {
        return NaN;
    }
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `a` and `b` `rounds` times each, alternating, with `a` first in even
 * rounds and `b` first in odd ones. Returns every sample of each.
 */
export async function alternate(
    rounds: number,
    a: () => Promise<number>,
    b: () => Promise<number>,
    onRound?: (round: number) => void,
): Promise<{ a: number[]; b: number[] }> {
    const out = { a: [] as number[], b: [] as number[] };
    for (let round = 0; round < rounds; round++) {
        if (round % 2 === 0) {
            out.a.push(await a());
            out.b.push(await b());
        } else {
            out.b.push(await b());
            out.a.push(await a());
        }
        onRound?.(round);
    }
    return out;
}

export type Status = "PASS" | "FAIL" | "INFO";

export interface Figure {
    /** "1", "2a", ... as in the list of targets. */
    id: string;
    name: string;
    measured: string;
    /** The measured value in milliseconds, when it is a time (for figures derived from it). */
    measuredMs?: number;
    baseline: string;
    /** measured / baseline, when there is a baseline. */
    ratio?: number;
    /** Upper bound on the ratio; none for report-only figures. */
    maxRatio?: number;
    /** Set when the figure could not be measured or its verdict check failed. */
    error?: string;
}

export function statusOf(f: Figure): Status {
    if (f.error !== undefined) {
        return "FAIL";
    }
    if (f.maxRatio === undefined) {
        return "INFO";
    }
    return f.ratio !== undefined && Number.isFinite(f.ratio) && f.ratio <= f.maxRatio ? "PASS" : "FAIL";
}

export function fmtMs(ms: number): string {
    if (!Number.isFinite(ms)) {
        return "n/a";
    }
    if (ms >= 10_000) {
        return `${(ms / 1000).toFixed(1)} s`;
    }
    if (ms >= 100) {
        return `${ms.toFixed(0)} ms`;
    }
    if (ms >= 1) {
        return `${ms.toFixed(2)} ms`;
    }
    return `${(ms * 1000).toFixed(1)} µs`;
}

export function fmtKiB(kib: number): string {
    return Number.isFinite(kib) ? `${(kib / 1024).toFixed(0)} MiB` : "n/a";
}

const columns = [4, 58, 22, 34, 7, 9];

function pad(text: string, width: number): string {
    return text.length >= width ? `${text} ` : text + " ".repeat(width - text.length);
}

export function headerLine(): string {
    return ["#", "figure", "measured", "baseline", "ratio", "target", "result"].map((t, i) => (i < columns.length ? pad(t, columns[i]) : t)).join("");
}

export function figureLine(f: Figure): string {
    const cells = [
        f.id,
        f.name,
        f.measured,
        f.baseline,
        f.ratio === undefined || !Number.isFinite(f.ratio) ? "-" : f.ratio.toFixed(2),
        f.maxRatio === undefined ? "none" : `<= ${f.maxRatio.toFixed(2)}`,
    ];
    const line = cells.map((c, i) => pad(c, columns[i])).join("") + statusOf(f);
    return f.error !== undefined ? `${line}  (${f.error})` : line;
}

/** A figure that could not be measured: reported as FAIL with the reason. */
export function failedFigure(id: string, name: string, error: unknown, maxRatio?: number): Figure {
    const message = error instanceof Error ? error.message : String(error);
    return { id, name, measured: "n/a", baseline: "n/a", maxRatio, error: message.replace(/\s+/g, " ").slice(0, 300) };
}
