import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFile, execFileSync } from "child_process";
import { InputError } from "../../engine/errors";
import { defaultStartTimeoutMs, grpcErrorSummary, PackError, PackProcess, resolveRunPolicyPack, startTimeoutFromEnv, startTimeoutVariable, stderrTail } from "../../engine/protocol/pack-process";
import { PolicySession } from "../../engine/protocol/policy-session";
import { StreamingAnalysis } from "../../engine/protocol/streaming-analysis";
import { messageOf } from "../../engine/protocol/analysis-worker-client";
import { pulumiPackageDir } from "../../engine/protocol/proto";
import { cleanEnv, cliPath, packFixture, repoRoot, resource, stateFixture } from "./helpers";

function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

async function startFails(dir: string, pattern: RegExp, startTimeoutMs?: number): Promise<PackError> {
    try {
        const p = await PackProcess.start({ packDir: dir, preview: true, startTimeoutMs });
        await p.close();
    } catch (e) {
        assert.ok(e instanceof PackError, `expected PackError, got ${e}`);
        assert.strictEqual(e.exitCode, 2);
        assert.ok(!/[\r\n]/.test(e.message), `one line: ${e.message}`);
        assert.match(e.message, pattern);
        return e;
    }
    assert.fail("the pack started");
}

describe("engine pack process", () => {
    it("runs the pack's own run-policy-pack when it has one, else the driver's", () => {
        assert.strictEqual(resolveRunPolicyPack(repoRoot), path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack"));
        assert.strictEqual(resolveRunPolicyPack(packFixture("tiny")), path.join(pulumiPackageDir(), "cmd", "run-policy-pack"));
    });

    it("reports a pack that dies before printing its port, with its exit code and stderr", async () => {
        const e = await startFails(packFixture("dies"), /the policy pack exited with code 3 before printing its port; stderr: .*cannot load policies.*fixture pack gave up/);
        assert.ok(e.message.includes(" | "), "stderr lines are joined on one line");
    });

    it("reports a pack that prints something other than its port first", async () => {
        await startFails(packFixture("garbage"), /the policy pack printed "Loading policies\.\.\. done" instead of its port as its first line; stderr: fixture: logged to stdout by mistake/);
    });

    it("gives up on a pack that never prints its port, and says it wrote nothing to stderr", async () => {
        await startFails(packFixture("silent"), /did not print its port within 1\.5 s; it wrote nothing to stderr/, 1500);
    });

    it("reads a port line that came in while this thread was busy for longer than the limit", async function () {
        // As when the CLI runs a program's synchronous body while the pack starts.
        const tiny = packFixture("tiny");
        const starting = PackProcess.start({ packDir: tiny, preview: true, startTimeoutMs: 1500 });
        // Blocks this thread (no I/O is read) well past the limit, long enough for the pack to start.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 8000);
        const pack = await starting;
        try {
            assert.ok(pack.port > 0);
        } finally {
            await pack.close();
        }
    });

    describe("the start-up limit", () => {
        const cli = (env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((resolve) => {
            execFile(process.execPath, [cliPath, "--policy-pack", packFixture("silent"), stateFixture("compliant.json")], { cwd: repoRoot, env: cleanEnv(env) }, (err, stdout, stderr) => {
                resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, stdout, stderr });
            });
        });

        it(`is 30 s, or ${startTimeoutVariable} seconds (the Pulumi CLI itself waits for the port line without a limit)`, () => {
            assert.strictEqual(defaultStartTimeoutMs, 30_000);
            assert.strictEqual(startTimeoutFromEnv({}), 30_000);
            assert.strictEqual(startTimeoutFromEnv({ [startTimeoutVariable]: "" }), 30_000);
            assert.strictEqual(startTimeoutFromEnv({ [startTimeoutVariable]: "120" }), 120_000);
            assert.strictEqual(startTimeoutFromEnv({ [startTimeoutVariable]: " 1.5 " }), 1500);
            for (const bad of ["0", "-5", "10s", "soon", "1e3", "\u0007"]) {
                assert.throws(() => startTimeoutFromEnv({ [startTimeoutVariable]: bad }), (e: unknown) => e instanceof InputError &&
                    e.message === `${startTimeoutVariable} must be a number of seconds greater than 0, not ${JSON.stringify(bad).replace("\\u0007", "\\x07")}`, bad);
            }
        });

        it("applies to the CLI: a silent pack is given up after the seconds set, in one error line", async () => {
            const r = await cli({ [startTimeoutVariable]: "1.5" });
            assert.strictEqual(r.code, 2, r.stderr);
            assert.strictEqual(r.stdout, "");
            assert.match(r.stderr, /^error: the policy pack did not print its port within 1\.5 s; it wrote nothing to stderr\n$/);
        });

        it("a value that is not a number of seconds is the CLI's one error line, exit 2", async () => {
            const r = await cli({ [startTimeoutVariable]: "soon" });
            assert.strictEqual(r.code, 2, r.stderr);
            assert.strictEqual(r.stderr, `error: ${startTimeoutVariable} must be a number of seconds greater than 0, not "soon"\n`);
        });
    });

    it("reads the start-up limit before it spawns the pack: a bad value leaves no pack running", async () => {
        const saved = process.env[startTimeoutVariable];
        process.env[startTimeoutVariable] = "soon";
        try {
            await assert.rejects(PackProcess.start({ packDir: packFixture("silent"), preview: true }), (e: unknown) => e instanceof InputError);
        } finally {
            if (saved === undefined) {
                delete process.env[startTimeoutVariable];
            } else {
                process.env[startTimeoutVariable] = saved;
            }
        }
        let children = "";
        try {
            children = execFileSync("ps", ["-o", "args=", "--ppid", String(process.pid)], { encoding: "utf8" });
        } catch {
            // ps exits 1 when this process has no children at all.
        }
        assert.ok(!/run-policy-pack/.test(children), children);
    });

    it("refuses a directory that is not a pack", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-nopack-"));
        try {
            await startFails(dir, /has no package\.json/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("shows an error from a worker thread even when it lost its prototype on the way", () => {
        assert.strictEqual(messageOf(Object.assign(Object.create(null), { message: "kaboom" })), "kaboom");
        assert.strictEqual(messageOf(Object.create(null)), "[object Object]");
        assert.strictEqual(messageOf("plain"), "plain");
        assert.strictEqual(messageOf(new Error("an error")), "an error");
    });

    it("escapes and cuts stderr to one line, keeping its end", () => {
        const tail = stderrTail(`${"x".repeat(2000)}\nlast line\u0007\r\n`, 100);
        assert.ok(tail.startsWith("…"));
        assert.ok(tail.endsWith("last line\\x07"));
        assert.ok(tail.length <= 101);
    });

    it("summarizes the SDK's error details without the stack trace", () => {
        const details = "Error validating resource with policy 'p' from policy pack 'x@v1':\nError: kaboom\n    at validate (/p/index.js:3:9)\n    at run (/p/index.js:9:1)";
        assert.strictEqual(grpcErrorSummary(details), "Error validating resource with policy 'p' from policy pack 'x@v1': Error: kaboom");
    });

    describe("a running pack, its requests sent by a worker thread", () => {
        let session: PolicySession;
        let pid: number;
        before(async () => {
            session = await PolicySession.start({ packDir: packFixture("tiny"), preview: true, project: "proj", stack: "dev" });
            pid = (session as any).pack.pid;
        });
        after(async () => {
            await session.close();
        });

        /** The error finish() gives for one resource whose requests the worker thread sent. */
        async function workerFailure(type: string, name: string): Promise<PackError> {
            const streaming = new StreamingAnalysis(session);
            streaming.useWorker();
            const r = resource(type, name, {});
            streaming.add(r);
            const e = await streaming.finish([r]).then(() => undefined, (err: unknown) => err);
            assert.ok(e instanceof PackError, `expected PackError, got ${e}`);
            assert.strictEqual(streaming.sentByWorker, 1);
            return e;
        }

        it("gives the same one-line errors when a worker thread sends the requests, and the pack dying is described by the thread that started it", async () => {
            assert.match((await workerFailure("test:index:Throw", "t")).message, /^Analyze of urn:pulumi:dev::proj::test:index:Throw::t failed: Error validating resource with policy 'thrower' from policy pack 'tiny-pack@v1\.2\.3': Error: kaboom from the fixture pack$/);
            // The worker's channel cannot see the process; the main thread's error says how it ended and what it wrote.
            assert.match((await workerFailure("test:index:Crash", "c")).message, /of .*Crash::c failed: the policy pack is not answering .*exited with code 7.*stderr: .*fixture pack crashing now/);
            await session.close();
            assert.strictEqual(isAlive(pid), false);
        });
    });

    describe("a running pack", () => {
        let session: PolicySession;
        let pid: number;
        before(async () => {
            session = await PolicySession.start({ packDir: packFixture("tiny"), preview: true });
            pid = (session as any).pack.pid;
        });
        after(async () => {
            await session.close();
        });

        it("measures the time from spawn to the port line", () => {
            assert.ok(session.startupMs > 0 && session.startupMs < 60000, `${session.startupMs}`);
        });

        it("turns a policy that throws into a one-line error naming the request, the policy and the message", async () => {
            await assert.rejects(session.analyze(resource("test:index:Throw", "t", {})), (e: unknown) => {
                assert.ok(e instanceof PackError);
                assert.ok(!/[\r\n]/.test(e.message));
                assert.match(e.message, /^Analyze of urn:pulumi:dev::proj::test:index:Throw::t failed: Error validating resource with policy 'thrower' from policy pack 'tiny-pack@v1\.2\.3': Error: kaboom from the fixture pack$/);
                return true;
            });
            // The pack survives a failed request.
            assert.deepStrictEqual(await session.analyze(resource("test:index:Other", "o", {})), []);
        });

        it("reports a pack that dies mid-run with its exit code and stderr, and close() still works", async () => {
            await assert.rejects(session.analyze(resource("test:index:Crash", "c", {})), (e: unknown) => {
                assert.ok(e instanceof PackError);
                assert.match(e.message, /Analyze of .*Crash::c failed: the policy pack is not answering .*exited with code 7.*stderr: .*fixture pack crashing now/);
                return true;
            });
            await session.close();
            await session.close();
            assert.strictEqual(isAlive(pid), false);
        });
    });
});
