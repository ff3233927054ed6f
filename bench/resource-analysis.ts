// Figures 3 and 3b: one Analyze request per resource (its inputs, as the
// engine sends them before an update) against a no-op pack with as many
// resource policies. 3 sends API Gateway V2 stages; 3b sends resources no
// policy of the pack checks (S3 buckets, Lambda functions, IAM roles), which
// the pack answers with not-applicable results (issue 8) and the no-op pack
// with nothing: the cost of saying "not applicable".
//
// Calls alternate between the packs resource by resource, swapping which goes
// first, one request in flight. Each call is timed by the CPU time its pack
// process spent on it. A round is a block of consecutive requests: its paired
// ratio is the pack's median call over the no-op pack's median call in that
// block (a median, so a garbage collection that lands on one call does not
// decide the round).
import * as path from "path";
import { findProvider, makeAnalyzeRequest, ResourceWithOptions } from "../engine/protocol/marshal";
import { BenchPack, countByPolicy, Diagnostic, PreparedAnalyze, serialized } from "./bench-pack";
import { Figure, fmtMs, judgedFigure, median, processCpuMs } from "./measure";
import { sameCounts, syntheticStack } from "./synthetic-stack";
import { judge, RoundPlan, runRounds } from "./verdict";

export interface ResourceAnalysisOptions {
    repoRoot: string;
    /** Requests per round: enough that a round's CPU time is well above scheduler noise. */
    blockSize: number;
    plan: RoundPlan;
    log: (line: string) => void;
}

const maxRatio = 1.2;

interface PairedAnalysis {
    ratios: number[];
    oursCpuPerCall: number[];
    noopCpuPerCall: number[];
    oursWall: number[];
    noopWall: number[];
    reported: Diagnostic[];
    noopReported: number;
    notApplicable: number;
    calls: number;
}

async function pairedAnalysis(ours: BenchPack, noop: BenchPack, requests: readonly PreparedAnalyze[], opts: ResourceAnalysisOptions, label: string): Promise<PairedAnalysis> {
    // Warm-up: the first few hundred calls compile the hot paths of both.
    for (const req of requests.slice(0, 300)) {
        await ours.analyze(req);
        await noop.analyze(req);
    }
    const out: PairedAnalysis = { ratios: [], oursCpuPerCall: [], noopCpuPerCall: [], oursWall: [], noopWall: [], reported: [], noopReported: 0, notApplicable: 0, calls: 0 };
    let next = 0;
    await runRounds(opts.plan, (round) => runBlock(round), () => judge(out.ratios, maxRatio, opts.plan.maxRounds).decision === "MORE");
    return out;

    async function runBlock(round: number): Promise<void> {
        const oursCpu: number[] = [];
        const noopCpu: number[] = [];
        for (let i = 0; i < opts.blockSize; i++) {
            const req = requests[next % requests.length];
            // Each request is checked once, on its first pass.
            const firstPass = next < requests.length;
            next++;
            const first = i % 2 === 0 ? ours : noop;
            for (const pack of [first, first === ours ? noop : ours]) {
                const before = processCpuMs(pack.pid);
                const r = await pack.analyze(req);
                (pack === ours ? oursCpu : noopCpu).push(processCpuMs(pack.pid) - before);
                if (pack === ours) {
                    out.oursWall.push(r.ms);
                    if (firstPass) {
                        out.reported.push(...r.diagnostics);
                        out.notApplicable += r.notApplicable;
                        out.calls++;
                    }
                } else {
                    out.noopWall.push(r.ms);
                    out.noopReported += r.diagnostics.length;
                }
            }
        }
        const o = median(oursCpu);
        const n = median(noopCpu);
        out.ratios.push(o / n);
        out.oursCpuPerCall.push(o);
        out.noopCpuPerCall.push(n);
        opts.log(`${label}: round ${round + 1}: ${opts.blockSize} calls each, median CPU per call: pack ${fmtMs(o)}, no-op ${fmtMs(n)}`);
    }
}

async function withPacks<T>(repoRoot: string, run: (ours: BenchPack, noop: BenchPack) => Promise<T>): Promise<T> {
    const ours = await BenchPack.start("pack", repoRoot);
    const noop = await BenchPack.start("no-op pack", path.join(repoRoot, "bench", "fixtures", "noop-pack"));
    try {
        if (ours.policyCount("resource") !== noop.policyCount("resource")) {
            throw new Error(`the no-op pack has ${noop.policyCount("resource")} resource policies, the pack ${ours.policyCount("resource")}`);
        }
        return await run(ours, noop);
    } finally {
        await ours.close();
        await noop.close();
    }
}

function prepare(resources: readonly ResourceWithOptions[], all: readonly ResourceWithOptions[]): PreparedAnalyze[] {
    const byUrn = new Map(all.map((r) => [r.urn, r]));
    return resources.map((r) => ({ urn: r.urn, bytes: serialized(makeAnalyzeRequest(r, r.inputs, findProvider(r, byUrn))) }));
}

function figureOf(id: string, name: string, a: PairedAnalysis, plan: RoundPlan, error: string | undefined): Figure {
    const figure = judgedFigure({
        id,
        name,
        measured: `${fmtMs(median(a.oursCpuPerCall))} CPU, ${fmtMs(median(a.oursWall))} wall`,
        baseline: `${fmtMs(median(a.noopCpuPerCall))} CPU, no-op pack (5 res.)`,
        maxRatio,
    }, a.ratios, plan.maxRounds);
    return error === undefined ? figure : { ...figure, error };
}

export async function resourceAnalysis(opts: ResourceAnalysisOptions): Promise<Figure[]> {
    const stages = opts.blockSize * opts.plan.rounds;
    const stack = syntheticStack({ stack: "bench-analyze", stages, apis: Math.max(1, stages / 10), websocketApis: 1, noRetentionEvery: 1000, badFormatEvery: 1000 });
    const requests = prepare(stack.stages, stack.resources);
    return withPacks(opts.repoRoot, async (ours, noop) => {
        const a = await pairedAnalysis(ours, noop, requests, opts, "resource analysis");
        const actual = countByPolicy(a.reported);
        const cantRun = a.reported.filter((d) => /^can't run /.test(d.message)).length;
        let error: string | undefined;
        if (cantRun > 0 || a.noopReported > 0 || !sameCounts(stack.expectedStageAnalyze, actual)) {
            error = `verdict check failed: pack reported ${JSON.stringify(actual)} (expected ${JSON.stringify(stack.expectedStageAnalyze)}), ${cantRun} can't-run, no-op pack ${a.noopReported}`;
        }
        return [figureOf("3", "Analyze per stage", a, opts.plan, error)];
    });
}

const region = "us-east-1";
const accountId = "123456789012";

/**
 * Resources of an ordinary application stack that no policy of the pack
 * checks, in @pulumi/aws 7 input shapes: S3 buckets, Lambda functions and
 * IAM roles, in turn.
 */
export function unrelatedResources(count: number): ResourceWithOptions[] {
    const stack = "bench-unrelated";
    const urn = (type: string, name: string) => `urn:pulumi:${stack}::apigw-bench::${type}::${name}`;
    const provider = `${urn("pulumi:providers:aws", "default_7_48_0")}::9f3b2c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e`;
    const assumeRole = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    const out: ResourceWithOptions[] = [];
    for (let i = 0; i < count; i++) {
        const kind = i % 3;
        let type: string;
        let name: string;
        let inputs: Record<string, unknown>;
        if (kind === 0) {
            type = "aws:s3/bucket:Bucket";
            name = `assets-${i}`;
            inputs = { __defaults: ["forceDestroy"], bucket: `assets-${i}-${accountId}`, forceDestroy: false, region, tags: { team: "web", env: "prod" } };
        } else if (kind === 1) {
            type = "aws:lambda/function:Function";
            name = `handler-${i}`;
            inputs = {
                __defaults: [], name: `handler-${i}`, runtime: "nodejs22.x", handler: "index.handler", memorySize: 256, timeout: 10, region,
                role: `arn:aws:iam::${accountId}:role/handler-role-${i}`,
                environment: { variables: { TABLE: `orders-${i}`, LOG_LEVEL: "info" } },
                tags: { team: "web" },
            };
        } else {
            type = "aws:iam/role:Role";
            name = `handler-role-${i}`;
            inputs = { __defaults: [], name: `handler-role-${i}`, assumeRolePolicy: assumeRole, managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"], tags: { team: "web" } };
        }
        out.push({ urn: urn(type, name), type, name, inputs, outputs: inputs, provider, dependencies: [], propertyDependencies: {} });
    }
    return out;
}

/** Figure 3b: Analyze on resources the pack does not check, against the no-op pack. */
export async function notApplicableAnalysis(opts: ResourceAnalysisOptions): Promise<Figure[]> {
    const resources = unrelatedResources(opts.blockSize * opts.plan.rounds);
    const requests = prepare(resources, resources);
    return withPacks(opts.repoRoot, async (ours, noop) => {
        const a = await pairedAnalysis(ours, noop, requests, opts, "not applicable");
        const errors: string[] = [];
        if (a.reported.length > 0 || a.noopReported > 0) {
            errors.push(`verdict check failed: pack reported ${JSON.stringify(countByPolicy(a.reported))} on resources it does not check, no-op pack ${a.noopReported}`);
        }
        const figure = figureOf("3b", "Analyze per unrelated resource (not applicable)", a, opts.plan, errors.length > 0 ? errors.join("; ") : undefined);
        // How many not-applicable answers the pack gave per resource: what the time pays for.
        opts.log(`not applicable: ${a.calls} resources, ${a.notApplicable} not-applicable results (${(a.notApplicable / Math.max(1, a.calls)).toFixed(1)} per resource)`);
        return [{ ...figure, name: `${figure.name}, ${(a.notApplicable / Math.max(1, a.calls)).toFixed(1)} n/a per res.` }];
    });
}
