// Figure 3: one Analyze request per stage (its inputs, as the engine sends
// them before an update), the median round trip over N stages, against a
// no-op pack with as many resource policies. Calls alternate between the
// packs stage by stage, swapping which goes first, one request in flight.
import * as path from "path";
import { findProvider, makeAnalyzeRequest } from "../engine/protocol/marshal";
import { BenchPack, countByPolicy, Diagnostic, PreparedAnalyze, serialized } from "./bench-pack";
import { Figure, fmtMs, median } from "./measure";
import { sameCounts, syntheticStack } from "./synthetic-stack";

export interface ResourceAnalysisOptions {
    repoRoot: string;
    stages: number;
    log: (line: string) => void;
}

export async function resourceAnalysis(opts: ResourceAnalysisOptions): Promise<Figure[]> {
    const stack = syntheticStack({ stack: "bench-analyze", stages: opts.stages, apis: Math.max(1, opts.stages / 10), websocketApis: 1, noRetentionEvery: 1000, badFormatEvery: 1000 });
    const byUrn = new Map(stack.resources.map((r) => [r.urn, r]));
    const requests: PreparedAnalyze[] = stack.stages.map((s) => ({ urn: s.urn, bytes: serialized(makeAnalyzeRequest(s, s.inputs, findProvider(s, byUrn))) }));

    const ours = await BenchPack.start("pack", opts.repoRoot);
    const noop = await BenchPack.start("no-op pack", path.join(opts.repoRoot, "bench", "fixtures", "noop-pack"));
    try {
        if (ours.policyCount("resource") !== noop.policyCount("resource")) {
            throw new Error(`the no-op pack has ${noop.policyCount("resource")} resource policies, the pack ${ours.policyCount("resource")}`);
        }
        // Warm-up: the first few hundred calls compile the hot paths of both.
        for (const req of requests.slice(0, 300)) {
            await ours.analyze(req);
            await noop.analyze(req);
        }
        const oursMs: number[] = [];
        const noopMs: number[] = [];
        const reported: Diagnostic[] = [];
        let noopReported = 0;
        for (let i = 0; i < requests.length; i++) {
            const first = i % 2 === 0 ? ours : noop;
            const second = first === ours ? noop : ours;
            for (const pack of [first, second]) {
                const r = await pack.analyze(requests[i]);
                if (pack === ours) {
                    oursMs.push(r.ms);
                    reported.push(...r.diagnostics);
                } else {
                    noopMs.push(r.ms);
                    noopReported += r.diagnostics.length;
                }
            }
            if ((i + 1) % 1000 === 0) {
                opts.log(`resource analysis: ${i + 1}/${requests.length} stages`);
            }
        }
        const o = median(oursMs);
        const n = median(noopMs);
        const actual = countByPolicy(reported);
        const cantRun = reported.filter((d) => /^can't run /.test(d.message)).length;
        let error: string | undefined;
        if (cantRun > 0 || noopReported > 0 || !sameCounts(stack.expectedStageAnalyze, actual)) {
            error = `verdict check failed: pack reported ${JSON.stringify(actual)} (expected ${JSON.stringify(stack.expectedStageAnalyze)}), ${cantRun} can't-run, no-op pack ${noopReported}`;
        }
        opts.log(`resource analysis: mean pack ${fmtMs(oursMs.reduce((a, b) => a + b, 0) / oursMs.length)}, no-op ${fmtMs(noopMs.reduce((a, b) => a + b, 0) / noopMs.length)}`);
        const figure: Figure = {
            id: "3",
            name: `Analyze per stage, median of ${requests.length}`,
            measured: fmtMs(o),
            baseline: `${fmtMs(n)} no-op pack (5 res. pol.)`,
            ratio: o / n,
            maxRatio: 1.2,
        };
        if (error !== undefined) {
            figure.error = error;
        }
        return [figure];
    } finally {
        await ours.close();
        await noop.close();
    }
}
