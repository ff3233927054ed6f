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
    state: any;
    rpc: any;
    log: any;
    resproto: any;
    struct: any;
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

export function loadPulumi(codeDir: string): PulumiSdk {
    const pkg = resolveModule("@pulumi/pulumi/package.json", codeDir);
    if (!pkg) {
        throw new InputError(`cannot find @pulumi/pulumi for the program in ${quote(codeDir)}; run npm install there`);
    }
    const dir = path.dirname(pkg);
    const load = (rel: string) => require(path.join(dir, rel));
    return {
        dir,
        runtime: load("runtime"),
        settings: load("runtime/settings"),
        state: load("runtime/state"),
        rpc: load("runtime/rpc"),
        log: load("log"),
        resproto: load("proto/resource_pb"),
        // The generated protobuf code checks instanceof against its own copy.
        struct: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [dir] })),
    };
}

export type Restore = () => void;

/**
 * Compiles the program's .ts files with ts-node (transpile only, CommonJS) for
 * the duration of the run. Files outside node_modules are ours to compile;
 * anything else goes to whatever handler was there before (mocha's ts-node).
 */
export function installTypeScriptHook(layout: ProgramLayout, compiled: Set<string>): Restore {
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
