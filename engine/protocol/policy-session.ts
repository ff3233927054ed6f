// One policy pack process, driven through the Analyzer protocol in the order
// the engine uses: ConfigureStack (first, as the engine sends it from CLI
// 3.170; left out for a state file, as `pulumi policy analyze` leaves it out),
// GetAnalyzerInfo, Configure, then per resource Remediate and Analyze, and one
// AnalyzeStack at the end. One session serves a whole run, however many inputs
// it analyzes; the real engine serves one stack, so a run over several sends
// each one's ConfigureStack before analyzing it.
import type * as analyzerTypes from "@pulumi/pulumi/proto/analyzer_pb";
import * as fs from "fs";
import * as path from "path";
import {
    checkReconciled,
    PolicyConfigMap,
    PolicyDescriptor,
    ReconciledPolicyConfig,
    reconcileConfig,
    validateConfig,
    ValidateOptions,
} from "../inputs/config-file";
import { findProvider, makeAnalyzeRequest, makeAnalyzerResource, ResourceWithOptions, unmarshalProperties } from "./marshal";
import { FailedCall, PackConnection, PackError, PackProcess, PortConnection, rethrownCall, unary } from "./pack-process";
import { levelName, levelValue, policyDescriptorOf, policyMetadataOf, PolicyMetadata } from "./analyzer-info";
import { loadProto } from "./proto";
import { StreamingAnalysis } from "./streaming-analysis";
import { EngineResource, NotApplicableResult, Violation } from "../resource-model";

export interface AnalyzerInfo {
    name: string;
    /** The version diagnostics carry: PulumiPolicy.yaml's `version` if set (as the engine does), else the pack's. */
    version: string;
    description: string;
    supportsConfig: boolean;
    policies: PolicyDescriptor[];
    /** What reports say about each policy: severity, tags, remediation steps, URL. */
    metadata: PolicyMetadata[];
    /** The pack's own initial config (the PolicyPack constructor's third argument). */
    initialConfig: PolicyConfigMap;
}

export interface RemediationRecord {
    resourceUrn: string;
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    /** The whole property bag after this policy's remediation. */
    properties?: Record<string, unknown>;
    /** Why the remediation could not run (reported as an advisory violation too). */
    diagnostic?: string;
}

export interface RemediateResult {
    /** The properties after every remediation that returned some, else undefined. */
    properties: Record<string, unknown> | undefined;
    remediations: RemediationRecord[];
    /** Remediation diagnostics, as the engine reports them: advisory violations. */
    violations: Violation[];
    /** Remediations that said they did not apply (an exempted resource, another type). */
    notApplicable: NotApplicableResult[];
}

export interface SessionDiagnostics {
    /** "can't run policy/remediation … during preview" results; each is also an advisory violation. */
    cantRun: Violation[];
    /** Every remediation the pack returned, applied or not. */
    remediations: RemediationRecord[];
    requests: { remediate: number; analyze: number; analyzeStack: number };
}

/** What one Analyze or AnalyzeStack request returned. */
export interface AnalysisResult {
    violations: Violation[];
    /** Policies that said they did not apply (AnalyzeResponse.not_applicable). */
    notApplicable: NotApplicableResult[];
}

export interface AnalyzeResourcesResult {
    violations: Violation[];
    /** The violations AnalyzeStack returned (the last ones of `violations`). */
    stackViolations: Violation[];
    /** Every not_applicable entry of the run's Analyze and AnalyzeStack responses. */
    notApplicable: NotApplicableResult[];
    /** URN -> the inputs after remediation, for resources a remediation changed. */
    remediated: Map<string, Record<string, unknown>>;
    diagnostics: SessionDiagnostics;
}

export interface AnalyzeResourcesOptions {
    /**
     * true (a deployment): remediated inputs replace the originals for Analyze
     * and, key by key, the outputs AnalyzeStack sees. false (`pulumi policy
     * analyze` on a state file): remediations are reported, not applied.
     */
    applyRemediations?: boolean;
}

/** What ConfigureStack tells the pack about the stack being analyzed. */
export interface StackIdentity {
    project?: string;
    stack?: string;
    organization?: string;
    /**
     * The stack's tags, which policies read as `args.stackTags`. The CLI sets
     * `pulumi:runtime` (nodejs, python, go, dotnet, java, yaml) on every update.
     */
    tags?: Record<string, string>;
    /** The stack's config, decrypted, by full key ("project:key"), as the engine sends it. */
    config?: Record<string, string>;
    /** Full keys of config values that are secrets. */
    configSecretKeys?: string[];
}

export interface PolicySessionOptions extends StackIdentity {
    packDir: string;
    /**
     * false: send no ConfigureStack at start, as `pulumi policy analyze` sends
     * none (the first input is a state file without --runtime).
     */
    configureStack?: boolean;
    preview: boolean;
    startTimeoutMs?: number;
    /** Deadline for each request; 0 for none. */
    callTimeoutMs?: number;
}

const defaultCallTimeoutMs = 300_000;

const cantRunPattern = /^can't run (policy|remediation) /;

export function isCantRun(v: Violation): boolean {
    return cantRunPattern.test(v.message);
}

/** PulumiPolicy.yaml's top-level `version`, which the engine prefers over the pack's. */
export function policyYamlVersion(packDir: string): string | undefined {
    let text: string;
    try {
        text = fs.readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8");
    } catch {
        return undefined;
    }
    const m = /^version:[ \t]*["']?([^"'\s#]+)["']?[ \t]*(#.*)?$/m.exec(text);
    return m ? m[1] : undefined;
}

function sameJson(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What a deployment's provider would report after creating the remediated
 * inputs: the original outputs with every input key the remediation changed
 * replaced (or removed).
 */
export function applyRemediationToOutputs(
    outputs: Record<string, unknown>,
    originalInputs: Record<string, unknown>,
    remediatedInputs: Record<string, unknown>,
): Record<string, unknown> {
    const result: Record<string, unknown> = { ...outputs };
    for (const key of Object.keys(remediatedInputs)) {
        if (!sameJson(originalInputs[key], remediatedInputs[key])) {
            result[key] = remediatedInputs[key];
        }
    }
    for (const key of Object.keys(originalInputs)) {
        if (!Object.prototype.hasOwnProperty.call(remediatedInputs, key)) {
            delete result[key];
        }
    }
    return result;
}

/** Plain data: what PolicySession.attach needs. */
export interface SharedSession {
    port: number;
    info: AnalyzerInfo;
    callTimeoutMs: number;
    preview: boolean;
}

export class PolicySession {
    readonly info: AnalyzerInfo;
    /** Milliseconds from spawning the pack to its port line. */
    readonly startupMs: number;
    /** The config last sent with Configure. */
    configuration: Record<string, ReconciledPolicyConfig> | undefined;
    private readonly callTimeoutMs: number;
    private readonly preview: boolean;
    /** The identity last sent with ConfigureStack, so an unchanged one is not sent again. */
    private stackKey: string | undefined;

    private constructor(
        private readonly pack: PackConnection,
        info: AnalyzerInfo,
        callTimeoutMs: number,
        preview: boolean,
        startupMs = 0,
    ) {
        this.info = info;
        this.startupMs = startupMs;
        this.callTimeoutMs = callTimeoutMs;
        this.preview = preview;
    }

    /** What another thread needs to open a session of its own on the same pack (attach). */
    get shared(): SharedSession {
        return { port: this.pack.port, info: this.info, callTimeoutMs: this.callTimeoutMs, preview: this.preview };
    }

    /**
     * A session over a second channel to a pack another thread started and
     * configured: the pack's configuration is the process's, not the channel's.
     * It sends only Remediate, Analyze and AnalyzeStack.
     */
    static attach(shared: SharedSession): PolicySession {
        return new PolicySession(new PortConnection(shared.port), shared.info, shared.callTimeoutMs, shared.preview);
    }

    /** The error for a call that failed on an attached session, with what this one knows of the process. */
    failedCall(call: FailedCall): Promise<PackError> {
        return rethrownCall(this.pack, call);
    }

    static async start(opts: PolicySessionOptions): Promise<PolicySession> {
        const pack = await PackProcess.start({
            packDir: opts.packDir,
            preview: opts.preview,
            project: opts.project,
            stack: opts.stack,
            organization: opts.organization,
            startTimeoutMs: opts.startTimeoutMs,
        });
        try {
            const callTimeoutMs = opts.callTimeoutMs ?? defaultCallTimeoutMs;
            const stackRequest = opts.configureStack === false ? undefined : stackConfigureRequest(opts, opts.preview);
            if (stackRequest !== undefined) {
                // The engine sends ConfigureStack before anything else, GetAnalyzerInfo included.
                await unary(pack, "ConfigureStack", pack.client.configureStack, stackRequest.req, callTimeoutMs);
            }
            const { empty } = loadProto();
            const raw = await unary<any, analyzerTypes.AnalyzerInfo>(pack, "GetAnalyzerInfo", pack.client.getAnalyzerInfo, new empty.Empty(), callTimeoutMs);
            const info = toAnalyzerInfo(raw, policyYamlVersion(path.resolve(opts.packDir)));
            const session = new PolicySession(pack, info, callTimeoutMs, opts.preview, pack.startupMs);
            session.stackKey = stackRequest?.key;
            return session;
        } catch (e) {
            await pack.close();
            throw e;
        }
    }

    /**
     * Sends ConfigureStack for the next input: the engine sends it once per
     * stack, and the SDK keeps the last tags it was sent, so a run over several
     * stacks sends each one's identity before analyzing it (an unchanged one is
     * skipped). `undefined` is a state file analyzed as `pulumi policy analyze`
     * does, without ConfigureStack; after another input's, an empty one is sent
     * so that input's tags do not linger.
     */
    async configureStack(identity: StackIdentity | undefined): Promise<void> {
        if (identity === undefined && this.stackKey === undefined) {
            return;
        }
        const request = stackConfigureRequest(identity ?? {}, this.preview);
        const key = identity === undefined ? undefined : request.key;
        if (key === this.stackKey) {
            return;
        }
        await unary(this.pack, "ConfigureStack", this.pack.client.configureStack, request.req, this.callTimeoutMs);
        this.stackKey = key;
    }

    /** Policy names, for validation messages and tests. */
    get policyNames(): string[] {
        return this.info.policies.map((p) => p.name);
    }

    /** Validates a user config (throws InputError) and returns it normalized. */
    validate(userConfig: unknown, label = "config", opts: ValidateOptions = {}): PolicyConfigMap {
        return validateConfig(userConfig, this.info.policies, label, opts);
    }

    /**
     * Validates and reconciles the user's config (schema defaults, then the
     * pack's initial config, then the user's), and sends it with Configure.
     * May be called again to reconfigure.
     */
    async configure(userConfig?: unknown, label = "config", opts: ValidateOptions = {}): Promise<Record<string, ReconciledPolicyConfig>> {
        const user = userConfig === undefined ? undefined : this.validate(userConfig, label, opts);
        const reconciled = reconcileConfig(this.info.policies, this.info.initialConfig, user);
        checkReconciled(this.info.policies, reconciled, label);
        const { analyzer, struct } = loadProto();
        const req = new analyzer.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [name, entry] of Object.entries(reconciled)) {
            const pc = new analyzer.PolicyConfig();
            pc.setEnforcementlevel(levelValue(entry.enforcementLevel));
            // Always set: the SDK calls getProperties().toJavaScript() unguarded.
            pc.setProperties(struct.Struct.fromJavaScript(entry.properties as any));
            map.set(name, pc);
        }
        await unary(this.pack, "Configure", this.pack.client.configure, req, this.callTimeoutMs);
        this.configuration = reconciled;
        return reconciled;
    }

    /** One Analyze request on `properties` (default: the resource's inputs). */
    async analyze(resource: ResourceWithOptions, opts: { properties?: Record<string, unknown>; byUrn?: ReadonlyMap<string, EngineResource> } = {}): Promise<Violation[]> {
        return (await this.analyzeDetailed(resource, opts)).violations;
    }

    /** One Analyze request: its violations and the policies that did not apply to the resource. */
    async analyzeDetailed(resource: ResourceWithOptions, opts: { properties?: Record<string, unknown>; byUrn?: ReadonlyMap<string, EngineResource> } = {}): Promise<AnalysisResult> {
        const req = makeAnalyzeRequest(resource, opts.properties ?? resource.inputs, findProvider(resource, opts.byUrn));
        const res = await unary<any, analyzerTypes.AnalyzeResponse>(this.pack, `Analyze of ${resource.urn}`, this.pack.client.analyze, req, this.callTimeoutMs);
        // The engine reports Analyze diagnostics against the request's URN.
        return {
            violations: res.getDiagnosticsList().map((d) => this.toViolation(d, resource.urn)),
            notApplicable: notApplicableOf(res, resource.urn),
        };
    }

    /** One Remediate request; remediations are returned, not applied. */
    async remediate(resource: ResourceWithOptions, opts: { properties?: Record<string, unknown>; byUrn?: ReadonlyMap<string, EngineResource> } = {}): Promise<RemediateResult> {
        const req = makeAnalyzeRequest(resource, opts.properties ?? resource.inputs, findProvider(resource, opts.byUrn), true);
        const res = await unary<any, analyzerTypes.RemediateResponse>(this.pack, `Remediate of ${resource.urn}`, this.pack.client.remediate, req, this.callTimeoutMs);
        let properties: Record<string, unknown> | undefined;
        const remediations: RemediationRecord[] = [];
        const violations: Violation[] = [];
        for (const r of res.getRemediationsList()) {
            const record: RemediationRecord = {
                resourceUrn: resource.urn,
                policyName: r.getPolicyname(),
                policyPackName: r.getPolicypackname(),
                policyPackVersion: this.info.version || r.getPolicypackversion(),
                description: r.getDescription(),
            };
            if (r.getDiagnostic()) {
                record.diagnostic = r.getDiagnostic();
                violations.push({
                    resourceUrn: resource.urn,
                    message: r.getDiagnostic(),
                    policyName: record.policyName,
                    policyPackName: record.policyPackName,
                    policyPackVersion: record.policyPackVersion,
                    enforcementLevel: "advisory",
                });
            } else if (r.hasProperties()) {
                record.properties = unmarshalProperties(r.getProperties());
                properties = record.properties;
            }
            remediations.push(record);
        }
        return { properties, remediations, violations, notApplicable: notApplicableOf(res, resource.urn) };
    }

    /** One AnalyzeStack request over the resources' outputs. */
    async analyzeStack(resources: readonly ResourceWithOptions[], opts: { byUrn?: ReadonlyMap<string, EngineResource> } = {}): Promise<Violation[]> {
        return (await this.analyzeStackDetailed(resources, opts)).violations;
    }

    /** One AnalyzeStack request: its violations and the stack policies that did not apply (URN ""). */
    async analyzeStackDetailed(resources: readonly ResourceWithOptions[], opts: { byUrn?: ReadonlyMap<string, EngineResource> } = {}): Promise<AnalysisResult> {
        const { analyzer } = loadProto();
        const byUrn = opts.byUrn ?? new Map(resources.map((r) => [r.urn, r]));
        const req = new analyzer.AnalyzeStackRequest();
        req.setResourcesList(resources.map((r) => makeAnalyzerResource(r, findProvider(r, byUrn))));
        const res = await unary<any, analyzerTypes.AnalyzeResponse>(this.pack, "AnalyzeStack", this.pack.client.analyzeStack, req, this.callTimeoutMs);
        // A stack policy names the offending resource; a violation without one
        // belongs to the stack, and the engine puts it on the root stack resource.
        const root = rootStackUrn(resources);
        return {
            violations: res.getDiagnosticsList().map((d) => this.toViolation(d, d.getUrn() || root)),
            notApplicable: notApplicableOf(res, ""),
        };
    }

    /**
     * The engine's whole sequence for one deployment: per resource Remediate
     * then Analyze, then one AnalyzeStack over every resource's outputs.
     */
    async analyzeResources(resources: readonly ResourceWithOptions[], opts: AnalyzeResourcesOptions = {}): Promise<AnalyzeResourcesResult> {
        return new StreamingAnalysis(this, opts).finish(resources);
    }

    /** What the pack wrote to stderr (the last few KiB). */
    get stderr(): string {
        return this.pack.stderr;
    }

    async close(): Promise<void> {
        await this.pack.close();
    }

    private toViolation(d: analyzerTypes.AnalyzeDiagnostic, urn: string): Violation {
        let level = levelName(d.getEnforcementlevel());
        if (level === "remediate") {
            // A violation left after remediation is reported as mandatory.
            level = "mandatory";
        }
        return {
            resourceUrn: urn,
            message: d.getMessage(),
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            policyPackVersion: this.info.version || d.getPolicypackversion(),
            enforcementLevel: level,
        };
    }
}

const rootStackType = "pulumi:pulumi:Stack";

/**
 * The root stack's URN: its resource's, else the engine's default
 * (`urn:pulumi:STACK::PROJECT::pulumi:pulumi:Stack::PROJECT-STACK`) from the
 * other URNs; "" only when there is no resource at all.
 */
export function rootStackUrn(resources: readonly { urn: string; type: string }[]): string {
    const root = resources.find((r) => r.type === rootStackType);
    if (root !== undefined) {
        return root.urn;
    }
    const m = resources.length > 0 ? /^urn:pulumi:([^:]+)::([^:]*)::/.exec(resources[0].urn) : null;
    return m === null ? "" : `urn:pulumi:${m[1]}::${m[2]}::${rootStackType}::${m[2]}-${m[1]}`;
}

/** The ConfigureStack request for a stack, and a key that tells whether it changed. */
function stackConfigureRequest(identity: StackIdentity, dryRun: boolean): { req: analyzerTypes.AnalyzerStackConfigureRequest; key: string } {
    const sorted = (record: Record<string, string> | undefined) =>
        Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const tags = sorted(identity.tags);
    const config = sorted(identity.config);
    const secretKeys = [...(identity.configSecretKeys ?? [])].sort();
    const { analyzer } = loadProto();
    const req = new analyzer.AnalyzerStackConfigureRequest();
    req.setProject(identity.project ?? "");
    req.setStack(identity.stack ?? "");
    req.setOrganization(identity.organization ?? "");
    req.setDryRun(dryRun);
    for (const [name, value] of tags) {
        req.getTagsMap().set(name, value);
    }
    for (const [name, value] of config) {
        req.getConfigMap().set(name, value);
    }
    req.setConfigSecretKeysList(secretKeys);
    const key = JSON.stringify([identity.project ?? "", identity.stack ?? "", identity.organization ?? "", tags, config, secretKeys]);
    return { req, key };
}

/** The response's not_applicable entries, against `urn` (the resource's, or "" for the stack). */
function notApplicableOf(res: analyzerTypes.AnalyzeResponse | analyzerTypes.RemediateResponse, urn: string): NotApplicableResult[] {
    return res.getNotApplicableList().map((na) => ({ resourceUrn: urn, policyName: na.getPolicyName(), reason: na.getReason() }));
}

function toAnalyzerInfo(raw: analyzerTypes.AnalyzerInfo, yamlVersion: string | undefined): AnalyzerInfo {
    const policies: PolicyDescriptor[] = raw.getPoliciesList().map(policyDescriptorOf);
    const metadata = raw.getPoliciesList().map(policyMetadataOf);
    const initialConfig: PolicyConfigMap = {};
    raw.getInitialconfigMap().forEach((v: analyzerTypes.PolicyConfig, k: string) => {
        // proto3 enums have no presence: an entry that sets only properties
        // arrives as ADVISORY, and the engine applies it as such.
        initialConfig[k] = {
            enforcementLevel: levelName(v.getEnforcementlevel()),
            properties: v.hasProperties() ? (v.getProperties()!.toJavaScript() as Record<string, unknown>) : undefined,
        };
    });
    return {
        name: raw.getName(),
        version: yamlVersion ?? raw.getVersion(),
        description: raw.getDescription(),
        supportsConfig: raw.getSupportsconfig(),
        policies,
        metadata,
        initialConfig,
    };
}
