// `npm run bench [-- --quick] [-- --only 1,2,...]`
//
// The performance figures of issue 4, each measured against a baseline in the
// same run, through the engine driver (the real launch and the real Analyzer
// protocol) except figure 4, which times the policy functions in-process.
// Prints one line per figure; exits 1 if a target is missed, 2 if the bench
// itself could not run. Progress goes to stderr, figures to stdout. How a
// target is judged (rounds, paired ratios, medians) is in verdict.ts.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { coldStart } from "./cold-start";
import { hostileSizes } from "./hostile-sizes";
import { failedFigure, Figure, figureLine, fmtMs, headerLine, nowMs, statusOf } from "./measure";
import { maxRatio as analyzeMaxRatio, notApplicableAnalysis, resourceAnalysis } from "./resource-analysis";
import { programMode } from "./program-mode";
import { runner } from "./runner";
import { stackAnalysis, stackPoliciesInProcess } from "./stack-analysis";

interface Settings {
    quick: boolean;
    only: Set<string> | undefined;
}

const usage = "usage: npm run bench -- [--quick] [--only 1,2,3,4,5,6,8]";

function parseArgs(argv: readonly string[]): Settings {
    const settings: Settings = { quick: false, only: undefined };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--quick") {
            settings.quick = true;
        } else if (arg === "--only" || arg.startsWith("--only=")) {
            const value = arg === "--only" ? argv[++i] : arg.slice("--only=".length);
            if (!value || !/^[1-68](,[1-68])*$/.test(value)) {
                throw new Error(`--only needs a comma-separated list of figure numbers 1-6 and 8\n${usage}`);
            }
            settings.only = new Set(value.split(","));
        } else if (arg === "--help" || arg === "-h") {
            process.stdout.write(`${usage}\n`);
            process.exit(0);
        } else {
            throw new Error(`unknown argument ${JSON.stringify(arg.slice(0, 40))}\n${usage}`);
        }
    }
    return settings;
}

/** The repository root: the nearest ancestor holding PulumiPolicy.yaml (bin/bench -> repo). */
function findRepoRoot(): string {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml")) || !fs.existsSync(path.join(dir, "package.json"))) {
        const up = path.dirname(dir);
        if (up === dir) {
            throw new Error("cannot find the repository root (no PulumiPolicy.yaml above bin/bench)");
        }
        dir = up;
    }
    return dir;
}

const definitions = [
    "Verdicts: every round measures the pack and its baseline back to back; a figure's ratio is the median of the",
    "rounds' paired ratios (for a growth figure, the pack's growth over the baseline's growth in the same round), and",
    "its spread is an order-statistic interval for that median with its confidence. PASS when the whole interval is",
    "within the target, FAIL when it is all above; in between, more rounds, then the median decides (\"close\").",
    "Times are CPU time (the pack process, the CLI's process tree, or the bench process for 4), which other load on",
    "the machine barely moves; wall times are shown for reference.",
    "",
    "Definitions (every baseline is measured in the same run):",
    " 1  spawn of `node run-policy-pack` to its port line (PackProcess.startupMs), pack dir = repo root (main bin/index.js),",
    "    vs bench/fixtures/bare-pack (new PolicyPack(\"bare\", {policies: []}), same node_modules and run-policy-pack).",
    "    1b: a pack dir whose main is index.ts (with the repo's tsconfig), which run-policy-pack type-checks with ts-node.",
    " 2  AnalyzeStack round trip of one request serialized beforehand (sending it, the pack's deserialization and",
    "    policies, the response): 10,000 stages bound to 10,000 log groups by propertyDependencies and known ARNs, 1,000",
    "    APIs, the Stack and the provider; vs bench/fixtures/noop-pack (a no-op for each policy of the registry, of the same kind) on",
    "    the same bytes. 2b: per round, the pack's growth from 1k (1,000 stages, 1,000 log groups, 100 APIs; the lower",
    "    of two calls) to 10k over the no-op pack's growth in that round (1 = grows exactly like the SDK's own work).",
    "    2c: the pack's stack-only policies alone, in-process, on what the SDK builds from the same requests (no target).",
    " 3  Analyze per stage (its inputs, serialized beforehand) vs bench/fixtures/honest-noop-pack (the same policies, types",
    "    and levels, checking nothing, answering args.notApplicable(reason) for other types: the floor for a pack honest",
    "    in compliance views); the packs rotate stage by stage; each call timed by its pack process's CPU time; a round",
    "    is a block of stages, its ratio the pack's median call over the baseline's median call in that block. Last",
    "    column (not judged): the same ratio over bench/fixtures/noop-pack, which answers nothing.",
    " 3b as 3, on resources no policy checks (S3 buckets, Lambda functions, IAM roles, in turn): every policy of both",
    "    the pack and the honest no-op pack answers not applicable.",
    " 4  in-process: every policy (the resource policies on the stage, the stack-only ones on stage + API + log group) on",
    "    props built by the SDK's own deserializer and proxy; time per evaluation at 1 MiB over 64 KiB, worst shape",
    "    (linear = 16). 4c: a 100 KiB ARN (no target).",
    " 5  T = CPU time of `node bin/engine/cli.js --json` and its pack process over N state files in one run",
    "    (pack processes counted: 1). P = per-stack time alone = median CPU time (the process and its pack) of",
    "    readStateFile + PolicySession.analyzeResources of one of those files, in a fresh process whose session was",
    "    started, configured and warmed on ten other files. S = start-up = CPU time of the CLI on one file, minus P.",
    "    Each round measures P, S and T anew; its ratio is T / (S + N*P).",
    " 6  VmHWM from /proc/<pid>/status of the figure-2 pack processes just before they are closed (no target).",
    " 7  `npm test` is not run by the bench (it takes minutes); time it with `time npm test` on a fresh clone.",
];

async function main(): Promise<number> {
    const settings = parseArgs(process.argv.slice(2));
    const repoRoot = findRepoRoot();
    const scratchDir = path.join(repoRoot, ".bench-tmp");
    fs.mkdirSync(scratchDir, { recursive: true });
    const q = settings.quick;
    /** Rounds always run, and the cap while a verdict straddles its target. */
    const plan = (quick: number, full: number, extra: number) => ({ rounds: q ? quick : full, maxRounds: (q ? quick : full) + extra });
    const started = nowMs();
    const log = (line: string) => process.stderr.write(`  [${((nowMs() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
    const wanted = (n: string) => settings.only === undefined || settings.only.has(n);

    process.stdout.write(`bench: ${q ? "QUICK (fewer rounds and sizes; less precise)" : "full"} run on ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, node ${process.version}\n`);
    process.stdout.write(`${headerLine()}\n`);
    const figures: Figure[] = [];
    const emit = (list: Figure[]) => {
        for (const f of list) {
            figures.push(f);
            process.stdout.write(`${figureLine(f)}\n`);
        }
    };
    const guarded = async (id: string, name: string, maxRatio: number | undefined, run: () => Promise<Figure[]> | Figure[]) => {
        try {
            emit(await run());
        } catch (e) {
            emit([failedFigure(id, name, e, maxRatio)]);
        }
    };

    if (wanted("1")) {
        await guarded("1", "cold start", 1.10, () => coldStart({ repoRoot, scratchDir, plan: plan(5, 15, 6), tsRounds: q ? 1 : 3, log }));
    }
    if (wanted("2") || wanted("6")) {
        const stackOpts = { repoRoot, plan: plan(4, 7, 4), log };
        let rpc10k: number | undefined;
        await guarded("2", "AnalyzeStack 10k", 1.2, async () => {
            const figures = await stackAnalysis(stackOpts);
            rpc10k = figures.find((f) => f.id === "2")?.measuredMs;
            return figures;
        });
        await guarded("2c", "stack policies in-process", undefined, () => [stackPoliciesInProcess(stackOpts, rpc10k)]);
    }
    if (wanted("3")) {
        const analyzeOpts = { repoRoot, blockSize: 400, plan: plan(5, 12, 4), log };
        await guarded("3", "Analyze per stage", analyzeMaxRatio, () => resourceAnalysis(analyzeOpts));
        await guarded("3b", "Analyze per unrelated resource", analyzeMaxRatio, () => notApplicableAnalysis(analyzeOpts));
    }
    if (wanted("4")) {
        await guarded("4", "hostile sizes", 20, () => hostileSizes({ samples: q ? 7 : 11, log }));
    }
    if (wanted("5")) {
        await guarded("5", "analyze CLI", 1.2, () => runner({ repoRoot, scratchDir, stacks: q ? 40 : 200, plan: plan(3, 3, 2), perStackSamples: q ? 5 : 9, log }));
    }
    if (wanted("8")) {
        await guarded("8", "analyze --preview, program", 1.1, () => programMode({ repoRoot, scratchDir, apis: 500, plan: plan(3, 5, 2), log }));
    }
    emit([{ id: "7", name: "npm test (not run by the bench)", measured: "-", baseline: "-" }]);

    const failed = figures.filter((f) => statusOf(f) === "FAIL");
    process.stdout.write(`\n${definitions.join("\n")}\n\n`);
    process.stdout.write(`bench finished in ${fmtMs(nowMs() - started)}: ${failed.length === 0 ? "every target met" : `${failed.length} FAIL (${failed.map((f) => f.id).join(", ")})`}\n`);
    return failed.length === 0 ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`bench error: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(2);
    },
);
