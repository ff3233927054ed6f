// Locating the program, its project, stack and config.
import * as fs from "fs";
import * as path from "path";
import Module = require("module");

import { InputError } from "../../errors";
import { firstLine, quote } from "./program-errors";
import { isPlainObject } from "../../../lib/read-property";

export interface ProgramLayout {
    /** Directory holding Pulumi.yaml (or the program). */
    root: string;
    /** Directory the program's code is loaded from (Pulumi.yaml `main`). */
    codeDir: string;
    /** What `require` is given, as the language host does. */
    entry: string;
    project: string;
    stack: string;
    config: Record<string, string>;
    hasTsconfig: boolean;
}

export function locateProgram(dir: string): ProgramLayout {
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
    let codeDir = root;
    if (stat.isDirectory() && typeof yaml.main === "string" && yaml.main !== "") {
        codeDir = path.resolve(root, yaml.main);
    }
    const entry = stat.isDirectory() ? findEntry(codeDir) : given;
    const stack = pickStack(root);
    const config = readConfig(root, project, stack, yaml);
    const hasTsconfig = fs.existsSync(path.join(codeDir, "tsconfig.json"));
    return { root, codeDir, entry, project, stack, config, hasTsconfig };
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
            throw new InputError(`the program's package.json main ${quote(pkg.main)} does not exist in ${quote(codeDir)}`);
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

/** The single Pulumi.<stack>.yaml, else `dev` if present, else the first; `dev` when there is none. */
export function pickStack(root: string): string {
    const stacks = fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => m[1])
        .sort();
    if (stacks.length === 0 || stacks.includes("dev")) {
        return "dev";
    }
    return stacks[0];
}

export function readConfig(root: string, project: string, stack: string, yaml: Record<string, unknown>): Record<string, string> {
    const config: Record<string, string> = {};
    // Project-level defaults first, then the stack file, as the CLI merges them.
    const projectConfig = yaml.config;
    if (projectConfig && typeof projectConfig === "object" && !Array.isArray(projectConfig)) {
        for (const [key, raw] of Object.entries(projectConfig as Record<string, unknown>)) {
            const value = isPlainObject(raw) && ("default" in raw || "value" in raw) ? (raw.value ?? raw.default) : raw;
            setConfigValue(config, project, key, value);
        }
    }
    const stackFile = ["yaml", "yml"].map((e) => path.join(root, `Pulumi.${stack}.${e}`)).find((f) => fs.existsSync(f));
    if (stackFile) {
        const doc = readYaml(stackFile);
        const values = doc && typeof doc === "object" ? doc.config : undefined;
        if (values !== undefined && values !== null && !isPlainObject(values)) {
            throw new InputError(`${quote(stackFile)}: "config" must be a mapping`);
        }
        for (const [key, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
            setConfigValue(config, project, key, value);
        }
    }
    return config;
}

export function setConfigValue(config: Record<string, string>, project: string, key: string, value: unknown): void {
    // Encrypted values cannot be decrypted without the stack's secrets
    // provider; leaving them unset makes a program that needs one fail with
    // Pulumi's own "missing required configuration" message.
    if (value === undefined || value === null || (isPlainObject(value) && "secure" in value)) {
        return;
    }
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
}
