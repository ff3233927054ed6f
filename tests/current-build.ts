import * as fs from "fs";
import * as path from "path";
import { findRepoRoot } from "./repo-root";

// The engine, protocol and CLI tests run the compiled pack (bin/index.js, as
// Pulumi does) and the compiled CLI (bin/engine/cli.js). After an edit they
// would test the old code; this makes them refuse to, in one line. `npm test`
// runs the tests themselves compiled too (bin/tests/), so there every source
// the build compiles must be current, the tests included.

const repoRoot = findRepoRoot(__dirname);
/** The sources compiled into bin/ that the tests run from there: the pack and the engine. */
const packAndEngine = ["index.ts", "policies", "lib", "engine"];

/** Which sources must be built: those the tests run from bin/, or every source tsc compiles. */
export type BuildScope = "pack-and-engine" | "everything";

/** The scope of this process: everything when the tests run compiled from bin/tests/, else the pack and the engine. */
export function runningScope(root: string = repoRoot, dir: string = __dirname): BuildScope {
    return dir.startsWith(path.join(root, "bin") + path.sep) ? "everything" : "pack-and-engine";
}

/** The fixed part of a tsconfig pattern: "tests/**\/*.ts" -> "tests". */
function fixedPrefix(pattern: string): string {
    const parts = pattern.split("/");
    const glob = parts.findIndex((p) => /[*?[{]/.test(p));
    return path.join(...(glob === -1 ? parts : parts.slice(0, glob)));
}

/** What tsconfig.json compiles, as folders and files relative to the root, and what it excludes. */
export function compiledRoots(root: string): { include: string[]; exclude: string[] } {
    const config = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")) as { include?: string[]; exclude?: string[] };
    return { include: (config.include ?? []).map(fixedPrefix), exclude: (config.exclude ?? []).map(fixedPrefix) };
}

function sources(root: string, rel: string, exclude: readonly string[]): string[] {
    const full = path.join(root, rel);
    if (exclude.includes(rel) || !fs.existsSync(full)) {
        return [];
    }
    if (!fs.statSync(full).isDirectory()) {
        return [rel];
    }
    return fs.readdirSync(full).flatMap((name) => sources(root, path.join(rel, name), exclude));
}

/** Why bin/ does not hold the current sources, or undefined when it does. */
export function staleBuild(root: string = repoRoot, scope: BuildScope = runningScope()): string | undefined {
    const { include, exclude } = scope === "everything" ? compiledRoots(root) : { include: packAndEngine, exclude: [] };
    for (const source of include.flatMap((rel) => sources(root, rel, exclude)).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))) {
        const output = path.join(root, "bin", source.replace(/\.ts$/, ".js"));
        if (!fs.existsSync(output)) {
            return `${source} is not built`;
        }
        if (fs.statSync(path.join(root, source)).mtimeMs > fs.statSync(output).mtimeMs) {
            return `${source} changed after the last build`;
        }
    }
    if (scope === "everything") {
        // A test deleted from tests/ but left in bin/tests/ by a bare `tsc` would still run.
        const orphan = include.flatMap((rel) => sources(path.join(root, "bin"), rel, exclude))
            .find((f) => f.endsWith(".js") && !fs.existsSync(path.join(root, f.replace(/\.js$/, ".ts"))));
        if (orphan !== undefined) {
            return `${path.join("bin", orphan)} has no source`;
        }
    }
    return undefined;
}

/** The error that stops a run on a stale bin/, or undefined. */
export function staleBuildError(root: string = repoRoot, scope: BuildScope = runningScope()): Error | undefined {
    const why = staleBuild(root, scope);
    return why === undefined ? undefined : new Error(`bin/ is stale (${why}): run npm run build`);
}

/** Fails the whole run, before any test, when bin/ is stale. Call at the top level of a test module. */
export function requireCurrentBuild(): void {
    before(() => {
        const error = staleBuildError();
        if (error !== undefined) {
            throw error;
        }
    });
}
