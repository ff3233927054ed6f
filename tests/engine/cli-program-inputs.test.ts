import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { repoRoot, tempPrograms } from "./helpers";
import { CliRun, cliInProcess, spawnCli } from "./cli-in-process";
import { scopedArgs } from "./policy-scope";

// Programs as people write them, through the compiled CLI and the real pack
// process: several stacks, the organization, a StackReference the run cannot
// read, a program that prints, and a main that was never built. Reports are
// checked through the CLI's main() in this process; exit codes and stderr of
// a real process, and a program's own output, through the spawned CLI
// (cli-in-process.ts).

type Run = CliRun;
const run = spawnCli;

function assertOneErrorLine(r: Run, expected: RegExp): void {
    assert.strictEqual(r.code, 2, r.stderr);
    assert.strictEqual(r.stdout, "");
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    assert.strictEqual(lines.length, 1, r.stderr);
    assert.match(lines[0], expected);
}

function listing(dir: string): string[] {
    return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

const stackProgram = [
    'import * as aws from "@pulumi/aws";',
    'import * as pulumi from "@pulumi/pulumi";',
    "const retention = new pulumi.Config().requireNumber(\"retention\");",
    "const prefix = `${pulumi.getOrganization()}-${pulumi.getProject()}-${pulumi.getStack()}`;",
    'const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });',
    "const logs = new aws.cloudwatch.LogGroup(`${prefix}-logs`, { retentionInDays: retention });",
    'new aws.apigatewayv2.Stage("stage", {',
    '    apiId: api.id, name: "$default", autoDeploy: true,',
    "    accessLogSettings: { destinationArn: logs.arn, format: JSON.stringify({ requestId: \"$context.requestId\", ip: \"$context.identity.sourceIp\", requestTime: \"$context.requestTime\", routeKey: \"$context.routeKey\", status: \"$context.status\" }) },",
    "});",
    "",
].join("\n");

describe("engine CLI on programs: stacks, names, unchecked stages, program output, unbuilt mains", function () {
    const programs = tempPrograms("analyze-cli-programs-");
    after(() => programs.removeAll());

    describe("stacks and names", () => {
        let dir = "";
        before(() => {
            dir = programs.make({
                "Pulumi.yaml": "name: shop\nruntime: nodejs\n",
                "Pulumi.dev.yaml": "config:\n  shop:retention: 30\n",
                "Pulumi.prod.yaml": "config:\n  shop:retention: 7\n",
                "index.ts": stackProgram,
            });
        });

        it("analyzes every stack without --stack, each under its name, so prod's short retention fails the run", async () => {
            const [json, text] = await Promise.all([cliInProcess(scopedArgs(["--json", dir])), cliInProcess(scopedArgs(["--no-color", dir]))]);
            assert.strictEqual(json.code, 1, json.stderr);
            const report = JSON.parse(json.stdout);
            assert.deepStrictEqual(report.summary.perInput.map((i: any) => [i.stack, i.mandatory]), [["dev", 0], ["prod", 1]]);
            assert.deepStrictEqual(report.violations.map((v: any) => `${v.policyName} ${v.resourceUrn}`), [
                "apigatewayv2-access-log-group-retention urn:pulumi:prod::shop::aws:apigatewayv2/stage:Stage::stage",
            ]);
            assert.match(text.stdout, /\(program, stack dev, preview\): \d+ resources\nPolicies:\n {4}✅ /);
            assert.match(text.stdout, /\(program, stack prod, preview\): \d+ resources\nPolicies:\n {4}❌ /);
        });

        it("--stack picks one stack's config, and pulumi.getStack(), getProject() and getOrganization() name it", async () => {
            const [dev, prod, env] = await Promise.all([
                cliInProcess(scopedArgs(["--json", "--stack", "dev", dir])),
                cliInProcess(scopedArgs(["--json", "--stack=prod", "--organization", "acme", dir])),
                cliInProcess(scopedArgs(["--json", "--stack", "dev", dir]), { PULUMI_ORGANIZATION: "from-env" }),
            ]);
            assert.strictEqual(dev.code, 0, dev.stderr);
            assert.strictEqual(prod.code, 1, prod.stderr);
            assert.deepStrictEqual(JSON.parse(dev.stdout).summary.perInput.map((i: any) => i.stack), ["dev"]);
            const urns = (r: Run) => JSON.parse(r.stdout).notApplicable.map((n: any) => n.resourceUrn).filter((u: string) => u.includes("LogGroup"));
            // The default organization is what a DIY backend's stack gets.
            assert.ok(urns(dev).includes("urn:pulumi:dev::shop::aws:cloudwatch/logGroup:LogGroup::organization-shop-dev-logs"), urns(dev).join());
            assert.ok(urns(prod).includes("urn:pulumi:prod::shop::aws:cloudwatch/logGroup:LogGroup::acme-shop-prod-logs"), urns(prod).join());
            assert.ok(urns(env).includes("urn:pulumi:dev::shop::aws:cloudwatch/logGroup:LogGroup::from-env-shop-dev-logs"), urns(env).join());
        });

        it("names the stack in SARIF results and JUnit suites", async () => {
            const [sarif, junit] = await Promise.all([cliInProcess(scopedArgs(["--format", "sarif", dir])), cliInProcess(scopedArgs(["--format", "junit", dir]))]);
            assert.strictEqual(sarif.code, 1, sarif.stderr);
            const results = JSON.parse(sarif.stdout).runs[0].results;
            assert.deepStrictEqual(results.map((r: any) => r.properties.stack), ["prod"]);
            assert.match(junit.stdout, /<testsuite name="[^"]* \(stack dev\)"[^>]*>\n {4}<properties>\n(.*\n)* {6}<property name="stack" value="dev"\/>/);
            assert.match(junit.stdout, /<testsuite name="[^"]* \(stack prod\)" tests="\d+" failures="1"/);
        });

        it("--stack naming a stack without a config file is one error line, exit 2, nothing written", async () => {
            const before = listing(dir);
            const r = await run(["--stack", "staging", dir]);
            assertOneErrorLine(r, /^error: --stack "staging": ".*" has no Pulumi\.staging\.yaml \(its stacks: dev, prod\)$/);
            // A stack named with the wrong case, or a letter off, gets the one it may mean.
            const [upper, typo] = await Promise.all([run(["--stack", "Prod", dir]), run(["--stack", "prd", dir])]);
            assertOneErrorLine(upper, /^error: --stack "Prod": ".*" has no Pulumi\.Prod\.yaml \(its stacks: dev, prod; did you mean "prod"\?\)$/);
            assertOneErrorLine(typo, /^error: --stack "prd": ".*" has no Pulumi\.prd\.yaml \(its stacks: dev, prod; did you mean "prod"\?\)$/);
            assert.deepStrictEqual(listing(dir), before);
        });
    });

    describe("unchecked stages", () => {
        const program = path.join(repoRoot, "tests", "fixtures", "programs", "stack-reference-logs");
        const stage = "urn:pulumi:dev::stack-reference-logs::aws:apigatewayv2/stage:Stage::shipping-api-stage";

        it("a destination from an unread StackReference is unchecked, never a pass, even under --update; --strict fails it", async () => {
            const [json, text, strict, sarif, junit] = await Promise.all([
                cliInProcess(scopedArgs(["--json", "--update", program])),
                cliInProcess(scopedArgs(["--no-color", "--update", program])),
                run(scopedArgs(["--strict", "--update", program])),
                cliInProcess(scopedArgs(["--format", "sarif", "--update", program])),
                cliInProcess(scopedArgs(["--format", "junit", "--update", program])),
            ]);
            assert.strictEqual(json.code, 0, json.stderr);
            const report = JSON.parse(json.stdout);
            const destination = report.unchecked.find((u: any) => u.policyName === "apigatewayv2-access-log-destination");
            assert.ok(destination, JSON.stringify(report.unchecked));
            assert.strictEqual(destination.resourceUrn, stage);
            assert.match(destination.reason, /^accessLogSettings\.destinationArn is unknown here: it comes from stack reference "acme\/logging\/prod"/);
            assert.strictEqual(report.summary.uncheckedStages, 1);

            assert.strictEqual(text.code, 0, text.stderr);
            assert.ok(!text.stdout.includes("✅"), text.stdout);
            assert.match(text.stdout, /\n {4}Unchecked \(.*\):\n {8}urn:pulumi:dev::stack-reference-logs::aws:apigatewayv2\/stage:Stage::shipping-api-stage \(index\.ts:6:1\)\n/);
            assert.match(text.stdout, /; 1 unchecked stage;/);

            assert.strictEqual(strict.code, 1, strict.stderr);
            assert.match(strict.stderr, /^--strict: 1 unchecked stage fails this run: /m);
            assert.ok(!text.stderr.includes("--strict:"), text.stderr);

            const notes = JSON.parse(sarif.stdout).runs[0].results.filter((r: any) => r.level === "note");
            assert.ok(notes.some((n: any) => n.ruleId === "apigatewayv2-access-log-destination" && /^Unchecked: .*stack reference/.test(n.message.text)), sarif.stdout);

            assert.match(junit.stdout, /<testcase classname="[^"]*shipping-api-stage" name="apigatewayv2-access-log-destination">\n {6}<skipped message="unchecked: accessLogSettings\.destinationArn is unknown here/);
        });

        it("is checked once the referenced stack's outputs are supplied, and a stage bound to a new log group of the stack is not unchecked in a preview", async () => {
            const [given, compliant] = await Promise.all([
                cliInProcess(scopedArgs(["--json", "--strict", "--update", "--stack-reference-outputs", path.join(program, "stack-outputs.json"), program])),
                cliInProcess(scopedArgs(["--json", "--strict", path.join(repoRoot, "examples", "http-api-compliant")])),
            ]);
            assert.deepStrictEqual(JSON.parse(given.stdout).unchecked, []);
            assert.strictEqual(compliant.code, 0, compliant.stderr);
            assert.deepStrictEqual(JSON.parse(compliant.stdout).unchecked, []);
        });
    });

    it("keeps stdout for the report: the program's own output goes to stderr, marked as the program's", async () => {
        const dir = programs.make({
            "Pulumi.yaml": "name: chatty\nruntime: nodejs\n",
            "index.ts": [
                'import * as aws from "@pulumi/aws";',
                'process.stdout.write("raw stdout line\\n");',
                'const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });',
                'api.id.apply(() => console.log("inside apply"));',
                'setTimeout(() => console.log("late line"), 0);',
                "",
            ].join("\n"),
        });
        for (const format of ["json", "sarif"]) {
            const r = await run(["--format", format, "--update", dir]);
            assert.strictEqual(r.code, 0, r.stderr);
            assert.doesNotThrow(() => JSON.parse(r.stdout), r.stdout.slice(0, 200));
            assert.match(r.stderr, /^\[program\] raw stdout line$/m);
            assert.match(r.stderr, /^\[program\] inside apply$/m);
        }
    });

    describe("a main that was never built", () => {
        it("names Pulumi.yaml's main and says to build the program", async () => {
            const dir = programs.make({
                "Pulumi.yaml": "name: built\nruntime: nodejs\nmain: ./dist/infra/index.js\n",
                "package.json": JSON.stringify({ name: "built", scripts: { build: "tsc" } }),
                "tsconfig.json": "{}",
                "infra/index.ts": "export {};\n",
            });
            const before = listing(dir);
            assertOneErrorLine(await run([dir]), /^error: Pulumi\.yaml's main names dist\/infra\/index\.js, which does not exist: build the program first, e\.g\. npm run build$/);
            assert.deepStrictEqual(listing(dir), before);
        });

        it("names package.json's main and says to build the program", async () => {
            const dir = programs.make({
                "Pulumi.yaml": "name: built\nruntime: nodejs\n",
                "package.json": JSON.stringify({ name: "built", main: "dist/index.js", scripts: { build: "tsc" } }),
                "index.ts": "export {};\n",
            });
            assertOneErrorLine(await run([dir]), /^error: package\.json's main names dist\/index\.js, which does not exist: build the program first, e\.g\. npm run build$/);
        });
    });
});
