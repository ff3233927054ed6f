// Programs as people write them, run by the program runner and judged by the
// real pack process: the verdict must be the one `pulumi preview` (or `up`)
// gives. Transforms run as the engine runs them; lookups get the values their
// arguments give; other providers' outputs come from their own types; a
// deployed stack's outputs come from its export.
import * as assert from "assert";
import { execFile } from "child_process";
import * as path from "path";

import { parseArgs } from "../../engine/arguments";import { PolicySession } from "../../engine/protocol/policy-session";
import { runProgramWithNotes, RunOptions } from "../../engine/inputs/program/run-program";
import { EngineResource, unknownSentinels, Violation } from "../../engine/resource-model";
import { readDeployedStack } from "../../engine/inputs/program/deployed-stack";
import { assertNoCantRun, cliPath, repoRoot, tempPrograms, verdicts } from "./helpers";
import { cliInProcess } from "./cli-in-process";
import { inScope, scopedArgs } from "./policy-scope";

const UNKNOWN = unknownSentinels.string;
const modes = ["preview", "update"] as const;
type Mode = (typeof modes)[number];
const stageLogging = "apigatewayv2-stage-access-logging";
const retention = "apigatewayv2-access-log-group-retention";

const programs = tempPrograms("engine-parity-");

const pulumiYaml = "name: parity\nruntime: nodejs\n";
const format = 'JSON.stringify({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status" })';

/** A program: Pulumi.yaml plus index.ts from lines. */
function program(lines: string[], extra: Record<string, string> = {}): string {
    return programs.make({ "Pulumi.yaml": pulumiYaml, "index.ts": [...lines, ""].join("\n"), ...extra });
}

function byName(resources: EngineResource[], name: string): EngineResource {
    const found = resources.find((r) => r.name === name);
    assert.ok(found, `no resource named ${name} in ${resources.map((r) => r.name).join(", ")}`);
    return found;
}

describe("programs through the real pack process: the verdict pulumi preview gives", function () {
    const sessions = {} as Record<Mode, PolicySession>;

    before(async function () {
        for (const mode of modes) {
            sessions[mode] = await PolicySession.start({ packDir: repoRoot, preview: mode === "preview", project: "parity", stack: "dev" });
        }
    });
    after(async function () {
        for (const s of Object.values(sessions)) {
            await s.close();
        }
        programs.removeAll();
    });

    async function judge(dir: string, mode: Mode, config?: unknown, opts: Partial<RunOptions> = {}): Promise<{ violations: Violation[]; resources: EngineResource[]; notes: string[] }> {
        const run = await runProgramWithNotes(dir, { ...opts, mode });
        await sessions[mode].configure(config);
        const result = await sessions[mode].analyzeResources(run.resources, { applyRemediations: true });
        assertNoCantRun(result.violations);
        return { violations: inScope(result.violations), resources: run.resources, notes: run.notes };
    }

    /** Verdicts of the stage-logging policy alone, in both modes. */
    async function stageVerdicts(dir: string): Promise<Record<Mode, string[]>> {
        const out = {} as Record<Mode, string[]>;
        for (const mode of modes) {
            out[mode] = verdicts((await judge(dir, mode)).violations).filter((v) => v.startsWith(stageLogging));
        }
        return out;
    }

    describe("new-style transforms, run as the engine runs them", function () {
        const api = 'const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });';
        const logs = 'const logs = new aws.cloudwatch.LogGroup("logs", { retentionInDays: 90 });';
        const strip = [
            "const strip: pulumi.ResourceTransform = (args) => {",
            '    if (args.type !== "aws:apigatewayv2/stage:Stage") { return undefined; }',
            "    const { accessLogSettings, ...props } = args.props;",
            "    return { props, opts: args.opts };",
            "};",
        ];
        const loggedStage = (name: string, opts = "") =>
            `new aws.apigatewayv2.Stage("${name}", { apiId: api.id, name: "${name}", autoDeploy: true, accessLogSettings: { destinationArn: logs.arn, format: ${format} } }${opts});`;

        it("a stack transform that strips access logging fails, as the engine sees the transformed stage", async function () {
            const dir = program([
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as aws from "@pulumi/aws";',
                ...strip,
                "pulumi.runtime.registerResourceTransform(strip);",
                api,
                logs,
                loggedStage("prod"),
            ]);
            const got = await stageVerdicts(dir);
            assert.deepStrictEqual(got, { preview: [`${stageLogging}@prod:mandatory`], update: [`${stageLogging}@prod:mandatory`] });
        });

        it("a platform stack transform that adds access logging to every stage passes", async function () {
            const dir = program([
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as aws from "@pulumi/aws";',
                logs,
                "pulumi.runtime.registerResourceTransform((args) => {",
                '    if (args.type !== "aws:apigatewayv2/stage:Stage" || args.props.accessLogSettings) { return undefined; }',
                `    return { props: { ...args.props, accessLogSettings: { destinationArn: logs.arn, format: ${format} } }, opts: args.opts };`,
                "});",
                api,
                'new aws.apigatewayv2.Stage("prod", { apiId: api.id, name: "prod", autoDeploy: true });',
            ]);
            assert.deepStrictEqual(await stageVerdicts(dir), { preview: [], update: [] });
            const stage = byName((await runProgramWithNotes(dir, { mode: "update" })).resources, "prod");
            assert.match(String((stage.inputs.accessLogSettings as Record<string, unknown>).destinationArn), /^arn:aws:logs:us-east-1:123456789012:log-group:logs-[0-9a-f]{7}$/);
        });

        it("the transforms option applies to its own resource only", async function () {
            const dir = program([
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as aws from "@pulumi/aws";',
                ...strip,
                api,
                logs,
                loggedStage("stripped", ", { transforms: [strip] }"),
                loggedStage("kept"),
            ]);
            const got = await stageVerdicts(dir);
            assert.deepStrictEqual(got, { preview: [`${stageLogging}@stripped:mandatory`], update: [`${stageLogging}@stripped:mandatory`] });
        });

        it("a component's transforms apply to its children and their children, not to its siblings", async function () {
            const dir = program([
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as aws from "@pulumi/aws";',
                ...strip,
                api,
                logs,
                "class Team extends pulumi.ComponentResource {",
                "    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {",
                '        super("acme:index:Team", name, {}, opts);',
                "    }",
                "}",
                'const platform = new Team("platform", { transforms: [strip] });',
                'const payments = new Team("payments", { parent: platform });',
                'const search = new Team("search");',
                loggedStage("payments-stage", ", { parent: payments }"),
                loggedStage("search-stage", ", { parent: search }"),
            ]);
            const got = await stageVerdicts(dir);
            assert.deepStrictEqual(got, { preview: [`${stageLogging}@payments-stage:mandatory`], update: [`${stageLogging}@payments-stage:mandatory`] });
        });

        it("runs a resource's own transforms, then its ancestors' from the parent out, then the stack's", async function () {
            const mark = (label: string) =>
                `(args) => ({ props: { ...args.props, tags: { ...(args.props.tags ?? {}), order: \`\${args.props.tags?.order ?? ""}${label},\` } }, opts: args.opts })`;
            const dir = program([
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as aws from "@pulumi/aws";',
                `pulumi.runtime.registerResourceTransform(${mark("stack1")});`,
                "class Box extends pulumi.ComponentResource {",
                "    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {",
                '        super("acme:index:Box", name, {}, opts);',
                "    }",
                "}",
                `const outer = new Box("outer", { transforms: [${mark("outer")}] });`,
                `const inner = new Box("inner", { parent: outer, transforms: [${mark("inner")}] });`,
                `pulumi.runtime.registerResourceTransform(${mark("stack2")});`,
                `new aws.cloudwatch.LogGroup("ordered", { retentionInDays: 30 }, { parent: inner, transforms: [${mark("own1")}, ${mark("own2")}] });`,
            ]);
            for (const mode of modes) {
                const group = byName((await runProgramWithNotes(dir, { mode })).resources, "ordered");
                assert.deepStrictEqual(group.inputs.tags, { order: "own1,own2,inner,outer,stack1,stack2," }, mode);
            }
        });

        it("keeps the older registerStackTransformation working, as the SDK runs it itself", async function () {
            const dir = program([
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as aws from "@pulumi/aws";',
                "pulumi.runtime.registerStackTransformation((args) => {",
                '    if (args.type !== "aws:apigatewayv2/stage:Stage") { return undefined; }',
                "    const { accessLogSettings, ...props } = args.props;",
                "    return { props, opts: args.opts };",
                "});",
                api,
                logs,
                loggedStage("legacy"),
            ]);
            const got = await stageVerdicts(dir);
            assert.deepStrictEqual(got, { preview: [`${stageLogging}@legacy:mandatory`], update: [`${stageLogging}@legacy:mandatory`] });
        });

        it("reports a transform that throws as the program's error", async function () {
            const dir = program([
                'import * as pulumi from "@pulumi/pulumi";',
                'import * as aws from "@pulumi/aws";',
                'pulumi.runtime.registerResourceTransform(() => { throw new Error("no stages on Fridays"); });',
                'new aws.cloudwatch.LogGroup("g", {});',
            ]);
            await assert.rejects(runProgramWithNotes(dir, { mode: "preview" }), (e: Error) => {
                assert.ok(!e.message.includes("\n"), e.message);
                assert.match(e.message, /no stages on Fridays/);
                return true;
            });
        });
    });


    describe("lookups and .get: the ARN the name gives, nothing made up", function () {
        const lookupProgram = () => program([
            'import * as aws from "@pulumi/aws";',
            `const fmt = ${format};`,
            'const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });',
            'const shared = aws.cloudwatch.LogGroup.get("shared", "/central/api-access");',
            'const looked = aws.cloudwatch.getLogGroupOutput({ name: "/central/other-access" });',
            'new aws.apigatewayv2.Stage("by-get", { apiId: api.id, name: "a", accessLogSettings: { destinationArn: shared.arn, format: fmt } });',
            'new aws.apigatewayv2.Stage("by-lookup", { apiId: api.id, name: "b", accessLogSettings: { destinationArn: looked.arn, format: fmt } });',
            "export const sharedRetention = shared.retentionInDays;",
        ], { "Pulumi.dev.yaml": "config:\n  aws:region: eu-west-1\n" });
        const destinationOf = (resources: EngineResource[], name: string) =>
            (byName(resources, name).inputs.accessLogSettings as Record<string, unknown>).destinationArn;

        it("gives LogGroup.get and getLogGroupOutput the log group's ARN, with the program's region and --account-id", async function () {
            const dir = lookupProgram();
            for (const mode of modes) {
                for (const [accountId, account] of [[undefined, "123456789012"], ["111122223333", "111122223333"]] as const) {
                    const { resources } = await runProgramWithNotes(dir, { mode, ...(accountId ? { accountId } : {}) });
                    assert.strictEqual(destinationOf(resources, "by-get"), `arn:aws:logs:eu-west-1:${account}:log-group:/central/api-access`, mode);
                    assert.strictEqual(destinationOf(resources, "by-lookup"), `arn:aws:logs:eu-west-1:${account}:log-group:/central/other-access`, mode);
                    assert.ok(!resources.some((r) => r.name === "shared"), "read resources stay out of the analysis");
                    // The cloud holds the looked-up group's retention: unknown, not a made-up 0 (never expire).
                    assert.strictEqual(resources[0].outputs.sharedRetention, UNKNOWN, mode);
                }
            }
        });

        it("lets allowedExternalLogGroups clear a central log group reached through a lookup", async function () {
            const dir = lookupProgram();
            const allowed = { [retention]: { allowedExternalLogGroups: ["arn:aws:logs:*:123456789012:log-group:/central/*"] } };
            for (const mode of modes) {
                const without = verdicts((await judge(dir, mode)).violations);
                assert.deepStrictEqual(without, [`${retention}@by-get:mandatory`, `${retention}@by-lookup:mandatory`], mode);
                assert.deepStrictEqual(verdicts((await judge(dir, mode, allowed)).violations), [], mode);
            }
        });
    });

    describe("--state: a preview of the deployed stack", function () {
        const lines = (retentionDays: number) => [
            'import * as aws from "@pulumi/aws";',
            'const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });',
            `const logs = new aws.cloudwatch.LogGroup("logs", { retentionInDays: ${retentionDays} });`,
            `new aws.apigatewayv2.Stage("stage", { apiId: api.id, name: "$default", autoDeploy: true, accessLogSettings: { destinationArn: logs.arn, format: ${format} } });`,
        ];
        const account = { "apigatewayv2-access-log-destination-allowed": { allowedAccountIds: ["999999999999"] } };

        /** A `pulumi stack export` of the program after `pulumi up` in account 111111111111. */
        async function exportOf(dir: string): Promise<string> {
            const { resources } = await runProgramWithNotes(dir, { mode: "update", accountId: "111111111111" });
            const exported = resources.map((r) => ({
                urn: r.urn,
                custom: !r.type.startsWith("pulumi:pulumi:"),
                ...(typeof r.outputs.id === "string" ? { id: r.outputs.id } : {}),
                type: r.type,
                // The provider's Check records defaults and bridge bookkeeping in the inputs.
                inputs: r.type.startsWith("aws:") ? { __defaults: [], ...r.inputs, region: "us-east-1" } : r.inputs,
                outputs: r.outputs,
                ...(r.parent ? { parent: r.parent } : {}),
                ...(r.provider ? { provider: r.provider } : {}),
                dependencies: r.dependencies,
                propertyDependencies: r.propertyDependencies,
            }));
            return programs.make({ "stack.json": JSON.stringify({ version: 3, deployment: { manifest: {}, resources: exported } }) }) + "/stack.json";
        }

        it("keeps the deployed outputs of unchanged resources, so the preview judges the known ARN", async function () {
            const dir = program(lines(90));
            const deployed = readDeployedStack(await exportOf(dir), "stack.json");
            const plain = await judge(dir, "preview", account);
            assert.strictEqual((byName(plain.resources, "stage").inputs.accessLogSettings as Record<string, unknown>).destinationArn, UNKNOWN);
            assert.deepStrictEqual(verdicts(plain.violations), []);
            const withState = await judge(dir, "preview", account, { deployed });
            const stage = byName(withState.resources, "stage");
            assert.match(String((stage.inputs.accessLogSettings as Record<string, unknown>).destinationArn), /^arn:aws:logs:us-east-1:111111111111:log-group:logs-[0-9a-f]{7}$/);
            assert.deepStrictEqual(verdicts(withState.violations), ["apigatewayv2-access-log-destination-allowed@stage:mandatory"]);
            assert.ok(withState.notes.some((n) => /3 unchanged resources kept their outputs, 0 changed/.test(n)), withState.notes.join(" | "));
        });

        it("leaves a changed resource's outputs, and what depends on them, unknown in --preview", async function () {
            const deployed = readDeployedStack(await exportOf(program(lines(90))), "stack.json");
            const changed = program(lines(30));
            const { resources, notes, violations } = await judge(changed, "preview", account, { deployed });
            assert.strictEqual(byName(resources, "logs").outputs.arn, UNKNOWN);
            assert.strictEqual((byName(resources, "stage").inputs.accessLogSettings as Record<string, unknown>).destinationArn, UNKNOWN);
            assert.notStrictEqual(byName(resources, "api").outputs.id, UNKNOWN, "the unchanged API keeps its id");
            assert.ok(notes.some((n) => /1 unchanged resource kept its outputs, 2 changed/.test(n)), notes.join(" | "));
            assert.deepStrictEqual(verdicts(violations), []);
        });
    });
});

describe("analyze --state and --account-id on the command line", function () {
    const cliPrograms = tempPrograms("engine-parity-cli-");
    after(() => cliPrograms.removeAll());

    function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
        return new Promise((resolve) => {
            const env = { ...process.env };
            delete env.INIT_CWD;
            delete env.npm_lifecycle_event;
            execFile(process.execPath, [cliPath, ...args], { cwd: repoRoot, env }, (err, stdout, stderr) => {
                resolve({ code: err ? Number((err as { code?: unknown }).code ?? -1) : 0, stdout, stderr });
            });
        });
    }

    function assertOneErrorLine(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
        assert.strictEqual(r.code, 2, r.stderr);
        assert.strictEqual(r.stdout, "");
        const lines = r.stderr.split("\n").filter((l) => l !== "");
        assert.strictEqual(lines.length, 1, r.stderr);
        assert.match(lines[0], /^error: /);
        assert.match(lines[0], pattern);
    }

    it("parses both flags", function () {
        const opts = parseArgs(["--state", "stack.json", "--account-id=111122223333", "prog"]);
        assert.strictEqual(opts.state, "stack.json");
        assert.strictEqual(opts.accountId, "111122223333");
        assert.throws(() => parseArgs(["--account-id", "12345"]), /--account-id "12345" is not an AWS account id: it must be 12 digits/);
        assert.throws(() => parseArgs(["--state", "a.json", "--state", "b.json"]), /--state may be given only once/);
    });

    it("a lookup's log group in the --account-id account passes allowedAccountIds, and fails it in another", async function () {
        const dir = cliPrograms.make({
            "Pulumi.yaml": pulumiYaml,
            "index.ts": [
                'import * as aws from "@pulumi/aws";',
                'const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });',
                'const central = aws.cloudwatch.getLogGroupOutput({ name: "/aws/apigateway/central" });',
                `new aws.apigatewayv2.Stage("stage", { apiId: api.id, name: "$default", accessLogSettings: { destinationArn: central.arn, format: ${format} } });`,
                "",
            ].join("\n"),
            "policy.json": JSON.stringify({
                "apigatewayv2-access-log-destination-allowed": { allowedAccountIds: ["111122223333"] },
                [retention]: { allowedExternalLogGroups: ["arn:aws:logs:*:*:log-group:/aws/apigateway/central"] },
            }),
        });
        const config = path.join(dir, "policy.json");
        const ours = await cliInProcess(scopedArgs(["--format", "json", "--config", config, "--account-id", "111122223333", dir]));
        assert.strictEqual(ours.code, 0, ours.stdout + ours.stderr);
        const placeholder = await cliInProcess(scopedArgs(["--format", "json", "--config", config, dir]));
        assert.strictEqual(placeholder.code, 1, placeholder.stderr);
        assert.match(placeholder.stdout, /logs to account 123456789012, which is not in allowedAccountIds/);
    });

    it("bad --state input is one error line with exit 2", async function () {
        const dir = cliPrograms.make({ "Pulumi.yaml": pulumiYaml, "index.ts": "export const x = 1;\n", "bad.json": "{ not json" });
        assertOneErrorLine(await cli(["--state", path.join(dir, "missing.json"), dir]), /missing\.json/);
        assertOneErrorLine(await cli(["--state", path.join(dir, "bad.json"), dir]), /bad\.json/);
        assertOneErrorLine(await cli(["--state", path.join(dir, "bad.json"), path.join(repoRoot, "tests", "fixtures", "state", "compliant.json")]), /--state compares a program with its deployed stack, and no program was given/);
    });
});
