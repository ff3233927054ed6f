// Locating the program, its project, stack and config.
import * as fs from "fs";
import * as path from "path";
import Module = require("module");

import { InputError } from "../../errors";
import { firstLine, quote } from "./program-errors";
import { isPlainObject } from "../../../lib/read-property";
import { escapeControlChars } from "../../../lib/quote";

export interface ProgramLayout {
    /** Directory holding Pulumi.yaml (or the program). */
    root: string;
    /** Directory the program's code is loaded from (Pulumi.yaml `main`). */
    codeDir: string;
    /** What `require` is given, as the language host does. */
    entry: string;
    project: string;
    stack: string;
    /** What `pulumi.getOrganization()` returns. */
    organization: string;
    config: Record<string, string>;
    /** Full keys whose stack-file value is encrypted (`secure:`) and so unavailable here. */
    secureKeys: string[];
    /** Full keys whose value is a secret (supplied for an encrypted one). */
    secretKeys: string[];
    /** The stack's config file, when there is one. */
    stackFile?: string;
    hasTsconfig: boolean;
}

export interface LocateOptions {
    /** The stack to analyze the program as; default: pickStack's choice. */
    stack?: string;
    /** What `pulumi.getOrganization()` returns. */
    organization?: string;
}

export function locateProgram(dir: string, opts: LocateOptions = {}): ProgramLayout {
    const given = path.resolve(dir);
    let stat: fs.Stats;
    try {
        stat = fs.statSync(given);
    } catch {
        throw new InputError(`program not found: ${quote(dir)} does not exist`);
    }
    const root = stat.isDirectory() ? given : path.dirname(given);
    const yaml = readProjectFile(root);
    const project = projectName(yaml, root);
    const { codeDir, entry } = stat.isDirectory() ? programEntry(root, yaml.main) : { codeDir: root, entry: given };
    const stack = opts.stack ?? pickStack(root);
    const secureKeys: string[] = [];
    const config = readConfig(root, project, stack, yaml, secureKeys);
    const hasTsconfig = fs.existsSync(path.join(codeDir, "tsconfig.json"));
    const stackFile = stackConfigFile(root, stack);
    return {
        root, codeDir, entry, project, stack, organization: opts.organization ?? defaultOrganization,
        config, secureKeys, secretKeys: [], ...(stackFile ? { stackFile } : {}), hasTsconfig,
    };
}

/**
 * What a stack on a DIY backend (`pulumi login --local` or a bucket) gets from
 * `pulumi.getOrganization()`: there is no organization there, and the CLI
 * says `organization`.
 */
export const defaultOrganization = "organization";

/**
 * Pulumi.yaml's `main` names the program's directory or its entry file, as
 * for the language host; a `main` that does not exist is most often a build
 * output not built yet, and the error says so.
 */
export function programEntry(root: string, main: unknown): { codeDir: string; entry: string } {
    if (typeof main !== "string" || main.trim() === "") {
        return { codeDir: root, entry: findEntry(root) };
    }
    const target = path.resolve(root, main);
    let stat: fs.Stats | undefined;
    try {
        stat = fs.statSync(target);
    } catch {
        stat = undefined;
    }
    if (stat === undefined && !resolvesToFile(target)) {
        throw new InputError(`Pulumi.yaml's main names ${shownPath(root, target)}, which does not exist: ${buildHint(root)}`);
    }
    if (stat?.isDirectory()) {
        return { codeDir: target, entry: findEntry(target) };
    }
    // A file: the program's packages and tsconfig.json stay the project's.
    return { codeDir: root, entry: target };
}

/** A path under the program as written relative to it, else absolute; control characters escaped. */
function shownPath(root: string, file: string): string {
    const rel = path.relative(root, file);
    return escapeControlChars(rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/"));
}

/** How to make the missing file: the program's own build script when it has one. */
function buildHint(dir: string): string {
    const scripts = readScripts(dir);
    if (scripts !== undefined && typeof scripts.build === "string") {
        return "build the program first, e.g. npm run build";
    }
    if (fs.existsSync(path.join(dir, "tsconfig.json"))) {
        return "build the program first, e.g. npx tsc";
    }
    return "build the program first, or correct main";
}

function readScripts(dir: string): Record<string, unknown> | undefined {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
        return isPlainObject(pkg) && isPlainObject(pkg.scripts) ? pkg.scripts : undefined;
    } catch {
        return undefined;
    }
}

/** `--config-value key=value` pairs: a bare key belongs to the project, as in `pulumi config set`. */
export function withConfigValues(layout: ProgramLayout, values: Record<string, string>): ProgramLayout {
    const entries = Object.entries(values);
    if (entries.length === 0) {
        return layout;
    }
    const config = { ...layout.config };
    const secretKeys = [...layout.secretKeys];
    for (const [key, value] of entries) {
        const fullKey = key.includes(":") ? key : `${layout.project}:${key}`;
        config[fullKey] = value;
        // A value standing in for an encrypted one is a secret to the program too.
        if (layout.secureKeys.includes(fullKey)) {
            secretKeys.push(fullKey);
        }
    }
    return { ...layout, config, secretKeys, secureKeys: layout.secureKeys.filter((k) => !(k in config)) };
}

export function stackConfigFile(root: string, stack: string): string | undefined {
    return ["yaml", "yml"].map((e) => path.join(root, `Pulumi.${stack}.${e}`)).find((f) => fs.existsSync(f));
}

export function readYaml(file: string): any {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(`cannot read ${quote(file)}: ${(e as Error).message}`);
    }
    try {
        // js-yaml is a dependency of @pulumi/pulumi; load it from there rather
        // than relying on npm's hoisting.
        const pulumiRequire = Module.createRequire(require.resolve("@pulumi/pulumi/package.json"));
        return pulumiRequire("js-yaml").load(text) ?? {};
    } catch (e) {
        throw new InputError(`${quote(file)} is not valid YAML: ${firstLine((e as Error).message)}`);
    }
}

export function readProjectFile(root: string): Record<string, unknown> {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
    if (!file) {
        return {};
    }
    const doc = readYaml(file);
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        throw new InputError(`${quote(file)} must be a YAML mapping with at least a name`);
    }
    return doc;
}

export function projectName(yaml: Record<string, unknown>, root: string): string {
    if (typeof yaml.name === "string" && yaml.name.trim() !== "") {
        return yaml.name.trim();
    }
    return path.basename(root).replace(/[^A-Za-z0-9_.-]/g, "-") || "project";
}

export function findEntry(codeDir: string): string {
    const pkgFile = path.join(codeDir, "package.json");
    if (fs.existsSync(pkgFile)) {
        let pkg: any;
        try {
            pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
        } catch (e) {
            throw new InputError(`${quote(pkgFile)} is not valid JSON: ${firstLine((e as Error).message)}`);
        }
        if (pkg && typeof pkg.main === "string" && pkg.main !== "") {
            const main = path.resolve(codeDir, pkg.main);
            if (resolvesToFile(main)) {
                return main;
            }
            throw new InputError(`package.json's main names ${shownPath(codeDir, main)}, which does not exist: ${buildHint(codeDir)}`);
        }
    }
    // Like the language host, prefer index.js when both exist.
    for (const name of ["index.js", "index.ts"]) {
        if (fs.existsSync(path.join(codeDir, name))) {
            return path.join(codeDir, name);
        }
    }
    throw new InputError(`no Pulumi program in ${quote(codeDir)}: expected index.ts, index.js or a package.json "main"`);
}

export function resolvesToFile(p: string): boolean {
    return [p, `${p}.ts`, `${p}.js`, path.join(p, "index.ts"), path.join(p, "index.js")].some(
        (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
    );
}

/** The stacks that have a config file (Pulumi.<stack>.yaml), sorted. */
export function stackNames(root: string): string[] {
    const names = fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => m[1]);
    return [...new Set(names)].sort();
}

/** The single Pulumi.<stack>.yaml, else `dev` if present, else the first; `dev` when there is none. */
export function pickStack(root: string): string {
    const stacks = stackNames(root);
    if (stacks.length === 0 || stacks.includes("dev")) {
        return "dev";
    }
    return stacks[0];
}

export function readConfig(
    root: string,
    project: string,
    stack: string,
    yaml: Record<string, unknown>,
    secureKeys: string[] = [],
): Record<string, string> {
    const config: Record<string, string> = {};
    // Project-level defaults first, then the stack file, as the CLI merges them.
    const projectConfig = yaml.config;
    if (projectConfig && typeof projectConfig === "object" && !Array.isArray(projectConfig)) {
        for (const [key, raw] of Object.entries(projectConfig as Record<string, unknown>)) {
            const value = isPlainObject(raw) && ("default" in raw || "value" in raw) ? (raw.value ?? raw.default) : raw;
            setConfigValue(config, project, key, value);
        }
    }
    const stackFile = stackConfigFile(root, stack);
    if (stackFile) {
        const doc = readYaml(stackFile);
        const values = doc && typeof doc === "object" ? doc.config : undefined;
        if (values !== undefined && values !== null && !isPlainObject(values)) {
            throw new InputError(`${quote(stackFile)}: "config" must be a mapping`);
        }
        for (const [key, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
            if (isPlainObject(value) && "secure" in value) {
                secureKeys.push(key.includes(":") ? key : `${project}:${key}`);
            }
            setConfigValue(config, project, key, value);
        }
    }
    return config;
}

export function setConfigValue(config: Record<string, string>, project: string, key: string, value: unknown): void {
    // Encrypted values cannot be decrypted without the stack's secrets
    // provider; they stay unset unless `--config-value` supplies them, and a
    // program that requires one gets an error saying so.
    if (value === undefined || value === null || (isPlainObject(value) && "secure" in value)) {
        return;
    }
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
}
