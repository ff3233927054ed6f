// Which inputs a run analyzes, and whether each is a program or a state file.
import * as fs from "fs";
import * as path from "path";
import { quote } from "../../lib/quote";
import { InputError } from "../errors";
import { isPlainObject } from "../../lib/read-property";
import { nearest } from "../../lib/policy-config";
import type { InputKind } from "../reports/run-report";
import { pickStack, projectName, readProjectFile, stackNames } from "./program/program-layout";

/** The pack directory: the nearest ancestor of this file holding PulumiPolicy.yaml (bin/engine/inputs -> repo root). */
export function defaultPackDir(from: string = __dirname): string {
    let dir = from;
    for (;;) {
        if (fs.existsSync(path.join(dir, "PulumiPolicy.yaml")) && fs.existsSync(path.join(dir, "package.json"))) {
            return dir;
        }
        const up = path.dirname(dir);
        if (up === dir) {
            return path.resolve(__dirname, "..", "..", "..");
        }
        dir = up;
    }
}

export interface InputSpec {
    /** Absolute path: what the reader or runner is given. */
    path: string;
    /** How the report names it: as given, or examples/<name>. */
    label: string;
    kind: InputKind;
    /** Absolute path of the program's directory (the one holding Pulumi.yaml), or of the state file. */
    root: string;
    /** A program's stack, whose Pulumi.<stack>.yaml config it runs with. */
    stack?: string;
    /** A program's project name, from Pulumi.yaml. */
    project?: string;
}

/**
 * The directory relative paths start from: where the user ran the command.
 * npm runs a package's scripts from the package's own directory and records
 * the user's in INIT_CWD, so when this runs as an npm script from the pack's
 * directory (`npm run`, `npm --prefix PACK run`), INIT_CWD is the user's. A
 * script that changed directory on purpose keeps its own.
 */
export function userDirectory(env: Readonly<Record<string, string | undefined>>, cwd: string, packRoot: string): string {
    const initCwd = env.INIT_CWD;
    const fromNpm = env.npm_lifecycle_event !== undefined && initCwd !== undefined && path.isAbsolute(initCwd);
    return fromNpm && path.resolve(cwd) === path.resolve(packRoot) ? initCwd : cwd;
}

export function projectFile(dir: string): string | undefined {
    return ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}

/** The project's runtime name (`runtime: nodejs` or `runtime: {name: nodejs, options: …}`), if it names one. */
export function runtimeOf(project: Record<string, unknown>): string | undefined {
    const r = project.runtime;
    if (typeof r === "string") {
        return r;
    }
    if (isPlainObject(r) && typeof r.name === "string") {
        return r.name;
    }
    return undefined;
}

/** Only nodejs programs can run here; any other gets one line saying what to do instead. */
export function checkRuntime(dir: string, label: string): void {
    const runtime = runtimeOf(readProjectFile(dir));
    if (runtime !== undefined && runtime !== "nodejs") {
        throw new InputError(
            `${quote(label)} is a ${quote(runtime)} program, and npm run analyze runs only nodejs (TypeScript) programs: ` +
            "run `pulumi stack export --file stack.json` in it and analyze stack.json, or run `pulumi preview --policy-pack PATH-TO-THIS-PACK` there",
        );
    }
}

function programAt(dir: string, label: string, file: string): InputSpec {
    if (projectFile(dir) === undefined) {
        const what = file === dir ? "a directory" : `in a directory (${quote(path.basename(dir) || dir)})`;
        throw new InputError(`${quote(label)} is ${what} without Pulumi.yaml (or Pulumi.yml), so it is not a Pulumi program; pass a program's directory or a \`pulumi stack export\` file`);
    }
    checkRuntime(dir, label);
    return { path: file, label, kind: "program", root: dir };
}

/**
 * A directory holding Pulumi.yaml is a program, and so is its Pulumi.yaml or a
 * .ts/.js entry point next to it; any other file is read as a state file.
 * Relative paths start from `cwd`, the user's directory. With no paths: the
 * program in `cwd`, or the pack's examples when run from the pack's folder.
 */
export function resolveInputs(paths: readonly string[], root: string, cwd: string, stack?: string): InputSpec[] {
    return listInputs(paths, root, cwd).flatMap((input) => (input.kind === "program" ? withStacks(input, stack) : [input]));
}

/**
 * One input per stack the program is analyzed as: the one `--stack` names,
 * else every stack with a config file, so a gate checks prod as well as dev.
 */
export function withStacks(input: InputSpec, stack: string | undefined): InputSpec[] {
    const project = projectName(readProjectFile(input.root), input.root);
    const known = stackNames(input.root);
    if (stack !== undefined && !known.includes(stack)) {
        // Stack files are matched exactly, as the Pulumi CLI does; a near miss (`Prod`) is suggested.
        const near = known.find((k) => k.toLowerCase() === stack.toLowerCase()) ?? nearest(stack, known);
        const has = known.length === 0 ? "it has no Pulumi.<stack>.yaml at all" : `its stacks: ${known.join(", ")}${near !== undefined ? `; did you mean ${quote(near)}?` : ""}`;
        throw new InputError(`--stack ${quote(stack)}: ${quote(input.label)} has no Pulumi.${stack}.yaml (${has})`);
    }
    const stacks = stack !== undefined ? [stack] : known.length > 1 ? known : [pickStack(input.root)];
    return stacks.map((name) => ({ ...input, stack: name, project }));
}

function listInputs(paths: readonly string[], root: string, cwd: string): InputSpec[] {
    if (paths.length === 0 && path.resolve(cwd) !== path.resolve(root)) {
        // Outside the pack's folder, the pack's examples are never what the user meant.
        if (projectFile(cwd) !== undefined) {
            return [programAt(cwd, ".", cwd)];
        }
        throw new InputError("no PATH given, and this directory holds no Pulumi.yaml: pass a Pulumi program's directory or a `pulumi stack export` file");
    }
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
            .map((name) => ({ label: path.join("examples", name), abs: path.join(examples, name) }));
        if (programs.length === 0) {
            throw new InputError("no PATH given and examples/ holds no programs; pass a state file or a program directory");
        }
        return programs.map((p) => programAt(p.abs, p.label, p.abs));
    }
    return paths.map((p) => {
        const abs = path.resolve(cwd, p);
        let stat: fs.Stats;
        try {
            stat = fs.statSync(abs);
        } catch {
            throw new InputError(`${quote(p)} does not exist`);
        }
        if (stat.isDirectory()) {
            return programAt(abs, p, abs);
        }
        if (/^Pulumi\.ya?ml$/.test(path.basename(abs))) {
            return programAt(path.dirname(abs), p, path.dirname(abs));
        }
        if (/\.(ts|js|mjs|cjs)$/.test(abs)) {
            return programAt(path.dirname(abs), p, abs);
        }
        return { path: abs, label: p, kind: "state" as const, root: abs };
    });
}
