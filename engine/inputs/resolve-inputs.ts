// Which inputs a run analyzes, and whether each is a program or a state file.
import * as fs from "fs";
import * as path from "path";
import { quote } from "../../lib/quote";
import { InputError } from "../errors";
import { InputKind } from "../reports/run-report";

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
