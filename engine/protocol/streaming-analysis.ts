// The engine's sequence for one deployment, fed one resource at a time: the
// real engine sends Remediate and Analyze for each resource as the program
// registers it, and AnalyzeStack once the program has finished. Fed while a
// program runs, the pack's work overlaps the program's instead of following
// it. A state file is fed all at once (PolicySession.analyzeResources); both
// give the same requests and the same result, in the order of the resources.
import { EngineResource, NotApplicableResult, Violation } from "../resource-model";
import type {
    AnalyzeResourcesOptions,
    AnalyzeResourcesResult,
    PolicySession,
    RemediationRecord,
} from "./policy-session";
import { applyRemediationToOutputs, isCantRun } from "./policy-session";
import { AnalysisWorkerClient } from "./analysis-worker-client";
import { findProvider } from "./marshal";

/** Resources analyzed concurrently; each resource's Remediate->Analyze stays in order. */
export const concurrency = 8;
/**
 * The same through a worker thread: its replies are read only between the
 * turns of a main thread busy with the program, so more must be in flight
 * to keep the worker and the pack busy meanwhile.
 */
export const workerConcurrency = 64;

/** One resource's Remediate and Analyze, as plain data (it may come from a worker thread). */
export interface ResourceAnalysis {
    remediations: RemediationRecord[];
    violations: Violation[];
    notApplicable: NotApplicableResult[];
    /** The properties after remediation, when they differ from the resource's inputs. */
    remediated?: Record<string, unknown>;
}

function sameJson(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Remediate, then Analyze on the remediated properties if `apply`, as the
 * engine sends them for one resource. `byUrn` holds at least its provider.
 */
export async function analyzeResource(
    session: PolicySession,
    resource: EngineResource,
    byUrn: ReadonlyMap<string, EngineResource>,
    apply: boolean,
): Promise<ResourceAnalysis> {
    const rem = await session.remediate(resource, { byUrn });
    let inputs = resource.inputs;
    let remediated: Record<string, unknown> | undefined;
    if (rem.properties !== undefined && !sameJson(rem.properties, resource.inputs)) {
        remediated = rem.properties;
        if (apply) {
            inputs = rem.properties;
        }
    }
    const found = await session.analyzeDetailed(resource, { properties: inputs, byUrn });
    return {
        remediations: rem.remediations,
        violations: [...rem.violations, ...found.violations],
        notApplicable: found.notApplicable,
        ...(remediated !== undefined ? { remediated } : {}),
    };
}

export class StreamingAnalysis {
    private readonly apply: boolean;
    /** Every resource fed so far, for the provider each request carries. */
    private readonly byUrn = new Map<string, EngineResource>();
    private readonly results = new Map<string, Promise<ResourceAnalysis | undefined>>();
    /** Sends the requests from another thread, once useWorker() is called. */
    private worker: AnalysisWorkerClient | undefined;
    /** Resources whose requests went through the worker thread. */
    sentByWorker = 0;
    private readonly remediated = new Map<string, Record<string, unknown>>();
    private readonly requests = { remediate: 0, analyze: 0, analyzeStack: 0 };
    private readonly waiting: (() => void)[] = [];
    private running = 0;
    /** The first failed request: later ones are not sent, and finish() throws it. */
    private failure: { error: unknown } | undefined;
    private readonly ready: Promise<unknown>;

    /** Set once `ready` has resolved; no request is sent before. */
    private session!: PolicySession;

    /**
     * `session` may still be starting: resources fed meanwhile wait for it
     * (the CLI runs the first program while the pack starts), and if it fails
     * they are not sent and finish() throws its error.
     */
    constructor(
        session: PolicySession | Promise<PolicySession>,
        opts: AnalyzeResourcesOptions = {},
    ) {
        this.apply = opts.applyRemediations !== false;
        const configured = Promise.resolve(session).then((s) => {
            this.session = s;
            return s.configuration === undefined ? s.configure() : undefined;
        });
        // Never an unhandled rejection: a program run in this process counts those as its own errors.
        this.ready = configured.catch((e) => this.fail(e));
    }

    /**
     * From now on, sends each resource's requests from a worker thread with a
     * channel of its own to the pack: the gRPC client's work per request (an
     * HTTP/2 stream, marshalling) then leaves the thread the program runs on,
     * which a large program keeps busy. The thread starts loading at once, in
     * parallel with the program; it costs about as much CPU as it saves on a
     * program of a few hundred resources, so the CLI asks for it only past that.
     */
    useWorker(): void {
        if (this.worker !== undefined || this.failure !== undefined) {
            return;
        }
        const worker = new AnalysisWorkerClient();
        this.worker = worker;
        void this.ready.then(() => {
            if (this.failure === undefined) {
                worker.attach(this.session);
            }
        });
    }

    /** Starts Remediate then Analyze of `resource` (its inputs are final once it is registered). */
    add(resource: EngineResource): void {
        if (this.results.has(resource.urn)) {
            return;
        }
        this.byUrn.set(resource.urn, resource);
        this.results.set(resource.urn, this.analyzeOne(resource).catch((e) => {
            this.fail(e);
            return undefined;
        }));
    }

    /**
     * Waits for every resource's requests (feeding any of `resources` not fed
     * yet), then sends AnalyzeStack over all of them: the result in the order
     * of `resources`.
     */
    async finish(resources: readonly EngineResource[]): Promise<AnalyzeResourcesResult> {
        await this.ready;
        for (const r of resources) {
            this.add(r);
        }
        const perResource = await Promise.all(resources.map((r) => this.results.get(r.urn)!));
        await this.worker?.close();
        this.throwIfFailed();
        const violations: Violation[] = [];
        const notApplicable: NotApplicableResult[] = [];
        const remediations: RemediationRecord[] = [];
        for (const [i, r] of perResource.entries()) {
            if (r!.remediated !== undefined) {
                this.remediated.set(resources[i].urn, r!.remediated);
            }
            remediations.push(...r!.remediations);
            violations.push(...r!.violations);
            notApplicable.push(...r!.notApplicable);
        }
        const byUrn = new Map<string, EngineResource>(resources.map((r) => [r.urn, r]));
        const stackResources = this.apply && this.remediated.size > 0
            ? resources.map((r) => {
                const fixed = this.remediated.get(r.urn);
                return fixed === undefined ? r : { ...r, outputs: applyRemediationToOutputs(r.outputs, r.inputs, fixed) };
            })
            : resources;
        this.requests.analyzeStack++;
        const stack = await this.session.analyzeStackDetailed(stackResources, { byUrn });
        violations.push(...stack.violations);
        notApplicable.push(...stack.notApplicable);
        return {
            violations,
            stackViolations: stack.violations,
            notApplicable,
            remediated: this.remediated,
            diagnostics: { cantRun: violations.filter(isCantRun), remediations, requests: this.requests },
        };
    }

    /** Waits for the requests in flight, for a run that ends without finish() (its program failed). */
    async abandon(): Promise<void> {
        this.failure ??= { error: new Error("analysis abandoned") };
        await Promise.all(this.results.values());
        await this.worker?.close();
    }

    private fail(e: unknown): void {
        this.failure ??= { error: e };
        // Queued resources start, see the failure, and end at once.
        for (const wake of this.waiting.splice(0)) {
            wake();
        }
    }

    private throwIfFailed(): void {
        if (this.failure !== undefined) {
            throw this.failure.error;
        }
    }

    private async slot(): Promise<void> {
        while (this.running >= (this.worker !== undefined ? workerConcurrency : concurrency) && this.failure === undefined) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
        }
        this.running++;
    }

    private release(): void {
        this.running--;
        this.waiting.shift()?.();
    }

    private async analyzeOne(resource: EngineResource): Promise<ResourceAnalysis | undefined> {
        await this.ready;
        await this.slot();
        try {
            if (this.failure !== undefined) {
                return undefined;
            }
            this.requests.remediate++;
            this.requests.analyze++;
            if (this.worker !== undefined) {
                const provider = findProvider(resource, this.byUrn);
                this.sentByWorker++;
                return await this.worker.analyze(resource, provider, this.apply);
            }
            return await analyzeResource(this.session, resource, this.byUrn, this.apply);
        } finally {
            this.release();
        }
    }
}
