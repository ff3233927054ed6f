// The main thread's side of an analysis worker (analysis-worker.ts): hands it
// resources and turns its replies back into results and errors. The thread is
// started at once, so it loads (gRPC, the generated protocol code) while the
// program runs; it opens its channel to the pack once attach() is called.
import * as path from "path";
import { Worker } from "worker_threads";
import { EngineResource } from "../resource-model";
import { PackError } from "./pack-process";
import type { PolicySession } from "./policy-session";
import type { ResourceAnalysis } from "./streaming-analysis";
import type { WorkerError, WorkerReply, WorkerRequest } from "./analysis-worker";

function startThread(): Worker {
    const entry = path.join(__dirname, "analysis-worker");
    if (__filename.endsWith(".ts")) {
        // Run from the TypeScript sources (ts-node): the thread compiles them the same way.
        return new Worker(`require(${JSON.stringify(require.resolve("ts-node/register"))}); require(${JSON.stringify(`${entry}.ts`)});`, { eval: true });
    }
    return new Worker(`${entry}.js`);
}

export class AnalysisWorkerClient {
    private readonly thread = startThread();
    private readonly waiting = new Map<number, { resolve: (r: ResourceAnalysis) => void; reject: (e: unknown) => void }>();
    private session: PolicySession | undefined;
    private nextId = 0;
    /** Why the thread stopped answering, once it has. */
    private broken: Error | undefined;
    private closing: Promise<void> | undefined;
    /** Requests made before attach(), sent right after it. */
    private readonly queued: WorkerRequest[] = [];

    constructor() {
        this.thread.on("message", (reply: WorkerReply) => this.settle(reply));
        this.thread.on("error", (e) => this.breakAll(new Error(`the analysis worker thread failed: ${e instanceof Error ? e.message : String(e)}`)));
        this.thread.on("exit", (code) => this.breakAll(new Error(`the analysis worker thread exited with code ${code}`)));
    }

    /** Gives the thread the session's pack, once it is configured; requests made before wait for it. */
    attach(session: PolicySession): void {
        this.session = session;
        this.thread.postMessage({ kind: "attach", shared: session.shared } satisfies WorkerRequest);
        for (const request of this.queued.splice(0)) {
            this.thread.postMessage(request);
        }
    }

    analyze(resource: EngineResource, provider: EngineResource | undefined, apply: boolean): Promise<ResourceAnalysis> {
        if (this.broken !== undefined) {
            return Promise.reject(this.broken);
        }
        const id = this.nextId++;
        return new Promise<ResourceAnalysis>((resolve, reject) => {
            this.waiting.set(id, { resolve, reject });
            const request: WorkerRequest = { kind: "analyze", id, resource, ...(provider !== undefined ? { provider } : {}), apply };
            if (this.session === undefined) {
                this.queued.push(request);
            } else {
                this.thread.postMessage(request);
            }
        });
    }

    /** Stops the thread; requests still waiting fail. */
    close(): Promise<void> {
        this.closing ??= this.thread.terminate().then(() => undefined);
        return this.closing;
    }

    private settle(reply: WorkerReply): void {
        const waiter = this.waiting.get(reply.id);
        if (waiter === undefined) {
            return;
        }
        this.waiting.delete(reply.id);
        if ("result" in reply) {
            waiter.resolve(reply.result);
        } else {
            this.errorOf(reply.error).then(waiter.reject, waiter.reject);
        }
    }

    private async errorOf(e: WorkerError): Promise<Error> {
        if (e.call !== undefined && this.session !== undefined) {
            // Described as a call on the main thread's own channel would be: with how the process ended and its stderr.
            return this.session.failedCall(e.call);
        }
        if (e.name === "PackError") {
            return new PackError(e.message, e.details);
        }
        const error = new Error(e.message);
        error.name = e.name;
        return error;
    }

    private breakAll(e: Error): void {
        this.broken ??= e;
        for (const waiter of this.waiting.values()) {
            waiter.reject(this.broken);
        }
        this.waiting.clear();
    }
}
