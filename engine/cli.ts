// `npm run analyze -- [--json] [--preview|--update] [--config FILE] [--policy-pack DIR] [PATH...]`
//
// Analyzes `pulumi stack export` files and Pulumi TypeScript program
// directories with this policy pack, through the same launch and Analyzer
// protocol the Pulumi engine uses, without the Pulumi CLI, credentials or a
// backend. One pack process serves every input.
//
// Exit codes: 0 no mandatory violation; 1 at least one mandatory violation;
// 2 bad usage, an input or config error, a policy pack failure, or an
// unexpected internal error. Errors are one line on stderr ("error: …", or
// "internal error: …" for a fault in the driver itself), never a stack trace.
import * as path from "path";
import { escapeControlChars, quote } from "../lib/quote";
import { readConfigFile } from "./inputs/config-file";
import { isInputError } from "./errors";
import { oneLine, PackError } from "./protocol/pack-process";
import { PolicySession } from "./protocol/policy-session";
import { runProgram } from "./inputs/program/run-program";
import { jsonReport } from "./reports/json-report";
import { hasMandatory, InputReport, RunReport } from "./reports/run-report";
import { parseArgs, usage } from "./arguments";
import { defaultPackDir, resolveInputs } from "./inputs/resolve-inputs";
import { humanReport } from "./reports/text-report";
import { EngineResource } from "./resource-model";
import { readStateFile, StateFileResult } from "./inputs/state-file";

let activeSession: PolicySession | undefined;

export async function main(argv: readonly string[]): Promise<{ code: number; stdout: string }> {
    const opts = parseArgs(argv);
    if (opts.help) {
        return { code: 0, stdout: usage };
    }
    const root = defaultPackDir();
    const packDir = opts.packDir ? path.resolve(opts.packDir) : root;
    // Everything that can be checked without the pack is checked first.
    const configRaw = opts.config !== undefined ? readConfigFile(opts.config) : undefined;
    const inputs = resolveInputs(opts.paths, root);
    const states = new Map<string, StateFileResult>();
    for (const input of inputs) {
        if (input.kind === "state") {
            states.set(input.path, readStateFile(input.path));
        }
    }
    const firstState = inputs.length > 0 ? states.get(inputs[0].path) : undefined;

    const session = await PolicySession.start({
        packDir,
        preview: opts.mode === "preview",
        project: firstState?.project,
        stack: firstState?.stack,
    });
    activeSession = session;
    const reports: InputReport[] = [];
    try {
        // Validated against the pack's own schemas before any input runs.
        await session.configure(configRaw, opts.config !== undefined ? `config file ${quote(opts.config)}` : "config");
        for (const input of inputs) {
            const state = states.get(input.path);
            let resources: EngineResource[];
            if (state !== undefined) {
                resources = state.resources;
            } else {
                resources = await runProgram(input.path, { mode: opts.mode });
            }
            const isProgram = input.kind === "program";
            const result = await session.analyzeResources(resources, { applyRemediations: isProgram });
            reports.push({
                path: input.label,
                kind: input.kind,
                mode: opts.mode,
                resources: resources.length,
                violations: result.violations,
                remediations: result.diagnostics.remediations,
                remediationsApplied: isProgram,
                notes: state?.notes ?? [],
            });
        }
    } finally {
        activeSession = undefined;
        await session.close();
    }
    const run: RunReport = {
        policyPackName: session.info.name,
        policyPackVersion: session.info.version,
        inputs: reports,
    };
    return { code: hasMandatory(run) ? 1 : 0, stdout: opts.json ? jsonReport(run) : humanReport(run) };
}

/** The one line printed for an error; stack traces never reach the user. */
export function errorLine(e: unknown): string {
    if (isInputError(e) || e instanceof PackError) {
        return `error: ${oneLine(e.message)}`;
    }
    const message = e instanceof Error ? e.message : String(e);
    const line = oneLine(message);
    return `internal error: ${line.length > 500 ? `${line.slice(0, 500)}…` : line}`;
}

function finish(code: number, stdout: string, stderr: string): void {
    // Exit explicitly once output is flushed: a program run in-process may
    // leave timers or handles behind that would keep the process alive.
    const exit = () => process.exit(code);
    const writeErr = () => (stderr ? process.stderr.write(`${stderr}\n`, exit) : exit());
    if (stdout) {
        process.stdout.write(`${stdout}\n`, writeErr);
    } else {
        writeErr();
    }
}

function fail(e: unknown): void {
    finish(2, "", escapeControlChars(errorLine(e)));
}

if (require.main === module) {
    process.on("SIGINT", () => {
        const s = activeSession;
        activeSession = undefined;
        void (s ? s.close() : Promise.resolve()).finally(() => process.exit(130));
    });
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);
    main(process.argv.slice(2)).then(({ code, stdout }) => finish(code, stdout, ""), fail);
}
