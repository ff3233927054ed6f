import {
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { Clock, defaultMaxExemptionDays, Exemption, exemptionProblem, maxExemptionDaysLimit, isCalendarDate, utcDate, exemptionsSchemaDescription, exemptLine, findExemption, minReasonChars, withExpiredNote } from "./exemptions";
import { ConfigPropertySchema, makeConfigReader, PolicyConfigError, shallowEqual } from "./policy-config";
import { quote } from "./quote";
import { isPlainObject } from "./read-property";

// What every policy of the pack needs for governance in Pulumi Cloud, in one
// place, so each policy file only says which resources it checks:
// - `notApplicable` for a resource (or stack) the policy did not evaluate, so a
//   compliance view never counts it as a pass;
// - the `exemptions` config key, validated like every other key;
// - exempted violations reported at advisory, expired ones at their level with
//   a note, and exempted resources left alone by remediation.

export const exemptionsKey = "exemptions";
export const maxExemptionDaysKey = "maxExemptionDays";

export const maxExemptionDaysProperty: ConfigPropertySchema = {
    type: "integer",
    default: defaultMaxExemptionDays,
    minimum: 1,
    maximum: maxExemptionDaysLimit,
    description: "How many days ahead an exemption's \"expires\" may be (judged in UTC on the day of the run); a later date is a config error.",
};

export const exemptionsProperty: ConfigPropertySchema = {
    type: "array",
    items: {
        type: "object",
        properties: {
            resources: {
                type: "array", items: { type: "string", minLength: 1 }, minItems: 1,
                description: "Full URNs, or resource names (the URN's last part); * matches any run of characters.",
            },
            reason: { type: "string", minLength: minReasonChars, description: "Why the resource is let through." },
            expires: { type: "string", description: "The last day (UTC) the exemption holds, YYYY-MM-DD." },
        },
        required: ["resources", "reason", "expires"],
        additionalProperties: false,
    },
    default: [],
    description: exemptionsSchemaDescription,
};

/** Environment variable that pins the date exemptions are judged against (YYYY-MM-DD), for reproducible runs and tests. */
export const todayVariable = "APIGW_ACCESS_LOGGING_TODAY";

function systemClock(): Date {
    const pinned = process.env[todayVariable];
    if (pinned === undefined || pinned === "") {
        return new Date();
    }
    if (!isCalendarDate(pinned)) {
        throw new Error(`${todayVariable} is ${quote(pinned)}, not a date written YYYY-MM-DD`);
    }
    return new Date(`${pinned}T12:00:00Z`);
}

let clock: Clock = systemClock;

/** Replaces the clock (tests); returns a function that restores the previous one. */
export function setClock(next: Clock): () => void {
    const previous = clock;
    clock = next;
    return () => {
        clock = previous;
    };
}

function now(): Date {
    return clock();
}

/** Today (UTC, YYYY-MM-DD) by the pack's clock, for reports that say whether an exemption still holds. */
export function today(): string {
    return utcDate(now());
}

/** The policy's config schema with `exemptions` added. */
function withExemptionsSchema(schema: PolicyConfigSchema | undefined): PolicyConfigSchema {
    return {
        ...schema,
        properties: {
            ...(schema?.properties ?? {}),
            [exemptionsKey]: exemptionsProperty as PolicyConfigSchema["properties"][string],
            [maxExemptionDaysKey]: maxExemptionDaysProperty as PolicyConfigSchema["properties"][string],
        },
    };
}

type ExemptionsConfig = Record<string, unknown> & { exemptions: Exemption[]; maxExemptionDays: number };

/**
 * A reader for the whole config of one policy (its own keys and `exemptions`):
 * it rejects unknown keys with the nearest valid one, and fails closed on a bad
 * exemption, naming the entry and the problem. The policy's own reader still
 * checks its own keys.
 */
function makeExemptionsReader(policyName: string, schema: PolicyConfigSchema): (raw: unknown) => Exemption[] {
    const read = makeConfigReader<ExemptionsConfig>(
        policyName,
        schema.properties as unknown as Parameters<typeof makeConfigReader<ExemptionsConfig>>[1],
        (config) => {
            const limits = config.exemptions.length === 0 ? undefined : { today: today(), maxDays: config.maxExemptionDays };
            for (const [i, entry] of config.exemptions.entries()) {
                const problem = exemptionProblem(entry, limits);
                if (problem !== undefined) {
                    return { key: exemptionsKey, problem: `entry [${i}]: ${problem}` };
                }
            }
            return undefined;
        },
    );
    return (raw) => read(raw).exemptions;
}

/** A policy's config as the SDK gave it, its exemptions, and the rest for the policy's own reader. */
interface CheckedConfig {
    raw: Record<string, unknown>;
    exemptions: Exemption[];
    own: Readonly<Record<string, unknown>>;
}

/** The args with getConfig answering the policy's own keys, without `exemptions` and `maxExemptionDays`. */
function withOwnConfig<A extends { getConfig: ResourceValidationArgs["getConfig"] }>(args: A): A {
    const getConfig = args.getConfig;
    return { ...args, getConfig: () => withoutExemptions(getConfig() as Record<string, unknown>) } as A;
}

/** The config without `exemptions` and `maxExemptionDays`, for the policy's own reader. */
function withoutExemptions(config: Record<string, unknown>): Record<string, unknown> {
    const has = (key: string) => Object.prototype.hasOwnProperty.call(config, key);
    if (!has(exemptionsKey) && !has(maxExemptionDaysKey)) {
        return config;
    }
    const { [exemptionsKey]: _exemptions, [maxExemptionDaysKey]: _maxDays, ...rest } = config;
    return rest;
}

/**
 * The @pulumi/policy version whose undocumented per-violation level was last
 * proved through the protocol (tests/engine/governance-protocol.test.ts). A
 * test fails while the installed SDK differs, until it is proved again.
 */
export const perViolationLevelProvenWith = "1.21.0";

/**
 * @pulumi/policy 1.21's server (makeReportViolationFun) also accepts an object
 * `{ message, urn, enforcementLevel }` and reports that one violation at the
 * given level. Neither its typings (`(message: string, urn?: string)`) nor its
 * docs show that form, and no documented way gives one violation its own
 * level, so the object goes through here alone; the SDK is pinned, and a
 * protocol test proves the level and message arrive as sent.
 */
function reportAsAdvisory(report: ReportViolation, message: string, urn: string | undefined): void {
    const violation = { message, urn, enforcementLevel: "advisory" };
    (report as unknown as (v: typeof violation) => void)(violation);
}

/**
 * A reporter that applies the exemptions to each violation: an exemption that
 * holds turns it into an advisory "Exempt until …" violation, one that expired
 * leaves its level and adds "(exemption expired …)". `resourceUrn` is the
 * analyzed resource's URN (resource policies); stack policies pass the stage's.
 */
export function exemptingReporter(
    report: ReportViolation,
    description: string,
    exemptions: readonly Exemption[],
    resourceUrn?: string,
): ReportViolation {
    if (exemptions.length === 0) {
        return report;
    }
    return (message: string, urn?: string) => {
        const at = urn ?? resourceUrn;
        const match = at === undefined ? undefined : findExemption(exemptions, at, now);
        if (match === undefined) {
            report(message, urn);
        } else if (match.active) {
            reportAsAdvisory(report, `${exemptLine(match.exemption)}\n${description}\n${message}`, urn);
        } else {
            report(withExpiredNote(message, match.exemption), urn);
        }
    };
}

/**
 * args.notApplicable throws the SDK's NotApplicableError, of which the server
 * reads only the reason. Every unrelated resource takes this path once per
 * policy, so the error is made without capturing a stack trace.
 */
function notApplicable(args: { notApplicable(reason?: string): never }, reason: string): never {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return args.notApplicable(reason);
    } finally {
        Error.stackTraceLimit = limit;
    }
}

/** Runs `then` after `result`, whether the policy returned a promise or nothing. */
function after(result: void | Promise<void>, then: () => void): void | Promise<void> {
    return result instanceof Promise ? result.then(then) : then();
}

export interface ResourceScope {
    /** The resource types the policy checks. */
    types: readonly string[];
    /** Sees every resource, of any type, before the type test (what a policy learns from other resources' Analyze). */
    observe?: (args: ResourceValidationArgs) => void;
    /**
     * For a resource of those types on which the policy reported nothing: why
     * it was not actually evaluated (a value it needs is unknown until the
     * update, or another policy owns the defect), or undefined when it was
     * evaluated and passed.
     */
    notEvaluated?: (props: unknown) => string | undefined;
    /**
     * The policy's own config reader (its keys, without `exemptions`). Given,
     * it runs on every resource, of any type, so a bad config fails the first
     * Analyze of a stack instead of waiting for a resource the policy checks.
     */
    readConfig?: (raw: unknown) => unknown;
    /** Config keys that moved to another policy: setting one here fails, naming that policy. */
    movedKeys?: { keys: readonly string[]; to: string };
}

// The types each governed resource policy checks, so the bench's honest no-op
// pack can mirror the registry (same policies, same types) instead of a list
// written by hand that a new policy would have to edit.
const typesByPolicy = new WeakMap<object, readonly string[]>();

/** The resource types a policy made by governResourcePolicy checks; undefined for any other policy. */
export function checkedTypes(policy: object): readonly string[] | undefined {
    return typesByPolicy.get(policy);
}

/** The SDK's own wording for its type shortcut, with every type the policy checks. */
export function typeReason(types: readonly string[]): string {
    return `Policy only applies to resources of type ${types.map((t) => `'${t}'`).join(" or ")}`;
}

/**
 * The policy with governance added: notApplicable for other types and for
 * resources it did not evaluate, the `exemptions` config key, exempted
 * violations at advisory, and no remediation of an exempted resource.
 *
 * The SDK's faster path (a single `__pulumiType` on validateResource, skipped
 * before the props are deserialized) takes one type only; every policy here
 * checks an aws and an aws-native type, so the type test happens here, first.
 */
export function governResourcePolicy<P extends ResourceValidationPolicy>(policy: P, scope: ResourceScope): P {
    const configSchema = withExemptionsSchema(policy.configSchema);
    const readExemptions = makeExemptionsReader(policy.name, configSchema);
    const notThisType = typeReason(scope.types);
    const validate = policy.validateResource;
    if (validate === undefined || Array.isArray(validate)) {
        throw new Error(`${policy.name}: governResourcePolicy takes one validateResource function`);
    }
    const remediate = policy.remediateResource;

    // The SDK hands out a new copy of the same config on every call, and every
    // policy sees every resource: the config is checked once while it stays
    // the same, and the policy is handed the one copy without `exemptions`.
    let last: CheckedConfig | undefined;

    /** Every config problem, whatever the resource's type: one config error fails the stack's first Analyze. */
    const readAll = (args: ResourceValidationArgs): CheckedConfig => {
        const raw = args.getConfig() as Record<string, unknown>;
        if (last !== undefined && isPlainObject(raw) && shallowEqual(last.raw, raw)) {
            return last;
        }
        for (const key of scope.movedKeys?.keys ?? []) {
            if (Object.prototype.hasOwnProperty.call(raw, key)) {
                throw new PolicyConfigError(policy.name, key, `moved to policy "${scope.movedKeys!.to}"; set it there`);
            }
        }
        const exemptions = readExemptions(raw);
        const own = withoutExemptions(raw);
        scope.readConfig?.(own);
        const checked = { raw: { ...raw }, exemptions, own: Object.freeze({ ...own }) };
        if (isPlainObject(raw)) {
            last = checked;
        }
        return checked;
    };

    const governed: P = {
        ...policy,
        configSchema,
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            const config = readAll(args);
            try {
                scope.observe?.(args);
            } catch {
                // What a policy notes about other resources only words its messages; it never fails a run.
            }
            if (!scope.types.includes(args.type)) {
                notApplicable(args, notThisType);
            }
            let reported = 0;
            const report = exemptingReporter(reportViolation, policy.description, config.exemptions, args.urn);
            const counting: ReportViolation = (message, urn) => {
                reported++;
                report(message, urn);
            };
            const own = config.own;
            return after(validate({ ...args, getConfig: <T extends object>() => own as T }, counting), () => {
                const reason = reported === 0 ? scope.notEvaluated?.(args.props) : undefined;
                if (reason !== undefined) {
                    notApplicable(args, reason);
                }
            });
        },
        remediateResource: remediate === undefined ? undefined : (args: ResourceValidationArgs) => {
            if (!scope.types.includes(args.type)) {
                notApplicable(args, notThisType);
            }
            const exemptions = readExemptions(args.getConfig());
            const match = exemptions.length === 0 ? undefined : findExemption(exemptions, args.urn, now);
            if (match?.active) {
                // The team keeps this resource as it is until the date: leave it alone.
                notApplicable(args, `${exemptLine(match.exemption)}; not remediated`);
            }
            return remediate(withOwnConfig(args));
        },
    };
    typesByPolicy.set(governed, scope.types);
    return governed;
}

export interface StackScope {
    /**
     * When the policy reported nothing: why it evaluated no resource of this
     * stack (no stage it would check), or undefined when it evaluated some.
     */
    notEvaluated: (resources: StackValidationArgs["resources"]) => string | undefined;
}

/** A stack check with exemptions, its config without `exemptions`, and notApplicable when it evaluated nothing. */
function governedStackCheck(
    validate: StackValidationPolicy["validateStack"],
    readExemptions: (raw: unknown) => Exemption[],
    description: string,
    notEvaluated: StackScope["notEvaluated"],
): StackValidationPolicy["validateStack"] {
    return (args, reportViolation) => {
        const exemptions = readExemptions(args.getConfig());
        let reported = 0;
        const report = exemptingReporter(reportViolation, description, exemptions);
        const counting: ReportViolation = (message, urn) => {
            reported++;
            report(message, urn);
        };
        return after(validate(withOwnConfig(args), counting), () => {
            const reason = reported === 0 ? notEvaluated(args.resources) : undefined;
            if (reason !== undefined) {
                notApplicable(args, reason);
            }
        });
    };
}

/** The stack policy with governance added: notApplicable, `exemptions`, exempted violations at advisory. */
export function governStackPolicy(policy: StackValidationPolicy, scope: StackScope): StackValidationPolicy {
    const configSchema = withExemptionsSchema(policy.configSchema);
    const readExemptions = makeExemptionsReader(policy.name, configSchema);
    return {
        ...policy,
        configSchema,
        validateStack: governedStackCheck(policy.validateStack, readExemptions, policy.description, scope.notEvaluated),
    };
}
