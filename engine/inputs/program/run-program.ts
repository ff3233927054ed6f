// Runs a Pulumi TypeScript program under @pulumi/pulumi's mocks and turns each
// registration into an EngineResource, as the engine would record it.
//
// Isolation: runs happen in this process, one at a time. The Pulumi SDK keeps
// its per-deployment state (settings, monitor, config, stack resource, pending
// registrations) in a store that `withLocalStorage` scopes to one async
// context; the Automation API's inline programs rely on the same mechanism, so
// a fresh store per run resets the runtime cleanly without a child process.
// Modules the program loads from node_modules (@pulumi/aws takes ~1 s) stay
// cached across runs, which is what makes a second run cheap; the program's own
// files are evicted from the module cache before and after each run. Process
// globals that a run must touch (the TypeScript require hook, the resolver
// fallback, cwd, console, uncaught-error listeners) are swapped in for the run
// and restored afterwards, and runs are queued so they never overlap.
import { InputError } from "../../errors";
import { EngineResource } from "../../resource-model";
import { Recorder } from "./mock-monitor";
import { evictProgramModules, installResolverFallback, installTypeScriptHook, loadPulumi, PulumiSdk, Restore } from "./module-loading";
import { describeError, quote } from "./program-errors";
import { locateProgram, ProgramLayout } from "./program-layout";

export type RunMode = "preview" | "update";

const RUN_TIMEOUT_MS = 120_000;

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the program in `dir` and returns its resources in registration order:
 * the stack, default providers, then the program's resources.
 */
export async function runProgram(dir: string, opts: { mode: "preview" | "update" }): Promise<EngineResource[]> {
    const mode: RunMode = opts && opts.mode === "update" ? "update" : "preview";
    // Runs share process-wide hooks (require, cwd, console), so they take turns.
    const run = queue.then(() => runOnce(dir, mode));
    queue = run.catch(() => undefined);
    return run;
}

/** Program output would otherwise land in the middle of `--json` on stdout. */
export function redirectConsoleToStderr(): Restore {
    const saved = { log: console.log, info: console.info, debug: console.debug };
    console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
    return () => Object.assign(console, saved);
}

/** Collects uncaught errors of the run; other listeners (mocha's) are parked meanwhile. */
export function captureUncaughtErrors(errors: unknown[]): Restore {
    const events = ["uncaughtException", "unhandledRejection"] as const;
    const parked = events.map((ev) => process.listeners(ev as any));
    const handler = (err: unknown) => {
        errors.push(err);
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

export async function runOnce(dir: string, mode: RunMode): Promise<EngineResource[]> {
    const layout = locateProgram(dir);
    const compiled = new Set<string>();
    const errors: unknown[] = [];
    const restores: Restore[] = [];
    const savedCwd = process.cwd();
    evictProgramModules(layout.root, compiled);
    try {
        const sdk = loadPulumi(layout.codeDir);
        restores.push(installResolverFallback());
        restores.push(installTypeScriptHook(layout, compiled));
        restores.push(redirectConsoleToStderr());
        restores.push(captureUncaughtErrors(errors));
        restores.push(enableSourceMaps());
        process.chdir(layout.codeDir);
        const recorder = new Recorder(sdk, layout, mode);
        await withTimeout(
            sdk.state.withLocalStorage(() => execute(sdk, layout, mode, recorder, errors)),
            RUN_TIMEOUT_MS,
            `program ${quote(dir)} did not finish within ${RUN_TIMEOUT_MS / 1000} s`,
        );
        return recorder.resources();
    } catch (e) {
        if (e instanceof InputError) {
            throw e;
        }
        throw new InputError(`Pulumi program ${quote(dir)} failed: ${describeError(e, layout.root)}`);
    } finally {
        process.chdir(savedCwd);
        for (const restore of restores.reverse()) {
            restore();
        }
        evictProgramModules(layout.root, compiled);
    }
}

export async function execute(sdk: PulumiSdk, layout: ProgramLayout, mode: RunMode, recorder: Recorder, errors: unknown[]) {
    await sdk.runtime.setMocks(
        { newResource: () => ({ id: undefined, state: {} }), call: () => ({}) },
        layout.project,
        layout.stack,
        mode === "preview",
    );
    sdk.runtime.setAllConfig(layout.config, []);
    recorder.attach(sdk.settings.getMonitor());
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

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        // Not unref'd: a program stuck on a promise that never settles keeps
        // nothing else alive, and the process would just exit with status 0.
        timer = setTimeout(() => reject(new InputError(message)), ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
