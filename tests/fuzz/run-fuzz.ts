import { randomInt } from "crypto";
import { FuzzFailure, generateCases, runCases, startSessions } from "./fuzz-driver";
import { repoRoot } from "../repo-root";

// `npm run fuzz`: the long protocol fuzz. Prints its seed first, so any
// failure can be replayed with `npm run fuzz -- --seed N`.
//   --seed N       replay a run (default: a fresh random seed)
//   --resources N  how many hostile resources to send (default 5000)
//   --max-string N cut generated strings to N characters (default: whole, up to 1 MiB)
// Exit 0: no failures. Exit 1: failures (with the replay command). Exit 2: bad arguments.

const usage = "usage: npm run fuzz -- [--seed N] [--resources N] [--max-string N]";

interface Options {
    seed: number;
    resources: number;
    maxString?: number;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
    const options: Options = { seed: randomInt(0, 2 ** 31 - 1), resources: 5000 };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        if (flag !== "--seed" && flag !== "--resources" && flag !== "--max-string") {
            throw new UsageError(`unknown argument ${JSON.stringify(arg.slice(0, 40))}; ${usage}`);
        }
        const text = inline ?? argv[++i];
        if (text === undefined || !/^\d{1,10}$/.test(text) || Number(text) > 2 ** 31 - 1) {
            throw new UsageError(`${flag} needs a whole number from 0 to ${2 ** 31 - 1}; ${usage}`);
        }
        if (flag === "--seed") {
            options.seed = Number(text);
        } else if (flag === "--max-string") {
            options.maxString = Number(text);
        } else {
            options.resources = Math.max(1, Number(text));
        }
    }
    return options;
}

function describeFailure(f: FuzzFailure): string {
    return `  ${f.mode} case #${f.caseIndex}: ${f.kind}: ${f.detail.replace(/[\r\n]+/g, " ").slice(0, 500)}`;
}

async function main(): Promise<number> {
    let options: Options;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (e) {
        if (e instanceof UsageError) {
            console.error(`fuzz: ${e.message}`);
            return 2;
        }
        throw e;
    }
    const maxString = options.maxString === undefined ? "" : ` --max-string ${options.maxString}`;
    const replay = `npm run fuzz -- --seed ${options.seed} --resources ${options.resources}${maxString}`;
    console.log(`fuzz: seed ${options.seed}, ${options.resources} resources${maxString === "" ? "" : `, strings cut to ${options.maxString} characters`}`);
    const started = Date.now();
    const cases = generateCases(options.seed, options.resources, { maxStringLength: options.maxString });
    const sessions = await startSessions(repoRoot);
    let lastReport = Date.now();
    try {
        const { failures, stats } = await runCases(sessions, cases, (index, s) => {
            if (Date.now() - lastReport > 10000) {
                lastReport = Date.now();
                console.log(`fuzz: ${index + 1}/${cases.length} stacks, ${s.resources} resources, ${s.failures} failures so far`);
            }
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`fuzz: ${stats.cases} stacks, ${stats.resources} resources, ${stats.analyses} resource analyses (preview + update), ` +
            `${stats.violations} violations, ${stats.remediations} remediations, ${failures.length} failures, ${seconds} s`);
        if (failures.length > 0) {
            for (const f of failures.slice(0, 20)) {
                console.log(describeFailure(f));
            }
            if (failures.length > 20) {
                console.log(`  and ${failures.length - 20} more`);
            }
            console.log(`fuzz: FAILED; replay with: ${replay}`);
            return 1;
        }
        return 0;
    } finally {
        await sessions.preview.close();
        await sessions.update.close();
    }
}

main().then(
    (code) => {
        process.exitCode = code;
    },
    (e: unknown) => {
        console.error(`fuzz: ${e instanceof Error ? e.message.replace(/[\r\n]+/g, " ") : String(e)}`);
        process.exitCode = 1;
    },
);
