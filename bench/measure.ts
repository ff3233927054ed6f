// Timing and the report lines every figure shares. The machines the bench
// runs on are shared and noisy: every comparison is made per round, with the
// measured subject and its baseline back to back (swapping which goes first),
// and judged by bench/verdict.ts on the rounds' paired ratios.
//
// The verdicts use CPU time, not wall time. On a loaded machine a process
// that waits for a core looks slow in wall time whatever it does; its CPU
// time is what it costs, and other processes barely move it.
import * as fs from "fs";
import { describeInterval, judge, Judgement, median } from "./verdict";

export { median };

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function nowMs(): number {
    return Number(process.hrtime.bigint()) / 1e6;
}

export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
    const start = nowMs();
    const value = await fn();
    return { ms: nowMs() - start, value };
}

/** CPU time (user + system, every live thread) a process has used, in ms, from /proc (Linux). */
export function processCpuMs(pid: number | undefined): number {
    if (pid === undefined) {
        return NaN;
    }
    let tasks: string[];
    try {
        tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
        return NaN;
    }
    // schedstat's first field is the task's time on a CPU in ns (the tick-based utime is 10 ms coarse).
    let ns = 0;
    for (const task of tasks) {
        try {
            ns += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
        } catch {
            // A thread that ended since the listing.
        }
    }
    return ns / 1e6;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces), 0-based from `state`. */
function statFields(pid: number | "self"): string[] {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
}

const clockTicksPerSecond = 100;

/**
 * CPU time of every child of this process that has ended and been reaped,
 * with their own reaped children (cutime + cstime), in ms: the cost of a
 * whole process tree, read around a child's run.
 */
export function reapedChildrenCpuMs(): number {
    const f = statFields("self");
    // Fields 16 and 17 of stat (1-based) are cutime and cstime: 13 and 14 here.
    return ((Number(f[13]) + Number(f[14])) * 1000) / clockTicksPerSecond;
}

/** The processes whose parent is `pid` (from /proc). */
export function childPids(pid: number): number[] {
    const out: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            if (Number(statFields(Number(entry))[1]) === pid) {
                out.push(Number(entry));
            }
        } catch {
            // It ended since the listing.
        }
    }
    return out;
}

/** This process's CPU time (user + system, all threads), in ms. */
export function selfCpuMs(): number {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
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
    /** The verdict on the rounds' paired ratios (ratio is then its median). */
    judgement?: Judgement;
    /** Set when the figure could not be measured or its verdict check failed. */
    error?: string;
    /** Figures 3 and 3b: the ratio over the silent no-op pack (answers nothing), shown and not judged. */
    silent?: string;
}

export function statusOf(f: Figure): Status {
    if (f.error !== undefined) {
        return "FAIL";
    }
    if (f.maxRatio === undefined) {
        return "INFO";
    }
    if (f.judgement !== undefined) {
        return f.judgement.decision === "PASS" ? "PASS" : "FAIL";
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

const columns = [4, 50, 28, 36, 7, 27, 9, 8];

function pad(text: string, width: number): string {
    return text.length >= width ? `${text} ` : text + " ".repeat(width - text.length);
}

export function headerLine(): string {
    return ["#", "figure", "measured", "baseline", "ratio", "spread (confidence, rounds)", "target", "result", "vs silent no-op (not judged)"].map((t, i) => (i < columns.length ? pad(t, columns[i]) : t)).join("");
}

export function figureLine(f: Figure): string {
    const cells = [
        f.id,
        f.name,
        f.measured,
        f.baseline,
        f.ratio === undefined || !Number.isFinite(f.ratio) ? "-" : f.ratio.toFixed(2),
        f.judgement === undefined ? "-" : describeInterval(f.judgement),
        f.maxRatio === undefined ? "none" : `<= ${f.maxRatio.toFixed(2)}`,
    ];
    const close = f.judgement?.close && f.error === undefined ? " (close: decided by the median)" : "";
    const silent = f.silent === undefined ? "" : `${close === "" ? "" : " "}${f.silent}`;
    const line = cells.map((c, i) => pad(c, columns[i])).join("") + (pad(statusOf(f) + close, columns[7]) + silent).trimEnd();
    return f.error !== undefined ? `${line}  (${f.error})` : line;
}

/** A figure that could not be measured: reported as FAIL with the reason. */
export function failedFigure(id: string, name: string, error: unknown, maxRatio?: number): Figure {
    const message = error instanceof Error ? error.message : String(error);
    return { id, name, measured: "n/a", baseline: "n/a", maxRatio, error: message.replace(/\s+/g, " ").slice(0, 300) };
}

/** A figure whose ratio is the median of the rounds' paired ratios, judged against its target. */
export function judgedFigure(figure: Omit<Figure, "ratio" | "judgement"> & { maxRatio: number }, ratios: readonly number[], maxRounds: number): Figure {
    const judgement = judge(ratios, figure.maxRatio, maxRounds);
    return { ...figure, ratio: judgement.median, judgement };
}
