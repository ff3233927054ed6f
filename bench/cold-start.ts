// Figure 1: time from spawning run-policy-pack to the port line, as the Pulumi
// engine waits for it at every preview and update. The pack (package.json main
// = compiled bin/index.js, launched from the repository root) against a bare
// @pulumi/policy pack with no policies on the same node_modules. Also the
// start of the same pack from TypeScript sources (main = index.ts), which
// run-policy-pack type-checks with ts-node: the reason `main` is compiled.
import * as fs from "fs";
import * as path from "path";
import { PackProcess } from "../engine/protocol/pack-process";
import { alternate, Figure, fmtMs, median } from "./measure";

export interface ColdStartOptions {
    repoRoot: string;
    scratchDir: string;
    rounds: number;
    tsRounds: number;
    log: (line: string) => void;
}

async function startOnce(packDir: string, timeoutMs = 60_000): Promise<number> {
    const pack = await PackProcess.start({ packDir, preview: true, project: "apigw-bench", stack: "bench", startTimeoutMs: timeoutMs });
    const ms = pack.startupMs;
    await pack.close();
    return ms;
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
    const samples = await alternate(opts.rounds, () => startOnce(opts.repoRoot), () => startOnce(barePack),
        (r) => opts.log(`cold start: round ${r + 1}/${opts.rounds}`));
    const ours = median(samples.a);
    const bare = median(samples.b);
    opts.log(`cold start samples: pack ${samples.a.map((v) => v.toFixed(0)).join(" ")} | bare ${samples.b.map((v) => v.toFixed(0)).join(" ")}; median of per-round ratios ${median(samples.a.map((v, i) => v / samples.b[i])).toFixed(3)}`);
    const figures: Figure[] = [{
        id: "1",
        name: "cold start, spawn to port (main=bin/index.js)",
        measured: fmtMs(ours),
        baseline: `${fmtMs(bare)} bare pack`,
        ratio: ours / bare,
        maxRatio: 1.10,
    }];

    const tsDir = makeTypeScriptPackDir(opts.repoRoot, opts.scratchDir);
    const tsSamples: number[] = [];
    for (let i = 0; i < opts.tsRounds; i++) {
        tsSamples.push(await startOnce(tsDir, 180_000));
        opts.log(`ts-node start: run ${i + 1}/${opts.tsRounds}: ${tsSamples[i].toFixed(0)} ms`);
    }
    const ts = median(tsSamples);
    figures.push({
        id: "1b",
        name: "cold start, main=index.ts (ts-node typeCheck)",
        measured: fmtMs(ts),
        baseline: `${fmtMs(ours)} compiled main`,
        ratio: ts / ours,
    });
    return figures;
}
