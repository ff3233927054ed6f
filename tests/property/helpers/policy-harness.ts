import {
    PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs,
    StackValidationPolicy, unknownCheckingProxy,
} from "@pulumi/policy";
import { policies } from "../../../policies";
import { GeneratedResource, PackConfig, PolicyCase } from "./stack-cases";

// Runs the pack's policies in-process exactly as @pulumi/policy's server does
// (server.js: makeAnalyzeRpcFun, makeRemediateRpcFun, makeAnalyzeStackRpcFun),
// without the gRPC layer: props behind the unknown-checking proxy, remediation
// props behind the secrets-preserving proxy too, and stack resources linked to
// each other through parent, dependencies and propertyDependencies.

// Internal to @pulumi/policy, but it is what the SDK wraps Remediate props in.
const { secretsPreservingProxy } = require("@pulumi/policy/secret") as { secretsPreservingProxy: <T>(v: T) => T };

export type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

export function isResourcePolicy(p: AnyPolicy): p is ResourceValidationPolicy {
    return "validateResource" in p || "remediateResource" in p;
}

export function isStackPolicy(p: AnyPolicy): p is StackValidationPolicy {
    return "validateStack" in p;
}

/** The pack's policies, from the registry. */
export function loadPolicies(): AnyPolicy[] {
    return [...policies];
}

export interface Reported {
    policy: string;
    /** As passed to reportViolation: policies should pass a string. */
    message: unknown;
    urn: string | undefined;
    /** Index in the case of the resource a resource policy was validating; undefined for stack policies. */
    resourceIndex?: number;
}

export interface Remediation {
    policy: string;
    resourceIndex: number;
    result: unknown;
}

export interface Outcome {
    violations: Reported[];
    remediations: Remediation[];
}

function configGetter(config: PackConfig, policy: string): () => Record<string, any> {
    // The SDK hands out the policy's properties without enforcementLevel.
    return () => {
        const c = config[policy];
        if (c === undefined) {
            return {};
        }
        const { enforcementLevel: _level, ...rest } = c;
        return rest;
    };
}

const opts = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

/** What args.notApplicable throws; the server turns it into a not_applicable entry, never an error. */
export class NotApplicable extends Error {
    constructor(readonly reason?: string) {
        super(`not applicable: ${reason ?? ""}`);
    }
}

function notApplicable(reason?: string): never {
    if (reason !== undefined && (typeof reason !== "string" || reason.trim() === "")) {
        throw new Error(`notApplicable called with a blank or non-string reason: ${String(reason)}`);
    }
    throw new NotApplicable(reason);
}

/** Runs a policy function as the server does: a NotApplicable throw ends it without a result. */
function unlessNotApplicable<T>(run: () => T): T | undefined {
    try {
        return run();
    } catch (e) {
        if (e instanceof NotApplicable) {
            return undefined;
        }
        throw e;
    }
}

/** `pulumi:runtime` values cases cycle through (undefined: no tags), so the invariants hold for fixes in every language. */
const runtimeCycle: readonly (string | undefined)[] = [undefined, "nodejs", "python", "go", "dotnet", "java", "yaml", "ruby"];

/** The stack tags of a case, chosen from its size so that generation itself is unchanged. */
export function stackTagsOf(c: { resources: readonly unknown[] }): ReadonlyMap<string, string> {
    const runtime = runtimeCycle[c.resources.length % runtimeCycle.length];
    return new Map(runtime === undefined ? [] : [["pulumi:runtime", runtime]]);
}

function resourceArgs(r: GeneratedResource, props: Record<string, any>, config: PackConfig, policy: string, stackTags: ReadonlyMap<string, string> = new Map()): ResourceValidationArgs {
    return {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts,
        stackTags,
        isType: () => false,
        asType: () => undefined,
        getConfig: configGetter(config, policy),
        notApplicable,
    } as unknown as ResourceValidationArgs;
}

function collector(out: Reported[], policy: string, resourceIndex?: number): ReportViolation {
    return (message: unknown, urn?: string) => {
        out.push({ policy, message, urn, resourceIndex });
    };
}

/** Validate (Analyze) one resource's props with one resource policy. */
export function validateResource(
    policy: ResourceValidationPolicy, r: GeneratedResource, props: Record<string, unknown>, config: PackConfig, out: Reported[],
    resourceIndex?: number, stackTags?: ReadonlyMap<string, string>,
): void {
    const validations = policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    for (const validate of validations) {
        const result = unlessNotApplicable(() => validate(resourceArgs(r, unknownCheckingProxy(props), config, policy.name, stackTags), collector(out, policy.name, resourceIndex)));
        if (result !== undefined) {
            throw new Error(`${policy.name} returned a promise or value from validateResource`);
        }
    }
}

/** Remediate one resource's props with one resource policy. */
export function remediateResource(policy: ResourceValidationPolicy, r: GeneratedResource, props: Record<string, unknown>, config: PackConfig): unknown {
    if (policy.remediateResource === undefined) {
        return undefined;
    }
    const remediate = policy.remediateResource;
    return unlessNotApplicable(() => remediate(resourceArgs(r, unknownCheckingProxy(secretsPreservingProxy(props)), config, policy.name)));
}

/** The stack's resources as the SDK builds them for AnalyzeStack. */
export function stackResources(resources: readonly GeneratedResource[]): PolicyResource[] {
    const intermediates = resources.map((r) => {
        const props = unknownCheckingProxy(r.props);
        const resource = {
            type: r.type, props, urn: r.urn, name: r.name, opts,
            dependencies: [] as PolicyResource[],
            propertyDependencies: {} as Record<string, PolicyResource[]>,
            isType: () => false,
            asType: () => undefined,
        } as unknown as PolicyResource;
        // The SDK reads the protobuf map into a plain object by assignment, so a
        // "__proto__" key replaces that object's prototype instead of adding a key.
        const propertyDependencies: Record<string, string[]> = {};
        for (const [key, urns] of r.propertyDependencies) {
            propertyDependencies[key] = urns;
        }
        return { resource, parent: r.parent, dependencies: r.dependencies, propertyDependencies };
    });
    const byUrn = new Map<string, PolicyResource>();
    for (const i of intermediates) {
        byUrn.set(i.resource.urn, i.resource);
    }
    for (const i of intermediates) {
        if (i.parent) {
            const parent = byUrn.get(i.parent);
            if (parent) {
                (i.resource as { parent?: PolicyResource }).parent = parent;
            }
        }
        (i.resource as { dependencies: PolicyResource[] }).dependencies = i.dependencies
            .map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
        for (const k of Object.keys(i.propertyDependencies)) {
            i.resource.propertyDependencies[k] = i.propertyDependencies[k]
                .map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
        }
    }
    return intermediates.map((i) => i.resource);
}

export function validateStack(
    policy: StackValidationPolicy, resources: readonly GeneratedResource[], config: PackConfig, out: Reported[],
    stackTags: ReadonlyMap<string, string> = new Map(),
): void {
    const args = {
        resources: stackResources(resources),
        getConfig: configGetter(config, policy.name),
        stackTags,
        notApplicable,
    } as unknown as StackValidationArgs;
    const result = unlessNotApplicable(() => policy.validateStack(args, collector(out, policy.name)));
    if (result !== undefined) {
        throw new Error(`${policy.name} returned a promise or value from validateStack`);
    }
}

/** Every policy over a whole case: Remediate and Analyze per resource, then AnalyzeStack. */
export function evaluate(policies: readonly AnyPolicy[], c: PolicyCase): Outcome {
    const violations: Reported[] = [];
    const remediations: Remediation[] = [];
    const stackTags = stackTagsOf(c);
    for (const [index, r] of c.resources.entries()) {
        for (const p of policies) {
            if (!isResourcePolicy(p)) {
                continue;
            }
            const result = remediateResource(p, r, r.props, c.config);
            if (result !== undefined) {
                remediations.push({ policy: p.name, resourceIndex: index, result });
            }
            validateResource(p, r, r.props, c.config, violations, index, stackTags);
        }
    }
    for (const p of policies) {
        if (isStackPolicy(p)) {
            validateStack(p, c.resources, c.config, violations, stackTags);
        }
    }
    return { violations, remediations };
}
