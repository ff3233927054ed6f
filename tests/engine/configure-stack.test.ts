import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { packFixture, repoRoot, scratchFiles, stateFixture } from "./helpers";
import { cliInProcess } from "./cli-in-process";

// ConfigureStack as the real engine sends it (CLI 3.170+): once, before any
// other call, GetAnalyzerInfo included, with project, stack, organization,
// dry_run, the stack's config and its tags. `pulumi policy analyze` on a
// state file sends none; --runtime is the user's explicit choice to send the
// pulumi:runtime tag anyway. The recorder fixture is a real @pulumi/policy
// pack that writes down each call it serves.

interface Call {
    call: string;
    project?: string;
    stack?: string;
    organization?: string;
    dryRun?: boolean;
    config?: Record<string, string>;
    configSecretKeys?: string[];
    tags?: Record<string, string>;
}

const scratch = scratchFiles("configure-stack-");

/**
 * The CLI's main() in this process (cli-in-process.ts) with the recorder pack;
 * the pack inherits RECORDER_LOG from this process's environment, set for the
 * run (the tests of this file run one at a time).
 */
async function runRecorded(args: string[]): Promise<{ code: number; calls: Call[]; stdout: string; stderr: string }> {
    const log = path.join(scratch.dir(), `calls-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
    const previous = process.env.RECORDER_LOG;
    process.env.RECORDER_LOG = log;
    try {
        const { code, stdout, stderr } = await cliInProcess(["--policy-pack", packFixture("recorder"), ...args]);
        const text = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
        const calls = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Call);
        return { code, calls, stdout, stderr };
    } finally {
        if (previous === undefined) {
            delete process.env.RECORDER_LOG;
        } else {
            process.env.RECORDER_LOG = previous;
        }
    }
}

describe("ConfigureStack as the engine sends it", () => {
    it("a program: first of all calls, with project, stack, dry_run, the stack's config and the runtime tag", async () => {
        const program = path.join(repoRoot, "examples", "http-api-compliant");
        const r = await runRecorded(["--config-value", "greeting=hello", program]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(r.calls.slice(0, 2).map((c) => c.call), ["configureStack", "getAnalyzerInfo"]);
        assert.strictEqual(r.calls.filter((c) => c.call === "configureStack").length, 1);
        const stack = r.calls[0];
        assert.strictEqual(stack.project, "http-api-compliant");
        assert.strictEqual(stack.stack, "dev");
        assert.strictEqual(stack.dryRun, true);
        assert.deepStrictEqual(stack.tags, { "pulumi:runtime": "nodejs" });
        assert.strictEqual(stack.config?.["http-api-compliant:greeting"], "hello");
    });

    it("--update sends dry_run false", async () => {
        const r = await runRecorded(["--update", path.join(repoRoot, "examples", "http-api-compliant")]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(r.calls[0].call, "configureStack");
        assert.strictEqual(r.calls[0].dryRun, false);
    });

    it("a state file: no ConfigureStack, as `pulumi policy analyze` sends none, so the pack sees no tags", async () => {
        const r = await runRecorded(["--format", "json", stateFixture("compliant.json")]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(r.calls.filter((c) => c.call === "configureStack"), []);
        assert.strictEqual(r.calls[0].call, "getAnalyzerInfo");
        assert.match(r.stdout, /tags=\{\}/);
    });

    it("a state file with --runtime: one ConfigureStack, first, carrying only the chosen tag and the export's names", async () => {
        const r = await runRecorded(["--format", "json", "--runtime", "python", stateFixture("compliant.json")]);
        assert.strictEqual(r.code, 0, r.stderr);
        const stacks = r.calls.filter((c) => c.call === "configureStack");
        assert.strictEqual(stacks.length, 1);
        assert.strictEqual(r.calls[0].call, "configureStack");
        assert.deepStrictEqual(stacks[0].tags, { "pulumi:runtime": "python" });
        assert.deepStrictEqual(stacks[0].config, {});
        assert.match(r.stdout, /tags=\{\\"pulumi:runtime\\":\\"python\\"\}/);
    });
});
