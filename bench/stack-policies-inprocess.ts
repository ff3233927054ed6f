// The pack's own share of AnalyzeStack: its stack-only policies run in-process
// on the resources the SDK's server would build from the same serialized
// request (deserializeProperties + unknownCheckingProxy per resource, parent,
// dependencies and propertyDependencies linked to resource objects, as in
// makeAnalyzeStackRpcFun). Only validateStack is timed, so this isolates the
// policies from the SDK's deserialization, which dominates the RPC.
import { StackValidationArgs, StackValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { loadProto } from "../engine/protocol/proto";
import { policies } from "../policies";
import { median, nowMs } from "./measure";
import { configDefaults, deserializeProperties, SdkResource } from "./sdk-shapes";

/** The policies with only a stack check (the destination policy's stack check runs only on unknown ARNs). */
const stackPolicies = policies.filter((p): p is StackValidationPolicy => !("validateResource" in p));

/** The `resources` a stack policy receives for this serialized AnalyzeStackRequest. */
export function sdkStackResources(bytes: Buffer): SdkResource[] {
    const { analyzer } = loadProto();
    const req = analyzer.AnalyzeStackRequest.deserializeBinary(new Uint8Array(bytes));
    const intermediates = req.getResourcesList().map((r) => {
        const propertyDependencies: Record<string, string[]> = {};
        r.getPropertydependenciesMap().forEach((v, k) => {
            propertyDependencies[k] = v.getUrnsList();
        });
        const resource: SdkResource = {
            type: r.getType(),
            urn: r.getUrn(),
            name: r.getName(),
            props: unknownCheckingProxy(deserializeProperties(r.getProperties(), false)),
            dependencies: [],
            propertyDependencies: {},
        };
        return { resource, parent: r.getParent(), dependencies: r.getDependenciesList(), propertyDependencies };
    });
    const byUrn = new Map(intermediates.map((i) => [i.resource.urn, i.resource]));
    const lookup = (urns: string[]) => urns.map((u) => byUrn.get(u)).filter((r): r is SdkResource => r !== undefined);
    for (const i of intermediates) {
        i.resource.parent = i.parent ? byUrn.get(i.parent) : undefined;
        i.resource.dependencies = lookup(i.dependencies);
        for (const [k, urns] of Object.entries(i.propertyDependencies)) {
            i.resource.propertyDependencies[k] = lookup(urns);
        }
    }
    return intermediates.map((i) => i.resource);
}

/** Median milliseconds of one run of both stack policies over `resources`, and the violations of one run. */
export function timeStackPolicies(resources: SdkResource[], samples: number): { ms: number; violations: number } {
    const args = stackPolicies.map((p) => {
        const config = configDefaults(p);
        return { resources, stackTags: new Map<string, string>(), getConfig: () => config, notApplicable: throwNotApplicable } as unknown as StackValidationArgs;
    });
    let violations = 0;
    const report = () => {
        violations++;
    };
    const times: number[] = [];
    for (let s = 0; s < samples; s++) {
        violations = 0;
        const start = nowMs();
        stackPolicies.forEach((p, i) => {
            answeredBySdk(() => p.validateStack(args[i], report));
        });
        times.push(nowMs() - start);
    }
    return { ms: median(times), violations };
}

/** What the SDK's args.notApplicable throws, and catches again around each policy (as figure 4's harness does). */
class NotApplicable extends Error {}

export function throwNotApplicable(reason: string): never {
    throw new NotApplicable(reason);
}

export function answeredBySdk(validate: () => unknown): void {
    try {
        void validate();
    } catch (e) {
        if (!(e instanceof NotApplicable)) {
            throw e;
        }
    }
}
