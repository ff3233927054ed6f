// Figure 5: `node bin/engine/cli.js` over N exported stacks of 100 resources
// each, in one invocation, must cost no more than one start-up plus N times
// one stack analyzed alone, plus 20%.
//
// Definitions (printed with the results):
// - per-stack time P: the median, over several of the same files, of reading
//   and parsing one state file (readStateFile) and analyzing it
//   (PolicySession.analyzeResources: Remediate+Analyze per resource, then one
//   AnalyzeStack), through a PolicySession that was started, configured and
//   warmed on ten stacks beforehand: what the CLI does per input. Measured in
//   a fresh Node process (bench/per-stack.ts), as the CLI runs in one.
// - start-up S: the median wall time of the CLI on one of those stacks (spawn
//   to exit, --json) minus P.
// - total T: the wall time of one CLI run over all N stacks (spawn to exit).
// - ratio: T / (S + N * P); target <= 1.20.
// All three are CPU time of the process tree (the CLI and its pack process),
// measured anew in every round; the round's ratio is one paired ratio.
// Every CLI run gets NODE_OPTIONS=--require <counter>, which records the pid
// of every run-policy-pack process started; the N-stack run must start one.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Figure, fmtMs, judgedFigure, median, nowMs, reapedChildrenCpuMs } from "./measure";
import { stateExport, syntheticStack } from "./synthetic-stack";
import { judge, RoundPlan, runRounds } from "./verdict";

export interface RunnerOptions {
    repoRoot: string;
    scratchDir: string;
    stacks: number;
    plan: RoundPlan;
    perStackSamples: number;
    log: (line: string) => void;
}

/** 100 resources: the Stack, the provider, 2 APIs, 48 log groups, 48 stages (one log group without retention). */
function writeStates(dir: string, count: number): string[] {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (let j = 0; j < count; j++) {
        const { resources } = syntheticStack({ stack: `runner-${j}`, stages: 48, apis: 2, websocketApis: 0, noRetentionEvery: 48, badFormatEvery: 0 });
        if (resources.length !== 100) {
            throw new Error(`a runner stack has ${resources.length} resources, not 100`);
        }
        const file = path.join(dir, `stack-${String(j).padStart(3, "0")}.json`);
        fs.writeFileSync(file, stateExport(resources));
        files.push(file);
    }
    return files;
}

const counterSource = `// Written by the bench: records each run-policy-pack process.
if (process.argv[1] && /run-policy-pack/.test(process.argv[1]) && process.env.BENCH_PACK_LOG) {
    require("fs").appendFileSync(process.env.BENCH_PACK_LOG, process.pid + "\\n");
}
`;

interface CliRun {
    ms: number;
    /** CPU time of the CLI and every process it started. */
    cpuMs: number;
    code: number | null;
    stdout: string;
    stderr: string;
    packProcesses: number;
}

export function runNode(script: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Omit<CliRun, "packProcesses">> {
    return new Promise((resolve, reject) => {
        const start = nowMs();
        const cpuBefore = reapedChildrenCpuMs();
        const child = spawn(process.execPath, [script, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", reject);
        child.on("close", (code) => {
            resolve({ ms: nowMs() - start, cpuMs: reapedChildrenCpuMs() - cpuBefore, code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
        });
    });
}

async function runCli(repoRoot: string, scratchDir: string, files: readonly string[]): Promise<CliRun> {
    const counter = path.join(scratchDir, "pack-counter.js");
    fs.writeFileSync(counter, counterSource);
    const logFile = path.join(scratchDir, "pack-processes.log");
    fs.rmSync(logFile, { force: true });
    const env = {
        ...process.env,
        BENCH_PACK_LOG: logFile,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(counter)}`.trim(),
    };
    const run = await runNode(path.join(repoRoot, "bin", "engine", "cli.js"), ["--json", ...files], repoRoot, env);
    const pids = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").split("\n").filter((l) => l !== "") : [];
    return { ...run, packProcesses: pids.length };
}

/** Why a CLI run's result is not what the stacks should give, or undefined. */
function cliProblem(run: CliRun, stacks: number): string | undefined {
    if (run.code !== 0 && run.code !== 1) {
        return `the CLI exited with ${run.code}: ${run.stderr.trim().slice(0, 200)}`;
    }
    if (run.packProcesses !== 1) {
        return `the CLI started ${run.packProcesses} pack processes for ${stacks} stacks`;
    }
    let report: { violations?: { policyName?: string }[] };
    try {
        report = JSON.parse(run.stdout);
    } catch {
        return "the CLI's --json output is not JSON";
    }
    const retention = (report.violations ?? []).filter((v) => v.policyName === "apigatewayv2-access-log-group-retention").length;
    return retention === stacks ? undefined : `the CLI reported ${retention} retention violations for ${stacks} stacks (one each expected)`;
}

export async function runner(opts: RunnerOptions): Promise<Figure[]> {
    const t0 = nowMs();
    const files = writeStates(path.join(opts.scratchDir, "runner-states"), opts.stacks);
    opts.log(`runner: wrote ${files.length} state files in ${fmtMs(nowMs() - t0)}`);

    const maxRatio = 1.2;
    const ratios: number[] = [];
    const perStack: number[] = [];
    const one: CliRun[] = [];
    const all: CliRun[] = [];
    const problems: string[] = [];
    await runRounds(opts.plan, async (round) => {
        // Per-stack time through an already-started session, in a fresh process.
        const perStackRun = await runNode(path.join(__dirname, "per-stack.js"), [opts.repoRoot, String(opts.perStackSamples), ...files.slice(0, 10 + opts.perStackSamples)], opts.repoRoot, process.env);
        if (perStackRun.code !== 0) {
            throw new Error(`the per-stack measurement failed: ${perStackRun.stderr.trim().slice(0, 300)}`);
        }
        const p = median((JSON.parse(perStackRun.stdout) as { samplesMs: number[] }).samplesMs);
        // The cold CLI on one stack and on all of them, in alternating order.
        const single = round % 2 === 0 ? await runCli(opts.repoRoot, opts.scratchDir, files.slice(0, 1)) : undefined;
        const whole = await runCli(opts.repoRoot, opts.scratchDir, files);
        const t1 = single ?? await runCli(opts.repoRoot, opts.scratchDir, files.slice(0, 1));
        for (const [run, n] of [[t1, 1], [whole, files.length]] as const) {
            const problem = cliProblem(run, n);
            if (problem !== undefined && problems.length < 2) {
                problems.push(`${n} stack(s): ${problem}`);
            }
        }
        perStack.push(p);
        one.push(t1);
        all.push(whole);
        const budget = t1.cpuMs - p + files.length * p;
        ratios.push(whole.cpuMs / budget);
        opts.log(`runner: round ${round + 1}: CPU per stack ${fmtMs(p)}, CLI on one stack ${fmtMs(t1.cpuMs)}, on ${files.length} ${fmtMs(whole.cpuMs)} (wall ${fmtMs(whole.ms)}, ${whole.packProcesses} pack process); ratio ${(whole.cpuMs / budget).toFixed(2)}`);
    }, () => judge(ratios, maxRatio, opts.plan.maxRounds).decision === "MORE");
    const p = median(perStack);
    const s = median(one.map((r) => r.cpuMs)) - p;
    const budget = s + files.length * p;
    const figure = judgedFigure({
        id: "5",
        name: `analyze CLI, ${files.length} stacks x 100 resources`,
        measured: `${fmtMs(median(all.map((r) => r.cpuMs)))} CPU, ${fmtMs(median(all.map((r) => r.ms)))} wall`,
        baseline: `${fmtMs(s)} + ${files.length} x ${fmtMs(p)} = ${fmtMs(budget)}`,
        maxRatio,
    }, ratios, opts.plan.maxRounds);
    if (problems.length > 0) {
        figure.error = problems.join("; ");
    }
    return [figure];
}
