import * as assert from "assert";
import { execFile } from "child_process";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policies } from "../../policies";
import { cleanEnv, cliPath, repoRoot, stateFixture } from "./helpers";
import { outOfScope, scopedArgs, scopedConfig } from "./policy-scope";
import { validateSarif } from "./sarif-multitool";
import { cliInProcess } from "./cli-in-process";

// The reports CI tools read (SARIF, JUnit, JSON with sources), the text report's
// colour and progress, --output, and runs from inside a user's program folder
// through `npm --prefix`. What a terminal, a pipe or npm sees runs the compiled
// CLI as a user would; the reports' content, through its main() in this
// process (cli-in-process.ts).

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function exec(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
    return new Promise((resolve) => {
        execFile(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            const code = err ? (typeof (err as any).code === "number" ? (err as any).code : -1) : 0;
            resolve({ code, stdout, stderr });
        });
    });
}

const cli = (args: string[], env: Record<string, string> = {}, cwd = repoRoot) => exec(process.execPath, [cliPath, ...args], cwd, cleanEnv(env));

/** util-linux `script` gives the CLI a pseudo-terminal; without it the terminal cases cannot run. */
const hasScript = ["/usr/bin/script", "/bin/script"].some((f) => fs.existsSync(f));

/** Runs the CLI with stdout and stderr on a terminal (util-linux `script`), as a person would see it. */
const onTerminal = (args: string[], env: Record<string, string> = {}): Promise<Run> => {
    if (!hasScript) {
        return Promise.resolve({ code: -1, stdout: "", stderr: "no `script` command" });
    }
    const command = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    return exec("script", ["-qec", command, "/dev/null"], repoRoot, cleanEnv({ TERM: "xterm", ...env }));
};

const red = "\x1b[31m";
const yellow = "\x1b[33m";
const stageUrn = (name: string) => `urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::${name}`;
const lineOf = (file: string, text: string) => fs.readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(text)) + 1;

describe("engine CLI reports (SARIF, JUnit, JSON sources, colour, --output, npm --prefix)", () => {
    let dir: string;
    let userProgram: string;
    const results = new Map<string, Run>();
    const sarifFile = () => path.join(dir, "report.sarif");
    const sarifInputs = () => [stateFixture("noncompliant.json"), stateFixture("source-positions.json"), path.join("examples", "http-api-no-logging")];

    // Every run asserts its verdicts, so each runs the access-logging policies only (policy-scope.ts).
    const runs: Record<string, () => Promise<Run>> = {
        sarif: () => cliInProcess(scopedArgs(["--format", "sarif", "--output", sarifFile(), ...sarifInputs()])),
        sarifAgain: () => cliInProcess(scopedArgs(["--format=sarif", ...sarifInputs().slice(0, 2)])),
        junit: () => cliInProcess(scopedArgs(["--format", "junit", stateFixture("plaintext-secrets.json"), stateFixture("compliant.json")])),
        junitAll: () => cliInProcess(scopedArgs(["--format", "junit", "--junit-not-applicable", stateFixture("plaintext-secrets.json"), stateFixture("compliant.json")])),
        remediationJson: () => cliInProcess(scopedArgs(["--json", "--config", path.join(dir, "remediate.json"), stateFixture("stage-without-format.json")])),
        terminal: () => onTerminal(scopedArgs([stateFixture("noncompliant.json"), stateFixture("plaintext-secrets.json")])),
        terminalNoColorFlag: () => onTerminal(scopedArgs(["--no-color", stateFixture("plaintext-secrets.json")])),
        terminalNoColorEnv: () => onTerminal(scopedArgs([stateFixture("plaintext-secrets.json")]), { NO_COLOR: "1" }),
        pipeForced: () => cli(scopedArgs([stateFixture("plaintext-secrets.json"), stateFixture("compliant.json")]), { FORCE_COLOR: "1" }),
        fileForced: () => onTerminal(scopedArgs(["--output", path.join(dir, "report.txt"), stateFixture("plaintext-secrets.json")]), { FORCE_COLOR: "1" }),
        // The user's own folder, outside this repository: `.`, --config and --output are theirs.
        npmPrefix: () => exec("npm", ["--prefix", repoRoot, "run", "-s", "analyze", "--", "--json", "--config", "levels.json", "--output", "out/report.json", "."], userProgram, cleanEnv()),
        stateSourceText: () => cliInProcess(scopedArgs([stateFixture("source-positions.json")])),
    };

    before(async function () {
        this.timeout(300000);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-cli-reports-"));
        fs.writeFileSync(path.join(dir, "remediate.json"), JSON.stringify({ "apigatewayv2-stage-access-logging": "remediate" }));
        userProgram = path.join(dir, "my-program");
        fs.cpSync(path.join(repoRoot, "examples", "http-api-no-logging"), userProgram, { recursive: true });
        fs.writeFileSync(path.join(userProgram, "Pulumi.yaml"), "name: my-program\nruntime: nodejs\n");
        fs.writeFileSync(path.join(userProgram, "levels.json"), JSON.stringify(scopedConfig({ all: "advisory" })));
        fs.mkdirSync(path.join(userProgram, "out"));
        const names = Object.keys(runs);
        let next = 0;
        await Promise.all([0, 1, 2].map(async () => {
            while (next < names.length) {
                const name = names[next++];
                results.set(name, await runs[name]());
            }
        }));
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("SARIF", () => {
        it("passes Microsoft's SARIF Multitool with the SARIF and GitHub rules: no errors, no warnings", async function () {
            this.timeout(120000);
            const r = results.get("sarif")!;
            assert.strictEqual(r.code, 1, r.stderr);
            assert.strictEqual(r.stdout, "", "--output leaves stdout empty");
            const findings = await validateSarif(sarifFile());
            assert.deepStrictEqual(findings.filter((f) => f.level === "error" || f.level === "warning"), []);
        });

        it("has one rule per policy with its metadata, and the tool's name, version and URI", () => {
            const log = JSON.parse(fs.readFileSync(sarifFile(), "utf8"));
            assert.strictEqual(log.version, "2.1.0");
            const driver = log.runs[0].tool.driver;
            assert.strictEqual(driver.name, "aws-apigatewayv2-access-logging");
            assert.strictEqual(driver.version, "0.1.0");
            assert.match(driver.informationUri, /^https:\/\//);
            const byId = new Map<string, any>(driver.rules.map((rule: any) => [rule.id, rule]));
            assert.deepStrictEqual([...byId.keys()].sort(), policies.map((p) => p.name).sort());
            const logging = byId.get("apigatewayv2-stage-access-logging");
            assert.strictEqual(logging.name, "Apigatewayv2StageAccessLogging");
            assert.match(logging.fullDescription.text, /access logging/);
            assert.match(logging.help.text, /accessLogSettings/);
            assert.match(logging.helpUri, /^https:\/\/docs\.aws\.amazon\.com\//);
            assert.strictEqual(logging.properties["security-severity"], "8.0", "high");
            assert.strictEqual(byId.get("apigatewayv2-access-log-format").properties["security-severity"], "5.5", "medium");
            assert.strictEqual(byId.get("apigatewayv2-access-log-format-fields").properties["security-severity"], "3.0", "low");
            assert.ok(logging.properties.tags.includes("security"));
            assert.strictEqual(byId.get("apigatewayv2-access-log-format-fields").defaultConfiguration.level, "warning");
        });

        it("locates each result: the program's source line, a state file's recorded position, else the resource's entry in the state file; always the URN", () => {
            const log = JSON.parse(fs.readFileSync(sarifFile(), "utf8"));
            const results: any[] = log.runs[0].results;
            const where = (r: any) => {
                const p = r.locations[0].physicalLocation;
                return `${r.ruleId} ${r.level} ${p.artifactLocation.uri}:${p.region.startLine}:${p.region.startColumn ?? "-"} ${r.locations[0].logicalLocations[0].fullyQualifiedName}`;
            };
            const noncompliant = stateFixture("noncompliant.json");
            const fixtureUri = (name: string) => path.relative(repoRoot, stateFixture(name)).split(path.sep).join("/");
            assert.deepStrictEqual(results.map(where).sort(), [
                `apigatewayv2-stage-access-logging error ${fixtureUri("noncompliant.json")}:${lineOf(noncompliant, `"urn": "${stageUrn("orders-stage")}"`)}:- ${stageUrn("orders-stage")}`,
                // A file:// position inside node_modules is a library's, not the program's: the resource's entry it is.
                `apigatewayv2-access-log-group-retention error ${fixtureUri("source-positions.json")}:${lineOf(stateFixture("source-positions.json"), `"urn": "${stageUrn("audit-stage")}"`)}:- ${stageUrn("audit-stage")}`,
                `apigatewayv2-access-log-group-retention error ${fixtureUri("noncompliant.json")}:${lineOf(noncompliant, `"urn": "${stageUrn("audit-stage")}"`)}:- ${stageUrn("audit-stage")}`,
                `apigatewayv2-stage-access-logging error src/orders.ts:21:19 ${stageUrn("orders-stage")}`,
                "apigatewayv2-stage-access-logging error examples/http-api-no-logging/index.ts:8:15 urn:pulumi:dev::http-api-no-logging::aws:apigatewayv2/stage:Stage::inventory-api-stage",
            ].sort());
            for (const r of results) {
                assert.ok(r.message.text.length > 0);
                assert.match(r.partialFingerprints["crossguardResourcePolicy/v1"], /^[0-9a-f]{32}$/);
            }
        });

        it("fingerprints are stable across runs and unique per input, policy and resource; stdout carries the log without --output", () => {
            const again = results.get("sarifAgain")!;
            assert.strictEqual(again.code, 1, again.stderr);
            const prints = (log: any) => log.runs[0].results.map((r: any) => r.partialFingerprints["crossguardResourcePolicy/v1"]);
            const first = prints(JSON.parse(fs.readFileSync(sarifFile(), "utf8")));
            // The second run left the program out; the state files' results come first in both.
            assert.deepStrictEqual(prints(JSON.parse(again.stdout)), first.slice(0, 4));
            assert.strictEqual(new Set(first).size, first.length, "the same URN in two state files is two alerts");
        });
    });

    it("the text report shows a state file's recorded source position after the URN", () => {
        const r = results.get("stateSourceText")!;
        assert.strictEqual(r.code, 1, r.stderr);
        assert.match(r.stdout, /\n {8}urn:pulumi:prod::orders::aws:apigatewayv2\/stage:Stage::orders-stage \(src\/orders\.ts:21:19\)\n/);
        assert.match(r.stdout, /\n {8}urn:pulumi:prod::orders::aws:apigatewayv2\/stage:Stage::audit-stage\n/);
    });

    describe("JUnit", () => {
        it("is well-formed XML: a suite per input, a case per resource and policy that evaluated it; mandatory violations fail, advisory ones do not", () => {
            const r = results.get("junit")!;
            assert.strictEqual(r.code, 1, r.stderr);
            assert.strictEqual(XMLValidator.validate(r.stdout), true);
            const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase", "property", "failure"].includes(name) }).parse(r.stdout);
            const suites: any[] = doc.testsuites.testsuite;
            assert.deepStrictEqual(suites.map((s) => path.basename(s.name)), ["plaintext-secrets.json", "compliant.json"]);
            // Each file has 5 resources; of the pairs of resource and enabled policy, those the policy did not apply to are only counted.
            const pairs = 5 * (policies.length - outOfScope().length);
            const notApplicable = suites.map((s) => Number(s.properties.property.find((p: any) => p.name === "notApplicable").value));
            assert.ok(notApplicable.every((n) => n > pairs / 2), `most pairs are not applicable: ${notApplicable}`);
            const cases = notApplicable.map((n) => pairs - n);
            assert.deepStrictEqual(suites.map((s) => [s.tests, s.failures, s.skipped, s.testcase.length]), [[`${cases[0]}`, "1", "0", cases[0]], [`${cases[1]}`, "0", "0", cases[1]]]);
            assert.strictEqual(doc.testsuites.tests, `${cases[0] + cases[1]}`);
            assert.ok(suites.every((s) => s.testcase.every((c: any) => c.skipped === undefined)));

            // --junit-not-applicable: every pair, the not-applicable ones skipped with the policy's reason.
            const all = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase"].includes(name) })
                .parse(results.get("junitAll")!.stdout).testsuites.testsuite;
            assert.deepStrictEqual(all.map((s: any) => [s.tests, s.skipped]), notApplicable.map((n) => [`${pairs}`, `${n}`]));
            assert.ok(all[0].testcase.filter((c: any) => c.skipped).every((c: any) => /^not applicable: /.test(c.skipped.message)));
            assert.strictEqual(doc.testsuites.failures, "1");
            const failed = suites[0].testcase.filter((c: any) => c.failure);
            assert.strictEqual(failed.length, 1);
            assert.strictEqual(failed[0].failure[0].type, "mandatory");
            assert.match(failed[0].failure[0]["#text"], /\S/);
            const advisory = suites[0].testcase.filter((c: any) => c["system-out"] !== undefined);
            assert.strictEqual(advisory.length, 1);
            assert.strictEqual(advisory[0].failure, undefined, "an advisory violation is not a failure");
            assert.match(advisory[0]["system-out"], /^\[advisory\] /);
            assert.strictEqual(advisory[0].properties.property[0].name, "advisory");
            assert.ok(suites[1].testcase.every((c: any) => c.failure === undefined));
        });
    });

    describe("JSON", () => {
        it("remediations name the property and its new value, quoted and cut to 80 characters", () => {
            const r = results.get("remediationJson")!;
            assert.strictEqual(r.code, 1, r.stderr);
            const report = JSON.parse(r.stdout);
            assert.strictEqual(report.remediations.length, 1);
            const [fix] = report.remediations;
            assert.strictEqual(fix.resourceUrn, stageUrn("orders-stage"));
            assert.strictEqual(fix.policyName, "apigatewayv2-stage-access-logging");
            assert.strictEqual(fix.applied, false);
            assert.deepStrictEqual(fix.changes.map((c: any) => c.property), ["accessLogSettings.format"]);
            assert.match(fix.changes[0].value, /^"\{"requestId":"\$context\.requestId",.{40,}…"$/);
            assert.strictEqual(fix.changes[0].value.length, 80 + 3);
        });
    });

    describe("colour and progress", () => {
        beforeEach(function () {
            if (!hasScript) {
                this.skip();
            }
        });

        it("on a terminal: red for mandatory, yellow for advisory, and one progress line per input", () => {
            const r = results.get("terminal")!;
            assert.strictEqual(r.code, 1, r.stdout);
            assert.ok(r.stdout.includes(`${red}[mandatory]`), JSON.stringify(r.stdout.slice(0, 2000)));
            assert.ok(r.stdout.includes(`${yellow}[advisory]`));
            assert.match(r.stdout, /\[1\/2\] \S*noncompliant\.json\r?\n/);
            assert.match(r.stdout, /\[2\/2\] \S*plaintext-secrets\.json\r?\n/);
        });

        it("--no-color and NO_COLOR turn it off; one input shows no progress", () => {
            for (const name of ["terminalNoColorFlag", "terminalNoColorEnv"]) {
                const r = results.get(name)!;
                assert.strictEqual(r.code, 1, r.stdout);
                assert.match(r.stdout, /\[mandatory\]/);
                assert.ok(!r.stdout.includes("\x1b["), `${name}: ${JSON.stringify(r.stdout.slice(0, 300))}`);
                assert.ok(!/\[1\/1\]/.test(r.stdout));
            }
        });

        it("FORCE_COLOR colours a pipe (and no progress, stderr is not a terminal); a file is never coloured", () => {
            const piped = results.get("pipeForced")!;
            assert.ok(piped.stdout.includes(`${red}[mandatory]`));
            assert.strictEqual(piped.stderr, "");
            const file = results.get("fileForced")!;
            assert.strictEqual(file.code, 1, file.stdout);
            const text = fs.readFileSync(path.join(dir, "report.txt"), "utf8");
            assert.match(text, /\[mandatory\]/);
            assert.ok(!text.includes("\x1b["));
        });
    });

    describe("from the user's folder: npm --prefix PACK run -s analyze -- .", () => {
        it("analyzes the user's program, reads their --config and writes their --output, with nothing else on stdout", () => {
            const r = results.get("npmPrefix")!;
            assert.strictEqual(r.code, 0, r.stderr);
            assert.strictEqual(r.stdout, "");
            const report = JSON.parse(fs.readFileSync(path.join(userProgram, "out", "report.json"), "utf8"));
            assert.deepStrictEqual(report.violations.map((v: any) => [v.resourceUrn, v.enforcementLevel, v.source]), [[
                "urn:pulumi:dev::my-program::aws:apigatewayv2/stage:Stage::inventory-api-stage", "advisory",
                { file: "index.ts", line: 8, column: 15, location: "index.ts:8:15" },
            ]]);
            assert.strictEqual(report.summary.perInput[0].path, ".");
        });

    });

    describe("inputs that are not TypeScript programs (before the pack starts)", () => {
        it("a program in another language: one line naming the runtime and what to do instead, exit 2", async () => {
            const python = path.join(dir, "py-program");
            fs.mkdirSync(python);
            fs.writeFileSync(path.join(python, "Pulumi.yaml"), "name: py\nruntime:\n  name: python\n  options:\n    toolchain: pip\n");
            const r = await cli(["py-program"], {}, dir);
            assert.strictEqual(r.code, 2);
            assert.strictEqual(r.stdout, "");
            assert.deepStrictEqual(r.stderr.split("\n").filter((l) => l !== ""), [
                "error: \"py-program\" is a \"python\" program, and npm run analyze runs only nodejs (TypeScript) programs: " +
                "run `pulumi stack export --file stack.json` in it and analyze stack.json, or run `pulumi preview --policy-pack PATH-TO-THIS-PACK` there",
            ]);
        });

        it("--output into a directory that does not exist: one line, exit 2, before anything runs", async () => {
            const r = await cli(["--output", "nowhere/r.sarif", "--format", "sarif", stateFixture("compliant.json")], {}, dir);
            assert.strictEqual(r.code, 2);
            assert.match(r.stderr, /^error: --output "nowhere\/r\.sarif": the directory "nowhere" does not exist\n$/);
        });
    });
});
