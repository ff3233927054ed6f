// Figures 3 and 3b: one Analyze request per resource (its inputs, as the
// engine sends them before an update) against a no-op pack with the same
// policies, types and levels that answers "not applicable", the SDK's
// documented way (args.notApplicable), for every other type: the floor for a
// pack that is honest in compliance views (bench/fixtures/honest-noop-pack).
// 3 sends API Gateway V2 stages; 3b sends resources no policy of the pack
// checks (S3 buckets, Lambda functions, IAM roles), which both answer with
// not-applicable results (issue 8). The silent no-op pack (noop-pack), which
// answers nothing, is measured alongside and shown, not judged: the
// difference is what honesty costs the SDK.
//
// Calls rotate between the packs resource by resource, changing which goes
// first, one request in flight. Each call is timed by the CPU time its pack
// process spent on it. A round is a block of consecutive requests: its paired
// ratio is the pack's median call over the baseline's median call in that
// block (a median, so a garbage collection that lands on one call does not
// decide the round).
import * as path from "path";
import { checkedTypes } from "../lib/governance";
import { awsStage } from "../lib/resource-types";
import { policies } from "../policies";
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

export const maxRatio = 1.1;

/** Per pack: the median CPU per call of each round, wall times, and what it reported. */
interface PackSamples {
    cpuPerCall: number[];
    wall: number[];
    reported: Diagnostic[];
    notApplicable: number;
}

interface PairedAnalysis {
    /** The pack over the honest no-op pack, per round (judged). */
    ratios: number[];
    /** The pack over the silent no-op pack, per round (shown). */
    silentRatios: number[];
    ours: PackSamples;
    honest: PackSamples;
    silent: PackSamples;
    calls: number;
}

interface Packs {
    ours: BenchPack;
    honest: BenchPack;
    silent: BenchPack;
}

const samples = (): PackSamples => ({ cpuPerCall: [], wall: [], reported: [], notApplicable: 0 });

async function pairedAnalysis(packs: Packs, requests: readonly PreparedAnalyze[], opts: ResourceAnalysisOptions, label: string): Promise<PairedAnalysis> {
    const order = [packs.ours, packs.honest, packs.silent];
    // Warm-up: the first few hundred calls compile the hot paths of each.
    for (const req of requests.slice(0, 300)) {
        for (const pack of order) {
            await pack.analyze(req);
        }
    }
    const out: PairedAnalysis = { ratios: [], silentRatios: [], ours: samples(), honest: samples(), silent: samples(), calls: 0 };
    const of = (pack: BenchPack) => (pack === packs.ours ? out.ours : pack === packs.honest ? out.honest : out.silent);
    let next = 0;
    await runRounds(opts.plan, (round) => runBlock(round), () => judge(out.ratios, maxRatio, opts.plan.maxRounds).decision === "MORE");
    return out;

    async function runBlock(round: number): Promise<void> {
        const cpu = new Map<BenchPack, number[]>(order.map((p) => [p, []]));
        for (let i = 0; i < opts.blockSize; i++) {
            const req = requests[next % requests.length];
            // Each request is checked once, on its first pass.
            const firstPass = next < requests.length;
            next++;
            if (firstPass) {
                out.calls++;
            }
            for (let k = 0; k < order.length; k++) {
                const pack = order[(i + k) % order.length];
                const before = processCpuMs(pack.pid);
                const r = await pack.analyze(req);
                cpu.get(pack)!.push(processCpuMs(pack.pid) - before);
                const s = of(pack);
                s.wall.push(r.ms);
                if (firstPass) {
                    s.reported.push(...r.diagnostics);
                    s.notApplicable += r.notApplicable;
                }
            }
        }
        const o = median(cpu.get(packs.ours)!);
        const h = median(cpu.get(packs.honest)!);
        const n = median(cpu.get(packs.silent)!);
        out.ratios.push(o / h);
        out.silentRatios.push(o / n);
        out.ours.cpuPerCall.push(o);
        out.honest.cpuPerCall.push(h);
        out.silent.cpuPerCall.push(n);
        opts.log(`${label}: round ${round + 1}: ${opts.blockSize} calls each, median CPU per call: pack ${fmtMs(o)}, honest no-op ${fmtMs(h)}, silent no-op ${fmtMs(n)}`);
    }
}

async function withPacks<T>(repoRoot: string, run: (packs: Packs) => Promise<T>): Promise<T> {
    const started: BenchPack[] = [];
    try {
        const ours = await BenchPack.start("pack", repoRoot);
        started.push(ours);
        const honest = await BenchPack.start("honest no-op pack", path.join(repoRoot, "bench", "fixtures", "honest-noop-pack"));
        started.push(honest);
        const silent = await BenchPack.start("silent no-op pack", path.join(repoRoot, "bench", "fixtures", "noop-pack"));
        started.push(silent);
        for (const other of [honest, silent]) {
            if (ours.policyCount("resource") !== other.policyCount("resource")) {
                throw new Error(`the ${other.label} has ${other.policyCount("resource")} resource policies, the pack ${ours.policyCount("resource")}`);
            }
        }
        return await run({ ours, honest, silent });
    } finally {
        for (const pack of started) {
            await pack.close();
        }
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
        measured: `${fmtMs(median(a.ours.cpuPerCall))} CPU, ${fmtMs(median(a.ours.wall))} wall`,
        baseline: `${fmtMs(median(a.honest.cpuPerCall))} CPU, honest no-op pack`,
        maxRatio,
        silent: `${median(a.silentRatios).toFixed(2)} (${fmtMs(median(a.silent.cpuPerCall))} CPU)`,
    }, a.ratios, plan.maxRounds);
    return error === undefined ? figure : { ...figure, error };
}

/** Why a baseline pack's answers are not what a no-op pack must give, or undefined. */
function baselineProblem(a: PairedAnalysis, honestNotApplicablePerCall: number): string | undefined {
    if (a.honest.reported.length > 0 || a.silent.reported.length > 0) {
        return `a no-op pack reported violations (honest ${a.honest.reported.length}, silent ${a.silent.reported.length})`;
    }
    if (a.silent.notApplicable > 0) {
        return `the silent no-op pack answered not applicable ${a.silent.notApplicable} times`;
    }
    if (a.honest.notApplicable !== honestNotApplicablePerCall * a.calls) {
        return `the honest no-op pack answered not applicable ${a.honest.notApplicable} times on ${a.calls} resources (${honestNotApplicablePerCall} each expected)`;
    }
    return undefined;
}

export async function resourceAnalysis(opts: ResourceAnalysisOptions): Promise<Figure[]> {
    const stages = opts.blockSize * opts.plan.rounds;
    const stack = syntheticStack({ stack: "bench-analyze", stages, apis: Math.max(1, stages / 10), websocketApis: 1, noRetentionEvery: 1000, badFormatEvery: 1000 });
    const requests = prepare(stack.stages, stack.resources);
    return withPacks(opts.repoRoot, async (packs) => {
        const a = await pairedAnalysis(packs, requests, opts, "resource analysis");
        const actual = countByPolicy(a.ours.reported);
        const cantRun = a.ours.reported.filter((d) => /^can't run /.test(d.message)).length;
        const errors: string[] = [];
        if (cantRun > 0 || !sameCounts(stack.expectedStageAnalyze, actual)) {
            errors.push(`verdict check failed: pack reported ${JSON.stringify(actual)} (expected ${JSON.stringify(stack.expectedStageAnalyze)}), ${cantRun} can't-run`);
        }
        // On a stage, the resource policies that check other types (the quick-create policy's APIs) do not apply.
        const baseline = baselineProblem(a, policies.filter((p) => !(checkedTypes(p)?.includes(awsStage) ?? true)).length);
        if (baseline !== undefined) {
            errors.push(`baseline check failed: ${baseline}`);
        }
        return [figureOf("3", "Analyze per stage", a, opts.plan, errors.length > 0 ? errors.join("; ") : undefined)];
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

/** Figure 3b: Analyze on resources the pack does not check, against the honest no-op pack. */
export async function notApplicableAnalysis(opts: ResourceAnalysisOptions): Promise<Figure[]> {
    const resources = unrelatedResources(opts.blockSize * opts.plan.rounds);
    const requests = prepare(resources, resources);
    return withPacks(opts.repoRoot, async (packs) => {
        const a = await pairedAnalysis(packs, requests, opts, "not applicable");
        const resourcePolicies = packs.ours.policyCount("resource");
        const errors: string[] = [];
        if (a.ours.reported.length > 0) {
            errors.push(`verdict check failed: pack reported ${JSON.stringify(countByPolicy(a.ours.reported))} on resources it does not check`);
        }
        if (a.ours.notApplicable !== resourcePolicies * a.calls) {
            errors.push(`verdict check failed: pack answered not applicable ${a.ours.notApplicable} times on ${a.calls} resources (${resourcePolicies} each expected)`);
        }
        const baseline = baselineProblem(a, resourcePolicies);
        if (baseline !== undefined) {
            errors.push(`baseline check failed: ${baseline}`);
        }
        const perResource = (a.ours.notApplicable / Math.max(1, a.calls)).toFixed(1);
        opts.log(`not applicable: ${a.calls} resources, ${a.ours.notApplicable} not-applicable results (${perResource} per resource)`);
        return [figureOf("3b", `Analyze per unrelated resource, ${perResource} n/a per res.`, a, opts.plan, errors.length > 0 ? errors.join("; ") : undefined)];
    });
}
