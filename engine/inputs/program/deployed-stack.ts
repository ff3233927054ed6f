// A program previewed against its deployed stack (`--state FILE`, a
// `pulumi stack export`).
//
// A real preview of an existing stack diffs each registration against the
// stack's state: a resource whose inputs (after the provider's Check, which
// keeps the autonames it gave before) match the state is unchanged and keeps
// its known id and outputs, so what depends on it sees known ARNs. New and
// changed resources get their computed outputs in the apply step, so a
// preview shows them unknown.
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";

import { quote } from "../../../lib/quote";
import { isPlainObject } from "../../../lib/read-property";
import { InputError } from "../../errors";
import { EngineResource } from "../../resource-model";
import { readStateFile, StateFileResult } from "../state-file";

/** `--state` and `--account-id` for program runs, checked before anything runs. */
export function programRunOptions(
    opts: { state?: string; accountId?: string },
    cwd: string,
    inputs: readonly { kind: string }[],
): { deployed?: DeployedStack; accountId?: string } {
    if (opts.state === undefined) {
        return opts.accountId === undefined ? {} : { accountId: opts.accountId };
    }
    if (!inputs.some((i) => i.kind === "program")) {
        throw new InputError("--state compares a program with its deployed stack, and no program was given (to analyze the export itself, pass it as a PATH)");
    }
    return { deployed: readDeployedStack(path.resolve(cwd, opts.state), opts.state), ...(opts.accountId === undefined ? {} : { accountId: opts.accountId }) };
}

/** Reads `--state FILE` once, before anything runs: a bad file is one `error:` line, as for any state file. */
export function readDeployedStack(file: string, label: string): DeployedStack {
    const state = readStateFile(file);
    return new DeployedStack(label, state, resourceIds(fs.readFileSync(file, "utf8")));
}

/** URN -> id, which the state reader does not keep (policies never see ids of a state file). */
function resourceIds(text: string): Map<string, string> {
    const ids = new Map<string, string>();
    try {
        const doc = JSON.parse(text.replace(/^\uFEFF/, ""));
        const resources = doc?.deployment?.resources ?? doc?.checkpoint?.latest?.resources;
        for (const r of Array.isArray(resources) ? resources : []) {
            if (typeof r?.urn === "string" && typeof r?.id === "string" && r.id !== "") {
                ids.set(r.urn, r.id);
            }
        }
    } catch {
        // The reader accepted the file; without ids, matches just keep the outputs' own `id`.
    }
    return ids;
}

/** `project::qualified type::name`: a URN without its stack, which the export may name differently. */
function stacklessKey(urn: string): string {
    const parts = urn.split("::");
    return parts.slice(1).join("::");
}

export class DeployedStack {
    private readonly byKey = new Map<string, EngineResource>();
    private unchanged = 0;
    private changed = 0;

    private readonly ids = new Map<string, string>();

    constructor(
        private readonly label: string,
        state: StateFileResult,
        ids: ReadonlyMap<string, string> = new Map(),
    ) {
        for (const r of state.resources) {
            this.byKey.set(stacklessKey(r.urn), r);
            const id = ids.get(r.urn) ?? (typeof r.outputs.id === "string" ? r.outputs.id : undefined);
            if (id !== undefined) {
                this.ids.set(stacklessKey(r.urn), id);
            }
        }
    }

    /** The deployed resource at `urn` (ignoring the stack part), if its type is the same. */
    find(urn: string, type: string): EngineResource | undefined {
        const found = this.byKey.get(stacklessKey(urn));
        return found && found.type === type ? found : undefined;
    }

    /** The id of a deployed provider or resource, for references to it. */
    idOf(urn: string, type: string): string | undefined {
        return this.find(urn, type) ? this.ids.get(stacklessKey(urn)) : undefined;
    }

    /**
     * The deployed resource when the registration leaves it unchanged: every
     * input equal, where keys the provider fills with defaults (`defaults`)
     * count as given. Counts the outcome for the report's note.
     */
    unchangedResource(urn: string, type: string, inputs: Record<string, unknown>, defaults: Record<string, unknown>): EngineResource | undefined {
        const old = this.find(urn, type);
        if (old === undefined) {
            return undefined;
        }
        const same = sameInputs({ ...defaults, ...inputs }, old.inputs, new Set(Object.keys(defaults)));
        if (same) {
            this.unchanged++;
        } else {
            this.changed++;
        }
        return same ? old : undefined;
    }

    /** Counts start again for each program run. */
    begin(): void {
        this.unchanged = 0;
        this.changed = 0;
    }

    note(): string {
        const none = this.unchanged === 0 ? "; no resource matched the export (is it this program's stack?)" : "";
        return `compared with the deployed stack in ${quote(this.label)}: ${this.unchanged} unchanged resource${this.unchanged === 1 ? "" : "s"} kept ${this.unchanged === 1 ? "its" : "their"} outputs, ${this.changed} changed${none}`;
    }
}

/** Engine-internal keys (`__defaults`, `__meta`) are not inputs the program gave. */
function withoutInternalKeys(v: unknown): unknown {
    if (Array.isArray(v)) {
        return v.map(withoutInternalKeys);
    }
    if (isPlainObject(v)) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
            if (!k.startsWith("__")) {
                out[k] = withoutInternalKeys(x);
            }
        }
        return out;
    }
    return v;
}

export function sameInputs(ours: Record<string, unknown>, deployed: Record<string, unknown>, defaultKeys: ReadonlySet<string>): boolean {
    const a = withoutInternalKeys(ours) as Record<string, unknown>;
    const b = withoutInternalKeys(deployed) as Record<string, unknown>;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!(k in b) && defaultKeys.has(k)) {
            continue;
        }
        if (!isDeepStrictEqual(a[k], b[k])) {
            return false;
        }
    }
    return true;
}
