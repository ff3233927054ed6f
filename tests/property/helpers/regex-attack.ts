import { spawn } from "child_process";
import * as fs from "fs";

// Runs regexes against inputs built to make a backtracking engine blow up:
// a long run of one or two characters repeated, then a character that cannot
// match, so every way of splitting the run gets tried. The work happens in a
// child process under a watchdog, because a catastrophic regex cannot be
// interrupted from inside the process running it: when one hangs, the child
// is killed and a new one carries on with the next regex.

/** What the child runs: builds every input, and prints a line before and after each. */
const childScript = String.raw`
const { regexes, size, alphabet, allowed, suffixes, slowMs, matcherModule } = JSON.parse(process.argv[1]);
// Synchronous writes: a stuck regex blocks the event loop, so buffered output would never leave.
const say = (line) => require("fs").writeSync(1, line + "\n");
const singles = [];
if (alphabet === null) {
    // Controls, punctuation and one of each letter and digit class: what a
    // character class can tell apart.
    for (let c = 0; c < 0x80; c++) {
        const ch = String.fromCharCode(c);
        if (!/[b-zB-Z1-9]/.test(ch)) singles.push(ch);
    }
    singles.push("\u00a0", "\u0085", "\u2028", "\u200b", "\ufeff", "\u00e9", "\ud83d\ude00");
} else {
    singles.push(...alphabet);
}
regexes.forEach(({ source, flags }, r) => {
    // With matcherModule, the pattern runs on the matcher the pack itself uses
    // for it (compileNamePattern), not on JavaScript's RegExp.
    const re = matcherModule === null ? new RegExp(source, flags.includes("g") ? flags : flags + "g") : null;
    const compiled = matcherModule === null ? null : require(matcherModule).compileNamePattern(source);
    if (typeof compiled === "string") throw new Error("pattern refused: " + compiled);
    // Characters the regex names, plus a few common ones, make the two-character runs.
    const named = new Set("aA0 -".split("").filter((ch) => singles.includes(ch)));
    for (const ch of source.replace(/\\[dDwWsSbBnrtvf0]/g, "")) {
        if (ch.charCodeAt(0) < 0x80 && !"\\^$|?()[]{}+*".includes(ch) && (allowed === null || allowed.includes(ch))) named.add(ch);
    }
    const pumps = [...new Set([...singles, ...named])];
    for (const a of named) for (const b of named) if (a !== b) pumps.push(a + b);
    let count = 0;
    say("regex " + r);
    attack: for (const pump of pumps) {
        for (const suffix of suffixes) {
            const input = pump.repeat(Math.ceil(size / pump.length)).slice(0, size) + suffix;
            say("start " + JSON.stringify(pump + " + " + suffix));
            const time = () => {
                const t = process.hrtime.bigint();
                if (re !== null) input.replace(re, ""); else compiled.test(input);
                return Number((process.hrtime.bigint() - t) / 1000000n);
            };
            let ms = time();
            // A busy machine can pause this process: slow counts only if it is slow three times.
            for (let again = 0; again < 2 && ms > slowMs; again++) ms = Math.min(ms, time());
            say("done " + ms);
            count++;
            // One slow input is verdict enough; the rest would only cost time.
            if (ms > slowMs) {
                say("slow " + ms);
                break attack;
            }
        }
    }
    say("end " + count);
});
`;

export interface AttackResult {
    /** How many inputs ran to completion. */
    inputs: number;
    /** The slowest completed input, in ms. */
    slowestMs: number;
    /** The repeated unit and suffix of the input that exceeded the bound, if one did. */
    stuckOn?: string;
    /** The input that completed but took longer than `slowMs`, if one did (the rest were skipped). */
    slowOn?: string;
}

export interface AttackOptions {
    /** Characters the runs are made of; by default ASCII controls and punctuation, one letter and digit, and some Unicode. */
    alphabet?: readonly string[];
    /** Characters of the regex's own source that may join the runs (default: any ASCII). */
    allowed?: readonly string[];
    /** An input that takes longer than this ends the regex's attack as slow (default: never). */
    slowMs?: number;
    /** What follows the repeated run; by default characters that rarely match. */
    suffixes?: readonly string[];
    /** A compiled module exporting compileNamePattern: run patterns on it instead of RegExp. */
    matcherModule?: string;
}

export interface RegexSpec {
    source: string;
    flags: string;
}

/**
 * The CPU time a process has used, in ms, from Linux's /proc (utime and stime,
 * in USER_HZ = 100 ticks a second); undefined where that cannot be read.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
    if (pid === undefined) {
        return undefined;
    }
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // The fields after the command name, which may hold spaces, start with field 3 (state).
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]);
        return Number.isFinite(ticks) ? ticks * 10 : undefined;
    } catch {
        return undefined;
    }
}

/** A starved child is waited for at most this many bounds of wall time on one input. */
const maxStarvedBounds = 30;

/** Runs a child on regexes[from..]; resolves with the results it got before finishing or being killed. */
function runChild(regexes: readonly RegexSpec[], from: number, size: number, boundMs: number, options: AttackOptions, results: AttackResult[]): Promise<void> {
    return new Promise((resolve, reject) => {
        const spec = {
            regexes: regexes.slice(from), size, alphabet: options.alphabet ?? null, allowed: options.allowed ?? null,
            suffixes: options.suffixes ?? ["!\u0000"], slowMs: options.slowMs ?? Number.MAX_SAFE_INTEGER,
            matcherModule: options.matcherModule ?? null,
        };
        const child = spawn(process.execPath, ["-e", childScript, JSON.stringify(spec)], { stdio: ["ignore", "pipe", "pipe"] });
        let buffered = "";
        let stderr = "";
        let current: AttackResult | undefined;
        let currentInput: string | undefined;
        let lines = 0;
        let settled = false;
        let watchdog: NodeJS.Timeout | undefined;
        // When the current input started, in the child's CPU time and in wall time.
        let inputStart: { cpuMs?: number; wallMs: number } = { wallMs: Date.now() };
        const finish = (error?: Error): void => {
            if (settled) {
                return;
            }
            settled = true;
            if (watchdog !== undefined) {
                clearTimeout(watchdog);
            }
            if (error !== undefined) {
                reject(error);
            } else {
                resolve();
            }
        };
        const arm = (ms: number): void => {
            if (watchdog !== undefined) {
                clearTimeout(watchdog);
            }
            watchdog = setTimeout(() => {
                // Timers run before pending I/O: read what the child already
                // wrote before deciding it is stuck, or a busy machine that
                // delayed this process looks like a slow regex.
                const seen = lines;
                setImmediate(() => {
                    if (lines !== seen || settled) {
                        return;
                    }
                    // The bound is the child's CPU time on the input: on a loaded
                    // machine (two mocha workers, other jobs) it may have been
                    // waiting for a core, not backtracking.
                    const now = processCpuMs(child.pid);
                    const spent = now === undefined || inputStart.cpuMs === undefined ? undefined : now - inputStart.cpuMs;
                    if (spent !== undefined && spent < boundMs && currentInput !== undefined && Date.now() - inputStart.wallMs < maxStarvedBounds * boundMs) {
                        arm(boundMs - spent + 50);
                        return;
                    }
                    child.kill("SIGKILL");
                    if (current !== undefined) {
                        current.stuckOn = currentInput ?? "<before the first input>";
                        results.push(current);
                    }
                    finish();
                });
            }, ms);
        };
        // Starting node is not part of the bound.
        arm(Math.max(boundMs, 15000));
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (chunk: string) => {
            buffered += chunk;
            let nl: number;
            while ((nl = buffered.indexOf("\n")) >= 0) {
                const line = buffered.slice(0, nl);
                buffered = buffered.slice(nl + 1);
                lines++;
                const space = line.indexOf(" ");
                const word = line.slice(0, space);
                const rest = line.slice(space + 1);
                if (word === "regex") {
                    current = { inputs: 0, slowestMs: 0 };
                    currentInput = undefined;
                } else if (word === "start") {
                    currentInput = JSON.parse(rest) as string;
                    inputStart = { cpuMs: processCpuMs(child.pid), wallMs: Date.now() };
                    arm(boundMs);
                } else if (word === "done" && current !== undefined) {
                    current.inputs++;
                    current.slowestMs = Math.max(current.slowestMs, Number(rest));
                } else if (word === "slow" && current !== undefined) {
                    current.slowOn = currentInput;
                } else if (word === "end" && current !== undefined) {
                    results.push(current);
                    current = undefined;
                }
            }
        });
        child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
        });
        child.on("close", (code) => {
            if (!settled) {
                if (code === 0 && results.length === regexes.length) {
                    finish();
                } else {
                    finish(new Error(`regex child exited with ${code} before finishing: ${stderr.slice(0, 500)}`));
                }
            }
        });
    });
}

/**
 * Every input must finish within `boundMs`. Returns one result per regex, in
 * order; a regex that hung has `stuckOn` set to the input it hung on.
 */
export async function attackRegexes(regexes: readonly RegexSpec[], size: number, boundMs: number, options: AttackOptions = {}): Promise<AttackResult[]> {
    const results: AttackResult[] = [];
    while (results.length < regexes.length) {
        const before = results.length;
        await runChild(regexes, results.length, size, boundMs, options, results);
        if (results.length === before) {
            throw new Error(`regex child made no progress at /${regexes[before].source}/`);
        }
    }
    return results;
}
