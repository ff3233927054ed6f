// Runs in a worker thread (started by analysis-worker-client.ts): sends the
// Remediate and Analyze requests of the resources it is handed over a channel
// of its own to the pack the main thread started and configured, and posts
// back each result as plain data.
import { parentPort } from "worker_threads";
import { EngineResource } from "../resource-model";
import { PackError } from "./pack-process";
import { PolicySession, SharedSession } from "./policy-session";
import { analyzeResource } from "./streaming-analysis";

/** What the main thread posts. */
export type WorkerRequest =
    | { kind: "attach"; shared: SharedSession }
    | { kind: "analyze"; id: number; resource: EngineResource; provider?: EngineResource; apply: boolean };

/** An error as plain data: a failed call travels whole, so the main thread can describe it with what it knows of the process. */
export interface WorkerError {
    message: string;
    name: string;
    details?: string;
    call?: PackError["call"];
}

export type WorkerReply =
    | { id: number; result: Awaited<ReturnType<typeof analyzeResource>> }
    | { id: number; error: WorkerError };

export function errorData(e: unknown): WorkerError {
    if (e instanceof PackError) {
        return { message: e.message, name: e.name, details: e.details, call: e.call };
    }
    return { message: e instanceof Error ? e.message : String(e), name: e instanceof Error ? e.name : "Error" };
}

function serve(port: NonNullable<typeof parentPort>): void {
    let session: PolicySession | undefined;
    port.on("message", (msg: WorkerRequest) => {
        if (msg.kind === "attach") {
            session = PolicySession.attach(msg.shared);
            return;
        }
        const byUrn = new Map<string, EngineResource>(msg.provider !== undefined ? [[msg.provider.urn, msg.provider]] : []);
        // The main thread attaches before it sends any resource.
        analyzeResource(session!, msg.resource, byUrn, msg.apply).then(
            (result) => port.postMessage({ id: msg.id, result } satisfies WorkerReply),
            (e) => port.postMessage({ id: msg.id, error: errorData(e) } satisfies WorkerReply),
        );
    });
}

if (parentPort !== null) {
    serve(parentPort);
}
