import * as fs from "fs";
import * as path from "path";

// The engine, protocol and CLI tests run the compiled pack (bin/index.js, as
// Pulumi does) and the compiled CLI (bin/engine/cli.js). After an edit they
// would test the old code; this makes them refuse to, in one line.

const repoRoot = path.resolve(__dirname, "..");
/** The sources compiled into bin/ that the tests run from there: the pack and the engine. */
const compiled = ["index.ts", "policies", "lib", "engine"];

function sources(root: string, rel: string): string[] {
    const full = path.join(root, rel);
    if (!fs.existsSync(full)) {
        return [];
    }
    if (!fs.statSync(full).isDirectory()) {
        return [rel];
    }
    return fs.readdirSync(full).flatMap((name) => sources(root, path.join(rel, name)));
}

/** Why bin/ does not hold the current sources, or undefined when it does. */
export function staleBuild(root: string = repoRoot): string | undefined {
    for (const source of compiled.flatMap((rel) => sources(root, rel)).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))) {
        const output = path.join(root, "bin", source.replace(/\.ts$/, ".js"));
        if (!fs.existsSync(output)) {
            return `${source} is not built`;
        }
        if (fs.statSync(path.join(root, source)).mtimeMs > fs.statSync(output).mtimeMs) {
            return `${source} changed after the last build`;
        }
    }
    return undefined;
}

/** Fails the whole run, before any test, when bin/ is stale. Call at the top level of a test module. */
export function requireCurrentBuild(): void {
    before(() => {
        const why = staleBuild();
        if (why !== undefined) {
            throw new Error(`bin/ is stale (${why}): run npm run build`);
        }
    });
}
