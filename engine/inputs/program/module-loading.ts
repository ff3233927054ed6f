// Loading the program's own @pulumi/pulumi and compiling TypeScript.
import * as fs from "fs";
import * as path from "path";
import Module = require("module");

import { InputError } from "../../errors";
import { oneLine, quote } from "./program-errors";
import { ProgramLayout } from "./program-layout";

export interface PulumiSdk {
    dir: string;
    runtime: any;
    settings: any;
    /** runtime/state, absent before about 3.46. */
    state: any | undefined;
    rpc: any;
    log: any;
    /** runtime/resource: where every registration and read starts. */
    resource: any;
    resproto: any;
    /** Holds InvokeResponse, which SDKs before ResourceInvokeResponse answer invokes with. */
    provproto: any;
    struct: any;
    /** Runs `fn` with a fresh per-deployment store. */
    withLocalStorage<T>(fn: () => Promise<T>): Promise<T>;
}

/** Resolves from the program first, then from this project's node_modules. */
export function resolveModule(request: string, fromDir: string): string | undefined {
    try {
        return require.resolve(request, { paths: [fromDir] });
    } catch {
        try {
            return require.resolve(request);
        } catch {
            return undefined;
        }
    }
}

export function loadPulumi(codeDir: string, root: string = codeDir): PulumiSdk {
    const pkg = resolveModule("@pulumi/pulumi/package.json", codeDir);
    if (!pkg) {
        throw new InputError(`cannot find @pulumi/pulumi for the program in ${quote(codeDir)}; run npm install there`);
    }
    checkPulumiMajor(root, codeDir, pkg);
    const dir = path.dirname(pkg);
    const load = (rel: string) => require(path.join(dir, rel));
    // SDKs before about 3.46 have no per-deployment store: their state lives in
    // module variables and process.env, which each run resets (setMocks) and
    // `preserveEnvironment` restores.
    const state = fs.existsSync(path.join(dir, "runtime", "state.js")) ? load("runtime/state") : undefined;
    return {
        dir,
        runtime: load("runtime"),
        settings: load("runtime/settings"),
        state,
        rpc: load("runtime/rpc"),
        log: load("log"),
        resource: load("runtime/resource"),
        resproto: load("proto/resource_pb"),
        provproto: load("proto/provider_pb"),
        // The generated protobuf code checks instanceof against its own copy.
        struct: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [dir] })),
        withLocalStorage: (fn) => withFreshStore(state, fn),
    };
}

/** Runs using the SDK's global store (`global.globalStore`); at most one at a time. */
let globalStoreRuns = 0;

/**
 * Runs `fn` with a fresh per-deployment store. The first run at a time gets a
 * fresh global store, which the SDK reads outside any AsyncLocalStorage
 * context, as a program under `setMocks` does: a run inside
 * AsyncLocalStorage pays a promise hook on every promise (about 2 s of
 * main-thread CPU on figure 8's 2,000-resource program, and 10 MB). Runs take
 * turns (runProgramWithNotes), but one that timed out may still be settling
 * when the next starts: that one gets its own AsyncLocalStorage store, so
 * neither sees the other's settings.
 */
export function withFreshStore<T>(state: any, fn: () => Promise<T>): Promise<T> {
    if (state === undefined) {
        return fn();
    }
    const holder = globalThis as { globalStore?: unknown };
    if (globalStoreRuns === 0 && typeof state.LocalStore === "function" && typeof state.getStore === "function") {
        const saved = holder.globalStore;
        const fresh = new state.LocalStore();
        holder.globalStore = fresh;
        // Only where the SDK falls back to the global store here (outside any
        // local store, on an SDK that keeps it in `global.globalStore`).
        if (state.getStore() === fresh) {
            globalStoreRuns++;
            const restore = () => {
                globalStoreRuns--;
                holder.globalStore = saved;
            };
            let running: Promise<T>;
            try {
                running = fn();
            } catch (e) {
                restore();
                throw e;
            }
            return running.finally(restore);
        }
        holder.globalStore = saved;
    }
    // `withLocalStorage` arrived after 3.200; earlier SDKs keep the same
    // AsyncLocalStorage and store class as exports.
    return typeof state.withLocalStorage === "function"
        ? state.withLocalStorage(fn)
        : state.asyncLocalStorage.run(new state.LocalStore(), fn);
}

/**
 * Installs `mocks` as the run's monitor. SDKs before about 3.60 keep the mock
 * monitor in a module variable that `getMonitor()` ignores inside a local
 * store, so the store's own slot gets the SDK's MockMonitor too.
 */
export async function setMocks(sdk: PulumiSdk, mocks: unknown, project: string, stack: string, preview: boolean): Promise<any> {
    await sdk.runtime.setMocks(mocks, project, stack, preview);
    let monitor = sdk.settings.getMonitor();
    if (monitor === undefined || monitor === null) {
        const { MockMonitor } = require(path.join(sdk.dir, "runtime", "mocks"));
        monitor = new MockMonitor(mocks);
        sdk.state.getStore().settings.monitor = monitor;
    }
    return monitor;
}

/** Older SDKs keep their options in PULUMI_* variables, which a run must not leave behind. */
export function preserveEnvironment(): Restore {
    const saved = Object.entries(process.env).filter(([k]) => k.startsWith("PULUMI_"));
    return () => {
        for (const k of Object.keys(process.env)) {
            if (k.startsWith("PULUMI_")) {
                delete process.env[k];
            }
        }
        for (const [k, v] of saved) {
            process.env[k] = v;
        }
    };
}

/**
 * Pulumi 2 programs cannot run here (their SDK lacks what the runner drives,
 * and `npm install` would not change that): one line that says so, whether
 * the program installed its SDK 2 or only declares it.
 */
export function checkPulumiMajor(root: string, codeDir: string, resolvedPackageJson: string): void {
    const installed = readJson(resolvedPackageJson)?.version;
    const declared = [codeDir, root]
        .map((dir) => readJson(path.join(dir, "package.json")))
        .map((doc) => doc?.dependencies?.["@pulumi/pulumi"] ?? doc?.devDependencies?.["@pulumi/pulumi"])
        .find((range): range is string => typeof range === "string");
    // One character class, so the match stays linear on any input.
    const major = (v: string | undefined) => (typeof v === "string" ? /^\d+/.exec(v.replace(/^[\s^~=v<>]+/, ""))?.[0] : undefined);
    const own = !path.relative(root, resolvedPackageJson).startsWith("..");
    const old = [own ? installed : undefined, declared].find((v) => {
        const m = major(v);
        return m !== undefined && Number(m) < 3;
    });
    if (old !== undefined) {
        throw new InputError(
            `${quote(root)} is a Pulumi 2 program (@pulumi/pulumi ${quote(old)}), and npm run analyze supports only Pulumi 3: ` +
            "upgrade it (npm install @pulumi/pulumi@3 and Pulumi 3 versions of its provider packages), or run `pulumi preview --policy-pack PATH-TO-THIS-PACK` with the Pulumi CLI",
        );
    }
}

function readJson(file: string): any {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return undefined;
    }
}

export type Restore = () => void;

/**
 * Compiles the program's .ts files with ts-node (transpile only, CommonJS) for
 * the duration of the run. Files outside node_modules are ours to compile;
 * anything else goes to whatever handler was there before (mocha's ts-node).
 */
export function installTypeScriptHook(layout: ProgramLayout, compiled: Set<string>, elided: string[] = []): Restore {
    const tsNode = require("ts-node");
    const tsconfig = path.join(layout.codeDir, "tsconfig.json");
    const compilerOptions = { module: "commonjs", moduleResolution: "node", target: "es2020", sourceMap: true };
    const create = (skipProject: boolean) =>
        tsNode.create({
            cwd: layout.codeDir,
            project: skipProject ? undefined : tsconfig,
            skipProject,
            transpileOnly: true,
            compiler: require.resolve("typescript"),
            compilerOptions,
            transformers: { before: [elideTypeOnlyReExports(elided)] },
            // Option errors from a tsconfig written for another TypeScript
            // (unknown options or values, `ignoreDeprecations: "6.0"`, module
            // and resolution pairs we override anyway) do not stop a
            // transpile-only run.
            ignoreDiagnostics: [5023, 5024, 5025, 5101, 5102, 5103, 5107, 5108, 5109, 5110, 6046],
        });
    let service: any;
    try {
        service = create(!layout.hasTsconfig);
    } catch (e) {
        throw new InputError(`cannot use the program's tsconfig.json: ${oneLine(String((e as Error).message ?? e))}`);
    }
    const extensions = (Module as any)._extensions as Record<string, (m: any, filename: string) => void>;
    const previous = extensions[".ts"];
    extensions[".ts"] = function (m: any, filename: string) {
        if (filename.split(path.sep).includes("node_modules") && previous) {
            return previous(m, filename);
        }
        compiled.add(filename);
        m._compile(service.compile(fs.readFileSync(filename, "utf8"), filename), filename);
    };
    return () => {
        if (previous) {
            extensions[".ts"] = previous;
        } else {
            delete extensions[".ts"];
        }
    };
}

/**
 * A program outside this repository may have no node_modules: let its bare
 * `@pulumi/...` imports fall back to this project's copies.
 */
export function installResolverFallback(): Restore {
    const mod = Module as any;
    const original = mod._resolveFilename;
    mod._resolveFilename = function (request: string, parent: unknown, isMain: boolean, options: unknown) {
        try {
            return original.call(this, request, parent, isMain, options);
        } catch (e) {
            if ((e as any)?.code === "MODULE_NOT_FOUND" && request.startsWith("@pulumi/")) {
                try {
                    // Resolved as if this file required it. Not `require.resolve`,
                    // which would come back through this very hook.
                    return original.call(this, request, module, false, undefined);
                } catch {
                    // fall through to the original error, which names the requester
                }
            }
            throw e;
        }
    };
    return () => {
        mod._resolveFilename = original;
    };
}

export function evictProgramModules(root: string, compiled: Set<string>): void {
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    for (const key of Object.keys(require.cache)) {
        const ownFile = key.startsWith(prefix) && !key.slice(prefix.length).split(path.sep).includes("node_modules");
        if (ownFile || compiled.has(key)) {
            delete require.cache[key];
        }
    }
}

/**
 * `export { Handler } from "aws-lambda"` names only a type, but a per-file
 * transpile cannot know that and keeps it as a `require`, which fails when the
 * package ships types and no JavaScript (`@types/aws-lambda`). A type-checking
 * compile, as `pulumi preview` does, drops it. Without paying for a type check
 * we drop exactly the re-exports whose module has types but no runtime code.
 */
export function elideTypeOnlyReExports(elided: string[]) {
    const ts = require("typescript") as typeof import("typescript");
    return (context: import("typescript").TransformationContext) => (file: import("typescript").SourceFile) => {
        const dir = path.dirname(file.fileName);
        const kept = file.statements.filter((s) => {
            if (!ts.isExportDeclaration(s) || !s.moduleSpecifier || !ts.isStringLiteral(s.moduleSpecifier)) {
                return true;
            }
            const spec = s.moduleSpecifier.text;
            if (s.isTypeOnly || !hasTypesButNoCode(spec, dir)) {
                return true;
            }
            elided.push(spec);
            return false;
        });
        return kept.length === file.statements.length ? file : context.factory.updateSourceFile(file, kept);
    };
}

export function hasTypesButNoCode(spec: string, fromDir: string): boolean {
    if (spec.startsWith(".") || path.isAbsolute(spec) || spec.startsWith("node:")) {
        return false;
    }
    try {
        require.resolve(spec, { paths: [fromDir] });
        return false;
    } catch {
        // no runtime code: does it have types?
    }
    const pkgName = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
    const typesName = `@types/${pkgName.replace(/^@/, "").replace("/", "__")}`;
    for (const candidate of [`${typesName}/package.json`, `${pkgName}/package.json`]) {
        try {
            require.resolve(candidate, { paths: [fromDir] });
            return true;
        } catch {
            // try the next
        }
    }
    return false;
}
