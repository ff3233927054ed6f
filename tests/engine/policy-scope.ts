import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policies } from "../../policies";

// The state files, example programs and test programs are access-logging
// scenarios, and the tests that run them through the CLI or the pack process
// assert every verdict of the policies they are about: the access-logging
// policies, those tagged "logging". A policy about something else (detailed
// metrics, tags) is disabled in those runs, so adding one does not rewrite
// their fixtures and expected reports; a new access-logging policy is judged
// on them like the others, since its check applies to them.

/** What scoping needs to know of a policy: the registry's entries and GetAnalyzerInfo's both have it. */
export interface ScopedPolicy {
    name: string;
    tags?: readonly string[];
}

export const accessLoggingTag = "logging";

export function isAccessLoggingPolicy(policy: ScopedPolicy): boolean {
    return (policy.tags ?? []).includes(accessLoggingTag);
}

/** The pack's policies that the fixtures are not about. */
export function outOfScope(all: readonly ScopedPolicy[] = policies): string[] {
    return all.filter((p) => !isAccessLoggingPolicy(p)).map((p) => p.name);
}

/**
 * `config` (a policy config as `--config` reads it) with every out-of-scope
 * policy disabled. The policy's own entry keeps its properties; only its level
 * changes.
 */
export function scopedConfig(config: Record<string, unknown> = {}, all: readonly ScopedPolicy[] = policies): Record<string, unknown> {
    const out: Record<string, unknown> = { ...config };
    for (const name of outOfScope(all)) {
        const own = out[name];
        out[name] = own !== null && typeof own === "object" && !Array.isArray(own) ? { ...own, enforcementLevel: "disabled" } : "disabled";
    }
    return out;
}

/** Only the violations (or any results) of in-scope policies, for runs through the pack process. */
export function inScope<T extends { policyName: string }>(results: readonly T[], all: readonly ScopedPolicy[] = policies): T[] {
    const out = new Set(outOfScope(all));
    return results.filter((r) => !out.has(r.policyName));
}

let scratchDir: string | undefined;
function scratch(): string {
    if (scratchDir === undefined) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-scope-"));
        process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
        scratchDir = dir;
    }
    return scratchDir;
}

const configFlags = ["--config", "--policy-pack-config"];

/**
 * CLI arguments for a run that asserts its verdicts: the out-of-scope
 * policies disabled through `--config`, merged into the run's own config file
 * (written anew under the same file name, so messages naming it still match).
 * With every policy in scope the arguments are returned as they are.
 */
export function scopedArgs(args: readonly string[], all: readonly ScopedPolicy[] = policies): string[] {
    if (outOfScope(all).length === 0) {
        return [...args];
    }
    const at = args.findIndex((a) => configFlags.includes(a) || configFlags.some((f) => a.startsWith(`${f}=`)));
    if (at < 0) {
        return [...args, "--config", write("scope.json", scopedConfig({}, all))];
    }
    const inline = args[at].includes("=");
    const file = inline ? args[at].slice(args[at].indexOf("=") + 1) : args[at + 1];
    const own = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    const scoped = write(path.basename(file), scopedConfig(own, all));
    return inline
        ? [...args.slice(0, at), `${args[at].slice(0, args[at].indexOf("="))}=${scoped}`, ...args.slice(at + 1)]
        : [...args.slice(0, at + 1), scoped, ...args.slice(at + 2)];
}

function write(name: string, config: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(scratch(), "run-"));
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
}
