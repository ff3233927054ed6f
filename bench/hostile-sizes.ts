// Figure 4: hostile sizes. A format string or a destination ARN of 64 KiB and
// of 1 MiB, in several shapes chosen to hurt (many variables, one huge name,
// runs of dots, deep JSON nesting, line breaks, colons), evaluated by every
// policy of the pack: the resource policies on the stage, and the stack-only
// policies on a stack of that stage, its API and its log group.
//
// Measured in-process on the policy functions, which is far less noisy than
// through Analyze: the props are built once per input exactly as the SDK's
// server builds them (a protobuf Struct through the SDK's own deserializer,
// wrapped in its unknownCheckingProxy), and only the policy calls are timed.
// Linear time means a ratio of 16 between 1 MiB and 64 KiB; the target is 20.
// Times are this process's CPU time, and each sample of the large size is
// paired with the sample of the small size taken next to it.
import { ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../policies";
import { Figure, fmtMs, judgedFigure, median, selfCpuMs } from "./measure";
import { configDefaults, SdkResource, sdkProps } from "./sdk-shapes";
import { answeredBySdk, throwNotApplicable } from "./stack-policies-inprocess";

const resourcePolicies = policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p);
/** Each policy's validation functions (the SDK accepts one or a list). */
const resourceValidations: ResourceValidation[][] = resourcePolicies.map((p) =>
    p.validateResource === undefined ? [] : Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource]);
/** The policies with only a stack check (the destination policy's stack check runs only on unknown ARNs). */
const stackPolicies = policies.filter((p): p is StackValidationPolicy => !("validateResource" in p));

export const KiB = 1024;
export const MiB = 1024 * KiB;

const accountId = "123456789012";
const groupName = "/aws/apigateway/hostile";
const goodArn = `arn:aws:logs:us-east-1:${accountId}:log-group:${groupName}`;
const goodFormat = JSON.stringify({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status" });

/** Repeats `unit` after `head` (and before `tail`) until the whole is exactly `size` characters. */
function fill(head: string, unit: (i: number) => string, size: number, tail = ""): string {
    const parts = [head];
    let length = head.length + tail.length;
    for (let i = 0; length < size; i++) {
        const u = unit(i);
        parts.push(u);
        length += u.length;
    }
    const body = parts.join("");
    return body.slice(0, size - tail.length) + tail;
}

export interface HostileShape {
    kind: "format" | "arn";
    name: string;
    /**
     * The hostile value of exactly `size` characters. `tag` (a few characters)
     * makes variants of equal size, shape and verdict but different content,
     * so that no cache of a previous evaluation can stand in for the work.
     */
    make(size: number, tag: string): string;
}

export const hostileShapes: HostileShape[] = [
    { kind: "format", name: "JSON object of many variables", make: (n, t) => fill(`{"requestId${t}":"$context.requestId"`, (i) => `,"k${i}":"$context.identity.sourceIp"`, n, "}") },
    { kind: "format", name: "distinct unknown variables", make: (n, t) => fill(`$context.requestId ${t}`, (i) => ` $context.x${i}`, n) },
    { kind: "format", name: "bare \"$context.\" repeated", make: (n, t) => fill(`$context.requestId ${t} `, () => "$context.", n) },
    { kind: "format", name: "one huge variable name", make: (n, t) => fill(`$context.requestId ${t} $context.`, () => "a", n) },
    { kind: "format", name: "a run of dots after $context.", make: (n, t) => fill(`$context.requestId ${t} $context.`, () => ".", n) },
    { kind: "format", name: "deep JSON nesting", make: (n, t) => fill(`{"requestId${t}":"$context.requestId","x":`, () => "[", n) },
    { kind: "format", name: "CRLF line breaks", make: (n, t) => fill(`$context.requestId ${t}`, () => "\r\n", n) },
    { kind: "arn", name: "huge log-group name", make: (n, t) => fill(`arn:aws:logs:us-east-1:${accountId}:log-group:${t}`, () => "a", n) },
    { kind: "arn", name: "colons", make: (n, t) => fill(`arn:${t}`, () => ":", n) },
    { kind: "arn", name: "no colon at all", make: (n, t) => fill(t, () => "a", n) },
    { kind: "arn", name: "many ARN-like segments", make: (n, t) => fill(`arn:aws:logs:us-east-1:${accountId}:log-group:${t}`, () => "x:*", n) },
];

const configs = new Map<string, Record<string, unknown>>([...resourcePolicies, ...stackPolicies].map((p) => [p.name, configDefaults(p)]));

/** One evaluation of every policy on a stage with this format and destination; returns the violation count. */
export function makeEvaluation(format: string, destinationArn: string): () => number {
    const urn = (type: string, name: string) => `urn:pulumi:bench::apigw-bench::${type}::${name}`;
    const api: SdkResource = {
        type: "aws:apigatewayv2/api:Api", urn: urn("aws:apigatewayv2/api:Api", "api"), name: "api",
        props: sdkProps({ id: "a000000001", name: "api", protocolType: "HTTP" }), dependencies: [], propertyDependencies: {},
    };
    const group: SdkResource = {
        type: "aws:cloudwatch/logGroup:LogGroup", urn: urn("aws:cloudwatch/logGroup:LogGroup", "logs"), name: "logs",
        props: sdkProps({ arn: goodArn, name: groupName, retentionInDays: 30 }), dependencies: [], propertyDependencies: {},
    };
    const stageProps = { apiId: "a000000001", name: "$default", autoDeploy: true, accessLogSettings: { destinationArn, format } };
    const stage: SdkResource = {
        type: "aws:apigatewayv2/stage:Stage", urn: urn("aws:apigatewayv2/stage:Stage", "stage"), name: "stage",
        props: sdkProps(stageProps), dependencies: [api, group], propertyDependencies: { accessLogSettings: [group], apiId: [api] },
    };
    const resourceArgs = resourcePolicies.map((p) => ({
        type: stage.type, urn: stage.urn, name: stage.name, props: stage.props, stackTags: new Map<string, string>(),
        getConfig: () => configs.get(p.name), notApplicable: throwNotApplicable,
    }) as unknown as ResourceValidationArgs);
    const stackArgs = stackPolicies.map((p) => ({
        resources: [api, group, stage], stackTags: new Map<string, string>(),
        getConfig: () => configs.get(p.name), notApplicable: throwNotApplicable,
    }) as unknown as StackValidationArgs);
    return () => {
        let violations = 0;
        const report = () => {
            violations++;
        };
        resourceValidations.forEach((validations, i) => {
            for (const validate of validations) {
                answeredBySdk(() => validate(resourceArgs[i], report));
            }
        });
        stackPolicies.forEach((p, i) => {
            answeredBySdk(() => p.validateStack(stackArgs[i], report));
        });
        return violations;
    };
}


/**
 * Distinct inputs of one size, evaluated in turn (never the same one twice in
 * a row), so a cache keyed on the last value cannot make a repeat free.
 */
class Rotation {
    private next = 0;
    constructor(private readonly evaluations: (() => number)[]) {}

    /** CPU milliseconds per evaluation: `reps` evaluations timed together. */
    sample(reps: number): number {
        const start = selfCpuMs();
        for (let i = 0; i < reps; i++) {
            this.evaluations[this.next]();
            this.next = (this.next + 1) % this.evaluations.length;
        }
        return (selfCpuMs() - start) / reps;
    }
}

function variants(shape: HostileShape, size: number, count: number): (() => number)[] {
    return Array.from({ length: count }, (_, v) => {
        const value = shape.make(size, `v${v.toString(36)}`);
        return shape.kind === "format" ? makeEvaluation(value, goodArn) : makeEvaluation(goodFormat, value);
    });
}

/** Enough repetitions that one sample lasts about `targetMs`. */
function repsFor(evaluate: () => number, targetMs: number): number {
    const start = selfCpuMs();
    evaluate();
    const once = selfCpuMs() - start;
    return Math.max(1, Math.min(2000, Math.ceil(targetMs / Math.max(once, 0.001))));
}

export interface ShapeResult {
    shape: HostileShape;
    smallMs: number;
    largeMs: number;
    /** Median of the samples' paired ratios (large over small). */
    ratio: number;
    ratios: number[];
    verdicts: string;
}

export function measureShape(shape: HostileShape, small: number, large: number, samples: number): ShapeResult {
    // Warm up on one variant of each size, then size the samples (~25 ms each).
    const [probeSmall] = variants(shape, small, 1);
    const [probeLarge] = variants(shape, large, 1);
    for (let i = 0; i < 3; i++) {
        probeSmall();
        probeLarge();
    }
    const repsSmall = repsFor(probeSmall, 25);
    const repsLarge = repsFor(probeLarge, 25);
    const evalSmall = variants(shape, small, Math.max(2, Math.min(repsSmall, 32)));
    const evalLarge = variants(shape, large, Math.max(2, Math.min(repsLarge, 8)));
    const verdicts = `${evalSmall[0]()}/${evalLarge[0]()} violations`;
    const smallRotation = new Rotation(evalSmall);
    const largeRotation = new Rotation(evalLarge);
    const smallMs: number[] = [];
    const largeMs: number[] = [];
    for (let i = 0; i < samples; i++) {
        if (i % 2 === 0) {
            smallMs.push(smallRotation.sample(repsSmall));
            largeMs.push(largeRotation.sample(repsLarge));
        } else {
            largeMs.push(largeRotation.sample(repsLarge));
            smallMs.push(smallRotation.sample(repsSmall));
        }
    }
    const ratios = largeMs.map((l, i) => l / smallMs[i]);
    return { shape, smallMs: median(smallMs), largeMs: median(largeMs), ratio: median(ratios), ratios, verdicts };
}

export interface HostileOptions {
    samples: number;
    log: (line: string) => void;
}

function worstFigure(id: string, name: string, results: ShapeResult[]): Figure {
    const worst = results.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    return judgedFigure({
        id,
        name: `${name} (worst: ${worst.shape.name})`,
        measured: `${fmtMs(worst.largeMs)} CPU at 1 MiB`,
        baseline: `${fmtMs(worst.smallMs)} at 64 KiB`,
        maxRatio: 20,
    }, worst.ratios, worst.ratios.length);
}

export function hostileSizes(opts: HostileOptions): Figure[] {
    const results: ShapeResult[] = [];
    for (const shape of hostileShapes) {
        try {
            const r = measureShape(shape, 64 * KiB, MiB, opts.samples);
            results.push(r);
            opts.log(`hostile ${shape.kind} "${shape.name}": 64 KiB ${fmtMs(r.smallMs)}, 1 MiB ${fmtMs(r.largeMs)}, ratio ${r.ratio.toFixed(1)} (${r.verdicts})`);
        } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            return [{ id: "4", name: "hostile sizes", measured: "n/a", baseline: "n/a", maxRatio: 20, error: `a policy threw on ${shape.kind} "${shape.name}": ${message.slice(0, 200)}` }];
        }
    }
    const formats = results.filter((r) => r.shape.kind === "format");
    const arns = results.filter((r) => r.shape.kind === "arn");
    const arn100k = measureShape(hostileShapes.find((s) => s.kind === "arn")!, 64 * KiB, 100 * KiB, opts.samples);
    return [
        worstFigure("4a", `format 1MiB/64KiB, ${formats.length} shapes`, formats),
        worstFigure("4b", `ARN 1MiB/64KiB, ${arns.length} shapes`, arns),
        {
            id: "4c",
            name: "100 KiB ARN (huge log-group name)",
            measured: fmtMs(arn100k.largeMs),
            baseline: `${fmtMs(arn100k.smallMs)} at 64 KiB`,
            ratio: arn100k.ratio,
        },
    ];
}
