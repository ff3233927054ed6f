// Figure 1: time from spawning run-policy-pack to the port line, as the Pulumi
// engine waits for it at every preview and update. Judged on the CPU time the
// pack process used until then (it is idle once the port is printed); wall
// time is reported alongside. The pack (package.json main
// = compiled bin/index.js, launched from the repository root) against a bare
// @pulumi/policy pack with no policies on the same node_modules. Also the
// start of the same pack from TypeScript sources (main = index.ts), which
// run-policy-pack type-checks with ts-node: the reason `main` is compiled.
import * as fs from "fs";
import * as path from "path";
import { PackProcess } from "../engine/protocol/pack-process";
import { Figure, fmtMs, judgedFigure, median, processCpuMs } from "./measure";
import { judge, RoundPlan, runRounds } from "./verdict";

export interface ColdStartOptions {
    repoRoot: string;
    scratchDir: string;
    plan: RoundPlan;
    tsRounds: number;
    log: (line: string) => void;
}

interface Start {
    wallMs: number;
    cpuMs: number;
}

async function startOnce(packDir: string, timeoutMs = 60_000): Promise<Start> {
    const pack = await PackProcess.start({ packDir, preview: true, project: "apigw-bench", stack: "bench", startTimeoutMs: timeoutMs });
    const start = { wallMs: pack.startupMs, cpuMs: processCpuMs(pack.pid) };
    await pack.close();
    return start;
}

/**
 * A pack directory whose main is the TypeScript entry point. index.ts is a
 * symlink, and Node resolves modules by real path, so its imports load the
 * repository's own policies/ and lib/ sources; tsconfig.json is the
 * repository's settings, as a user's source checkout would have.
 */
export function makeTypeScriptPackDir(repoRoot: string, scratchDir: string): string {
    const dir = path.join(scratchDir, "ts-main-pack");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: pkg.name, version: pkg.version, main: "index.ts" }, null, 4));
    fs.copyFileSync(path.join(repoRoot, "PulumiPolicy.yaml"), path.join(dir, "PulumiPolicy.yaml"));
    const tsconfig = JSON.parse(fs.readFileSync(path.join(repoRoot, "tsconfig.json"), "utf8"));
    delete tsconfig.compilerOptions.outDir;
    delete tsconfig.compilerOptions.rootDir;
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: tsconfig.compilerOptions, files: ["index.ts"] }, null, 4));
    fs.symlinkSync(path.join(repoRoot, "index.ts"), path.join(dir, "index.ts"));
    return dir;
}

export async function coldStart(opts: ColdStartOptions): Promise<Figure[]> {
    const barePack = path.join(opts.repoRoot, "bench", "fixtures", "bare-pack");
    // One discarded start of each fills the page cache for both.
    await startOnce(opts.repoRoot);
    await startOnce(barePack);
    const ours: Start[] = [];
    const bare: Start[] = [];
    const ratios: number[] = [];
    const maxRatio = 1.10;
    await runRounds(opts.plan, async (round) => {
        const first = round % 2 === 0;
        const a = first ? await startOnce(opts.repoRoot) : undefined;
        const b = await startOnce(barePack);
        const pack = a ?? await startOnce(opts.repoRoot);
        ours.push(pack);
        bare.push(b);
        ratios.push(pack.cpuMs / b.cpuMs);
        opts.log(`cold start: round ${round + 1}: pack ${pack.cpuMs.toFixed(0)} ms CPU (${pack.wallMs.toFixed(0)} ms wall), bare ${b.cpuMs.toFixed(0)} ms CPU (${b.wallMs.toFixed(0)} ms wall)`);
    }, () => judge(ratios, maxRatio, opts.plan.maxRounds).decision === "MORE");
    const oursCpu = median(ours.map((s) => s.cpuMs));
    const oursWall = median(ours.map((s) => s.wallMs));
    const figures: Figure[] = [judgedFigure({
        id: "1",
        name: "cold start, spawn to port (main=bin/index.js)",
        measured: `${fmtMs(oursCpu)} CPU, ${fmtMs(oursWall)} wall`,
        baseline: `${fmtMs(median(bare.map((s) => s.cpuMs)))} CPU, ${fmtMs(median(bare.map((s) => s.wallMs)))} wall, bare`,
        maxRatio,
    }, ratios, opts.plan.maxRounds)];

    const tsDir = makeTypeScriptPackDir(opts.repoRoot, opts.scratchDir);
    const tsSamples: Start[] = [];
    for (let i = 0; i < opts.tsRounds; i++) {
        tsSamples.push(await startOnce(tsDir, 180_000));
        opts.log(`ts-node start: run ${i + 1}/${opts.tsRounds}: ${tsSamples[i].cpuMs.toFixed(0)} ms CPU, ${tsSamples[i].wallMs.toFixed(0)} ms wall`);
    }
    const ts = median(tsSamples.map((s) => s.cpuMs));
    figures.push({
        id: "1b",
        name: "cold start, main=index.ts (ts-node typeCheck)",
        measured: `${fmtMs(ts)} CPU, ${fmtMs(median(tsSamples.map((s) => s.wallMs)))} wall`,
        baseline: `${fmtMs(oursCpu)} CPU, compiled main`,
        ratio: ts / oursCpu,
    });
    return figures;
}
