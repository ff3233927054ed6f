// `npm run analyze -- [--json] [--preview|--update] [--config FILE] [--policy-pack DIR] [--runtime LANG] [PATH...]`
//
// Analyzes `pulumi stack export` files and Pulumi TypeScript program
// directories with this policy pack, through the same launch and Analyzer
// protocol the Pulumi engine uses, without the Pulumi CLI, credentials or a
// backend. One pack process serves every input.
//
// Exit codes: 0 no mandatory violation; 1 at least one mandatory violation;
// 2 bad usage, an input or config error, a policy pack failure, or an
// unexpected internal error. Errors are one line on stderr ("error: …", or
// "internal error: …" for a fault in the driver itself), never a stack trace.
import * as fs from "fs";
import * as path from "path";
import { runtimes, runtimeTag } from "../lib/fix-snippets";
import { nearest } from "../lib/policy-config";
import { escapeControlChars, quote } from "../lib/quote";
import { readConfigFile } from "./inputs/config-file";
import { InputError, isInputError } from "./errors";
import { oneLine, PackError } from "./protocol/pack-process";
import { PolicySession, StackIdentity } from "./protocol/policy-session";
import { runProgram } from "./inputs/program/run-program";
import { jsonReport } from "./reports/json-report";
import { hasMandatory, InputKind, InputReport, RunReport } from "./reports/run-report";
import { humanReport } from "./reports/text-report";
import { EngineResource } from "./resource-model";
import { readStateFile, StateFileResult } from "./inputs/state-file";

export const usage = [
    "usage: npm run analyze -- [--json] [--preview|--update] [--config FILE] [--policy-pack DIR] [--runtime LANG] [PATH...]",
    "",
    "  PATH            a `pulumi stack export` file, or a Pulumi TypeScript program directory",
    "                  (default: every program under examples/)",
    "  --preview       analyze as `pulumi preview` does: outputs not yet known stay unknown (default)",
    "  --update        analyze as `pulumi up` does: programs get plausible outputs",
    "  --config FILE   policy config JSON, as for `pulumi preview --policy-pack-config`",
    "  --policy-pack DIR  the policy pack to run (default: this repository)",
    `  --runtime LANG  the program language behind the state files (${runtimes.join(", ")}): the`,
    "                  pulumi:runtime stack tag, which picks the language of fixes (default: none,",
    "                  so TypeScript); programs are TypeScript and always run as nodejs",
    "  --json          print one JSON object: {violations: [...], summary: {...}}",
    "",
    "exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 usage, input, config or pack error",
].join("\n");

export interface CliOptions {
    json: boolean;
    mode: "preview" | "update";
    config?: string;
    packDir?: string;
    /** The `pulumi:runtime` tag for state files. */
    runtime?: string;
    paths: string[];
    help: boolean;
}

const flags = ["--json", "--preview", "--update", "--config", "--policy-pack", "--runtime", "--help"];

function runtimeValue(value: string): string {
    if (!runtimes.includes(value)) {
        const near = nearest(value.toLowerCase(), runtimes);
        throw new InputError(`--runtime ${quote(value)} is not a Pulumi runtime; use one of ${runtimes.join(", ")}${near ? ` (did you mean ${near}?)` : ""}`);
    }
    return value;
}

export function parseArgs(argv: readonly string[]): CliOptions {
    const opts: CliOptions = { json: false, mode: "preview", paths: [], help: false };
    let modeFlag: string | undefined;
    const setMode = (flag: string, mode: "preview" | "update") => {
        if (modeFlag !== undefined && modeFlag !== flag) {
            throw new InputError(`${modeFlag} and ${flag} cannot be used together`);
        }
        modeFlag = flag;
        opts.mode = mode;
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--") {
            opts.paths.push(...argv.slice(i + 1));
            break;
        }
        if (!arg.startsWith("-") || arg === "-") {
            opts.paths.push(arg);
            continue;
        }
        const eq = arg.indexOf("=");
        const name = eq > 0 ? arg.slice(0, eq) : arg;
        const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
        const value = (): string => {
            if (inline !== undefined) {
                if (inline === "") {
                    throw new InputError(`${name} needs a value`);
                }
                return inline;
            }
            const next = argv[i + 1];
            if (next === undefined || next === "" || (next.startsWith("--") && next.length > 2)) {
                throw new InputError(`${name} needs a value`);
            }
            i++;
            return next;
        };
        const noValue = () => {
            if (inline !== undefined) {
                throw new InputError(`${name} takes no value`);
            }
        };
        switch (name) {
            case "--json":
                noValue();
                opts.json = true;
                break;
            case "--preview":
                noValue();
                setMode("--preview", "preview");
                break;
            case "--update":
                noValue();
                setMode("--update", "update");
                break;
            case "--config":
                if (opts.config !== undefined) {
                    throw new InputError("--config may be given only once");
                }
                opts.config = value();
                break;
            case "--policy-pack":
                opts.packDir = value();
                break;
            case "--runtime":
                if (opts.runtime !== undefined) {
                    throw new InputError("--runtime may be given only once");
                }
                opts.runtime = runtimeValue(value());
                break;
            case "--help":
            case "-h":
                opts.help = true;
                break;
            default: {
                const near = nearest(name, flags);
                throw new InputError(`unknown option ${quote(name)}${near ? `; did you mean ${near}?` : ""} (see --help)`);
            }
        }
    }
    for (const p of opts.paths) {
        if (p === "") {
            throw new InputError("an empty PATH was given");
        }
    }
    return opts;
}

/** The pack directory: the nearest ancestor of this file holding PulumiPolicy.yaml (bin/engine -> repo root). */
export function defaultPackDir(from: string = __dirname): string {
    let dir = from;
    for (;;) {
        if (fs.existsSync(path.join(dir, "PulumiPolicy.yaml")) && fs.existsSync(path.join(dir, "package.json"))) {
            return dir;
        }
        const up = path.dirname(dir);
        if (up === dir) {
            return path.resolve(__dirname, "..", "..");
        }
        dir = up;
    }
}

export interface InputSpec {
    path: string;
    /** How the report names it: as given, or examples/<name>. */
    label: string;
    kind: InputKind;
}

/**
 * A directory is a program, and so is a program's own file (Pulumi.yaml or a
 * .ts/.js entry point); anything else is read as a state file.
 */
export function resolveInputs(paths: readonly string[], root: string): InputSpec[] {
    if (paths.length === 0) {
        const examples = path.join(root, "examples");
        let entries: fs.Dirent[] = [];
        try {
            entries = fs.readdirSync(examples, { withFileTypes: true });
        } catch {
            entries = [];
        }
        const programs = entries
            .filter((e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules")
            .map((e) => e.name)
            .sort()
            .map((name) => ({ path: path.join("examples", name), abs: path.join(examples, name) }));
        if (programs.length === 0) {
            throw new InputError("no PATH given and examples/ holds no programs; pass a state file or a program directory");
        }
        return programs.map((p) => ({ path: p.abs, label: p.path, kind: "program" as const }));
    }
    return paths.map((p) => {
        let stat: fs.Stats;
        try {
            stat = fs.statSync(p);
        } catch {
            throw new InputError(`${quote(p)} does not exist`);
        }
        if (!stat.isDirectory() && /^Pulumi\.ya?ml$/.test(path.basename(p))) {
            return { path: path.dirname(p), label: p, kind: "program" as const };
        }
        const programFile = /\.(ts|js|mjs|cjs)$/.test(p);
        return { path: p, label: p, kind: stat.isDirectory() || programFile ? "program" : "state" };
    });
}

let activeSession: PolicySession | undefined;

export async function main(argv: readonly string[]): Promise<{ code: number; stdout: string }> {
    const opts = parseArgs(argv);
    if (opts.help) {
        return { code: 0, stdout: usage };
    }
    const root = defaultPackDir();
    const packDir = opts.packDir ? path.resolve(opts.packDir) : root;
    // Everything that can be checked without the pack is checked first.
    const configRaw = opts.config !== undefined ? readConfigFile(opts.config) : undefined;
    const inputs = resolveInputs(opts.paths, root);
    const states = new Map<string, StateFileResult>();
    for (const input of inputs) {
        if (input.kind === "state") {
            states.set(input.path, readStateFile(input.path));
        }
    }
    if (opts.runtime !== undefined && states.size === 0) {
        throw new InputError("--runtime applies to state files, and no state file was given (programs are TypeScript: they always run as nodejs)");
    }
    const stackOf = (input: InputSpec): StackIdentity => {
        const state = states.get(input.path);
        // Programs here are TypeScript; a state file's language is known only from --runtime.
        const runtime = state === undefined ? "nodejs" : opts.runtime;
        return { project: state?.project, stack: state?.stack, tags: runtime === undefined ? {} : { [runtimeTag]: runtime } };
    };

    const session = await PolicySession.start({
        packDir,
        preview: opts.mode === "preview",
        ...(inputs.length > 0 ? stackOf(inputs[0]) : {}),
    });
    activeSession = session;
    const reports: InputReport[] = [];
    try {
        // Validated against the pack's own schemas before any input runs.
        await session.configure(configRaw, opts.config !== undefined ? `config file ${quote(opts.config)}` : "config");
        for (const input of inputs) {
            const state = states.get(input.path);
            await session.configureStack(stackOf(input));
            let resources: EngineResource[];
            if (state !== undefined) {
                resources = state.resources;
            } else {
                resources = await runProgram(input.path, { mode: opts.mode });
            }
            const isProgram = input.kind === "program";
            const result = await session.analyzeResources(resources, { applyRemediations: isProgram });
            reports.push({
                path: input.label,
                kind: input.kind,
                mode: opts.mode,
                resources: resources.length,
                violations: result.violations,
                remediations: result.diagnostics.remediations,
                remediationsApplied: isProgram,
                notes: state?.notes ?? [],
            });
        }
    } finally {
        activeSession = undefined;
        await session.close();
    }
    const run: RunReport = {
        policyPackName: session.info.name,
        policyPackVersion: session.info.version,
        inputs: reports,
    };
    return { code: hasMandatory(run) ? 1 : 0, stdout: opts.json ? jsonReport(run) : humanReport(run) };
}

/** The one line printed for an error; stack traces never reach the user. */
export function errorLine(e: unknown): string {
    if (isInputError(e) || e instanceof PackError) {
        return `error: ${oneLine(e.message)}`;
    }
    const message = e instanceof Error ? e.message : String(e);
    const line = oneLine(message);
    return `internal error: ${line.length > 500 ? `${line.slice(0, 500)}…` : line}`;
}

function finish(code: number, stdout: string, stderr: string): void {
    // Exit explicitly once output is flushed: a program run in-process may
    // leave timers or handles behind that would keep the process alive.
    const exit = () => process.exit(code);
    const writeErr = () => (stderr ? process.stderr.write(`${stderr}\n`, exit) : exit());
    if (stdout) {
        process.stdout.write(`${stdout}\n`, writeErr);
    } else {
        writeErr();
    }
}

function fail(e: unknown): void {
    finish(2, "", escapeControlChars(errorLine(e)));
}

if (require.main === module) {
    process.on("SIGINT", () => {
        const s = activeSession;
        activeSession = undefined;
        void (s ? s.close() : Promise.resolve()).finally(() => process.exit(130));
    });
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    main(process.argv.slice(2)).then(({ code, stdout }) => finish(code, stdout, ""), fail);
}
