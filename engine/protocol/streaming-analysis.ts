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

/** Resources analyzed concurrently; each resource's Remediate->Analyze stays in order. */
export const concurrency = 8;

interface ResourceResult {
    remediations: RemediationRecord[];
    violations: Violation[];
    notApplicable: NotApplicableResult[];
}

function sameJson(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

export class StreamingAnalysis {
    private readonly apply: boolean;
    /** Every resource fed so far, for the provider each request carries. */
    private readonly byUrn = new Map<string, EngineResource>();
    private readonly results = new Map<string, Promise<ResourceResult | undefined>>();
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
        this.throwIfFailed();
        const violations: Violation[] = [];
        const notApplicable: NotApplicableResult[] = [];
        const remediations: RemediationRecord[] = [];
        for (const r of perResource) {
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
        while (this.running >= concurrency && this.failure === undefined) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
        }
        this.running++;
    }

    private release(): void {
        this.running--;
        this.waiting.shift()?.();
    }

    private async analyzeOne(resource: EngineResource): Promise<ResourceResult | undefined> {
        await this.ready;
        await this.slot();
        try {
            if (this.failure !== undefined) {
                return undefined;
            }
            this.requests.remediate++;
            const rem = await this.session.remediate(resource, { byUrn: this.byUrn });
            let inputs = resource.inputs;
            if (rem.properties !== undefined && !sameJson(rem.properties, resource.inputs)) {
                this.remediated.set(resource.urn, rem.properties);
                if (this.apply) {
                    inputs = rem.properties;
                }
            }
            this.requests.analyze++;
            const found = await this.session.analyzeDetailed(resource, { properties: inputs, byUrn: this.byUrn });
            return { remediations: rem.remediations, violations: [...rem.violations, ...found.violations], notApplicable: found.notApplicable };
        } finally {
            this.release();
        }
    }
}
