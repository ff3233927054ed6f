// Runs a Pulumi TypeScript program under @pulumi/pulumi's mocks and turns each
// registration into an EngineResource, as the engine would record it.
//
// Isolation: runs happen in this process, one at a time. The Pulumi SDK keeps
// its per-deployment state (settings, monitor, config, stack resource, pending
// registrations) in a store: each run gets a fresh one (withFreshStore: the
// SDK's global store, swapped in for the run, as cheap as a plain program), so
// the runtime resets cleanly without a child process.
// Modules the program loads from node_modules (@pulumi/aws takes ~1 s) stay
// cached across runs, which is what makes a second run cheap; the program's own
// files are evicted from the module cache before and after each run. Process
// globals that a run must touch (the TypeScript require hook, the resolver
// fallback, cwd, console, uncaught-error listeners) are swapped in for the run
// and restored afterwards, and runs are queued so they never overlap.
import { InputError } from "../../errors";
import { EngineResource } from "../../resource-model";
import { Recorder } from "./mock-monitor";
import { evictProgramModules, installResolverFallback, installTypeScriptHook, loadPulumi, PulumiSdk, preserveEnvironment, Restore, setMocks } from "./module-loading";
import { describeError, failureHints, quote, secureNotes, versionMismatches } from "./program-errors";
import { locateProgram, ProgramLayout, withConfigValues } from "./program-layout";
import { StackOutputs, StackReferences } from "./stack-references";
import { DeployedStack } from "./deployed-stack";

export type RunMode = "preview" | "update";

export interface RunOptions {
    mode: RunMode;
    /** Outputs of referenced stacks, keyed by stack name (`--stack-reference-outputs`). */
    stackReferenceOutputs?: StackOutputs;
    /** Config values given on the command line (`--config-value key=value`), e.g. for encrypted ones. */
    configValues?: Record<string, string>;
    /** The stack to run as (its Pulumi.<stack>.yaml config, `pulumi.getStack()`); default: pickStack's choice. */
    stack?: string;
    /** What `pulumi.getOrganization()` returns; default: `organization`, as on a DIY backend. */
    organization?: string;
    /** How long a program may wait on nothing before it is reported as hung (default 120 s). */
    timeoutMs?: number;
    /** Told of each resource the engine would analyze as it registers, so analysis can run alongside the program. */
    onResource?: (resource: EngineResource) => void;
    /** Told how many registrations the program has started, as each starts: a large program shows itself early. */
    onStarted?: (count: number) => void;
    /** The AWS account ARNs are built with (`--account-id`); default MOCK_ACCOUNT. */
    accountId?: string;
    /** The deployed stack to compare with (`--state FILE`). */
    deployed?: DeployedStack;
}

export interface ProgramRun {
    resources: EngineResource[];
    /** Said once in the report: what the run could not know or had to make up. */
    notes: string[];
}

const RUN_TIMEOUT_MS = 120_000;

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the program in `dir` and returns its resources in registration order:
 * the stack, default providers, then the program's resources.
 */
export async function runProgram(dir: string, opts: RunOptions): Promise<EngineResource[]> {
    return (await runProgramWithNotes(dir, opts)).resources;
}

/** As runProgram, with the notes the report shows for the program. */
export async function runProgramWithNotes(dir: string, opts: RunOptions): Promise<ProgramRun> {
    const mode: RunMode = opts && opts.mode === "update" ? "update" : "preview";
    // Runs share process-wide hooks (require, cwd, console), so they take turns.
    const run = queue.then(() => runOnce(dir, { ...opts, mode }));
    queue = run.catch(() => undefined);
    return run;
}

/** How the program's own output is marked on stderr, apart from the analyzer's lines. */
export const programOutputMark = "[program] ";

type Write = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;

/**
 * Sends whatever is written to `from` (the program's console.log, its
 * process.stdout.write, an apply's logging) to `to` instead, each line marked
 * as the program's: stdout holds the report alone, whatever its format.
 */
export function divertProgramOutput(from: NodeJS.WriteStream = process.stdout, to: NodeJS.WritableStream = process.stderr): Restore {
    const stream = from as unknown as { write: Write };
    const own = Object.prototype.hasOwnProperty.call(stream, "write");
    const saved = stream.write;
    let lineStart = true;
    stream.write = (chunk, encoding, callback) => {
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
        const marked = markLines(text, lineStart);
        lineStart = text === "" ? lineStart : text.endsWith("\n");
        const done = typeof encoding === "function" ? encoding : callback;
        return to.write(marked, done as (err?: Error | null) => void);
    };
    return () => {
        if (own) {
            stream.write = saved;
        } else {
            delete (stream as { write?: Write }).write;
        }
    };
}

/** `text` with the mark at the start of each line it begins. */
export function markLines(text: string, lineStart: boolean): string {
    const parts = text.split("\n");
    return parts
        .map((part, i) => ((i > 0 || lineStart) && part !== "" ? `${programOutputMark}${part}` : part))
        .join("\n");
}

/** Collects uncaught errors of the run; other listeners (mocha's) are parked meanwhile. */
export function captureUncaughtErrors(errors: unknown[], onError: (err: unknown) => void = () => undefined): Restore {
    const events = ["uncaughtException", "unhandledRejection"] as const;
    const parked = events.map((ev) => process.listeners(ev as any));
    const handler = (err: unknown) => {
        errors.push(err);
        onError(err);
    };
    for (const ev of events) {
        process.removeAllListeners(ev);
        process.on(ev as any, handler);
    }
    return () => {
        events.forEach((ev, i) => {
            process.removeListener(ev as any, handler);
            for (const l of parked[i]) {
                process.on(ev as any, l as any);
            }
        });
    };
}

export function enableSourceMaps(): Restore {
    const p = process as any;
    const was = p.sourceMapsEnabled === true;
    if (!was && typeof p.setSourceMapsEnabled === "function") {
        p.setSourceMapsEnabled(true);
        return () => p.setSourceMapsEnabled(false);
    }
    return () => undefined;
}

// One run

export async function runOnce(dir: string, opts: RunOptions): Promise<ProgramRun> {
    const { mode } = opts;
    const timeoutMs = opts.timeoutMs ?? RUN_TIMEOUT_MS;
    const layout = withConfigValues(locateProgram(dir, { stack: opts.stack, organization: opts.organization }), opts.configValues ?? {});
    const compiled = new Set<string>();
    const elided: string[] = [];
    const errors: unknown[] = [];
    const restores: Restore[] = [];
    const savedCwd = process.cwd();
    const versions = versionMismatches(layout);
    let recorder: Recorder | undefined;
    evictProgramModules(layout.root, compiled);
    try {
        const sdk = loadPulumi(layout.codeDir, layout.root);
        restores.push(preserveEnvironment());
        restores.push(installResolverFallback());
        restores.push(installTypeScriptHook(layout, compiled, elided));
        restores.push(divertProgramOutput());
        // The first error the program throws anywhere (an apply callback, a
        // promise nobody awaits) ends the run at once: the registrations that
        // waited on it would never come, and the run would only time out.
        let failNow: (e: unknown) => void = () => undefined;
        const firstError = new Promise<never>((_, reject) => (failNow = reject));
        restores.push(captureUncaughtErrors(errors, (e) => failNow(e)));
        restores.push(enableSourceMaps());
        process.chdir(layout.codeDir);
        const references = new StackReferences(opts.stackReferenceOutputs);
        opts.deployed?.begin();
        const rec = new Recorder(sdk, layout, mode, references, opts.accountId, opts.deployed);
        if (opts.onResource !== undefined) {
            rec.onResource = opts.onResource;
        }
        if (opts.onStarted !== undefined) {
            rec.onStarted = opts.onStarted;
        }
        recorder = rec;
        restores.push(trackRegistrations(sdk, rec));
        await withTimeout(
            Promise.race([sdk.withLocalStorage(() => execute(sdk, layout, mode, rec, errors)), firstError]),
            timeoutMs,
            () => `program ${quote(dir)} did not finish within ${timeoutMs / 1000} s${pendingList(rec)}`,
        );
        const notes = [
            ...[...new Set(elided)].map((m) => `a type-only re-export from ${quote(m)} was left out, as TypeScript's type-aware compile does (the package has types but no JavaScript)`),
            ...[references.note()].filter((n): n is string => n !== undefined),
            ...(opts.deployed ? [opts.deployed.note()] : []),
            ...secureNotes(layout),
            ...versions.map((v) => `${v} (its verdicts may differ from what that version would give)`),
        ];
        return { resources: rec.resources(), notes };
    } catch (e) {
        if (e instanceof InputError) {
            throw e;
        }
        const hints = [...failureHints(e, layout, recorder), ...versions];
        throw new InputError(`Pulumi program ${quote(dir)} failed: ${describeError(e, layout.root)}${hints.map((h) => `; ${h}`).join("")}`);
    } finally {
        process.chdir(savedCwd);
        for (const restore of restores.reverse()) {
            restore();
        }
        evictProgramModules(layout.root, compiled);
    }
}

/** Lets the recorder know each registration the SDK starts, before its inputs resolve. */
export function trackRegistrations(sdk: PulumiSdk, recorder: Recorder): Restore {
    const mod = sdk.resource;
    const saved = { registerResource: mod.registerResource, readResource: mod.readResource };
    mod.registerResource = function (res: unknown, parent: unknown, t: string, name: string, ...rest: unknown[]) {
        recorder.started(t, name);
        return saved.registerResource.call(this, res, parent, t, name, ...rest);
    };
    mod.readResource = function (res: unknown, parent: unknown, t: string, name: string, ...rest: unknown[]) {
        recorder.started(t, name);
        return saved.readResource.call(this, res, parent, t, name, ...rest);
    };
    return () => Object.assign(mod, saved);
}

function pendingList(recorder: Recorder): string {
    const pending = [...recorder.pending.keys()];
    if (pending.length === 0) {
        return "; no resource registration was pending, so the program itself is waiting on something that never settles";
    }
    const shown = pending.slice(0, 5).map((k) => quote(k)).join(", ");
    const more = pending.length > 5 ? ` and ${pending.length - 5} more` : "";
    return `; registrations still waiting on their inputs: ${shown}${more}`;
}

export async function execute(sdk: PulumiSdk, layout: ProgramLayout, mode: RunMode, recorder: Recorder, errors: unknown[]) {
    const monitor = await setMocks(sdk, { newResource: () => ({ id: undefined, state: {} }), call: () => ({}) }, layout.project, layout.stack, mode === "preview");
    setOrganization(sdk, layout.organization);
    sdk.runtime.setAllConfig(layout.config, layout.secretKeys);
    recorder.attach(monitor);
    let failure: unknown;
    try {
        await sdk.runtime.runInPulumiStack(async () => {
            // As the language host does: a function export is called and awaited.
            const exported = require(layout.entry);
            return exported instanceof Function ? await exported() : exported;
        });
    } catch (e) {
        failure = e;
    }
    // Registrations still in flight must land before we read the recorder,
    // and must not leak into the next run.
    await sdk.settings.waitForRPCs();
    closeCallbacks(sdk, recorder);
    // A rejection nobody handles (an apply that throws, say) is only reported
    // once the microtask queue drains: give it a few turns while we listen.
    for (let turn = 0; turn < 3; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
    }
    if (failure !== undefined) {
        throw failure;
    }
    if (errors.length > 0) {
        throw errors[0];
    }
    if (sdk.log.hasErrors()) {
        throw new Error("the program logged errors (see stderr)");
    }
}

/** Older SDKs' setMocks (3.40) takes no organization; they keep one all the same, settable for tests. */
export function setOrganization(sdk: PulumiSdk, organization: string): void {
    let current: unknown;
    try {
        current = sdk.settings.getOrganization?.();
    } catch {
        current = undefined;
    }
    if (current !== organization && typeof sdk.settings._setOrganization === "function") {
        sdk.settings._setOrganization(organization);
    }
}

/** The SDK's callbacks service (transforms) would otherwise keep listening after the run. */
function closeCallbacks(sdk: PulumiSdk, recorder: Recorder): void {
    recorder.transforms.close();
    const store = typeof sdk.state?.getStore === "function" ? sdk.state.getStore() : undefined;
    if (store?.callbacks && typeof store.callbacks.shutdown === "function") {
        store.callbacks.shutdown();
        store.callbacks = undefined;
    }
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: () => string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        // Not unref'd: a program stuck on a promise that never settles keeps
        // nothing else alive, and the process would just exit with status 0.
        timer = setTimeout(() => reject(new InputError(message())), ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
