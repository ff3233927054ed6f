// Recording registrations through the mock monitor.
import * as path from "path";

import { EngineResource, secretSig, SourceLocation, specialSigKey } from "../../resource-model";
import { checkInputs, fabricate, identityFromId, providerOutputs, lookupResourceType, MockContext, partitionOf, readOutputs, uuidFrom } from "./fabricated-outputs";
import { PulumiSdk, resolveModule } from "./module-loading";
import { ProgramLayout } from "./program-layout";
import { Field, invokeResult, resourceOutputs } from "./provider-schema";
import { schemaValues } from "./schema-outputs";
import { StackReferences, STACK_REFERENCE_TYPE, unknownOutputValue } from "./stack-references";
import { isSecretEnvelope, knownString, plain, UNKNOWN } from "./property-values";
import { RunMode } from "./run-program";
import { EngineTransforms, Transformed } from "./transforms";
import { DeployedStack } from "./deployed-stack";
import { callerInProgram, fromRegistration, fromStackTrace, isProgramFile } from "../source-position";

export const DEFAULT_REGION = "us-east-1";
/** The account ARNs get without `--account-id`: AWS's documentation placeholder. */
export const MOCK_ACCOUNT = "123456789012";
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export interface Recorded {
    resource: EngineResource;
    /** Came from `Resource.get`, not a registration. */
    read: boolean;
}

/**
 * Stands in for the engine behind the mock monitor: computes engine URNs,
 * applies the provider's Check (autonaming), fabricates outputs, and records
 * what the engine would hand to the analyzers.
 */
export class Recorder {
    private readonly entries: Recorded[] = [];
    private readonly byUrn = new Map<string, Recorded>();
    private readonly defaultProviders = new Map<string, string>();
    private readonly apiProtocols = new Map<string, string>();
    private readonly packageDirs = new Map<string, string | undefined>();
    /** Lookups the mocks answered, and whether the provider's schema gave their result. */
    readonly lookups = new Map<string, { fromSchema: boolean }>();
    /** `type::name` of registrations the SDK started but the monitor has not seen yet. */
    readonly pending = new Map<string, number>();
    /** Told of each resource the engine would analyze, as it is registered (streaming analysis). */
    onResource: (resource: EngineResource) => void = () => undefined;
    /** Told how many registrations the program has started, as each starts (inside the program's own calls). */
    onStarted: (count: number) => void = () => undefined;
    private startedCount = 0;
    readonly transforms: EngineTransforms;
    /** Where the program registered each transform callback, by its token. */
    private readonly transformLocations = new Map<string, SourceLocation>();

    constructor(
        private readonly sdk: PulumiSdk,
        private readonly layout: ProgramLayout,
        private readonly mode: RunMode,
        private readonly stackReferences: StackReferences,
        private readonly account: string = MOCK_ACCOUNT,
        /** The deployed stack a preview is compared with (`--state FILE`). */
        private readonly deployed?: DeployedStack,
    ) {
        this.transforms = new EngineTransforms(sdk);
    }

    resources(): EngineResource[] {
        // Read resources (`Resource.get`) are not analyzed by the engine and
        // their fabricated state would be pure invention, so they are left out.
        return this.entries.filter((e) => !e.read).map((e) => e.resource);
    }

    attach(monitor: any): void {
        const original = { invoke: monitor.invoke.bind(monitor) };
        monitor.registerResource = (req: any, cb: any) => {
            const chain = this.transforms.chain(req, (urn) => this.byUrn.get(urn)?.resource.parent);
            if (chain.length === 0) {
                this.answerLater(cb, () => this.register(req, monitor));
                return;
            }
            this.transforms.run(chain, req, structToJs(req.getObject())).then(
                (transformed) => this.answerLater(cb, () => this.register(req, monitor, transformed)),
                (err) => cb(err),
            );
        };
        // The SDK tells a mock monitor of each transform function as it is registered
        // (CallbackServer.registerTransform), still inside the program's own call:
        // its stack says where the program registered it.
        monitor.recordTransformCallback = (token: string) => {
            const location = callerInProgram(new Error().stack ?? "", this.layout.root);
            if (location !== undefined) {
                this.transformLocations.set(token, location);
            }
        };
        monitor.registerStackTransform = (callback: any, cb: any) => {
            this.transforms.addStackTransform(callback);
            cb(null, {});
        };
        monitor.readResource = (req: any, cb: any) => this.answerLater(cb, () => this.readResource(req, monitor));
        monitor.registerResourceOutputs = (req: any, cb: any) =>
            this.answerLater(cb, () => {
                const entry = this.byUrn.get(req.getUrn());
                if (entry) {
                    entry.resource.outputs = structToJs(req.getOutputs());
                }
                return {};
            });
        monitor.invoke = (req: any, cb: any) => {
            if (req.getTok() === "pulumi:pulumi:getResource") {
                return original.invoke(req, cb);
            }
            this.respond(cb, () => {
                // ResourceInvokeResponse replaced provider_pb's InvokeResponse in newer SDKs; same fields.
                const Response = this.sdk.resproto.ResourceInvokeResponse ?? this.sdk.provproto.InvokeResponse;
                const resp = new Response();
                const args = structToJs(req.getArgs());
                resp.setReturn(this.sdk.struct.Struct.fromJavaScript(this.invokeResult(req.getTok(), args)));
                return resp;
            });
        };
    }

    /**
     * Answers a registration on a later turn of the event loop, one per turn,
     * in the order they came. The engine answers over gRPC, so the program's
     * registrations wait on I/O; answered at once, they would chain into one
     * microtask run that lasts until the program ends, and the pack's answers
     * (streaming analysis) could not be read before then: the pack would sit
     * idle while the program runs, and analyze everything after it.
     */
    private answerLater(cb: (err: unknown, resp?: unknown) => void, work: () => unknown): void {
        this.answers.push(() => this.respond(cb, work));
        this.scheduleAnswer();
    }

    private readonly answers: (() => void)[] = [];
    private answerScheduled = false;

    private scheduleAnswer(): void {
        if (!this.answerScheduled && this.answers.length > 0) {
            this.answerScheduled = true;
            // Set from an immediate, it runs on the next turn, after the loop has polled for I/O.
            setImmediate(this.answerNext);
        }
    }

    private readonly answerNext = (): void => {
        this.answerScheduled = false;
        const next = this.answers.shift();
        try {
            next?.();
        } finally {
            this.scheduleAnswer();
        }
    };

    private respond(cb: (err: unknown, resp?: unknown) => void, work: () => unknown): void {
        let resp: unknown;
        try {
            resp = work();
        } catch (e) {
            cb(e);
            return;
        }
        cb(null, resp);
    }

    private urnFor(parent: string, type: string, name: string): string {
        const parentType = parent ? parent.split("::")[2] : "";
        const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
        return `urn:pulumi:${this.layout.stack}::${this.layout.project}::${qualified}::${name}`;
    }

    private context(type: string, name: string, urn: string, inputs: Record<string, unknown>, providerRef: string): MockContext {
        const native = type.startsWith("aws-native:");
        const providerInputs = this.byUrn.get(providerRef.split("::").slice(0, -1).join("::"))?.resource.inputs ?? {};
        const region =
            knownString(inputs.region) ??
            knownString(providerInputs.region) ??
            (native ? this.layout.config["aws-native:region"] : undefined) ??
            this.layout.config["aws:region"] ??
            DEFAULT_REGION;
        return {
            preview: this.mode === "preview",
            type,
            name,
            urn,
            region,
            account: this.account,
            partition: partitionOf(region),
            apiProtocols: this.apiProtocols,
            outputFields: this.schemaOf(type, (dir) => resourceOutputs(dir, type)),
        };
    }

    /** The program's own copy of the provider package first (its major version), then ours. */
    private schemaOf(token: string, read: (pkgDir: string) => Field[] | undefined): Field[] | undefined {
        const pkg = token.split(":")[0];
        if (pkg === "pulumi" || pkg === "") {
            return undefined;
        }
        if (!this.packageDirs.has(pkg)) {
            const file = resolveModule(`@pulumi/${pkg}/package.json`, this.layout.codeDir);
            this.packageDirs.set(pkg, file ? path.dirname(file) : undefined);
        }
        const dir = this.packageDirs.get(pkg);
        return dir ? read(dir) : undefined;
    }

    private register(req: any, monitor: any, transformed?: Transformed): unknown {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const custom: boolean = req.getCustom();
        const urn = this.urnFor(parent, type, name);
        this.settle(type, name);
        if (this.byUrn.has(urn)) {
            throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
        }
        const isProvider = type.startsWith("pulumi:providers:");
        // After transforms, the options they returned stand in for the request's.
        const opts = transformed?.options;
        let providerRef: string = opts ? opts.getProvider() : req.getProvider();
        if (custom && !isProvider && providerRef === "") {
            providerRef = this.defaultProvider(type, opts ? opts.getVersion() : req.getVersion());
        }
        const raw = transformed?.props ?? structToJs(req.getObject());
        const ctx = this.context(type, name, urn, raw, providerRef);
        let inputs = raw;
        let outputs: Record<string, unknown> = {};
        let id: string | undefined;
        if (custom) {
            inputs = isProvider ? raw : checkInputs(raw, ctx, this.deployed?.find(urn, type)?.inputs);
            const defaults = isProvider ? {} : providerOutputs(inputs, ctx).defaults;
            const kept = this.deployed?.unchangedResource(urn, type, inputs, defaults);
            if (kept !== undefined) {
                // Unchanged in the deployed stack: its known id and outputs, as a real preview shows them.
                id = this.deployed!.idOf(urn, type) ?? knownString(kept.outputs.id) ?? uuidFrom(urn);
                outputs = { ...kept.outputs, id };
            } else {
                const made = fabricate(inputs, ctx, (opts ? opts.getImport() : req.getImportid()) || undefined);
                id = made.id;
                outputs = made.outputs;
            }
            outputs = markSecretOutputs(outputs, opts ? opts.getAdditionalSecretOutputsList() : req.getAdditionalsecretoutputsList());
            if (type === "aws:apigatewayv2/api:Api" && id !== undefined) {
                this.apiProtocols.set(id, String(plain(inputs.protocolType) ?? "HTTP"));
            }
        }
        const resource: EngineResource = {
            urn,
            type,
            name,
            inputs,
            outputs,
            ...(parent ? { parent } : {}),
            dependencies: [...(opts ? opts.getDependsOnList() : req.getDependenciesList())],
            propertyDependencies: propertyDependencies(req),
            ...(custom && providerRef ? { provider: providerRef } : {}),
        };
        // The user's own call, not a library's: the SDK's own position is the first frame outside
        // @pulumi/pulumi, which for a stage made inside a component is the component's code.
        // SDKs before 3.134 send no source position (nor stack trace).
        const frames = typeof req.getStacktrace === "function" ? req.getStacktrace()?.getFramesList?.() ?? [] : [];
        const fallback = typeof req.getSourceposition === "function" ? fromRegistration(req.getSourceposition()) : undefined;
        const source = fromStackTrace(frames, this.layout.root) ?? (fallback !== undefined && isProgramFile(fallback.file, this.layout.root) ? fallback : undefined);
        if (source !== undefined) {
            resource.source = source;
        }
        if (transformed !== undefined && transformed.removed.length > 0) {
            resource.removedByTransform = transformed.removed.map((r) => {
                const token = typeof r.callback.getToken === "function" ? r.callback.getToken() : "";
                // A resource's own `transforms` option is registered after an await, so its stack is lost: it sits on the resource's own call.
                const own = (typeof req.getTransformsList === "function" ? req.getTransformsList() : []).some((c: any) => c.getToken() === token);
                const where = this.transformLocations.get(token) ?? (own ? source : undefined);
                return { property: r.property, ...(where !== undefined ? { transform: where } : {}) };
            });
        }
        this.add({ resource, read: false }, monitor, id);
        this.transforms.remember(urn, req);
        return this.response("RegisterResourceResponse", urn, id, outputs);
    }

    private readResource(req: any, monitor: any): unknown {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const urn = this.urnFor(parent, type, name);
        this.settle(type, name);
        const raw = structToJs(req.getProperties());
        const ctx = this.context(type, name, urn, raw, req.getProvider());
        // A resource the deployed stack has read before holds what the cloud returned.
        const deployed = type === STACK_REFERENCE_TYPE ? undefined : this.deployed?.find(urn, type);
        const made = {
            outputs:
                type === STACK_REFERENCE_TYPE
                    ? this.stackReferences.outputs(knownString(raw.name) ?? req.getId())
                    : deployed !== undefined && this.deployed!.idOf(urn, type) === req.getId()
                      ? { ...deployed.outputs, id: req.getId() }
                      : readOutputs(raw, ctx, req.getId(), unknownOutputValue()),
        };
        const resource: EngineResource = {
            urn,
            type,
            name,
            inputs: raw,
            outputs: made.outputs,
            ...(parent ? { parent } : {}),
            dependencies: [...req.getDependenciesList()],
            propertyDependencies: {},
        };
        this.add({ resource, read: true }, monitor, req.getId());
        const resp = new this.sdk.resproto.ReadResourceResponse();
        resp.setUrn(urn);
        resp.setProperties(this.sdk.struct.Struct.fromJavaScript(made.outputs));
        return resp;
    }

    /** The SDK began registering `type::name` (it may still be waiting on its inputs). */
    started(type: string, name: string): void {
        const key = `${type}::${name}`;
        this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
        this.onStarted(++this.startedCount);
    }

    private settle(type: string, name: string): void {
        const key = `${type}::${name}`;
        const n = (this.pending.get(key) ?? 0) - 1;
        if (n > 0) {
            this.pending.set(key, n);
        } else {
            this.pending.delete(key);
        }
    }

    private add(entry: Recorded, monitor: any, id: string | undefined): void {
        this.entries.push(entry);
        this.byUrn.set(entry.resource.urn, entry);
        // Keeps the mock's own `pulumi:pulumi:getResource` invoke working.
        monitor.resources?.set(entry.resource.urn, { urn: entry.resource.urn, id: id ?? null, state: entry.resource.outputs });
        if (!entry.read) {
            this.onResource(entry.resource);
        }
    }

    private response(kind: string, urn: string, id: string | undefined, outputs: Record<string, unknown>): unknown {
        const resp = new this.sdk.resproto[kind]();
        resp.setUrn(urn);
        // An empty id is how the engine says "unknown" during a preview.
        resp.setId(id ?? "");
        resp.setObject(this.sdk.struct.Struct.fromJavaScript(outputs));
        return resp;
    }

    /** The engine creates one default provider per package and version, on first use. */
    private defaultProvider(type: string, version: string): string {
        const pkg = type.split(":")[0];
        const key = `${pkg}@${version}`;
        const existing = this.defaultProviders.get(key);
        if (existing) {
            return existing;
        }
        const name = version ? `default_${version.replace(/[.+-]/g, "_")}` : "default";
        const providerType = `pulumi:providers:${pkg}`;
        const urn = this.urnFor("", providerType, name);
        const inputs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(this.layout.config)) {
            if (k.startsWith(`${pkg}:`)) {
                inputs[k.slice(pkg.length + 1)] = v;
            }
        }
        if (version) {
            inputs.version = version;
        }
        const id = this.deployed?.idOf(urn, providerType) ?? (this.mode === "preview" ? UNKNOWN : uuidFrom(urn));
        const ref = `${urn}::${id}`;
        const resource: EngineResource = {
            urn,
            type: providerType,
            name,
            inputs,
            outputs: { ...inputs },
            dependencies: [],
            propertyDependencies: {},
        };
        const entry = { resource, read: false };
        this.entries.push(entry);
        this.byUrn.set(urn, entry);
        this.defaultProviders.set(key, ref);
        this.onResource(resource);
        return ref;
    }

    private invokeResult(token: string, args: Record<string, unknown>): Record<string, unknown> {
        const known = this.knownInvokeResult(token);
        if (known !== undefined) {
            this.lookups.set(token, { fromSchema: true });
            return known;
        }
        const fields = this.schemaOf(token, (dir) => invokeResult(dir, token));
        this.lookups.set(token, { fromSchema: fields !== undefined });
        if (!fields) {
            return {};
        }
        // A lookup's result echoes the arguments it shares a name with (`name`, `tags`, ...).
        const present: Record<string, unknown> = {};
        for (const f of fields) {
            if (args[f.name] !== undefined) {
                present[f.name] = args[f.name];
            }
        }
        const native = token.startsWith("aws-native:");
        const region = knownString(args.region) ?? (native ? this.layout.config["aws-native:region"] : undefined) ?? this.layout.config["aws:region"] ?? DEFAULT_REGION;
        const given = ["name", "logGroupName", "domain", "functionName", "bucket", "roleName"].map((k) => knownString(args[k])).find((v) => v !== undefined);
        const name = given ?? token.split(":")[2].replace(/^get/, "").toLowerCase();
        // ARNs shaped as the type the lookup reads, not as the lookup's own token.
        const resourceType = lookupResourceType(token) ?? token;
        const values = { region, account: this.account, partition: partitionOf(region) };
        const made = schemaValues(fields, present, { token: resourceType, name, ...values, seed: `${token}\0${JSON.stringify(args)}` });
        const declared = new Set(fields.map((f) => f.name));
        const exact = given === undefined ? {} : identityFromId(resourceType, given, values);
        return {
            ...present,
            ...made.added,
            ...made.completed,
            ...Object.fromEntries(Object.entries(exact).filter(([k]) => declared.has(k) && present[k] === undefined)),
            ...(declared.has("id") && present.id === undefined ? { id: name } : {}),
        };
    }

    private knownInvokeResult(token: string): Record<string, unknown> | undefined {
        const region = this.layout.config["aws:region"] ?? DEFAULT_REGION;
        const partition = partitionOf(region);
        switch (token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    accountId: this.account,
                    arn: `arn:${partition}:iam::${this.account}:user/mock`,
                    id: this.account,
                    userId: "AIDAMOCKUSERID000000",
                };
            case "aws:index/getRegion:getRegion":
                return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
            case "aws:index/getPartition:getPartition":
                return { id: partition, partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
            case "aws-native:index:getAccountId":
                return { accountId: this.account };
            case "aws-native:index:getRegion":
                return { region: this.layout.config["aws-native:region"] ?? region };
            case "aws-native:index:getPartition":
                return { partition };
            default:
                return undefined;
        }
    }
}

export function structToJs(s: any): Record<string, unknown> {
    const v = s ? s.toJavaScript() : {};
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function propertyDependencies(req: any): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const map = req.getPropertydependenciesMap();
    for (const [key, deps] of map.entries()) {
        out[key] = [...deps.getUrnsList()];
    }
    return out;
}

export function markSecretOutputs(outputs: Record<string, unknown>, keys: string[]): Record<string, unknown> {
    if (keys.length === 0) {
        return outputs;
    }
    const result = { ...outputs };
    for (const k of keys) {
        if (k in result && !isSecretEnvelope(result[k])) {
            result[k] = { [specialSigKey]: secretSig, value: result[k] };
        }
    }
    return result;
}
