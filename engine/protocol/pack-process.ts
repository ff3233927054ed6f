// Launches a Node.js policy pack exactly as the Pulumi language host does and
// opens the Analyzer gRPC client to it.
//
//   node <packDir>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engineAddress> <packDir>
//
// with the pack directory as cwd and the PULUMI_NODEJS_* environment. The pack
// binds 127.0.0.1:0 and prints the port as its first stdout line; anything
// else on that line means the handshake is broken, so it is an error, not
// something to skip.
import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerGrpcTypes from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { escapeControlChars, quote } from "../../lib/quote";
import { loadProto, pulumiPackageDir } from "./proto";
import { InputError, toOneLine } from "../errors";

/** Mirrors the pack server's own limit (400 MiB), so large stacks fit in one AnalyzeStack. */
export const maxMessageBytes = 400 * 1024 * 1024;
export const defaultStartTimeoutMs = 30_000;
/**
 * Raises (or lowers) the start-up limit, in seconds. The Pulumi CLI sets no
 * limit on the port line at all (it reads stdout until the line comes), so a
 * longer wait only brings this driver closer to it; the test suite raises it,
 * because on a loaded machine two workers' packs can take longer than 30 s.
 */
export const startTimeoutVariable = "APIGW_ANALYZE_PACK_START_TIMEOUT";

/** The start-up limit the environment asks for, in ms, or the default. */
export function startTimeoutFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): number {
    const text = env[startTimeoutVariable];
    if (text === undefined || text === "") {
        return defaultStartTimeoutMs;
    }
    const seconds = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : NaN;
    if (!(seconds > 0)) {
        throw new InputError(`${startTimeoutVariable} must be a number of seconds greater than 0, not ${quote(text)}`);
    }
    return seconds * 1000;
}
/** No engine listens here: the Node SDK's analyzer never dials back. */
const defaultEngineAddress = "127.0.0.1:0";
const stderrKeepBytes = 8 * 1024;
const stderrShownChars = 600;

/**
 * The pack could not be started, died, or failed a request. One line, exit
 * code 2, like InputError; kept apart from it because the fault is in the
 * pack (or its build), not in what the user asked us to analyze.
 */
export class PackError extends Error {
    readonly exitCode = 2;
    /** The gRPC status details as the pack sent them: what the real CLI prints. */
    readonly details?: string;
    /** The failed call, for a connection that cannot see the process (a worker thread's) to hand to one that can. */
    call?: FailedCall;
    constructor(message: string, details?: string) {
        super(oneLine(message));
        this.name = "PackError";
        this.details = details;
    }
}

/** A failed gRPC call, as plain data. */
export interface FailedCall {
    what: string;
    code: number;
    details: string;
    message: string;
}

/**
 * What requests go through: the pack process itself, or a second channel to
 * its port (an analysis worker thread's), which cannot see the process.
 */
export interface PackConnection {
    readonly client: analyzerGrpcTypes.AnalyzerClient;
    readonly port: number;
    readonly stderr: string;
    readonly exited: string | undefined;
    settle(ms: number): Promise<void>;
    describeFailure(): string;
    close(): Promise<void>;
}

/** A channel of its own to a pack another thread started. */
export class PortConnection implements PackConnection {
    readonly client: analyzerGrpcTypes.AnalyzerClient;
    readonly stderr = "";
    readonly exited = undefined;

    constructor(readonly port: number) {
        this.client = newClient(port);
    }

    settle(): Promise<void> {
        return Promise.resolve();
    }

    describeFailure(): string {
        return "";
    }

    async close(): Promise<void> {
        this.client.close();
    }
}

function newClient(port: number): analyzerGrpcTypes.AnalyzerClient {
    const { grpc, analyzerGrpc } = loadProto();
    return new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": maxMessageBytes,
        "grpc.max_send_message_length": maxMessageBytes,
    });
}

/** Collapses line breaks and escapes control characters. */
export function oneLine(text: string): string {
    return escapeControlChars(toOneLine(text, " | "));
}

/** The last part of a process's stderr, on one line, safe to print. */
export function stderrTail(stderr: string, max = stderrShownChars): string {
    const text = oneLine(stderr);
    return text.length > max ? `…${text.slice(text.length - max)}` : text;
}

export interface PackProcessOptions {
    packDir: string;
    /** PULUMI_NODEJS_DRY_RUN: true for preview, false for update. */
    preview: boolean;
    project?: string;
    stack?: string;
    organization?: string;
    /** Stack config as the engine passes it in PULUMI_CONFIG ("<project>:<key>" -> value). */
    config?: Record<string, string>;
    startTimeoutMs?: number;
    engineAddress?: string;
}

/** The run-policy-pack entry point: the pack's own copy, else the one this driver uses. */
export function resolveRunPolicyPack(packDir: string): string {
    const own = path.join(packDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
    if (fs.existsSync(path.join(own, "index.js"))) {
        return own;
    }
    return path.join(pulumiPackageDir(), "cmd", "run-policy-pack");
}

export class PackProcess implements PackConnection {
    /** Milliseconds from spawn to the port line (what a preview waits for the pack). */
    readonly startupMs: number;
    readonly port: number;
    readonly client: analyzerGrpcTypes.AnalyzerClient;
    private closed = false;
    private exitListener: () => void;

    private constructor(
        private readonly child: ChildProcess,
        private readonly output: { stderr: string; exited?: string; closed?: boolean },
        port: number,
        startupMs: number,
    ) {
        this.port = port;
        this.startupMs = startupMs;
        this.client = newClient(port);
        // A driver that exits without close() must not leave the pack behind.
        this.exitListener = () => {
            if (!this.closed) {
                child.kill("SIGKILL");
            }
        };
        process.on("exit", this.exitListener);
    }

    /** The pack's process id. */
    get pid(): number | undefined {
        return this.child.pid;
    }

    /** What the pack has written to stderr so far (the last few KiB). */
    get stderr(): string {
        return this.output.stderr;
    }

    /** Why the process ended, if it has. */
    get exited(): string | undefined {
        return this.output.exited;
    }

    static async start(opts: PackProcessOptions): Promise<PackProcess> {
        const packDir = path.resolve(opts.packDir);
        if (!fs.existsSync(path.join(packDir, "package.json"))) {
            throw new PackError(`policy pack directory ${JSON.stringify(escapeControlChars(packDir))} has no package.json`);
        }
        const runner = resolveRunPolicyPack(packDir);
        const env: NodeJS.ProcessEnv = { ...process.env };
        // Only what the engine sets; values it leaves empty it does not set.
        const setEnv = (k: string, v: string | undefined) => {
            if (v) {
                env[k] = v;
            } else {
                delete env[k];
            }
        };
        setEnv("PULUMI_NODEJS_PROJECT", opts.project);
        setEnv("PULUMI_NODEJS_STACK", opts.stack);
        setEnv("PULUMI_NODEJS_ORGANIZATION", opts.organization);
        setEnv("PULUMI_NODEJS_DRY_RUN", String(opts.preview));
        setEnv("PULUMI_CONFIG", opts.config && Object.keys(opts.config).length > 0 ? JSON.stringify(opts.config) : undefined);

        const started = process.hrtime.bigint();
        const child = spawn(process.execPath, [runner, opts.engineAddress ?? defaultEngineAddress, packDir], {
            cwd: packDir,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const output: { stderr: string; exited?: string; closed?: boolean } = { stderr: "" };
        child.stderr!.setEncoding("utf8");
        child.stderr!.on("data", (chunk: string) => {
            output.stderr = (output.stderr + chunk).slice(-stderrKeepBytes);
        });
        child.on("exit", (code, signal) => {
            output.exited = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        });
        child.on("close", () => {
            output.closed = true;
        });

        const timeoutMs = opts.startTimeoutMs ?? startTimeoutFromEnv();
        let port: number;
        try {
            port = await readPort(child, output, timeoutMs);
        } catch (e) {
            child.kill("SIGKILL");
            throw e;
        }
        const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
        // Keep draining stdout: a pack that logs must not block on a full pipe.
        child.stdout!.resume();
        return new PackProcess(child, output, port, startupMs);
    }

    /** Resolves once the process has exited and its output is read, or after `ms`. */
    settle(ms: number): Promise<void> {
        return waitForClose(this.child, this.output, ms);
    }

    /** Why requests fail now: the process state and its stderr, for error messages. */
    describeFailure(): string {
        const parts: string[] = [];
        if (this.output.exited) {
            parts.push(`the policy pack ${this.output.exited}`);
        }
        const tail = stderrTail(this.output.stderr);
        if (tail) {
            parts.push(`stderr: ${tail}`);
        }
        return parts.join("; ");
    }

    /** Stops the pack and closes the channel. Safe to call twice. */
    async close(): Promise<void> {
        if (this.closed) {
            return;
        }
        this.closed = true;
        process.removeListener("exit", this.exitListener);
        this.client.close();
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
            return;
        }
        await new Promise<void>((resolve) => {
            const force = setTimeout(() => this.child.kill("SIGKILL"), 2000);
            this.child.once("exit", () => {
                clearTimeout(force);
                resolve();
            });
            this.child.kill("SIGTERM");
        });
    }
}

function readPort(child: ChildProcess, output: { stderr: string; exited?: string; closed?: boolean }, timeoutMs: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
        let stdout = "";
        let settled = false;
        const withStderr = (message: string) => {
            const tail = stderrTail(output.stderr);
            return new PackError(tail ? `${message}; stderr: ${tail}` : `${message}; it wrote nothing to stderr`);
        };
        const finish = (err: Error | undefined, port?: number) => {
            if (settled) {
                return;
            }
            settled = true;
            clearTimeout(timer);
            child.stdout!.removeListener("data", onData);
            child.removeListener("exit", onExit);
            child.removeListener("error", onError);
            if (err) {
                reject(err);
            } else {
                resolve(port!);
            }
        };
        // Stop the process, let its stderr drain, then report.
        let failing = false;
        const failAfterDrain = (message: string) => {
            if (settled || failing) {
                return;
            }
            failing = true;
            clearTimeout(timer);
            child.stdout!.removeListener("data", onData);
            child.removeListener("exit", onExit);
            // A moment for what it is writing to stderr (often the reason), then stop it.
            void waitForClose(child, output, 300)
                .then(() => {
                    child.kill("SIGKILL");
                    return waitForClose(child, output, 1000);
                })
                .then(() => finish(withStderr(message)));
        };
        const onData = (chunk: string) => {
            stdout += chunk;
            const nl = stdout.indexOf("\n");
            if (nl < 0) {
                if (stdout.length > 256) {
                    failAfterDrain(`the policy pack printed ${JSON.stringify(stderrTail(stdout, 80))} instead of its port`);
                }
                return;
            }
            const line = stdout.slice(0, nl).trim();
            const port = /^\d{1,5}$/.test(line) ? Number(line) : NaN;
            if (!(port >= 1 && port <= 65535)) {
                failAfterDrain(`the policy pack printed ${JSON.stringify(stderrTail(line, 80))} instead of its port as its first line`);
                return;
            }
            finish(undefined, port);
        };
        const onExit = (code: number | null, signal: string | null) => {
            if (failing) {
                return;
            }
            failing = true;
            clearTimeout(timer);
            const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
            void waitForClose(child, output, 1000).then(() => finish(withStderr(`the policy pack ${how} before printing its port`)));
        };
        const onError = (err: Error) => finish(new PackError(`could not start the policy pack: ${err.message}`));
        // The limit is checked after the loop has polled for I/O once more: a
        // program the CLI runs meanwhile can block this thread for longer than
        // the limit, and then the timer would fire before the port line that
        // has long been waiting in the pipe is read.
        const timer = setTimeout(() => setImmediate(() => failAfterDrain(`the policy pack did not print its port within ${Math.round(timeoutMs / 100) / 10} s`)), timeoutMs);
        child.stdout!.setEncoding("utf8");
        child.stdout!.on("data", onData);
        child.once("exit", onExit);
        child.once("error", onError);
    });
}

/** Resolves when the child's stdio has closed (so stderr is complete), or after `ms`. */
function waitForClose(child: ChildProcess, output: { closed?: boolean }, ms: number): Promise<void> {
    if (output.closed) {
        return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            child.removeListener("close", done);
            resolve();
        }
        child.once("close", done);
    });
}

/** Turns a unary call into a promise; gRPC failures become one-line PackErrors. */
export function unary<Req, Res>(
    pack: PackConnection,
    what: string,
    call: (req: Req, meta: grpcTypes.Metadata, opts: Partial<grpcTypes.CallOptions>, cb: (err: grpcTypes.ServiceError | null, res: Res) => void) => unknown,
    req: Req,
    timeoutMs?: number,
): Promise<Res> {
    const { grpc } = loadProto();
    const callOpts: Partial<grpcTypes.CallOptions> = timeoutMs ? { deadline: Date.now() + timeoutMs } : {};
    return new Promise<Res>((resolve, reject) => {
        call.call(pack.client, req, new grpc.Metadata(), callOpts, (err, res) => {
            if (err && (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.CANCELLED)) {
                // The connection dropped: give the process a moment to exit so
                // the error can say how it ended and what it wrote.
                void pack.settle(1000).then(() => reject(grpcError(pack, what, err)));
            } else if (err) {
                reject(grpcError(pack, what, err));
            } else {
                resolve(res);
            }
        });
    });
}

/**
 * The useful part of a failed call: the SDK sends "<context>:\n<Error.stack>",
 * so the message is the lines before the first stack frame.
 */
export function grpcErrorSummary(details: string): string {
    const lines = details.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
    const frame = lines.findIndex((l) => /^at\s/.test(l));
    const kept = (frame >= 0 ? lines.slice(0, frame) : lines).join(" ");
    const text = escapeControlChars(kept);
    return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/**
 * A policy's config error as the pack reports it ("invalid config for policy
 * …" after the SDK's "Error validating resource with policy …:" line), or
 * undefined for any other failure. It is the user's config that is wrong, so
 * that line alone is the error, whichever resource the pack was analyzing.
 */
export function configErrorOf(details: string): string | undefined {
    const lines = details.split(/\r?\n/).map((l) => l.trim());
    const line = lines.find((l) => /^(PolicyConfigError: )?invalid config for policy "/.test(l));
    return line === undefined || !/^Error validating resource with policy '/.test(lines[0]) ? undefined : line.replace(/^PolicyConfigError: /, "");
}

export function grpcError(pack: PackConnection, what: string, err: Pick<grpcTypes.ServiceError, "code" | "details" | "message">): PackError {
    const error = callError(pack, what, err);
    error.call = { what, code: err.code, details: err.details ?? "", message: err.message ?? "" };
    return error;
}

function callError(pack: PackConnection, what: string, err: Pick<grpcTypes.ServiceError, "code" | "details" | "message">): PackError {
    const { grpc } = loadProto();
    if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.CANCELLED || pack.exited) {
        const why = pack.describeFailure();
        return new PackError(`${what} failed: the policy pack is not answering (${grpcErrorSummary(err.details || err.message)})${why ? `; ${why}` : ""}`);
    }
    if (err.code === grpc.status.DEADLINE_EXCEEDED) {
        return new PackError(`${what} failed: the policy pack did not answer in time`);
    }
    const details = err.details || err.message;
    const config = configErrorOf(details);
    return new PackError(config ?? `${what} failed: ${grpcErrorSummary(details)}`, details);
}

/** The error a call that failed on another connection gives on this one, which sees the process. */
export async function rethrownCall(pack: PackConnection, call: FailedCall): Promise<PackError> {
    const { grpc } = loadProto();
    if (call.code === grpc.status.UNAVAILABLE || call.code === grpc.status.CANCELLED) {
        await pack.settle(1000);
    }
    return grpcError(pack, call.what, call);
}
