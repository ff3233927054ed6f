// Programs as people write them, run by the program runner and judged by the
// real pack process: the verdict must be the one `pulumi preview` (or `up`)
// gives. Transforms run as the engine runs them; lookups get the values their
// arguments give; other providers' outputs come from their own types; a
// deployed stack's outputs come from its export.
import * as assert from "assert";
import * as path from "path";

import { PolicySession } from "../../engine/protocol/policy-session";
import { runProgramWithNotes, RunOptions } from "../../engine/inputs/program/run-program";
import { EngineResource, unknownSentinels, Violation } from "../../engine/resource-model";
import { assertNoCantRun, repoRoot, tempPrograms, verdicts } from "./helpers";

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
        return { violations: result.violations, resources: run.resources, notes: run.notes };
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

    void retention;
    void UNKNOWN;
    void path;
});
