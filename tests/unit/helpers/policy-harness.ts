import * as assert from "assert";
import {
    PolicyResource,
    ReportViolation,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    unknownCheckingProxy,
    UnknownValueError,
} from "@pulumi/policy";

// Runs policies in-process exactly the way @pulumi/policy 1.21's gRPC server
// does (server.js: makeAnalyzeRpcFun, makeAnalyzeStackRpcFun,
// makeRemediateRpcFun): wire values go through a real protobuf Struct and the
// SDK's own deserializer, props are wrapped in the SDK's own
// unknownCheckingProxy, and stack resources are linked like the server's
// intermediates. Nothing here is a stand-in for SDK code: if the SDK would
// produce a "can't run policy ... during preview" diagnostic, the harness
// fails the test instead, because the pack must never produce one.

// Internal SDK modules, loaded from the very package the pack runs against.
const { deserializeProperties, serializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: unknown, proxySecrets: boolean): Record<string, any>;
    serializeProperties(obj: unknown): Promise<Record<string, unknown>>;
};
const { getPulumiType } = require("@pulumi/policy/policy") as { getPulumiType(x: unknown): string | undefined };
// The generated protobuf code checks instanceof against its own copy, so the
// Struct must come from the copy @pulumi/pulumi resolves.
const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", {
    paths: [require.resolve("@pulumi/pulumi")],
})) as { Struct: { fromJavaScript(value: unknown): { toJavaScript(): Record<string, unknown> } } };

export type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** A resource as the engine would send it: props in wire form (sentinels, secret envelopes). */
export interface TestResource {
    type: string;
    name: string;
    /** Defaults to a URN built from type and name. */
    urn?: string;
    props: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
    policy: string;
    /** The level the SDK would send: the policy's configured level (remediate reported as mandatory), or the level the policy reported this one at. */
    enforcementLevel: string;
    /** What the policy passed to reportViolation (no description prefix). */
    message: string;
    /** What the user sees: description + "\n" + message, as the SDK builds it. */
    text: string;
    /** The URN the violation is attached to: the one a stack policy passed, or the analyzed resource's. */
    urn: string | undefined;
    /** The name of the resource `urn` belongs to, "<stack>" for none, "<foreign urn>" for one not in the input. */
    resource: string;
}

export interface RunResult {
    violations: Violation[];
    notApplicable: { policy: string; reason?: string }[];
}

export type PolicyConfigs = Record<string, Record<string, unknown>>;

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::apigw-project::${type}::${name}`;
}

export function resourceUrn(r: TestResource): string {
    return r.urn ?? urnOf(r.type, r.name);
}

/** The wire form cannot carry `undefined`; the engine drops such keys, and so does JSON. */
function toStruct(props: Record<string, unknown>): unknown {
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
}

/** What the server hands a policy as `props` for Analyze / AnalyzeStack. */
export function analyzeProps(props: Record<string, unknown>): Record<string, any> {
    return unknownCheckingProxy(deserializeProperties(toStruct(props), false));
}

/** What the server hands a remediation as `props` (secrets kept as Secret, behind secretsPreservingProxy). */
export function remediateProps(props: Record<string, unknown>): Record<string, any> {
    return unknownCheckingProxy(deserializeProperties(toStruct(props), true));
}

const defaultOptions = (parent?: string): PolicyResourceOptions => {
    const opts: PolicyResourceOptions = {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
    if (parent !== undefined) {
        opts.parent = parent;
    }
    return opts;
};

function isTypeOf(type: string, resourceClass: unknown): boolean {
    const pulumiType = getPulumiType(resourceClass);
    if (pulumiType) {
        return type === pulumiType;
    }
    const isInstance = (resourceClass as { isInstance?: unknown }).isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason);
}

export type StackTags = Record<string, string>;

/** The stack tags as server.js hands them to policies: freezeMap over a Map (1.21's configureStack). */
export function sdkStackTags(tags: StackTags = {}): ReadonlyMap<string, string> {
    const map = new Map(Object.entries(tags));
    return Object.freeze({
        entries: map.entries.bind(map),
        forEach: map.forEach.bind(map),
        get: map.get.bind(map),
        has: map.has.bind(map),
        keys: map.keys.bind(map),
        size: map.size,
        values: map.values.bind(map),
        [Symbol.iterator]: map[Symbol.iterator].bind(map),
    }) as unknown as ReadonlyMap<string, string>;
}

function failOnUnknown(e: unknown, policyName: string, what: string): never {
    // @pulumi/policy's typings declare nothing for its proxy module, so the class is untyped here.
    if (e instanceof UnknownValueError) {
        assert.fail(`can't run policy '${policyName}' ${what} during preview: ${(e as Error).message} ` +
            "(the SDK would turn this into an advisory and skip the check)");
    }
    throw e;
}

/** The level the server reports a policy's violations at, from its config (server.js: remediate becomes mandatory). */
function configuredLevel(policy: AnyPolicy, config: Record<string, unknown>): string {
    const level = (typeof config.enforcementLevel === "string" ? config.enforcementLevel : undefined) ?? policy.enforcementLevel ?? "advisory";
    return level === "remediate" ? "mandatory" : level;
}

/**
 * Like server.js makeReportViolationFun: a string is prefixed with the
 * description and reported at the policy's level; an object
 * `{ message, urn, enforcementLevel }` is reported as it is, at its own level.
 */
function makeReporter(policy: AnyPolicy, level: string, into: Violation[], nameOfUrn: (urn: string | undefined) => string, defaultUrn?: string) {
    return (message: string | { message?: string; urn?: string; enforcementLevel?: string }, urn?: string): void => {
        if (typeof message === "object") {
            assert.ok(message !== null, `${policy.name} reported null`);
            assert.strictEqual(typeof message.message, "string", `${policy.name} reported an object without a message`);
            const at = message.urn ?? defaultUrn;
            into.push({
                policy: policy.name,
                enforcementLevel: message.enforcementLevel ?? level,
                message: message.message!,
                text: message.message!,
                urn: at,
                resource: nameOfUrn(at),
            });
            return;
        }
        assert.strictEqual(typeof message, "string", `${policy.name} reported a non-string violation`);
        const at = urn ?? defaultUrn;
        into.push({
            policy: policy.name,
            enforcementLevel: level,
            message,
            text: message ? `${policy.description}\n${message}` : policy.description,
            urn: at,
            resource: nameOfUrn(at),
        });
    };
}

function isResourcePolicy(p: AnyPolicy): p is ResourceValidationPolicy {
    return "validateResource" in p || "remediateResource" in p;
}

function isStackPolicy(p: AnyPolicy): p is StackValidationPolicy {
    return "validateStack" in p;
}

function resourceArgs(r: TestResource, props: Record<string, any>, config: Record<string, unknown>, tags: StackTags = {}): ResourceValidationArgs {
    const stackTags = sdkStackTags(tags);
    return {
        type: r.type,
        props,
        urn: resourceUrn(r),
        name: r.name,
        opts: defaultOptions(r.parent),
        stackTags,
        isType: (resourceClass: unknown) => isTypeOf(r.type, resourceClass),
        asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
        // The server hands out the policy's config without enforcementLevel, fresh each call.
        getConfig: (<T extends object>() => ({ ...config }) as T),
        notApplicable: throwNotApplicable,
    } as ResourceValidationArgs;
}

/** Analyze: one resource policy over one resource's inputs. */
export async function validateResource(
    policy: ResourceValidationPolicy,
    resource: TestResource,
    config: Record<string, unknown> = {},
    stackTags: StackTags = {},
): Promise<RunResult> {
    const result: RunResult = { violations: [], notApplicable: [] };
    if (policy.validateResource === undefined) {
        return result;
    }
    const urn = resourceUrn(resource);
    const { enforcementLevel: _level, ...properties } = config;
    const report = makeReporter(policy, configuredLevel(policy, config), result.violations,
        (u) => (u === urn ? resource.name : u === undefined ? "<stack>" : "<foreign urn>"), urn) as unknown as ReportViolation;
    config = properties;
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    for (const validation of validations) {
        // Like the server: deserialized and proxied afresh for every validation.
        const props = analyzeProps(resource.props);
        try {
            await Promise.resolve(validation(resourceArgs(resource, props, config, stackTags), report));
        } catch (e) {
            if (e instanceof NotApplicableError) {
                result.notApplicable.push({ policy: policy.name, reason: e.reason });
                continue;
            }
            failOnUnknown(e, policy.name, `on ${resource.type} "${resource.name}"`);
        }
    }
    return result;
}

/** The server's AnalyzeStack intermediates: proxied props, then links resolved to resource objects. */
export function buildStackResources(resources: readonly TestResource[]): PolicyResource[] {
    const intermediates = resources.map((r) => {
        const props = analyzeProps(r.props);
        const resource: PolicyResource = {
            type: r.type,
            props,
            urn: resourceUrn(r),
            name: r.name,
            opts: defaultOptions(r.parent),
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass: unknown) => isTypeOf(r.type, resourceClass),
            asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as PolicyResource["asType"],
        } as PolicyResource;
        return { resource, source: r };
    });
    const byUrn = new Map<string, PolicyResource>();
    for (const i of intermediates) {
        byUrn.set(i.resource.urn, i.resource);
    }
    const resolve = (urns: readonly string[]): PolicyResource[] =>
        urns.map((u) => byUrn.get(u)).filter((r): r is PolicyResource => r !== undefined);
    for (const { resource, source } of intermediates) {
        if (source.parent !== undefined) {
            const parent = byUrn.get(source.parent);
            if (parent !== undefined) {
                resource.parent = parent;
            }
        }
        resource.dependencies = resolve(source.dependencies ?? []);
        for (const [key, urns] of Object.entries(source.propertyDependencies ?? {})) {
            resource.propertyDependencies[key] = resolve(urns);
        }
    }
    return intermediates.map((i) => i.resource);
}

/** AnalyzeStack: one stack policy over every resource's outputs. */
export async function validateStack(
    policy: StackValidationPolicy,
    resources: readonly TestResource[],
    config: Record<string, unknown> = {},
    stackTags: StackTags = {},
): Promise<RunResult> {
    const result: RunResult = { violations: [], notApplicable: [] };
    const names = new Map(resources.map((r) => [resourceUrn(r), r.name]));
    const { enforcementLevel: _level, ...properties } = config;
    const report = makeReporter(policy, configuredLevel(policy, config), result.violations,
        (u) => (u === undefined ? "<stack>" : names.get(u) ?? "<foreign urn>")) as unknown as ReportViolation;
    config = properties;
    const args: StackValidationArgs = {
        resources: buildStackResources(resources),
        getConfig: (<T extends object>() => ({ ...config }) as T),
        stackTags: sdkStackTags(stackTags),
        notApplicable: throwNotApplicable,
    } as StackValidationArgs;
    try {
        await Promise.resolve(policy.validateStack(args, report));
    } catch (e) {
        if (e instanceof NotApplicableError) {
            result.notApplicable.push({ policy: policy.name, reason: e.reason });
            return result;
        }
        failOnUnknown(e, policy.name, "on the stack");
    }
    return result;
}

export interface RemediationResult {
    /** The remediated props in wire form (what the server sends back), or undefined for "no change". */
    props: Record<string, unknown> | undefined;
    /** The reason, when the remediation said it did not apply (the server returns it in not_applicable). */
    notApplicable?: string;
}

/** Remediate: one policy's remediateResource, its result serialized by the SDK. */
export async function remediateResource(
    policy: ResourceValidationPolicy,
    resource: TestResource,
    config: Record<string, unknown> = {},
): Promise<RemediationResult> {
    assert.ok(policy.remediateResource, `${policy.name} has no remediateResource`);
    const props = remediateProps(resource.props);
    const { enforcementLevel: _level, ...properties } = config;
    let result: Record<string, any> | void | undefined;
    try {
        result = await Promise.resolve(policy.remediateResource(resourceArgs(resource, props, properties)));
    } catch (e) {
        if (e instanceof NotApplicableError) {
            return { props: undefined, notApplicable: e.reason };
        }
        failOnUnknown(e, policy.name, `(remediation) on ${resource.type} "${resource.name}"`);
    }
    if (!result) {
        return { props: undefined };
    }
    // Serializing unwraps proxies, turns Secret back into envelopes, and throws on Outputs.
    const serialized = await serializeProperties(result);
    return { props: JSON.parse(JSON.stringify(serialized)) as Record<string, unknown> };
}

/**
 * The pack in a preview or update: Analyze for every resource and resource
 * policy, then AnalyzeStack for every stack policy. `configs` is keyed by
 * policy name, like the engine's policy config; a policy whose config says
 * `enforcementLevel: "disabled"` is skipped, as the server does.
 */
export async function analyzePack(
    policies: readonly AnyPolicy[],
    resources: readonly TestResource[],
    configs: PolicyConfigs = {},
    stackTags: StackTags = {},
): Promise<Violation[]> {
    const violations: Violation[] = [];
    for (const policy of policies) {
        const config = configs[policy.name] ?? {};
        if ((config.enforcementLevel ?? policy.enforcementLevel) === "disabled") {
            continue;
        }
        // Like the server, which asks each question of every policy: a policy
        // with both checks runs in Analyze and in AnalyzeStack.
        if (isResourcePolicy(policy)) {
            for (const r of resources) {
                violations.push(...(await validateResource(policy, r, config, stackTags)).violations);
            }
        }
        if (isStackPolicy(policy)) {
            violations.push(...(await validateStack(policy, resources, config, stackTags)).violations);
        }
    }
    return violations;
}

/** `policy @ resource` keys, sorted: the Checkov-style identity of a result. */
export function violationKeys(violations: readonly Violation[]): string[] {
    return violations.map((v) => `${v.policy} @ ${v.resource}`).sort();
}

/**
 * Asserts the exact multiset of (policy, resource) pairs: nothing missing,
 * nothing extra, nothing reported twice.
 */
export function assertViolations(violations: readonly Violation[], expected: readonly (readonly [string, string])[]): void {
    const want = expected.map(([policy, resource]) => `${policy} @ ${resource}`).sort();
    assert.deepStrictEqual(violationKeys(violations), want,
        `violations differ; messages:\n${violations.map((v) => `  [${v.policy} @ ${v.resource}] ${v.message.split("\n")[0]}`).join("\n")}`);
}
