// `npm run -s analyze -- [options] [PATH...]` (the options: engine/arguments.ts, or --help).
//
// Analyzes `pulumi stack export` files and Pulumi TypeScript program
// directories with this policy pack, through the same launch and Analyzer
// protocol the Pulumi engine uses, without the Pulumi CLI, credentials or a
// backend. One pack process serves every input.
//
// Exit codes: 0 no mandatory violation; 1 at least one mandatory violation
// (or, with --strict, an unchecked stage);
// 2 bad usage, an input or config error, a policy pack failure, or an
// unexpected internal error. Errors are one line on stderr ("error: …", or
// "internal error: …" for a fault in the driver itself), never a stack trace.
import * as path from "path";
import { escapeControlChars, quote } from "../lib/quote";
import { parseArgs, usage } from "./arguments";
import { isInputError } from "./errors";
import { EnforcementLevel, readConfigFile } from "./inputs/config-file";
import { divertProgramOutput, RunOptions, runProgramWithNotes } from "./inputs/program/run-program";
import { locateProgram, withConfigValues } from "./inputs/program/program-layout";
import { readStackReferenceOutputs } from "./inputs/program/stack-references";
import { programRunOptions } from "./inputs/program/deployed-stack";
import { defaultPackDir, resolveInputs, userDirectory } from "./inputs/resolve-inputs";
import { defaultOrganization } from "./inputs/program/program-layout";
import { readStateFile, StateFileResult } from "./inputs/state-file";
import { oneLine, PackError } from "./protocol/pack-process";
import { checkOutput, writeOutput } from "./output-file";
import { AnalyzeResourcesResult, PolicySession, StackIdentity } from "./protocol/policy-session";
import { StreamingAnalysis } from "./protocol/streaming-analysis";
import { colourEnabled } from "./reports/colour";
import { inputReport } from "./reports/input-report";
import { renderReport } from "./reports/render-report";
import { hasMandatory, hasUnchecked, InputReport, RunReport, uncheckedStageCount, UpOutcome } from "./reports/run-report";
import { uncheckedStages } from "./reports/unchecked";
import { packHomepage, repositoryRoot, stateFileLines } from "./reports/sarif-context";
import { EngineResource, Violation } from "./resource-model";
import { languageOfRuntimeName, runtimeTag } from "../lib/fix-snippets";
import { InputError } from "./errors";
import { InputSpec } from "./inputs/resolve-inputs";
import { today } from "../lib/governance";
import { checkExemptions, exemptionUsage } from "./reports/exemptions";

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
    const inputs = resolveInputs(opts.paths, root, cwd, opts.stack);
    const programRun = programRunOptions(opts, cwd, inputs);
    const states = new Map<string, StateFileResult>();
    for (const input of inputs) {
        if (input.kind === "state") {
            states.set(input.path, readStateFile(input.path));
        }
    }
    if (opts.runtime !== undefined && states.size === 0) {
        throw new InputError("--runtime applies to state files, and no state file was given (programs are TypeScript: they always run as nodejs)");
    }
    if (opts.stack !== undefined && !inputs.some((i) => i.kind === "program")) {
        throw new InputError("--stack picks a program's Pulumi.<stack>.yaml, and no program was given (a state file names its own stack)");
    }
    const organization = organizationOf(opts.organization, io.env);
    const stackOf = (input: InputSpec): StackIdentity | undefined => {
        const state = states.get(input.path);
        if (state === undefined) {
            // As `pulumi preview` sends it: the program's project, stack, organization and config (programs here are TypeScript).
            const layout = withConfigValues(locateProgram(input.path, { stack: input.stack, organization }), opts.configValues);
            return {
                project: layout.project, stack: layout.stack, organization,
                config: layout.config, configSecretKeys: layout.secretKeys, tags: { [runtimeTag]: "nodejs" },
            };
        }
        // `pulumi policy analyze` sends no ConfigureStack, so a pack sees no
        // stack tags. --runtime is the user's explicit choice of the
        // pulumi:runtime tag, which only ConfigureStack can carry.
        return opts.runtime === undefined ? undefined : { project: state.project, stack: state.stack, organization, tags: { [runtimeTag]: opts.runtime } };
    };

    const first = inputs.length > 0 ? stackOf(inputs[0]) : undefined;
    const configLabel = opts.config !== undefined ? `config file ${quote(opts.config)}` : "config";
    const showProgress = inputs.length > 1 && io.stderrIsTTY;
    const progress = (index: number, input: InputSpec) => {
        if (showProgress) {
            io.progress(progressLine(index, inputs.length, input.stack !== undefined ? `${input.label} (stack ${input.stack})` : input.label));
        }
    };
    // Holds the session once started, so it is closed whatever fails after.
    const opened: { session?: PolicySession } = {};
    let levels: Record<string, { enforcementLevel: EnforcementLevel }> = {};
    // The pack is spawned here and loads in its own process; the user's config
    // is validated against its schemas before any resource is analyzed.
    const ready = PolicySession.start({
        packDir,
        preview: opts.mode === "preview",
        configureStack: first !== undefined,
        ...(first ?? {}),
    }).then(async (started) => {
        opened.session = started;
        activeSession = started;
        levels = await started.configure(configRaw, configLabel);
        checkExemptions(started.configuration ?? {}, today(), configLabel);
        return started;
    });
    // The first program runs while the pack starts (about 1.5 s of its CPU, on
    // the other core): the engine's requests wait for the pack, in the
    // engine's order, and the verdicts are the same. A pack or config error
    // still wins over the program's result; it is reported once the program
    // has run, as the program cannot be stopped halfway.
    let early: ProgramAnalysis | undefined;
    if (inputs.length > 0 && inputs[0].kind === "program" && !states.has(inputs[0].path)) {
        progress(0, inputs[0]);
        early = startProgramAnalysis(inputs[0], ready, {
            mode: opts.mode, stackReferenceOutputs, configValues: opts.configValues, ...programRun, stack: inputs[0].stack, organization,
        });
    }
    const reports: InputReport[] = [];
    try {
        const session = await ready.catch(async (e) => {
            await early?.abandon();
            throw e;
        });
        for (const [index, input] of inputs.entries()) {
            if (index > 0 || early === undefined) {
                progress(index, input);
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
                const analysis = index === 0 && early !== undefined ? early : startProgramAnalysis(input, session, {
                    mode: opts.mode, stackReferenceOutputs, configValues: opts.configValues, ...programRun, stack: input.stack, organization,
                });
                ({ resources, notes, result } = await analysis.result());
            }
            const unchecked = uncheckedStages({
                mode: opts.mode,
                resources,
                remediated: isProgram ? result.remediated : undefined,
                violations: result.violations,
                notApplicable: result.notApplicable,
                policies: Object.entries(levels).filter(([, l]) => l.enforcementLevel !== "disabled").map(([name]) => name),
                stackPolicies: session.info.metadata.filter((p) => p.type === "stack").map((p) => p.name),
            });
            const stack = state?.stack ?? input.stack;
            let violations = result.violations;
            let up: UpOutcome | undefined;
            if (opts.mode === "update") {
                ({ violations, up } = await whatUpWouldDo(session, result, isProgram
                    ? async () => (await runProgramWithNotes(input.path, { mode: "preview", stackReferenceOutputs, configValues: opts.configValues, ...programRun, stack: input.stack, organization })).resources
                    : undefined));
            }
            reports.push({
                ...inputReport(input, opts.mode, resources, violations, result.diagnostics.remediations, notes),
                notApplicable: result.notApplicable,
                ...(stack !== undefined ? { stack } : {}),
                unchecked,
                ...(up !== undefined ? { up } : {}),
                language: languageOfRuntimeName(stackOf(input)?.tags?.[runtimeTag]),
            });
        }
    } finally {
        activeSession = undefined;
        await opened.session?.close();
    }
    const { info, configuration } = opened.session!;
    const run: RunReport = {
        policyPackName: info.name,
        policyPackVersion: info.version,
        policyPackUri: packHomepage(packDir),
        policies: info.metadata.map((p) => ({ ...p, enforcementLevel: levels[p.name]?.enforcementLevel ?? "advisory" })),
        inputs: reports,
        exemptions: exemptionUsage(configuration ?? {}, reports.flatMap((r) => r.violations), today()),
    };
    const colour = opts.format === "text" && colourEnabled({ noColorFlag: opts.noColor, toFile: output !== undefined, isTTY: io.stdoutIsTTY, env: io.env });
    const text = renderReport(opts.format, run, {
        colour,
        junitNotApplicable: opts.junitNotApplicable,
        sarif: { baseDir: repositoryRoot(cwd) ?? cwd, resourceLines: stateFileLines(opts.format, inputs) },
    });
    const code = hasMandatory(run) || (opts.strict && hasUnchecked(run)) ? 1 : 0;
    if (opts.strict && hasUnchecked(run)) {
        // Otherwise a strict failure with "0 violations" in the report would not say why it failed.
        io.progress(strictFailureLine(run.inputs.reduce((n, i) => n + uncheckedStageCount(i), 0)));
    }
    if (output !== undefined) {
        writeOutput(output, opts.output!, text);
        return { code, stdout: "" };
    }
    return { code, stdout: text };
}

/**
 * Registrations a program starts before its requests go out from a worker
 * thread (StreamingAnalysis.useWorker). Below a few hundred resources the
 * thread's start-up (about 0.5 s of CPU, on the other core) costs more than
 * the main thread saves, about 0.8 ms a resource.
 */
export const workerAfterRegistrations = 300;

/** A program run whose resources are analyzed as it registers them, as the engine does. */
interface ProgramAnalysis {
    /** Waits for the run to end and stops what it started, whether it failed or not. */
    abandon(): Promise<void>;
    result(): Promise<{ resources: EngineResource[]; notes: string[]; result: AnalyzeResourcesResult }>;
}

function startProgramAnalysis(input: InputSpec, session: PolicySession | Promise<PolicySession>, runOpts: RunOptions): ProgramAnalysis {
    const streaming = new StreamingAnalysis(session, { applyRemediations: true });
    const run = runProgramWithNotes(input.path, {
        ...runOpts,
        onResource: (r) => streaming.add(r),
        onStarted: (count) => {
            if (count === workerAfterRegistrations) {
                streaming.useWorker();
            }
        },
    });
    const settled = run.then(() => undefined, () => undefined);
    return {
        abandon: async () => {
            await settled;
            await streaming.abandon();
        },
        result: async () => {
            const { resources, notes } = await run.catch(async (e) => {
                await streaming.abandon();
                throw e;
            });
            return { resources, notes, result: await streaming.finish(resources) };
        },
    };
}

/** Why --strict fails a run, on stderr, whatever the report's format. */
export function strictFailureLine(stages: number): string {
    return `--strict: ${stages} unchecked stage${stages === 1 ? "" : "s"} fail${stages === 1 ? "s" : ""} this run: supply the values this run could not know (e.g. --stack-reference-outputs FILE), or run without --strict to let them pass as unchecked`;
}

/** `--organization`, else PULUMI_ORGANIZATION, else what a DIY backend's stack gets. */
export function organizationOf(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
    const fromEnv = env.PULUMI_ORGANIZATION?.trim();
    return flag ?? (fromEnv ? fromEnv : defaultOrganization);
}

/**
 * `pulumi up` runs a preview first and stops there on a mandatory violation;
 * in the update, a mandatory Analyze violation stops it before AnalyzeStack.
 * `previewResources` runs the program as the preview sees it; a state file
 * reads the same in both, so its update analysis is its preview's too.
 */
export async function whatUpWouldDo(
    session: PolicySession,
    update: AnalyzeResourcesResult,
    previewResources: (() => Promise<EngineResource[]>) | undefined,
): Promise<{ violations: Violation[]; up: UpOutcome }> {
    const stack = new Set(update.stackViolations);
    const stopsBeforeStackPolicies = update.violations.some((v) => !stack.has(v) && v.enforcementLevel === "mandatory");
    const preview = previewResources === undefined ? update : await session.analyzeResources(await previewResources(), { applyRemediations: true });
    const previewMandatory = preview.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const violations = stopsBeforeStackPolicies ? update.violations.map((v) => (stack.has(v) ? { ...v, notReachedByUp: true } : v)) : update.violations;
    return { violations, up: { previewMandatory, stopsBeforeStackPolicies } };
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

/** The report's own way to stdout; anything else written there is a program's, and goes to stderr. */
const writeReport = process.stdout.write.bind(process.stdout);

function finish(code: number, stdout: string, stderr: string): void {
    // Exit explicitly once output is flushed: a program run in-process may
    // leave timers or handles behind that would keep the process alive.
    const exit = () => process.exit(code);
    const writeErr = () => (stderr ? process.stderr.write(`${stderr}\n`, exit) : exit());
    if (stdout) {
        writeReport(`${stdout}\n`, writeErr);
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
    // Even after its run, a program's timer or callback may still print.
    divertProgramOutput();
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    main(process.argv.slice(2)).then(({ code, stdout }) => finish(code, stdout, ""), fail);
}
