// Issue 15, item 9: every TypeScript fix, pasted into whole programs, passes
// in one round. Each example program and each real-program-shaped fixture is
// copied to a scratch folder; the real CLI (bin/engine/cli.js, the real pack
// process) analyzes them all in one run with --format json; every fix the
// report places in the program (its `fixes[].edits`, whole-line edits of the
// program's files) is applied as a user pastes it; one `tsc --noEmit` checks
// that every program still compiles; one more analyze run must find no
// violation at all. What a fix asks the user to do by hand (its
// `instructions`) is done here by hand, as the user would.
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import type { FixEdit, ProgramFix } from "../../engine/resource-model";
import { fixturesDir, repoRoot } from "./helpers";
import { cliInProcess } from "./cli-in-process";
import { scopedArgs } from "./policy-scope";

interface ReportViolation {
    resourceUrn: string;
    policyName: string;
    message: string;
    fixes?: ProgramFix[];
}

const examplesDir = path.join(repoRoot, "examples");
const fixturePrograms = ["no-log-group", "component-stage", "clf-metric-filter", "websocket-no-account"];

function programDirs(): string[] {
    const examples = fs.readdirSync(examplesDir).filter((d) => fs.existsSync(path.join(examplesDir, d, "Pulumi.yaml"))).map((d) => path.join(examplesDir, d));
    return [...examples, ...fixturePrograms.map((d) => path.join(fixturesDir, "programs", d))];
}

/** The CLI's JSON over the access-logging policies (policy-scope.ts), which these programs are about; main() runs in this process (cli-in-process.ts). */
async function analyzeJson(cwd: string, dirs: readonly string[]): Promise<{ code: number; violations: ReportViolation[]; stderr: string }> {
    const { code, stdout, stderr } = await cliInProcess(scopedArgs(["--format", "json", ...dirs]), {}, cwd);
    let violations: ReportViolation[] = [];
    try {
        violations = (JSON.parse(stdout) as { violations: ReportViolation[] }).violations;
    } catch {
        assert.fail(`analyze printed no JSON report (exit ${code}): ${stderr.slice(0, 2000)}`);
    }
    return { code, violations, stderr };
}

function projectOf(urn: string): string {
    return urn.split("::")[1] ?? "";
}

/** The one fix that holds for the program, as the report places it. */
function fixToApply(v: ReportViolation): ProgramFix {
    assert.ok(v.fixes !== undefined && v.fixes.length > 0, `no TypeScript fix in the report for ${v.policyName} on ${v.resourceUrn}:\n${v.message}`);
    const applicable = v.fixes.filter((f) => f.applies);
    assert.strictEqual(applicable.length, 1, `${v.policyName} on ${v.resourceUrn}: ${applicable.length} fixes hold (${v.fixes.map((f) => f.when).join(", ")})`);
    const fix = applicable[0];
    assert.ok(fix.edits.length > 0, `${v.policyName} on ${v.resourceUrn}: the fix is not placed in the program (${fix.unplaced ?? "no reason given"})`);
    return fix;
}

/** Applies whole-line edits to one file, last first, refusing overlaps (two fixes for the same lines). */
function applyEdits(file: string, edits: readonly FixEdit[]): void {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const sorted = [...edits].sort((a, b) => b.startLine - a.startLine || b.endLine - a.endLine);
    for (let i = 1; i < sorted.length; i++) {
        assert.ok(sorted[i].endLine < sorted[i - 1].startLine, `two fixes edit the same lines of ${file}: ${JSON.stringify(sorted[i - 1])} and ${JSON.stringify(sorted[i])}`);
    }
    for (const e of sorted) {
        lines.splice(e.startLine - 1, e.endLine - e.startLine + 1, ...e.text.split("\n"));
    }
    fs.writeFileSync(file, lines.join("\n"));
}

// What the quick-create fix leaves to the user ("remove target from "webhook-api",
// add aws.apigatewayv2.Integration and aws.apigatewayv2.Route"), done as a user would.
const byHand: Record<string, { instructions: RegExp; apply: (dir: string) => void }> = {
    "quick-create-api": {
        instructions: /^remove target from "webhook-api", add aws\.apigatewayv2\.Integration and aws\.apigatewayv2\.Route$/,
        apply: (dir) => {
            const file = path.join(dir, "index.ts");
            const text = fs.readFileSync(file, "utf8");
            const target = /\n\s*target: ("[^"]+"),/.exec(text);
            assert.ok(target, "the quick-create example has no target line");
            fs.writeFileSync(file, `import * as pulumi from "@pulumi/pulumi";\n${text.replace(target[0], "")}
const integration = new aws.apigatewayv2.Integration("webhook-integration", { apiId: api.id, integrationType: "AWS_PROXY", integrationUri: ${target[1]}, payloadFormatVersion: "2.0" });
new aws.apigatewayv2.Route("webhook-route", { apiId: api.id, routeKey: "$default", target: pulumi.interpolate\`integrations/\${integration.id}\` });
`);
        },
    },
};

describe("every TypeScript fix, pasted into whole programs (issue 15, item 9)", function () {
    this.timeout(240_000);
    let root = "";
    const copies = new Map<string, string>();

    before(function () {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "fixes-on-programs-"));
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"), "dir");
        for (const dir of programDirs()) {
            const copy = path.join(root, path.basename(dir));
            fs.cpSync(dir, copy, { recursive: true });
            const project = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(copy, "Pulumi.yaml"), "utf8"))?.[1] ?? "";
            copies.set(project, copy);
        }
    });

    after(function () {
        fs.rmSync(root, { recursive: true, force: true });
    });

    it("leaves no violation after one round of fixes, and every program still compiles", async function () {
        const dirs = [...copies.values()];
        const first = await analyzeJson(root, dirs);
        assert.ok(first.violations.length >= fixturePrograms.length, `expected violations to fix, got ${first.violations.length}`);
        const editsByFile = new Map<string, FixEdit[]>();
        const handDone = new Set<string>();
        for (const v of first.violations) {
            const dir = copies.get(projectOf(v.resourceUrn));
            assert.ok(dir, `no program for ${v.resourceUrn}`);
            const fix = fixToApply(v);
            if (fix.instructions !== undefined) {
                const hand = byHand[path.basename(dir)];
                assert.ok(hand, `${v.policyName} on ${v.resourceUrn} asks for work by hand: ${fix.instructions}`);
                assert.match(fix.instructions, hand.instructions);
                handDone.add(path.basename(dir));
            }
            for (const e of fix.edits) {
                const file = path.join(dir, e.file);
                editsByFile.set(file, [...(editsByFile.get(file) ?? []), e]);
            }
        }
        const edited = new Set([...editsByFile.keys()].map((f) => path.relative(root, f).split(path.sep)[0]));
        assert.deepStrictEqual(fixturePrograms.filter((p) => !edited.has(p)), [], "every fixture has a fix to paste");
        for (const [file, edits] of editsByFile) {
            applyEdits(file, edits);
        }
        for (const name of handDone) {
            byHand[name].apply(path.join(root, name));
        }
        fs.writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({
            compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, target: "es2020", module: "commonjs", moduleResolution: "node", esModuleInterop: true, types: ["node"] },
            include: ["*/**/*.ts"],
            exclude: ["node_modules"],
        }));
        const tsc = await new Promise<{ code: number; out: string }>((resolve) => {
            execFile(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", root], { cwd: root }, (err, stdout, stderr) => {
                resolve({ code: err ? Number((err as { code?: unknown }).code ?? -1) : 0, out: stdout + stderr });
            });
        });
        assert.strictEqual(tsc.code, 0, `the fixed programs do not compile:\n${tsc.out.slice(0, 4000)}`);
        const second = await analyzeJson(root, dirs);
        assert.deepStrictEqual(second.violations.map((v) => `${v.policyName} on ${v.resourceUrn}: ${v.message}`), []);
        assert.strictEqual(second.code, 0, second.stderr);
    });
});
