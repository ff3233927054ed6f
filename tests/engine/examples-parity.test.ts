import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runProgram } from "../../engine/inputs/program/run-program";
import { readStateFile } from "../../engine/inputs/state-file";
import { PolicySession } from "../../engine/protocol/policy-session";
import { EngineResource } from "../../engine/resource-model";
import { assertNoCantRun, repoRoot, verdicts } from "./helpers";
import { inScope } from "./policy-scope";

// Issue 9, item 1: examples/README.md says preview and update give the same
// verdicts. Every example program runs in both modes (the program runner's
// preview leaves computed outputs unknown; its update fabricates them), and
// the pack judges each run under the default config and under every policy
// config the README and docs/ show. The verdicts (policy, resource, level) must be the
// same; with the default config they must also be the ones examples/README.md
// states for the policies the examples are about: the access-logging ones
// (tests/engine/policy-scope.ts), as that page says.

const examplesDir = path.join(repoRoot, "examples");
const examples = fs.readdirSync(examplesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(examplesDir, e.name, "Pulumi.yaml")))
    .map((e) => e.name)
    .sort();

type Mode = "preview" | "update";
const modes: Mode[] = ["preview", "update"];

/** The README and every page of docs/. */
function docPages(): string[] {
    const docsDir = path.join(repoRoot, "docs");
    return [path.join(repoRoot, "README.md"), ...fs.readdirSync(docsDir).filter((f) => f.endsWith(".md")).map((f) => path.join(docsDir, f))];
}

/** Every ```json block of the README and docs/ that is a policy config (keys: policy names or "all"). */
export function docConfigs(policyNames: readonly string[]): Record<string, unknown>[] {
    const configs: Record<string, unknown>[] = [];
    const blocks = docPages().flatMap((page) => [...fs.readFileSync(page, "utf8").matchAll(/```json\n([\s\S]*?)```/g)]);
    for (const m of blocks) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(m[1]);
        } catch {
            continue;
        }
        if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) &&
            Object.keys(parsed).length > 0 && Object.keys(parsed).every((k) => k === "all" || policyNames.includes(k))) {
            configs.push(parsed as Record<string, unknown>);
        }
    }
    return configs;
}

/** The verdicts examples/README.md states for each example, as `policy@resource:level`. */
export function statedVerdicts(): Map<string, { verdicts: string[]; exit: number }> {
    const text = fs.readFileSync(path.join(examplesDir, "README.md"), "utf8");
    const out = new Map<string, { verdicts: string[]; exit: number }>();
    for (const line of text.split("\n")) {
        const m = /^- `([^`]+)`: (.*?), exit (\d)\./.exec(line);
        if (!m) {
            continue;
        }
        const found = [...m[2].matchAll(/`(apigatewayv2-[a-z0-9-]+)` \((mandatory|advisory)\) on `([^`]+)`/g)].map((x) => `${x[1]}@${x[3]}:${x[2]}`);
        assert.ok(found.length > 0 || /^no violations$/.test(m[2]), `examples/README.md line not understood: ${line}`);
        out.set(m[1], { verdicts: found.sort(), exit: Number(m[3]) });
    }
    return out;
}

describe("examples: preview and update give the same verdicts, for every config in the docs", function () {
    const runs = {} as Record<string, Record<Mode, EngineResource[]>>;
    const sessions = {} as Record<Mode, PolicySession>;

    before(async function () {
        for (const mode of modes) {
            sessions[mode] = await PolicySession.start({ packDir: repoRoot, preview: mode === "preview", project: "examples", stack: "dev" });
        }
        for (const name of examples) {
            runs[name] = {} as Record<Mode, EngineResource[]>;
            for (const mode of modes) {
                runs[name][mode] = await runProgram(path.join(examplesDir, name), { mode });
            }
        }
    });
    after(async function () {
        for (const s of Object.values(sessions)) {
            await s.close();
        }
    });

    async function judge(mode: Mode, name: string, config: unknown, scoped = false): Promise<string[]> {
        await sessions[mode].configure(config);
        const r = await sessions[mode].analyzeResources(runs[name][mode], { applyRemediations: true });
        assertNoCantRun(r.violations);
        return verdicts(scoped ? inScope(r.violations) : r.violations);
    }

    it("finds the example programs and the docs' configs", () => {
        assert.ok(examples.length >= 8, examples.join());
        const configs = docConfigs(sessions.preview.info.policies.map((p) => p.name));
        assert.ok(configs.length >= 4, `configs found in the docs: ${configs.length}`);
    });

    it("with the default config, both modes give the verdicts examples/README.md states", async () => {
        const stated = statedVerdicts();
        for (const name of examples) {
            const want = stated.get(name);
            assert.ok(want, `examples/README.md has no verdict line for ${name}`);
            for (const mode of modes) {
                const got = await judge(mode, name, undefined, true);
                assert.deepStrictEqual(got, want.verdicts, `${name} (${mode})`);
                assert.strictEqual(got.some((v) => v.endsWith(":mandatory")) ? 1 : 0, want.exit, `${name} (${mode}) exit code`);
            }
        }
    });

    it("the state-file examples (a Python program's export) give the verdicts examples/README.md states, in both modes", async () => {
        const stated = statedVerdicts();
        const stateFiles = fs.readdirSync(examplesDir).filter((f) => f.endsWith(".json")).sort();
        assert.deepStrictEqual(stateFiles, ["python-orders-stack.json"]);
        for (const file of stateFiles) {
            const want = stated.get(file);
            assert.ok(want, `examples/README.md has no verdict line for ${file}`);
            const state = readStateFile(path.join(examplesDir, file));
            assert.strictEqual(state.project, "orders-py");
            for (const mode of modes) {
                await sessions[mode].configure(undefined);
                // As `pulumi policy analyze --file`: remediations are reported, not applied to a state file.
                const r = await sessions[mode].analyzeResources(state.resources, { applyRemediations: false });
                assertNoCantRun(r.violations);
                // Policy names, levels and resources only: the fix wording depends on the program's language.
                assert.deepStrictEqual(verdicts(inScope(r.violations)), want.verdicts, `${file} (${mode})`);
                assert.strictEqual(verdicts(inScope(r.violations)).some((v) => v.endsWith(":mandatory")) ? 1 : 0, want.exit);
            }
        }
    });

    it("under every policy config in the README and docs/, preview and update agree on every example", async () => {
        const configs = docConfigs(sessions.preview.info.policies.map((p) => p.name));
        const differences: string[] = [];
        let compared = 0;
        for (const config of configs) {
            for (const name of examples) {
                const preview = await judge("preview", name, config);
                const update = await judge("update", name, config);
                compared++;
                if (JSON.stringify(preview) !== JSON.stringify(update)) {
                    differences.push(`${name} under ${JSON.stringify(config).slice(0, 120)}:\n  preview ${preview.join(", ")}\n  update  ${update.join(", ")}`);
                }
            }
        }
        assert.strictEqual(compared, configs.length * examples.length);
        assert.deepStrictEqual(differences, []);
    });
});
