import * as fc from "fast-check";
import { Secret } from "@pulumi/policy";
import { policies } from "../../policies";
import { PolicySession } from "../../engine/protocol/policy-session";
import { EngineResource, secret, Violation } from "../../engine/resource-model";
import { anyValue, hostileString, objectWith, sentinel, sharedArn, sometimes } from "../property/helpers/hostile-values";
import { policyCase, policyConfig } from "../property/helpers/stack-cases";

// Protocol fuzz: stacks of hostile resources sent to the real pack over gRPC
// by the engine driver, with random parents, dependencies, property
// dependencies, providers and config (levels per policy and "all"), in
// preview and in update. The pack must answer every request: no gRPC error,
// no "can't run policy" diagnostic, and only short, safe messages.

export type Level = "advisory" | "mandatory" | "remediate" | "disabled";

export interface FuzzCase {
    /** The config file's content: policy name (or "all") -> level or settings. */
    config: Record<string, unknown>;
    resources: EngineResource[];
}

export interface FuzzFailure {
    mode: "preview" | "update";
    caseIndex: number;
    kind: "error" | "can't run" | "message" | "urn";
    detail: string;
}

export interface FuzzStats {
    cases: number;
    resources: number;
    /** Resource analyses: each resource goes through Remediate and Analyze once per mode. */
    analyses: number;
    violations: number;
    remediations: number;
    failures: number;
}

const packPolicies = policies.map((p) => p.name);

/**
 * The string as it can cross the wire: protobuf strings are UTF-8, and the
 * engine (Go) only ever sends valid UTF-8, so a lone surrogate becomes U+FFFD
 * here rather than being mangled in transit.
 */
export function wellFormed(text: string): string {
    return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

/**
 * A generated value in the engine's wire conventions: secrets as signature
 * envelopes. Strings longer than `maxString` are cut to it (the short mode
 * keeps megabyte strings to the in-process tests).
 */
export function toEngineValue(value: unknown, maxString = Infinity): unknown {
    if (typeof value === "string") {
        return wellFormed(value.length > maxString ? value.slice(0, maxString) : value);
    }
    if (value instanceof Secret) {
        return secret(toEngineValue(value.value, maxString));
    }
    if (Array.isArray(value)) {
        return value.map((v) => toEngineValue(v, maxString));
    }
    if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(value)) {
            // defineProperty: a "__proto__" key stays an own key, as it would in parsed JSON.
            Object.defineProperty(out, wellFormed(key), {
                value: toEngineValue(Object.getOwnPropertyDescriptor(value, key)?.value, maxString),
                enumerable: true, writable: true, configurable: true,
            });
        }
        return out;
    }
    return value;
}

const level = fc.constantFrom<Level>("advisory", "mandatory", "remediate", "disabled");

/**
 * A valid config file: "all" and each policy may be left out, set to a level,
 * or given settings (valid ones: misconfiguration has its own tests) with or
 * without a level.
 */
const fuzzConfig: fc.Arbitrary<Record<string, unknown>> = fc
    .record({
        all: fc.option(level, { nil: undefined }),
        settings: policyConfig,
        entries: fc.array(fc.record({ kind: fc.constantFrom("omit", "level", "settings"), level: fc.option(level, { nil: undefined }) }), {
            minLength: packPolicies.length, maxLength: packPolicies.length,
        }),
    })
    .map(({ all, settings, entries }) => {
        const config: Record<string, unknown> = {};
        if (all !== undefined) {
            config.all = all;
        }
        packPolicies.forEach((name, i) => {
            const { kind, level: l } = entries[i];
            if (kind === "level") {
                config[name] = l ?? "advisory";
            } else if (kind === "settings") {
                config[name] = { ...(settings[name] ?? {}), ...(l === undefined ? {} : { enforcementLevel: l }) };
            }
        });
        return config;
    });

const providerUrn = "urn:pulumi:dev::proj::pulumi:providers:aws::default";

/** Extra outputs a provider would report: ids and ARNs, known or not. */
const outputOverlay = fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 3 },
    {
        arbitrary: objectWith({
            id: sometimes(fc.constantFrom("a1b2c3d4e5", "zz9yy8xx7w")),
            arn: sometimes(sharedArn),
            apiEndpoint: sometimes(hostileString),
        }),
        weight: 2,
    },
);

export interface GenerateOptions {
    /** Cut longer strings to this length (default: keep them whole). */
    maxStringLength?: number;
}

/**
 * Stacks of one to four generated stacks side by side (more resources per
 * request, as in a real deployment), perhaps with a provider some resources
 * name, and outputs that add ids and ARNs to the inputs.
 */
function fuzzStack(maxString: number): fc.Arbitrary<FuzzCase> {
    return fc
        .record({
            stacks: fc.array(policyCase(), { minLength: 1, maxLength: 4 }),
            config: fuzzConfig,
            provider: fc.option(objectWith({ region: sometimes(fc.constantFrom("us-east-1", "eu-west-1")), version: anyValue }), { nil: undefined }),
            providerId: fc.oneof(fc.constant("8d7c-1"), sentinel, hostileString),
            overlays: fc.array(outputOverlay, { minLength: 9, maxLength: 9 }),
            useProvider: fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
        })
        .map(({ stacks, config, provider, providerId, overlays, useProvider }): FuzzCase => {
            const seen = new Set<string>();
            const resources: EngineResource[] = stacks.flatMap((st) => st.resources).map((r, i) => {
                // The engine never has two live resources with one URN.
                let urn = wellFormed(r.urn);
                while (seen.has(urn)) {
                    urn = `${urn}-${i}`;
                }
                seen.add(urn);
                const inputs = toEngineValue(r.props, maxString) as Record<string, unknown>;
                const overlay = overlays[i % overlays.length];
                const outputs = overlay === undefined ? inputs : { ...inputs, ...(toEngineValue(overlay, maxString) as Record<string, unknown>) };
                const propertyDependencies: Record<string, string[]> = {};
                for (const [key, urns] of r.propertyDependencies) {
                    Object.defineProperty(propertyDependencies, wellFormed(key), { value: urns.map(wellFormed), enumerable: true, writable: true, configurable: true });
                }
                const resource: EngineResource = {
                    urn, type: wellFormed(r.type), name: wellFormed(r.name), inputs, outputs, dependencies: r.dependencies.map(wellFormed), propertyDependencies,
                };
                if (r.parent !== undefined) {
                    resource.parent = wellFormed(r.parent);
                }
                if (provider !== undefined && useProvider[i % useProvider.length]) {
                    resource.provider = `${providerUrn}::${providerId}`;
                }
                return resource;
            });
            if (provider !== undefined) {
                const inputs = toEngineValue(provider, maxString) as Record<string, unknown>;
                resources.unshift({ urn: providerUrn, type: "pulumi:providers:aws", name: "default", inputs, outputs: inputs, dependencies: [], propertyDependencies: {} });
            }
            return { config, resources };
        });
}

/**
 * Cases for one seed, until they hold at least `minResources` resources.
 * The same seed and options always give the same cases.
 */
export function generateCases(seed: number, minResources: number, options: GenerateOptions = {}): FuzzCase[] {
    const arbitrary = fuzzStack(options.maxStringLength ?? Infinity);
    let numRuns = Math.max(10, Math.ceil(minResources / 8));
    for (;;) {
        const cases = fc.sample(arbitrary, { seed, numRuns });
        let total = 0;
        const taken: FuzzCase[] = [];
        for (const c of cases) {
            taken.push(c);
            total += c.resources.length;
            if (total >= minResources) {
                return taken;
            }
        }
        numRuns *= 2;
    }
}

// eslint-disable-next-line no-control-regex
const rawControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** What is wrong with one violation as the engine would show it. */
export function violationProblem(v: Violation, urns: ReadonlySet<string>): { kind: FuzzFailure["kind"]; detail: string } | undefined {
    const where = `${v.policyName} on ${v.resourceUrn.slice(0, 120)}`;
    if (/^can't run (policy|remediation) /.test(v.message)) {
        return { kind: "can't run", detail: `${where}: ${v.message.slice(0, 300)}` };
    }
    // 4,000: a fix that creates a log group, and on WebSocket the role and account, once per protocol.
    if (v.message.length > 4000) {
        return { kind: "message", detail: `${where}: message of ${v.message.length} characters` };
    }
    const control = rawControl.exec(v.message);
    if (control !== null) {
        return { kind: "message", detail: `${where}: raw control character U+${control[0].charCodeAt(0).toString(16).padStart(4, "0")}` };
    }
    // Description, problem, and a fix, or one per protocol.
    if (v.message.split("\n").length > 4) {
        return { kind: "message", detail: `${where}: message of ${v.message.split("\n").length} lines` };
    }
    if (!urns.has(v.resourceUrn)) {
        return { kind: "urn", detail: `${where}: violation on a URN that is not in the stack` };
    }
    return undefined;
}

/** Runs every case through both sessions; returns what went wrong. */
export async function runCases(
    sessions: { preview: PolicySession; update: PolicySession },
    cases: readonly FuzzCase[],
    onCase?: (index: number, stats: FuzzStats) => void,
): Promise<{ failures: FuzzFailure[]; stats: FuzzStats }> {
    const failures: FuzzFailure[] = [];
    const stats: FuzzStats = { cases: 0, resources: 0, analyses: 0, violations: 0, remediations: 0, failures: 0 };
    for (const [caseIndex, c] of cases.entries()) {
        const urns = new Set(c.resources.map((r) => r.urn));
        // The two pack processes work at the same time.
        await Promise.all((["preview", "update"] as const).map(async (mode) => {
            const session = sessions[mode];
            try {
                await session.configure(c.config);
                const result = await session.analyzeResources(c.resources);
                stats.analyses += c.resources.length;
                stats.violations += result.violations.length;
                stats.remediations += result.diagnostics.remediations.length;
                for (const v of result.violations) {
                    const problem = violationProblem(v, urns);
                    if (problem !== undefined) {
                        failures.push({ mode, caseIndex, ...problem });
                    }
                }
            } catch (e) {
                failures.push({ mode, caseIndex, kind: "error", detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
            }
        }));
        stats.cases++;
        stats.resources += c.resources.length;
        stats.failures = failures.length;
        onCase?.(caseIndex, stats);
    }
    return { failures, stats };
}

/** Starts one pack process for previews and one for updates. */
export async function startSessions(packDir: string): Promise<{ preview: PolicySession; update: PolicySession }> {
    const preview = await PolicySession.start({ packDir, preview: true, project: "proj", stack: "dev" });
    try {
        const update = await PolicySession.start({ packDir, preview: false, project: "proj", stack: "dev" });
        return { preview, update };
    } catch (e) {
        await preview.close();
        throw e;
    }
}
