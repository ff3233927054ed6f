import { execFile } from "child_process";
import { errorLine, main, RunEnvironment } from "../../engine/cli";
import { escapeControlChars } from "../../lib/quote";
import { cliPath, repoRoot } from "./helpers";

// Two ways to run `npm run analyze` for a test. A spawned CLI costs a Node
// process that loads @pulumi/pulumi, @pulumi/policy and, for a program,
// TypeScript and @pulumi/aws (about 1 s of CPU, 2 s for a program) before
// its own pack process starts. Most CLI tests check what the report says and
// the exit code main() decides; those call main() in the test's process, with
// its own real pack process, and share the loaded modules between runs
// (run-program isolates each program run, as the CLI does for several
// programs in one run). What only a real process shows stays spawned, at least
// one test each: the exit code reaching the shell, what reaches stdout and
// stderr in order, a program's output diverted to stderr, signals, --help and
// the errors found before the pack starts.

export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** Variables a run must not inherit from `npm test`, unless a test sets them. */
const unsetVariables = ["INIT_CWD", "npm_lifecycle_event", "FORCE_COLOR", "NO_COLOR", "PULUMI_ORGANIZATION"];

function runEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
    for (const k of unsetVariables) {
        if (!(k in extra)) {
            delete env[k];
        }
    }
    return env;
}

/** Runs bin/engine/cli.js as a user would, from the repository's root. */
export function spawnCli(args: readonly string[], extra: Record<string, string> = {}): Promise<CliRun> {
    return new Promise((resolve) => {
        execFile(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: runEnv(extra), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
            resolve({ code, stdout, stderr });
        });
    });
}

/**
 * Runs the CLI's main() here, from `cwd`, and returns what the
 * CLI process would print: the report and a newline on stdout, progress lines
 * and the one error line on stderr (engine/cli.ts, finish() and fail()).
 * `extra` reaches what main() reads of the environment (the organization,
 * colour); the pack process inherits this process's environment, as it
 * inherits the CLI's.
 */
export async function cliInProcess(args: readonly string[], extra: Record<string, string> = {}, cwd = repoRoot): Promise<CliRun> {
    const stderr: string[] = [];
    const io: RunEnvironment = {
        env: runEnv(extra),
        cwd,
        stdoutIsTTY: false,
        stderrIsTTY: false,
        progress: (line) => stderr.push(`${line}\n`),
    };
    try {
        const { code, stdout } = await main(args, io);
        return { code, stdout: stdout ? `${stdout}\n` : "", stderr: stderr.join("") };
    } catch (e) {
        stderr.push(`${escapeControlChars(errorLine(e))}\n`);
        return { code: 2, stdout: "", stderr: stderr.join("") };
    }
}
