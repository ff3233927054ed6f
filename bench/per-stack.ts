// Child process of figure 5: the per-stack time "alone", measured in a fresh
// Node process (like the CLI's own) rather than in the bench process, whose
// heap is full of the other figures' data.
//
//   node bin/bench/per-stack.js <packDir> <samples> <file>...
//
// Starts one PolicySession the way the CLI does (preview, project and stack
// of the first file), configures it, warms it on ten stacks, then times
// readStateFile + analyzeResources (remediations reported, not applied) on
// files taken in turn. Prints {"samplesMs": [...]} on stdout: per stack, the
// CPU time of this process plus that of its pack process (the same process
// tree the CLI runs as).
import { PolicySession } from "../engine/protocol/policy-session";
import { readStateFile } from "../engine/inputs/state-file";
import { childPids, processCpuMs, selfCpuMs } from "./measure";

/** Stacks analyzed before timing, so the samples are of a warm process, as most of a long run is. */
const warmUpStacks = 10;

async function main(argv: readonly string[]): Promise<void> {
    const [packDir, samplesArg, ...files] = argv;
    const samples = Number(samplesArg);
    if (!packDir || !(samples > 0) || files.length === 0) {
        throw new Error("usage: node bin/bench/per-stack.js <packDir> <samples> <file>...");
    }
    const first = readStateFile(files[0]);
    const session = await PolicySession.start({ packDir, preview: true, project: first.project, stack: first.stack });
    const samplesMs: number[] = [];
    try {
        await session.configure();
        const packs = childPids(process.pid);
        const treeCpuMs = () => selfCpuMs() + packs.reduce((sum, pid) => sum + processCpuMs(pid), 0);
        for (const file of files.slice(0, warmUpStacks)) {
            await session.analyzeResources(readStateFile(file).resources, { applyRemediations: false });
        }
        for (let i = 0; i < samples; i++) {
            const start = treeCpuMs();
            const state = readStateFile(files[(warmUpStacks + i) % files.length]);
            await session.analyzeResources(state.resources, { applyRemediations: false });
            samplesMs.push(treeCpuMs() - start);
        }
    } finally {
        await session.close();
    }
    process.stdout.write(`${JSON.stringify({ samplesMs })}\n`);
}

main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e) => {
        process.stderr.write(`per-stack: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(2);
    },
);
