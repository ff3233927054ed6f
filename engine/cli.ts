// `npm run -s analyze -- [--format text|json|sarif|junit] [--output FILE] [--no-color] [--preview|--update] [--config FILE] [--policy-pack DIR]
//                        [--stack-reference-outputs FILE] [--config-value KEY=VALUE]... [PATH...]`
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
import * as path from "path";
import { escapeControlChars, quote } from "../lib/quote";
import { parseArgs, usage } from "./arguments";
import { isInputError } from "./errors";
import { EnforcementLevel, readConfigFile } from "./inputs/config-file";
import { runProgramWithNotes } from "./inputs/program/run-program";
import { readStackReferenceOutputs } from "./inputs/program/stack-references";
import { defaultPackDir, resolveInputs, userDirectory } from "./inputs/resolve-inputs";
import { readStateFile, StateFileResult } from "./inputs/state-file";
import { oneLine, PackError } from "./protocol/pack-process";
import { checkOutput, writeOutput } from "./output-file";
import { AnalyzeResourcesResult, PolicySession, StackIdentity } from "./protocol/policy-session";
import { StreamingAnalysis } from "./protocol/streaming-analysis";
import { colourEnabled } from "./reports/colour";
import { inputReport } from "./reports/input-report";
import { renderReport } from "./reports/render-report";
import { hasMandatory, InputReport, RunReport } from "./reports/run-report";
import { packHomepage, repositoryRoot, stateFileLines } from "./reports/sarif-context";
import { EngineResource } from "./resource-model";
import { runtimeTag } from "../lib/fix-snippets";
import { InputError } from "./errors";
import { InputSpec } from "./inputs/resolve-inputs";
import { today } from "../lib/governance";
import { exemptionUsage } from "./reports/exemptions";

let activeSession: PolicySession | undefined;

/** What the run needs from its surroundings; tests pass their own. */
export interface RunEnvironment {
    env: Readonly<Record<string, string | undefined>>;
    cwd: string;
    stdoutIsTTY: boolean;
    stderrIsTTY: boolean;
    /** Writes one progress line to stderr. */
    progress(line: string): void;
}

function processEnvironment(): RunEnvironment {
    return {
        env: process.env,
        cwd: process.cwd(),
        stdoutIsTTY: process.stdout.isTTY === true,
        stderrIsTTY: process.stderr.isTTY === true,
        progress: (line) => process.stderr.write(`${line}\n`),
    };
}

/** A 200-stack audit shows that it is moving: one line per input, only for a person watching. */
export function progressLine(index: number, total: number, label: string): string {
    return `[${index + 1}/${total}] ${escapeControlChars(label)}`;
}

export async function main(argv: readonly string[], io: RunEnvironment = processEnvironment()): Promise<{ code: number; stdout: string }> {
    const opts = parseArgs(argv);
    if (opts.help) {
        return { code: 0, stdout: usage };
    }
    const root = defaultPackDir();
    const cwd = userDirectory(io.env, io.cwd, root);
    const packDir = opts.packDir ? path.resolve(cwd, opts.packDir) : root;
    const output = opts.output !== undefined ? path.resolve(cwd, opts.output) : undefined;
    // Everything that can be checked without the pack is checked first.
    if (output !== undefined) {
        checkOutput(output, opts.output!);
    }
    const configRaw = opts.config !== undefined ? readConfigFile(path.resolve(cwd, opts.config)) : undefined;
    const stackReferenceOutputs = opts.stackReferenceOutputs !== undefined
        ? readStackReferenceOutputs(path.resolve(cwd, opts.stackReferenceOutputs))
        : undefined;
    const inputs = resolveInputs(opts.paths, root, cwd);
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
    let levels: Record<string, { enforcementLevel: EnforcementLevel }>;
    try {
        // Validated against the pack's own schemas before any input runs.
        levels = await session.configure(configRaw, opts.config !== undefined ? `config file ${quote(opts.config)}` : "config");
        const showProgress = inputs.length > 1 && io.stderrIsTTY;
        for (const [index, input] of inputs.entries()) {
            if (showProgress) {
                io.progress(progressLine(index, inputs.length, input.label));
            }
            await session.configureStack(stackOf(input));
            const state = states.get(input.path);
            const isProgram = input.kind === "program";
            let resources: EngineResource[];
            let notes: string[];
            let result: AnalyzeResourcesResult;
            if (state !== undefined) {
                resources = state.resources;
                notes = state.notes;
                result = await session.analyzeResources(resources, { applyRemediations: isProgram });
            } else {
                // As the engine does: each resource is analyzed as the program registers it.
                const streaming = new StreamingAnalysis(session, { applyRemediations: isProgram });
                const run = await runProgramWithNotes(input.path, { mode: opts.mode, stackReferenceOutputs, configValues: opts.configValues, onResource: (r) => streaming.add(r) })
                    .catch(async (e) => {
                        await streaming.abandon();
                        throw e;
                    });
                resources = run.resources;
                notes = run.notes;
                result = await streaming.finish(resources);
            }
            reports.push({
                ...inputReport(input, opts.mode, resources, result.violations, result.diagnostics.remediations, notes),
                notApplicable: result.notApplicable,
            });
        }
    } finally {
        activeSession = undefined;
        await session.close();
    }
    const run: RunReport = {
        policyPackName: session.info.name,
        policyPackVersion: session.info.version,
        policyPackUri: packHomepage(packDir),
        policies: session.info.metadata.map((p) => ({ ...p, enforcementLevel: levels[p.name]?.enforcementLevel ?? "advisory" })),
        inputs: reports,
        exemptions: exemptionUsage(session.configuration ?? {}, reports.flatMap((r) => r.violations), today()),
    };
    const colour = opts.format === "text" && colourEnabled({ noColorFlag: opts.noColor, toFile: output !== undefined, isTTY: io.stdoutIsTTY, env: io.env });
    const text = renderReport(opts.format, run, {
        colour,
        sarif: { baseDir: repositoryRoot(cwd) ?? cwd, resourceLines: stateFileLines(opts.format, inputs) },
    });
    const code = hasMandatory(run) ? 1 : 0;
    if (output !== undefined) {
        writeOutput(output, opts.output!, text);
        return { code, stdout: "" };
    }
    return { code, stdout: text };
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
