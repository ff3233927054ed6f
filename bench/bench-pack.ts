// A pack process driven with prebuilt requests, so that a timed call is the
// RPC round trip alone (client serialization, the pack's deserialization and
// policies, the response) and not the driver's marshalling of EngineResources.
// Launch and the handshake (GetAnalyzerInfo, ConfigureStack, Configure with
// every policy's schema defaults, as the engine sends them) go through the
// engine driver's own pieces.
import type * as analyzerTypes from "@pulumi/pulumi/proto/analyzer_pb";
import * as fs from "fs";
import { configWithDefaults, EnforcementLevel, PolicyDescriptor } from "../engine/inputs/config-file";
import { grpcErrorSummary, PackError, PackProcess, unary } from "../engine/protocol/pack-process";
import { levelName, levelValue, policyDescriptorOf } from "../engine/protocol/analyzer-info";
import { loadProto } from "../engine/protocol/proto";
import { nowMs } from "./measure";

const callTimeoutMs = 300_000;

export interface Diagnostic {
    policyName: string;
    message: string;
    urn: string;
    enforcementLevel: EnforcementLevel;
}

export interface CallResult {
    /** Wall time of the round trip. */
    ms: number;
    diagnostics: Diagnostic[];
    /** How many policies answered not_applicable (@pulumi/policy 1.18+). */
    notApplicable: number;
}

/** An Analyze request serialized once, with the URN its diagnostics belong to. */
export interface PreparedAnalyze {
    urn: string;
    bytes: Buffer;
}

/** Serializes a request once, so every timed call sends the very same bytes. */
export function serialized(req: { serializeBinary(): Uint8Array }): Buffer {
    const bin = req.serializeBinary();
    return Buffer.from(bin.buffer, bin.byteOffset, bin.byteLength);
}

export interface ProcStatus {
    /** Peak resident set size (VmHWM), KiB. */
    hwmKiB: number;
    /** Current resident set size (VmRSS), KiB. */
    rssKiB: number;
}

/** VmHWM and VmRSS of a live process, from /proc (Linux). */
export function procStatus(pid: number | undefined): ProcStatus {
    const status = pid === undefined ? "" : fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (key: string) => {
        const m = new RegExp(`^${key}:\\s*(\\d+)\\s*kB`, "m").exec(status);
        return m ? Number(m[1]) : NaN;
    };
    return { hwmKiB: kib("VmHWM"), rssKiB: kib("VmRSS") };
}

export class BenchPack {
    private constructor(
        readonly label: string,
        readonly process: PackProcess,
        readonly policies: PolicyDescriptor[],
    ) {}

    static async start(label: string, packDir: string, opts: { preview?: boolean; startTimeoutMs?: number } = {}): Promise<BenchPack> {
        const preview = opts.preview ?? false;
        const pack = await PackProcess.start({ packDir, preview, project: "apigw-bench", stack: "bench", startTimeoutMs: opts.startTimeoutMs });
        try {
            const { analyzer, empty, struct } = loadProto();
            const info = await unary<any, analyzerTypes.AnalyzerInfo>(pack, "GetAnalyzerInfo", pack.client.getAnalyzerInfo, new empty.Empty(), callTimeoutMs);
            const policies = info.getPoliciesList().map(policyDescriptorOf);

            const stackReq = new analyzer.AnalyzerStackConfigureRequest();
            stackReq.setProject("apigw-bench");
            stackReq.setStack("bench");
            stackReq.setDryRun(preview);
            await unary(pack, "ConfigureStack", pack.client.configureStack, stackReq, callTimeoutMs);

            const configReq = new analyzer.ConfigureAnalyzerRequest();
            const map = configReq.getPolicyconfigMap();
            for (const [name, entry] of Object.entries(configWithDefaults(policies))) {
                const pc = new analyzer.PolicyConfig();
                pc.setEnforcementlevel(levelValue(entry.enforcementLevel));
                pc.setProperties(struct.Struct.fromJavaScript(entry.properties as any));
                map.set(name, pc);
            }
            await unary(pack, "Configure", pack.client.configure, configReq, callTimeoutMs);
            return new BenchPack(label, pack, policies);
        } catch (e) {
            await pack.close();
            throw e;
        }
    }

    get pid(): number | undefined {
        return this.process.pid;
    }

    policyCount(type: "resource" | "stack"): number {
        return this.policies.filter((p) => p.type === type).length;
    }

    /**
     * One call with a request serialized beforehand: the timed interval is
     * sending the bytes, the pack's work, and decoding the (small) response.
     */
    private callBytes(method: "Analyze" | "AnalyzeStack", bytes: Buffer, urn: string): Promise<CallResult> {
        const { grpc, analyzer } = loadProto();
        return new Promise((resolve, reject) => {
            const start = nowMs();
            this.process.client.makeUnaryRequest<Buffer, analyzerTypes.AnalyzeResponse>(
                `/pulumirpc.Analyzer/${method}`,
                (b) => b,
                (b) => analyzer.AnalyzeResponse.deserializeBinary(new Uint8Array(b)),
                bytes,
                new grpc.Metadata(),
                { deadline: Date.now() + callTimeoutMs },
                (err, res) => {
                    const ms = nowMs() - start;
                    if (err || res === undefined) {
                        const why = this.process.describeFailure();
                        reject(new PackError(`${method} on ${this.label} failed: ${grpcErrorSummary(err?.details || err?.message || "no response")}${why ? `; ${why}` : ""}`));
                    } else {
                        resolve({ ms, diagnostics: toDiagnostics(res, urn), notApplicable: res.getNotApplicableList().length });
                    }
                },
            );
        });
    }

    analyzeStack(bytes: Buffer): Promise<CallResult> {
        return this.callBytes("AnalyzeStack", bytes, "");
    }

    analyze(req: PreparedAnalyze): Promise<CallResult> {
        return this.callBytes("Analyze", req.bytes, req.urn);
    }

    status(): ProcStatus {
        return procStatus(this.pid);
    }

    close(): Promise<void> {
        return this.process.close();
    }
}

function toDiagnostics(res: analyzerTypes.AnalyzeResponse, urn: string): Diagnostic[] {
    return res.getDiagnosticsList().map((d) => ({
        policyName: d.getPolicyname(),
        message: d.getMessage(),
        urn: d.getUrn() || urn,
        enforcementLevel: levelName(d.getEnforcementlevel()),
    }));
}

/** "policy: n, policy: m" for a verdict check message. */
export function countByPolicy(diagnostics: readonly Diagnostic[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const d of diagnostics) {
        counts[d.policyName] = (counts[d.policyName] ?? 0) + 1;
    }
    return counts;
}
