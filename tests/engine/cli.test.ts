import * as assert from "assert";
import { execFile } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "../../engine/arguments";
import { formatNames, reportFormats } from "../../engine/reports/render-report";
import { errorLine } from "../../engine/cli";
import { resolveInputs, userDirectory } from "../../engine/inputs/resolve-inputs";
import { InputError } from "../../engine/errors";
import { PackError } from "../../engine/protocol/pack-process";
import { cleanEnv, cliPath, packFixture, repoRoot, stateFixture } from "./helpers";
import { CliRun, cliInProcess, spawnCli } from "./cli-in-process";
import { scopedArgs } from "./policy-scope";

// Runs the compiled CLI (bin/engine/cli.js, built by `npm run build`) as a
// user would, and checks exit codes, stdout and the one-line errors.

type Run = CliRun;
const run = spawnCli;

function assertUsageError(r: Run, pattern: RegExp): void {
    assert.strictEqual(r.code, 2, `exit code; stderr: ${r.stderr}`);
    assert.strictEqual(r.stdout, "");
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    assert.strictEqual(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(lines[0], /^error: /);
    // A stack trace would span lines (a pack's own stderr may be quoted, joined on the line).
    assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
    assert.ok(!/internal error/.test(r.stderr), "not an internal error");
    assert.match(lines[0], pattern);
}

const policyEventKeys = ["resourceUrn", "message", "policyName", "policyPackName", "policyPackVersion", "enforcementLevel"];

describe("engine CLI arguments and error lines", () => {
    it("parses flags, --flag=value, and paths after --", () => {
        assert.deepStrictEqual(parseArgs(["--json", "--update", "--config=c.json", "a.json", "--", "--odd-name"]), {
            format: "json", noColor: false, junitNotApplicable: false, mode: "update", config: "c.json", paths: ["a.json", "--odd-name"], help: false, configValues: {}, strict: false,
        });
        assert.strictEqual(parseArgs(["--format", "junit", "--junit-not-applicable"]).junitNotApplicable, true);
        assert.strictEqual(parseArgs(["--policy-pack-config", "p.json"]).config, "p.json");
        assert.throws(() => parseArgs(["--config", "a.json", "--policy-pack-config", "b.json"]), /may be given only once/);
        assert.throws(() => parseArgs(["--junit-not-applicable"]), /--junit-not-applicable applies to --format junit only/);
        assert.strictEqual(parseArgs(["--format", "markdown"]).format, "markdown");
        assert.strictEqual(parseArgs(["--format", "sarif"]).format, "sarif");
        assert.strictEqual(parseArgs(["--format=junit", "--no-color"]).format, "junit");
        assert.strictEqual(parseArgs(["--no-color"]).noColor, true);
        assert.strictEqual(parseArgs(["--json", "--format", "json"]).format, "json");
        assert.strictEqual(parseArgs(["--output", "r.sarif"]).output, "r.sarif");
        assert.strictEqual(parseArgs([]).mode, "preview");
        assert.strictEqual(parseArgs(["--preview", "--preview"]).mode, "preview");
    });

    it("rejects misuse with one InputError line", () => {
        assert.throws(() => parseArgs(["--config", "a", "--config", "b"]), /--config may be given only once/);
        assert.throws(() => parseArgs(["--json=yes"]), /--json takes no value/);
        assert.throws(() => parseArgs(["--config="]), /--config needs a value/);
        assert.throws(() => parseArgs(["--config", "--json"]), /--config needs a value/);
        assert.throws(() => parseArgs(["--updat"]), /unknown option "--updat"; did you mean --update\?/);
        assert.throws(() => parseArgs([""]), InputError);
        assert.throws(() => parseArgs(["--format", "xml"]), /--format "xml" is not a report format; use one of text, json, sarif, junit/);
        assert.throws(() => parseArgs(["--format", "sarf"]), /did you mean sarif\?/);
        assert.throws(() => parseArgs(["--json", "--format", "sarif"]), /--json and --format sarif ask for different report formats/);
        assert.throws(() => parseArgs(["--output", "a", "--output", "b"]), /--output may be given only once/);
        assert.throws(() => parseArgs(["--no-color=1"]), /--no-color takes no value/);
        assert.throws(() => parseArgs(["--config-value", "=x"]), /--config-value needs KEY=VALUE/);
        assert.throws(() => parseArgs(["--config-value", "novalue"]), /--config-value needs KEY=VALUE/);
        assert.throws(() => parseArgs(["--stack-reference-outputs", "a", "--stack-reference-outputs", "b"]), /given only once/);
    });

    it("collects --config-value pairs and the --stack-reference-outputs file", () => {
        const opts = parseArgs(["--config-value", "dbPassword=s3cr=t", "--config-value=aws:region=eu-west-1", "--stack-reference-outputs", "refs.json"]);
        assert.deepStrictEqual(opts.configValues, { dbPassword: "s3cr=t", "aws:region": "eu-west-1" });
        assert.strictEqual(opts.stackReferenceOutputs, "refs.json");
    });

    it("reads program directories and program files as programs, other files as state files", () => {
        const program = path.join(repoRoot, "examples", "http-api-no-logging");
        const inputs = resolveInputs([stateFixture("compliant.json"), program, path.join(program, "index.ts"), path.join(program, "Pulumi.yaml")], repoRoot, repoRoot);
        assert.deepStrictEqual(inputs.map((i) => i.kind), ["state", "program", "program", "program"]);
        assert.deepStrictEqual(inputs.map((i) => i.root), [stateFixture("compliant.json"), program, program, program]);
    });

    it("resolves relative paths from the user's directory, not the process's", () => {
        const inputs = resolveInputs(["http-api-no-logging", "../tests/fixtures/state/compliant.json"], repoRoot, path.join(repoRoot, "examples"));
        assert.deepStrictEqual(inputs.map((i) => [i.label, i.path]), [
            ["http-api-no-logging", path.join(repoRoot, "examples", "http-api-no-logging")],
            ["../tests/fixtures/state/compliant.json", stateFixture("compliant.json")],
        ]);
        const npm = { INIT_CWD: "/home/u/prog", npm_lifecycle_event: "analyze" };
        assert.strictEqual(userDirectory(npm, "/pack", "/pack"), "/home/u/prog");
        assert.strictEqual(userDirectory({ INIT_CWD: "/home/u/prog" }, "/pack", "/pack"), "/pack", "INIT_CWD alone, outside an npm script, is stale");
        assert.strictEqual(userDirectory(npm, "/home/u/prog/infra", "/pack"), "/home/u/prog/infra", "a script that changed directory keeps it");
        assert.strictEqual(userDirectory({}, "/pack", "/pack"), "/pack");
    });

    it("a directory, or a program file, without Pulumi.yaml is not a program: one InputError", () => {
        // The pack's own repository: the folder `npm --prefix PACK run analyze -- .` used to analyze.
        assert.throws(() => resolveInputs(["."], repoRoot, repoRoot), /^InputError: "\." is a directory without Pulumi\.yaml \(or Pulumi\.yml\), so it is not a Pulumi program/);
        assert.throws(() => resolveInputs(["examples"], repoRoot, repoRoot), /"examples" is a directory without Pulumi\.yaml/);
        assert.throws(() => resolveInputs(["index.ts"], repoRoot, repoRoot), /"index\.ts" is in a directory \(.*\) without Pulumi\.yaml/);
    });

    it("with no PATH: the pack's examples from the pack's folder, the program in the user's folder, else an error", () => {
        assert.ok(resolveInputs([], repoRoot, repoRoot).length > 3);
        const program = path.join(repoRoot, "examples", "http-api-no-logging");
        assert.deepStrictEqual(resolveInputs([], repoRoot, program).map((i) => [i.label, i.path, i.kind]), [[".", program, "program"]]);
        assert.throws(() => resolveInputs([], repoRoot, path.join(repoRoot, "tests")), /no PATH given, and this directory holds no Pulumi\.yaml/);
    });

    it("--runtime takes one of the runtimes the Pulumi CLI tags stacks with", () => {
        assert.strictEqual(parseArgs(["--runtime", "python", "a.json"]).runtime, "python");
        assert.strictEqual(parseArgs(["--runtime=dotnet", "a.json"]).runtime, "dotnet");
        assert.strictEqual(parseArgs(["a.json"]).runtime, undefined);
        assert.throws(() => parseArgs(["--runtime", "ruby"]), /^InputError: --runtime "ruby" is not a Pulumi runtime; use one of nodejs, python, go, dotnet, java, yaml$/);
        assert.throws(() => parseArgs(["--runtime", "pyhton"]), /\(did you mean python\?\)$/);
        assert.throws(() => parseArgs(["--runtime", "Python"]), /is not a Pulumi runtime/);
        assert.throws(() => parseArgs(["--runtime"]), /--runtime needs a value/);
        assert.throws(() => parseArgs(["--runtime", "go", "--runtime", "go"]), /--runtime may be given only once/);
    });

    it("prints user and pack errors as \"error:\" and anything else as \"internal error:\", on one line", () => {
        assert.strictEqual(errorLine(new InputError("bad\ninput")), "error: bad input");
        assert.strictEqual(errorLine(new PackError("pack\nfailed")), "error: pack | failed");
        assert.strictEqual(errorLine(new TypeError("x is not a function\n    at foo (a.js:1:1)")), "internal error: x is not a function | at foo (a.js:1:1)");
        assert.strictEqual(errorLine("thrown string"), "internal error: thrown string");
    });
});

describe("engine CLI (npm run analyze)", () => {
    let dir: string;
    const results = new Map<string, Run>();
    const fixtureHashes = new Map<string, string>();
    const hashFile = (p: string) => crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");

    // The runs that start the pack go concurrently, so the file stays fast.
    // These spawn the CLI (the exit code and stderr of a real process, a pack
    // that dies); the others call its main() here (cli-in-process.ts).
    // Those whose verdicts are asserted run the access-logging policies only (policy-scope.ts).
    const packRuns: Record<string, () => string[]> = {
        manyInputs: () => scopedArgs(["--json", stateFixture("compliant.json"), stateFixture("encrypted-secrets.json"), stateFixture("noncompliant.json"), stateFixture("plaintext-secrets.json")]),
        humanReport: () => scopedArgs([stateFixture("noncompliant.json"), stateFixture("compliant.json"), path.join("examples", "http-api-no-logging")]),
        // A program first: it runs while the pack starts, and the config error still wins over its own failure.
        unknownConfigKey: () => ["--config", path.join(dir, "typo.json"), path.join(dir, "failing-program"), stateFixture("compliant.json")],
        allAdvisory: () => scopedArgs(["--config", path.join(dir, "advisory.json"), "--json", stateFixture("noncompliant.json")]),
        remediateState: () => scopedArgs(["--config", path.join(dir, "remediate.json"), stateFixture("stage-without-format.json")]),
        packDies: () => ["--policy-pack", packFixture("dies"), path.join("examples", "http-api-no-logging"), stateFixture("compliant.json")],
        docsPython: () => scopedArgs(["--update", "--runtime", "python", path.join("examples", "python-orders-stack.json")]),
        pythonState: () => scopedArgs(["--json", "--runtime", "python", stateFixture("noncompliant.json"), path.join("examples", "http-api-no-logging")]),
    };

    const spawned = new Set(["manyInputs", "unknownConfigKey", "packDies"]);

    before(async function () {
        this.timeout(180000);
        if (!fs.existsSync(cliPath) || !fs.existsSync(path.join(repoRoot, "bin", "index.js"))) {
            throw new Error("bin/engine/cli.js or bin/index.js is missing: run `npm run build` first");
        }
        for (const f of fs.readdirSync(path.dirname(stateFixture("x")))) {
            fixtureHashes.set(f, hashFile(stateFixture(f)));
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-cli-"));
        fs.writeFileSync(path.join(dir, "typo.json"), JSON.stringify({ "apigatewayv2-access-log-group-retention": { minRetentionDays: 7 } }));
        fs.writeFileSync(path.join(dir, "advisory.json"), JSON.stringify({ all: "advisory" }));
        fs.mkdirSync(path.join(dir, "failing-program"));
        fs.writeFileSync(path.join(dir, "failing-program", "Pulumi.yaml"), "name: failing\nruntime: nodejs\n");
        fs.writeFileSync(path.join(dir, "failing-program", "index.ts"), "throw new Error(\"the program failed\");\n");
        fs.writeFileSync(path.join(dir, "remediate.json"), JSON.stringify({ "apigatewayv2-stage-access-logging": "remediate" }));
        const names = Object.keys(packRuns);
        let next = 0;
        await Promise.all([0, 1, 2].map(async () => {
            while (next < names.length) {
                const name = names[next++];
                results.set(name, await (spawned.has(name) ? run : cliInProcess)(packRuns[name]()));
            }
        }));
    });

    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        for (const [f, h] of fixtureHashes) {
            assert.strictEqual(hashFile(stateFixture(f)), h, `${f} was modified`);
        }
    });

    describe("usage and input errors (before the pack starts)", () => {
        it("--help prints the usage and exits 0", async () => {
            const r = await run(["--help"]);
            assert.strictEqual(r.code, 0);
            assert.match(r.stdout, /^usage: npm run -s analyze -- \[--format text\|json\|sarif\|junit\|markdown\] \[--output FILE\] \[--no-color\] \[--preview\|--update\] \[--config FILE\]/);
            // The format list and its help lines come from the one map of renderers.
            for (const name of formatNames) {
                assert.match(r.stdout, new RegExp(`^ {18}${name} +${reportFormats[name].help.replace(/[$()[\]{}.*+?^|\\]/g, "\\$&")}$`, "m"));
            }
        });

        it("answers --help and errors found before the pack starts without loading @pulumi/policy or @pulumi/pulumi", async () => {
            // A fresh process: this one has loaded the SDKs. Each call throws its InputError or returns the usage.
            const probe = [
                `const { main } = require(${JSON.stringify(cliPath)});`,
                `const runs = [["--help"], ["--jsn"], [${JSON.stringify(path.join(dir, "nope.json"))}], ["--config", ${JSON.stringify(path.join(dir, "bad-config.json"))}, ${JSON.stringify(stateFixture("compliant.json"))}]];`,
                "(async () => { const outcomes = []; for (const argv of runs) { outcomes.push(await main(argv).then((r) => `exit ${r.code}`, (e) => e.name)); }",
                "process.stdout.write(JSON.stringify({ outcomes, loaded: Object.keys(require.cache).filter((f) => f.includes(`${require(\"path\").sep}@pulumi${require(\"path\").sep}`)).length })); })();",
            ].join("\n");
            fs.writeFileSync(path.join(dir, "bad-config.json"), "{");
            const r = await new Promise<Run>((resolve) => execFile(process.execPath, ["-e", probe], { cwd: repoRoot, env: cleanEnv() }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })));
            assert.strictEqual(r.code, 0, r.stderr);
            assert.deepStrictEqual(JSON.parse(r.stdout), { outcomes: ["exit 0", "InputError", "InputError", "InputError"], loaded: 0 });
        });

        it("an unknown option", async () => {
            assertUsageError(await run(["--jsn", stateFixture("compliant.json")]), /unknown option "--jsn"; did you mean --json\?/);
        });

        it("a --stack-reference-outputs file that is missing, not JSON or not keyed by stack", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-refs-"));
            try {
                const program = path.join(repoRoot, "tests", "fixtures", "programs", "stack-reference-logs");
                assertUsageError(await run(["--stack-reference-outputs", path.join(dir, "none.json"), program]), /cannot read --stack-reference-outputs file .*ENOENT/);
                fs.writeFileSync(path.join(dir, "bad.json"), "{");
                assertUsageError(await run(["--stack-reference-outputs", path.join(dir, "bad.json"), program]), /is not JSON/);
                fs.writeFileSync(path.join(dir, "list.json"), '{"acme/logging/prod": [1]}');
                assertUsageError(await run(["--stack-reference-outputs", path.join(dir, "list.json"), program]), /outputs of stack "acme\/logging\/prod" must be a JSON object/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("--preview together with --update", async () => {
            assertUsageError(await run(["--preview", "--update"]), /--preview and --update cannot be used together/);
        });

        it("--config without a file", async () => {
            assertUsageError(await run([stateFixture("compliant.json"), "--config"]), /--config needs a value/);
        });

        it("a PATH that does not exist", async () => {
            assertUsageError(await run([path.join(dir, "nope.json")]), /".*nope\.json" does not exist/);
        });

        it("a bad state file among good ones fails the whole run, with no report", async () => {
            const truncated = path.join(dir, "truncated.json");
            const text = fs.readFileSync(stateFixture("compliant.json"), "utf8");
            fs.writeFileSync(truncated, text.slice(0, 300));
            assertUsageError(await run([stateFixture("compliant.json"), truncated]), /state file ".*truncated\.json" is truncated/);
            assertUsageError(await run([stateFixture("wrong-version.json")]), /has version 5; only versions 3 and 4/);
            assertUsageError(await run([stateFixture("duplicate-urn.json")]), /appears more than once among live resources/);
        });

        it("--runtime with a value that is not a runtime", async () => {
            assertUsageError(await run(["--runtime", "ruby", stateFixture("compliant.json")]), /^error: --runtime "ruby" is not a Pulumi runtime; use one of nodejs, python, go, dotnet, java, yaml$/);
        });

        it("--runtime with only programs, which are always TypeScript", async () => {
            assertUsageError(await run(["--runtime", "python", path.join("examples", "http-api-no-logging")]), /--runtime applies to state files, and no state file was given/);
        });

        it("a state file with a dangling propertyDependencies entry runs, with a note, as the SDK drops the entry", async () => {
            const r = await cliInProcess(["--json", stateFixture("dangling-property-dependency.json")]);
            assert.strictEqual(r.code, 0, r.stderr);
            assert.deepStrictEqual(JSON.parse(r.stdout).summary.perInput[0].notes,
                ["1 propertyDependencies entry names a resource not in the file; dropped, as the policy SDK drops them"]);
        });

        it("a version 4 export, which newer CLIs write", async () => {
            const r = await cliInProcess(["--json", stateFixture("version-4.json")]);
            assert.strictEqual(r.code, 0, r.stderr);
            assert.strictEqual(JSON.parse(r.stdout).summary.resourcesAnalyzed, 5);
        });

        it("a config file that is not JSON", async () => {
            const bad = path.join(dir, "bad.json");
            fs.writeFileSync(bad, "{\"all\": advisory}");
            assertUsageError(await run(["--config", bad, stateFixture("compliant.json")]), /config file ".*bad\.json" is not valid JSON/);
        });
    });

    describe("analysis", () => {
        it("exits 1 on a mandatory violation and prints one JSON object with policyEvent fields, for several inputs in one run", () => {
            const r = results.get("manyInputs")!;
            assert.strictEqual(r.code, 1, r.stderr);
            assert.strictEqual(r.stderr, "");
            const report = JSON.parse(r.stdout);
            assert.deepStrictEqual(Object.keys(report), ["violations", "remediations", "notApplicable", "unchecked", "exemptions", "summary"]);
            for (const v of report.violations) {
                assert.deepStrictEqual(Object.keys(v), [...policyEventKeys, "source"]);
                assert.strictEqual(v.source, null, "these state files record no source positions");
                assert.strictEqual(v.policyPackName, "aws-apigatewayv2-access-logging");
            }
            // The encrypted format reaches the pack as "[secret]", as under `pulumi policy analyze`, and is judged as such.
            assert.deepStrictEqual(report.violations.map((v: any) => `${v.policyName} ${v.enforcementLevel} ${v.resourceUrn}`).sort(), [
                "apigatewayv2-access-log-format mandatory urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::orders-stage",
                "apigatewayv2-access-log-format mandatory urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::orders-stage",
                "apigatewayv2-access-log-format-fields advisory urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::orders-stage",
                "apigatewayv2-access-log-format-fields advisory urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::orders-stage",
                "apigatewayv2-access-log-group-retention mandatory urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::audit-stage",
                "apigatewayv2-stage-access-logging mandatory urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::orders-stage",
            ]);
            assert.strictEqual(report.summary.mandatory, 4);
            assert.strictEqual(report.summary.inputs, 4);
            assert.strictEqual(report.summary.resourcesAnalyzed, 22);
            assert.deepStrictEqual(report.summary.perInput.map((i: any) => [path.basename(i.path), i.kind, i.resources, i.mandatory, i.advisory]), [
                ["compliant.json", "state", 5, 0, 0],
                ["encrypted-secrets.json", "state", 5, 1, 1],
                ["noncompliant.json", "state", 7, 2, 0],
                ["plaintext-secrets.json", "state", 5, 1, 1],
            ]);
            // Encrypted secrets are noted once for the file that has them.
            assert.deepStrictEqual(report.summary.perInput.map((i: any) => i.notes), [
                [], ["3 encrypted secret values were handed to the pack as \"[secret]\", as `pulumi policy analyze` does (export with --show-secrets to check them)"], [], [],
            ]);
            assert.ok(!report.violations.some((v: any) => /can't run/.test(v.message)));
        });

        it("prints a human report grouped by resource, with levels, policy names, messages and a summary; programs included", () => {
            const r = results.get("humanReport")!;
            assert.strictEqual(r.code, 1, r.stderr);
            const out = r.stdout;
            assert.match(out, /noncompliant\.json \(state file, stack prod, preview\): 7 resources\nPolicies:\n {4}❌ aws-apigatewayv2-access-logging@v0\.1\.0\n/);
            assert.match(out, / {8}urn:pulumi:prod::orders::aws:apigatewayv2\/stage:Stage::orders-stage\n {12}- \[mandatory\] {2}apigatewayv2-stage-access-logging\n {14}API Gateway V2 stages must have access logging/);
            assert.match(out, /compliant\.json \(state file, stack [a-z]+, preview\): 5 resources\nPolicies:\n {4}✅ aws-apigatewayv2-access-logging@v0\.1\.0\n/);
            assert.match(out, /examples\/http-api-no-logging \(program, stack dev, preview\): \d+ resources\nPolicies:\n {4}❌ [^\n]*\n {8}urn:pulumi:[^\n]*aws:apigatewayv2\/stage:Stage::[^\n]*\n {12}- \[mandatory\] {2}apigatewayv2-stage-access-logging\n/);
            // Where the program declares the stage, relative to the program's directory.
            assert.match(out, /\n {8}urn:pulumi:dev::http-api-no-logging::aws:apigatewayv2\/stage:Stage::inventory-api-stage \(index\.ts:8:15\)\n/);
            assert.match(out, /\nSummary: 3 violations \(3 mandatory, 0 advisory\) on 3 resources; \d+ resources analyzed in 3 inputs\n$/);
        });

        it("rejects an unknown config key with the nearest valid key, exit 2, nothing on stdout", () => {
            assertUsageError(results.get("unknownConfigKey")!, /config file ".*typo\.json": policy "apigatewayv2-access-log-group-retention": unknown key "minRetentionDays"; did you mean "minimumRetentionDays"\?/);
        });

        it("applies config levels: with \"all\": \"advisory\" nothing is mandatory and the exit code is 0", () => {
            const r = results.get("allAdvisory")!;
            assert.strictEqual(r.code, 0, r.stderr);
            const report = JSON.parse(r.stdout);
            assert.strictEqual(report.summary.mandatory, 0);
            assert.strictEqual(report.summary.advisory, 2);
            assert.ok(report.violations.every((v: any) => v.enforcementLevel === "advisory"));
        });

        it("reports, without applying, remediations on a state file", () => {
            const r = results.get("remediateState")!;
            assert.strictEqual(r.code, 1, r.stderr);
            assert.match(r.stdout, /- \[mandatory\] {2}apigatewayv2-stage-access-logging/);
            assert.match(r.stdout, /Would remediate \(not applied to a state file\):\n {8}urn:pulumi:prod::orders::aws:apigatewayv2\/stage:Stage::orders-stage {2}by apigatewayv2-stage-access-logging\n {12}set accessLogSettings\.format to "\{[^\n]{79}…"\n/);
        });

        it("--runtime python: a state file's fixes in Python, a program's in TypeScript, the same verdicts", () => {
            const r = results.get("pythonState")!;
            assert.strictEqual(r.code, 1, r.stderr);
            const report = JSON.parse(r.stdout);
            const state = report.violations.filter((v: any) => v.resourceUrn.includes("::orders::"));
            const program = report.violations.filter((v: any) => !v.resourceUrn.includes("::orders::"));
            assert.deepStrictEqual(state.map((v: any) => `${v.policyName} ${v.resourceUrn.split("::").pop()}`).sort(), [
                "apigatewayv2-access-log-group-retention audit-stage",
                "apigatewayv2-stage-access-logging orders-stage",
            ]);
            for (const v of state) {
                assert.match(v.message, /\nFix( on an HTTP API)?: ([a-z_]+ = aws\.cloudwatch\.LogGroup\("[^"]+", [a-z_]+=.*\); )?aws\.(apigatewayv2\.Stage|cloudwatch\.LogGroup)\("[^"]+", \.\.\., [a-z_]+=/, v.message);
                assert.match(v.message, /\((access_log_settings is not set|retention_in_days is 0)\)/);
            }
            assert.strictEqual(program.length, 1);
            assert.match(program[0].message, /\(accessLogSettings is not set\)\. .*\nFix on an HTTP API: const \w+ = new aws\.cloudwatch\.LogGroup\(/);
        });

        it("docs/analyze.md's Python state-file example is what the command prints", () => {
            const r = results.get("docsPython")!;
            assert.strictEqual(r.code, 1, r.stderr);
            const doc = fs.readFileSync(path.join(repoRoot, "docs", "analyze.md"), "utf8");
            const example = /\$ npm run analyze -- --update --runtime python examples\/python-orders-stack\.json\n([\s\S]*?)\n```/.exec(doc);
            assert.ok(example, "docs/analyze.md has the example");
            assert.strictEqual(example[1], r.stdout.trimEnd());
        });

        it("a pack that fails to start: exit 2 and one line with its stderr", () => {
            assertUsageError(results.get("packDies")!, /the policy pack exited with code 3 before printing its port; stderr: .*fixture pack gave up/);
        });
    });
});

describe("engine CLI: --preview and --update agree on programs", function () {
    this.timeout(180_000);
    const programsDir = path.join(repoRoot, "tests", "fixtures", "programs");
    const programs = [
        ...fs.readdirSync(path.join(repoRoot, "examples"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(repoRoot, "examples", e.name)),
        ...fs.readdirSync(programsDir).map((name) => path.join(programsDir, name)),
    ];

    function verdicts(r: Run): string[] {
        return JSON.parse(r.stdout).violations.map((v: any) => `${v.policyName} ${v.enforcementLevel} ${v.resourceUrn}`).sort();
    }

    it("gives the same violations on every example and test program in both modes", async () => {
        const [preview, update] = await Promise.all([cliInProcess(["--json", "--preview", ...programs]), cliInProcess(["--json", "--update", ...programs])]);
        assert.strictEqual(preview.code, 1, preview.stderr);
        assert.strictEqual(update.code, 1, update.stderr);
        assert.deepStrictEqual(verdicts(update), verdicts(preview));
        // The standard quick-create program is blocked under --update too (its target is the Lambda's invokeArn).
        assert.ok(verdicts(update).includes("apigatewayv2-quick-create-api mandatory urn:pulumi:dev::quick-create-lambda::aws:apigatewayv2/api:Api::hello-api"));
    });

    it("a stage made inside a vendored component: the location is the user's own call, and the message names the component", async () => {
        // Issue 15, item 6: before, the location was the component's `new Stage(...)` in vendor/websocket-api/index.ts.
        const r = await cliInProcess(["--json", path.join(programsDir, "vendored-component")]);
        assert.strictEqual(r.code, 1, r.stderr);
        const [v] = JSON.parse(r.stdout).violations;
        assert.strictEqual(v.source.location, "src/setup-websocket-api.ts:5:9");
        assert.match(v.message, /It is made inside component "acme:apigateway:WebSocketApi" "chat": turn access logging on through that component's inputs/);
    });

    it("checks a StackReference's log group once its outputs are supplied, and notes them otherwise", async () => {
        const program = path.join(programsDir, "stack-reference-logs");
        const without = await cliInProcess(scopedArgs(["--update", program]));
        assert.strictEqual(without.code, 0, without.stderr);
        assert.match(without.stdout, /note: the outputs of stack reference "acme\/logging\/prod" were not supplied/);
        const withFile = await cliInProcess(scopedArgs(["--json", "--update", "--stack-reference-outputs", path.join(program, "stack-outputs.json"), program]));
        assert.strictEqual(withFile.code, 1, withFile.stderr);
        assert.deepStrictEqual(verdicts(withFile), [
            "apigatewayv2-access-log-group-retention mandatory urn:pulumi:dev::stack-reference-logs::aws:apigatewayv2/stage:Stage::shipping-api-stage",
        ]);
    });
});
