import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { AnalyzeResourcesResult, PolicySession } from "../../engine/protocol/policy-session";
import { EngineResource, Violation } from "../../engine/resource-model";
import { requireCurrentBuild } from "../current-build";
import { todayVariable } from "../../lib/governance";
import { repoRoot } from "../repo-root";

// Every test that imports these helpers drives bin/: refuse a stale one.
requireCurrentBuild();

export { repoRoot };
export const fixturesDir = path.join(repoRoot, "tests", "fixtures");
export const stateFixture = (name: string) => path.join(fixturesDir, "state", name);
export const packFixture = (name: string) => path.join(fixturesDir, "packs", name);
export const cliPath = path.join(repoRoot, "bin", "engine", "cli.js");

/** The environment without npm's script variables, so `npm test` run from anywhere cannot move relative paths. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
    for (const k of ["INIT_CWD", "npm_lifecycle_event", "FORCE_COLOR", "NO_COLOR"]) {
        if (!(k in extra)) {
            delete env[k];
        }
    }
    return env;
}

export interface ResourceSpec {
    outputs?: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    provider?: string;
}

export function urnOf(type: string, name: string, project = "proj", stack = "dev"): string {
    return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/** An EngineResource whose outputs default to its inputs (as after an update without computed outputs). */
export function resource(type: string, name: string, inputs: Record<string, unknown>, spec: ResourceSpec = {}): EngineResource {
    const r: EngineResource = {
        urn: urnOf(type, name),
        type,
        name,
        inputs,
        outputs: spec.outputs ?? inputs,
        dependencies: spec.dependencies ?? [],
        propertyDependencies: spec.propertyDependencies ?? {},
    };
    if (spec.parent !== undefined) {
        r.parent = spec.parent;
    }
    if (spec.provider !== undefined) {
        r.provider = spec.provider;
    }
    return r;
}

export function assertNoCantRun(violations: readonly Violation[]): void {
    const cantRun = violations.filter((v) => /can't run/.test(v.message));
    assert.deepStrictEqual(cantRun.map((v) => `${v.policyName}: ${v.message}`), []);
}

/**
 * Configures the session, runs the engine's whole sequence on the resources,
 * and fails the test on any "can't run policy" result.
 */
export async function analyzeChecked(session: PolicySession, resources: readonly EngineResource[], config?: unknown): Promise<AnalyzeResourcesResult> {
    await session.configure(config);
    const result = await session.analyzeResources(resources);
    assertNoCantRun(result.violations);
    assert.deepStrictEqual(result.diagnostics.cantRun, []);
    return result;
}

/**
 * A scratch directory for the calling describe block: created before its
 * tests, removed after them. `write` puts a file in it and returns its path.
 */
export function scratchFiles(prefix: string): { dir: () => string; write: (name: string, content: string | Buffer) => string } {
    let dir = "";
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    });
    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });
    return {
        dir: () => dir,
        write: (name, content) => {
            const file = path.join(dir, name);
            fs.writeFileSync(file, content);
            return file;
        },
    };
}

/** "policyName@resource name" for each violation, sorted: compact to assert on. */
export function verdicts(violations: readonly Violation[]): string[] {
    return violations
        .map((v) => `${v.policyName}@${v.resourceUrn === "" ? "(stack)" : v.resourceUrn.slice(v.resourceUrn.lastIndexOf("::") + 2)}:${v.enforcementLevel}`)
        .sort();
}

/** Programs written to fresh directories under the OS temp dir (no node_modules above them), removed together. */
export function tempPrograms(prefix: string): { make: (files: Record<string, string>) => string; removeAll: () => void } {
    const dirs: string[] = [];
    return {
        make: (files) => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
            dirs.push(dir);
            for (const [name, text] of Object.entries(files)) {
                fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
                fs.writeFileSync(path.join(dir, name), text);
            }
            return dir;
        },
        removeAll: () => {
            for (const dir of dirs.splice(0)) {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        },
    };
}

/**
 * Pins the pack's clock (APIGW_ACCESS_LOGGING_TODAY) to `date` for the
 * enclosing describe, for the pack processes its tests start, and restores it.
 */
export function pinToday(date: string): void {
    let previous: string | undefined;
    before(() => {
        previous = process.env[todayVariable];
        process.env[todayVariable] = date;
    });
    after(() => {
        if (previous === undefined) {
            delete process.env[todayVariable];
        } else {
            process.env[todayVariable] = previous;
        }
    });
}
