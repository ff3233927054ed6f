import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { InputError } from "../../engine/errors";
import { repoRoot, tempPrograms } from "./helpers";
import { runProgram } from "../../engine/inputs/program/run-program";
import { EngineResource, secretSig, specialSigKey, unknownSentinels } from "../../engine/resource-model";

const UNKNOWN = unknownSentinels.string;
const ACCOUNT = "123456789012";
const examplesDir = path.join(repoRoot, "examples");
const modes = ["preview", "update"] as const;
type Mode = (typeof modes)[number];

const stageType = "aws:apigatewayv2/stage:Stage";
const apiType = "aws:apigatewayv2/api:Api";
const logGroupType = "aws:cloudwatch/logGroup:LogGroup";

/** What each example registers, besides its stack and default provider. */
const expected: Record<string, { provider: string; resources: [string, string][] }> = {
    "http-api-compliant": {
        provider: "pulumi:providers:aws::default_7_48_0",
        resources: [[apiType, "orders-api"], [logGroupType, "orders-api-access-logs"], [stageType, "orders-api-stage"]],
    },
    "websocket-api-compliant": {
        provider: "pulumi:providers:aws::default_7_48_0",
        resources: [
            ["aws:iam/role:Role", "apigateway-cloudwatch"],
            ["aws:apigateway/account:Account", "apigateway-account"],
            [apiType, "chat-api"],
            [logGroupType, "chat-api-access-logs"],
            [stageType, "chat-api-stage"],
        ],
    },
    "http-api-no-logging": {
        provider: "pulumi:providers:aws::default_7_48_0",
        resources: [[apiType, "inventory-api"], [stageType, "inventory-api-stage"]],
    },
    "quick-create-api": {
        provider: "pulumi:providers:aws::default_7_48_0",
        resources: [[apiType, "webhook-api"]],
    },
    "external-log-group": {
        provider: "pulumi:providers:aws::default_7_48_0",
        resources: [[apiType, "billing-api"], [stageType, "billing-api-stage"]],
    },
    "aws-native-stage": {
        provider: "pulumi:providers:aws-native::default",
        resources: [
            ["aws-native:apigatewayv2:Api", "catalog-api"],
            ["aws-native:logs:LogGroup", "catalog-api-access-logs"],
            ["aws-native:apigatewayv2:Stage", "catalog-api-stage"],
        ],
    },
    "log-group-no-retention": {
        provider: "pulumi:providers:aws::default_7_48_0",
        resources: [[apiType, "payments-api"], [logGroupType, "payments-api-access-logs"], [stageType, "payments-api-stage"]],
    },
    "http-api-clf-format": {
        provider: "pulumi:providers:aws::default_7_48_0",
        resources: [[apiType, "search-api"], [logGroupType, "search-api-access-logs"], [stageType, "search-api-stage"]],
    },
    "log-group-delivery-class": {
        provider: "pulumi:providers:aws::default_7_48_0",
        resources: [[apiType, "shipping-api"], [logGroupType, "shipping-api-access-logs"], [stageType, "shipping-api-stage"]],
    },
};

/** Examples whose stage writes to a log group of the same stack, bound by `logGroup.arn`. */
const bound: Record<string, { stage: string; logGroup: string; region: string; native?: boolean }> = {
    "http-api-compliant": { stage: "orders-api-stage", logGroup: "orders-api-access-logs", region: "us-east-1" },
    "websocket-api-compliant": { stage: "chat-api-stage", logGroup: "chat-api-access-logs", region: "eu-west-1" },
    "log-group-no-retention": { stage: "payments-api-stage", logGroup: "payments-api-access-logs", region: "us-east-1" },
    "http-api-clf-format": { stage: "search-api-stage", logGroup: "search-api-access-logs", region: "us-east-1" },
    "log-group-delivery-class": { stage: "shipping-api-stage", logGroup: "shipping-api-access-logs", region: "us-east-1" },
    "aws-native-stage": { stage: "catalog-api-stage", logGroup: "catalog-api-access-logs", region: "us-east-1", native: true },
};

function byName(resources: EngineResource[], name: string): EngineResource {
    const found = resources.find((r) => r.name === name);
    assert.ok(found, `no resource named ${name} in ${resources.map((r) => r.name).join(", ")}`);
    return found;
}

function accessLogSettings(stage: EngineResource, which: "inputs" | "outputs" = "inputs"): Record<string, unknown> {
    return stage[which].accessLogSettings as Record<string, unknown>;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    assert.fail("expected the run to fail");
}

const programs = tempPrograms("program-runner-");
const tempProgram = programs.make;

describe("program runner", function () {
    const results: Record<string, Record<Mode, EngineResource[]>> = {};

    before(async function () {
        // Each example runs once per mode; every test below reads these results.
        for (const name of Object.keys(expected)) {
            results[name] = {} as Record<Mode, EngineResource[]>;
            for (const mode of modes) {
                results[name][mode] = await runProgram(path.join(examplesDir, name), { mode });
            }
        }
    });

    after(function () {
        programs.removeAll();
    });

    it("has a test expectation for every bundled example", function () {
        const dirs = fs.readdirSync(examplesDir).filter((f) => fs.statSync(path.join(examplesDir, f)).isDirectory());
        assert.deepStrictEqual(dirs.sort(), Object.keys(expected).sort());
    });

    for (const [name, want] of Object.entries(expected)) {
        for (const mode of modes) {
            describe(`${name} (${mode})`, function () {
                const urnPrefix = `urn:pulumi:dev::${name}::`;

                it("captures the stack, the default provider and the program's resources", function () {
                    const got = results[name][mode];
                    assert.deepStrictEqual(got[0].type, "pulumi:pulumi:Stack");
                    assert.deepStrictEqual(got[0].urn, `${urnPrefix}pulumi:pulumi:Stack::${name}-dev`);
                    const [providerType, providerName] = want.provider.split("::");
                    const providers = got.filter((r) => r.type.startsWith("pulumi:providers:"));
                    assert.deepStrictEqual(providers.map((p) => [p.type, p.name]), [[providerType, providerName]]);
                    const own = got.filter((r) => r !== got[0] && !providers.includes(r)).map((r) => [r.type, r.name]);
                    assert.deepStrictEqual(own.sort(), [...want.resources].sort());
                });

                it("builds engine URNs, parents and provider references", function () {
                    const got = results[name][mode];
                    const stack = got[0];
                    const provider = got.find((r) => r.type.startsWith("pulumi:providers:"))!;
                    assert.strictEqual(stack.parent, undefined);
                    assert.strictEqual(provider.parent, undefined);
                    for (const r of got.filter((x) => x !== stack && x !== provider)) {
                        assert.strictEqual(r.urn, `${urnPrefix}${r.type}::${r.name}`);
                        assert.strictEqual(r.parent, stack.urn);
                        assert.ok(r.provider?.startsWith(`${provider.urn}::`), `${r.name} provider ${r.provider}`);
                    }
                });

                it(mode === "preview" ? "leaves ids of new resources unknown" : "fabricates known ids", function () {
                    for (const r of results[name][mode].filter((x) => !x.type.startsWith("pulumi:"))) {
                        if (mode === "preview") {
                            assert.strictEqual(r.outputs.id, UNKNOWN, r.name);
                        } else {
                            assert.ok(typeof r.outputs.id === "string" && r.outputs.id !== UNKNOWN && r.outputs.id !== "", r.name);
                        }
                    }
                });
            });
        }
    }

    for (const [name, link] of Object.entries(bound)) {
        describe(`${name}: stage bound to logGroup.arn`, function () {
            it("preview: destinationArn is unknown and only the property dependency names the log group", function () {
                const got = results[name].preview;
                const stage = byName(got, link.stage);
                const logGroup = byName(got, link.logGroup);
                assert.strictEqual(accessLogSettings(stage).destinationArn, UNKNOWN);
                assert.strictEqual(logGroup.outputs.arn, UNKNOWN);
                assert.ok(stage.propertyDependencies.accessLogSettings.includes(logGroup.urn));
                assert.ok(stage.dependencies.includes(logGroup.urn));
            });

            it("update: destinationArn is the log group's fabricated arn output", function () {
                const got = results[name].update;
                const stage = byName(got, link.stage);
                const logGroup = byName(got, link.logGroup);
                const groupName = logGroup.outputs[link.native ? "logGroupName" : "name"];
                const arn = `arn:aws:logs:${link.region}:${ACCOUNT}:log-group:${groupName}${link.native ? ":*" : ""}`;
                assert.strictEqual(logGroup.outputs.arn, arn);
                assert.strictEqual(accessLogSettings(stage).destinationArn, arn);
                assert.strictEqual(accessLogSettings(stage, "outputs").destinationArn, arn);
                assert.ok(stage.propertyDependencies.accessLogSettings.includes(logGroup.urn));
            });

            it("autonames the log group the same way in both modes", function () {
                const key = link.native ? "logGroupName" : "name";
                const preview = byName(results[name].preview, link.logGroup).inputs[key];
                const update = byName(results[name].update, link.logGroup).inputs[key];
                assert.match(String(preview), new RegExp(`^${link.logGroup}-[0-9a-f]{7}$`));
                assert.strictEqual(preview, update);
            });
        });
    }

    it("links each stage to its API through apiId", function () {
        for (const mode of modes) {
            const got = results["http-api-compliant"][mode];
            const stage = byName(got, "orders-api-stage");
            const api = byName(got, "orders-api");
            assert.deepStrictEqual(stage.propertyDependencies.apiId, [api.urn]);
            assert.strictEqual(stage.inputs.apiId, mode === "preview" ? UNKNOWN : api.outputs.id);
        }
    });

    it("gives API outputs as a preview or an update would", function () {
        const preview = byName(results["http-api-compliant"].preview, "orders-api").outputs;
        for (const key of ["apiEndpoint", "arn", "executionArn"]) {
            assert.strictEqual(preview[key], UNKNOWN, key);
        }
        const http = byName(results["http-api-compliant"].update, "orders-api").outputs;
        assert.match(String(http.id), /^[a-z0-9]{10}$/);
        assert.strictEqual(http.apiEndpoint, `https://${http.id}.execute-api.us-east-1.amazonaws.com`);
        assert.strictEqual(http.executionArn, `arn:aws:execute-api:us-east-1:${ACCOUNT}:${http.id}`);
        const ws = byName(results["websocket-api-compliant"].update, "chat-api").outputs;
        assert.strictEqual(ws.apiEndpoint, `wss://${ws.id}.execute-api.eu-west-1.amazonaws.com`);
    });

    it("takes the region from Pulumi.<stack>.yaml into the default provider", function () {
        const provider = results["websocket-api-compliant"].update.find((r) => r.type === "pulumi:providers:aws")!;
        assert.deepStrictEqual(provider.inputs, { region: "eu-west-1", version: "7.48.0" });
    });

    it("keeps the account role's ARN unknown in preview and known in update", function () {
        const preview = byName(results["websocket-api-compliant"].preview, "apigateway-account");
        const update = byName(results["websocket-api-compliant"].update, "apigateway-account");
        const role = byName(results["websocket-api-compliant"].update, "apigateway-cloudwatch");
        assert.strictEqual(preview.inputs.cloudwatchRoleArn, UNKNOWN);
        assert.strictEqual(update.inputs.cloudwatchRoleArn, role.outputs.arn);
        assert.match(String(role.outputs.arn), /^arn:aws:iam::123456789012:role\/apigateway-cloudwatch-[0-9a-f]{7}$/);
    });

    it("passes a fixed destination ARN through unchanged, with no property dependency", function () {
        for (const mode of modes) {
            const stage = byName(results["external-log-group"][mode], "billing-api-stage");
            assert.strictEqual(accessLogSettings(stage).destinationArn, "arn:aws:logs:us-east-1:123456789012:log-group:/shared/api-access");
            assert.deepStrictEqual(stage.propertyDependencies.accessLogSettings, []);
        }
    });

    it("records a stage without accessLogSettings and a quick-create target as given", function () {
        for (const mode of modes) {
            assert.ok(!("accessLogSettings" in byName(results["http-api-no-logging"][mode], "inventory-api-stage").inputs));
            const api = byName(results["quick-create-api"][mode], "webhook-api");
            assert.strictEqual(api.inputs.target, "arn:aws:lambda:us-east-1:123456789012:function:webhook-handler");
        }
    });

    it("leaves an unset retention unset in inputs and 0 (never expire) in outputs", function () {
        for (const mode of modes) {
            const group = byName(results["log-group-no-retention"][mode], "payments-api-access-logs");
            assert.ok(!("retentionInDays" in group.inputs));
            assert.strictEqual(group.outputs.retentionInDays, 0);
        }
    });

    it("records the stack's outputs, unknown in preview", function () {
        assert.deepStrictEqual(results["http-api-compliant"].preview[0].outputs, { endpoint: UNKNOWN, stageName: "$default" });
        const api = byName(results["http-api-compliant"].update, "orders-api");
        assert.deepStrictEqual(results["http-api-compliant"].update[0].outputs, { endpoint: api.outputs.apiEndpoint, stageName: "$default" });
    });

    it("gives identical results when the same program runs again", async function () {
        for (const mode of modes) {
            const again = await runProgram(path.join(examplesDir, "http-api-compliant"), { mode });
            assert.deepStrictEqual(again, results["http-api-compliant"][mode]);
        }
    });

    describe("registrations answered as the engine answers them", function () {
        it("lets the event loop turn between registrations, so a pack's answers are read while the program runs", async function () {
            // The engine answers each registration over gRPC. Answered within one microtask
            // run instead, a program's registrations would starve the event loop until it
            // ends, and streaming analysis could read no answer from the pack before that.
            const dir = tempProgram({
                "Pulumi.yaml": "name: turns\nruntime: nodejs\n",
                "index.ts": [
                    'import * as aws from "@pulumi/aws";',
                    "for (let i = 0; i < 12; i++) {",
                    "    new aws.cloudwatch.LogGroup(`logs-${i}`, { retentionInDays: 30 });",
                    "}",
                    "",
                ].join("\n"),
            });
            const seen: { name: string; previousTurnDone: boolean }[] = [];
            let previousTurn: { done: boolean } | undefined;
            const got = await runProgram(dir, {
                mode: "preview",
                onResource: (r) => {
                    seen.push({ name: r.name, previousTurnDone: previousTurn?.done ?? true });
                    const turn = { done: false };
                    setImmediate(() => (turn.done = true));
                    previousTurn = turn;
                },
            });
            assert.deepStrictEqual(seen.map((s) => s.name), got.map((r) => r.name));
            const logGroups = seen.filter((s) => s.name.startsWith("logs-"));
            assert.strictEqual(logGroups.length, 12);
            // The first shares its turn with the default provider it brings into being.
            assert.deepStrictEqual(logGroups.slice(1).filter((s) => !s.previousTurnDone).map((s) => s.name), []);
        });
    });

    describe("programs outside the repository", function () {
        it("runs a program in a temp dir without node_modules, with its project, stack config and invokes", async function () {
            const dir = tempProgram({
                "Pulumi.yaml": "name: held-out\nruntime: nodejs\n",
                "Pulumi.prod.yaml": "config:\n  aws:region: ap-south-1\n  held-out:team: payments\n",
                "index.ts": [
                    'import * as pulumi from "@pulumi/pulumi";',
                    'import * as aws from "@pulumi/aws";',
                    "const team: string = new pulumi.Config().require(\"team\");",
                    'const logs = new aws.cloudwatch.LogGroup("logs", { retentionInDays: 14, tags: { team } });',
                    "export const arn = logs.arn;",
                    "export const account = aws.getCallerIdentityOutput().accountId;",
                    "",
                ].join("\n"),
            });
            assert.ok(!fs.existsSync(path.join(dir, "node_modules")));
            const got = await runProgram(dir, { mode: "update" });
            const logs = byName(got, "logs");
            assert.strictEqual(logs.urn, "urn:pulumi:prod::held-out::aws:cloudwatch/logGroup:LogGroup::logs");
            assert.deepStrictEqual(logs.inputs.tags, { team: "payments" });
            assert.match(String(logs.outputs.arn), /^arn:aws:logs:ap-south-1:123456789012:log-group:logs-[0-9a-f]{7}$/);
            assert.deepStrictEqual(got[0].outputs, { arn: logs.outputs.arn, account: ACCOUNT });
        });

        it("captures secrets as secret envelopes", async function () {
            const dir = tempProgram({
                "index.ts": [
                    'import * as pulumi from "@pulumi/pulumi";',
                    'import * as aws from "@pulumi/aws";',
                    'new aws.cloudwatch.LogGroup("logs", { retentionInDays: 30, kmsKeyId: pulumi.secret("arn:aws:kms:us-east-1:123456789012:key/k1") });',
                    "",
                ].join("\n"),
            });
            const envelope = { [specialSigKey]: secretSig, value: "arn:aws:kms:us-east-1:123456789012:key/k1" };
            for (const mode of modes) {
                const logs = byName(await runProgram(dir, { mode }), "logs");
                assert.deepStrictEqual(logs.inputs.kmsKeyId, envelope);
                assert.deepStrictEqual(logs.outputs.kmsKeyId, envelope);
            }
        });

        it("builds URNs of resources inside components with the parent type chain", async function () {
            const dir = tempProgram({
                "index.ts": [
                    'import * as pulumi from "@pulumi/pulumi";',
                    'import * as aws from "@pulumi/aws";',
                    "class Api extends pulumi.ComponentResource {",
                    "    constructor(name: string) {",
                    '        super("acme:web:Api", name, {});',
                    '        const logging = new pulumi.ComponentResource("acme:web:Logging", `${name}-logging`, {}, { parent: this });',
                    '        new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: 30 }, { parent: logging });',
                    '        this.registerOutputs({ ready: true });',
                    "    }",
                    "}",
                    'new Api("orders");',
                    "",
                ].join("\n"),
            });
            const got = await runProgram(dir, { mode: "preview" });
            const api = byName(got, "orders");
            const logging = byName(got, "orders-logging");
            const logs = byName(got, "orders-logs");
            assert.strictEqual(logging.urn, `urn:pulumi:dev::${path.basename(dir)}::acme:web:Api$acme:web:Logging::orders-logging`);
            assert.strictEqual(logs.urn, `urn:pulumi:dev::${path.basename(dir)}::acme:web:Api$acme:web:Logging$${logGroupType}::orders-logs`);
            assert.strictEqual(logs.parent, logging.urn);
            assert.strictEqual(logging.parent, api.urn);
            assert.deepStrictEqual(api.outputs, { ready: true });
            assert.strictEqual(api.provider, undefined);
        });

        it("compiles a program whose tsconfig.json was written for TypeScript 6", async function () {
            const dir = tempProgram({
                "tsconfig.json": JSON.stringify({
                    compilerOptions: { ignoreDeprecations: "6.0", module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true },
                }),
                "index.ts": 'import * as aws from "@pulumi/aws";\nconst days: number = 7;\nnew aws.cloudwatch.LogGroup("logs", { retentionInDays: days });\n',
            });
            const logs = byName(await runProgram(dir, { mode: "preview" }), "logs");
            assert.strictEqual(logs.inputs.retentionInDays, 7);
        });

        it("picks up edits to the program between runs", async function () {
            const dir = tempProgram({ "index.ts": 'import * as aws from "@pulumi/aws";\nnew aws.cloudwatch.LogGroup("first", {});\n' });
            assert.ok(byName(await runProgram(dir, { mode: "preview" }), "first"));
            fs.writeFileSync(path.join(dir, "index.ts"), 'import * as aws from "@pulumi/aws";\nnew aws.cloudwatch.LogGroup("second", {});\n');
            const names = (await runProgram(dir, { mode: "preview" })).map((r) => r.name);
            assert.ok(names.includes("second") && !names.includes("first"), names.join(", "));
        });

        it("gives every run its own store: alone, one after another and side by side", async function () {
            // Each program reads its stack config and records what the SDK's store gave it.
            const program = (team: string) => tempProgram({
                "Pulumi.yaml": "name: store-check\nruntime: nodejs\n",
                "Pulumi.dev.yaml": `config:\n  store-check:team: ${team}\n`,
                "index.ts": [
                    'import * as pulumi from "@pulumi/pulumi";',
                    'import * as aws from "@pulumi/aws";',
                    'const cfg = new pulumi.Config();',
                    'new aws.cloudwatch.LogGroup("logs", { tags: { team: cfg.require("team"), other: cfg.get("other") ?? "none" } });',
                    "",
                ].join("\n"),
            });
            const teamOf = (rs: EngineResource[]) => byName(rs, "logs").inputs.tags;
            const holder = globalThis as { globalStore?: unknown };
            const before = holder.globalStore;
            const a = program("alpha");
            const b = program("beta");
            assert.deepStrictEqual(teamOf(await runProgram(a, { mode: "preview", configValues: { "store-check:other": "set" } })), { team: "alpha", other: "set" });
            // The next run must not see the previous run's config.
            assert.deepStrictEqual(teamOf(await runProgram(b, { mode: "preview" })), { team: "beta", other: "none" });
            assert.strictEqual(holder.globalStore, before, "the SDK's global store is put back after a run");
            const [x, y] = await Promise.all([runProgram(a, { mode: "preview" }), runProgram(b, { mode: "update" })]);
            assert.deepStrictEqual([teamOf(x), teamOf(y)], [{ team: "alpha", other: "none" }, { team: "beta", other: "none" }]);
            assert.strictEqual(byName(x, "logs").outputs.arn, UNKNOWN, "the first run stays a preview while the second is an update");
            assert.match(String(byName(y, "logs").outputs.arn), /^arn:aws:logs:/);
            assert.strictEqual(holder.globalStore, before);
        });

        it("restores cwd, console and the TypeScript hook after a run", async function () {
            // The program notes what it saw instead of printing, to keep test output clean.
            const dir = tempProgram({ "index.ts": "(globalThis as any).programSaw = { cwd: process.cwd(), write: process.stdout.write };\n" });
            const before = { cwd: process.cwd(), log: console.log, write: process.stdout.write, ts: (require as any).extensions[".ts"] };
            await runProgram(dir, { mode: "preview" });
            const saw = (globalThis as any).programSaw;
            delete (globalThis as any).programSaw;
            assert.strictEqual(fs.realpathSync(saw.cwd), fs.realpathSync(dir));
            assert.notStrictEqual(saw.write, before.write, "program output goes to stderr, away from --json");
            assert.strictEqual(process.cwd(), before.cwd);
            assert.strictEqual(console.log, before.log);
            assert.strictEqual(process.stdout.write, before.write);
            assert.strictEqual((require as any).extensions[".ts"], before.ts);
        });
    });

    describe("bad programs", function () {
        function assertOneLineInputError(e: Error, pattern: RegExp): void {
            assert.ok(e instanceof InputError, `expected InputError, got ${e.name}: ${e.message}`);
            assert.ok(!e.message.includes("\n"), e.message);
            assert.match(e.message, pattern);
        }

        it("reports a program that throws, with the error and where it was thrown", async function () {
            const dir = tempProgram({
                "index.ts": 'import * as aws from "@pulumi/aws";\nnew aws.cloudwatch.LogGroup("lg", {});\nthrow new Error("no region configured\\nfor this stack");\n',
            });
            for (const mode of modes) {
                const e = await rejection(runProgram(dir, { mode }));
                assertOneLineInputError(e, /failed: no region configured for this stack \(at index\.ts:3\)$/);
            }
        });

        it("reports an apply callback that throws", async function () {
            const dir = tempProgram({
                "index.ts": [
                    'import * as aws from "@pulumi/aws";',
                    'const a = new aws.cloudwatch.LogGroup("a", {});',
                    'new aws.cloudwatch.LogGroup("b", { name: a.name.apply((n) => { throw new Error(`cannot derive from ${n}`); }) });',
                    "",
                ].join("\n"),
            });
            const e = await rejection(runProgram(dir, { mode: "update" }));
            assertOneLineInputError(e, /cannot derive from a-[0-9a-f]{7}/);
        });

        it("reports a program that does not compile", async function () {
            const dir = tempProgram({ "index.ts": "const x = ;\n" });
            assertOneLineInputError(await rejection(runProgram(dir, { mode: "preview" })), /TypeScript error: index\.ts\(1,11\)/);
        });

        it("reports a missing directory and a directory without a program", async function () {
            assertOneLineInputError(
                await rejection(runProgram(path.join(os.tmpdir(), "no-such-program-dir-8d1f"), { mode: "preview" })),
                /does not exist/,
            );
            const empty = tempProgram({ "README.md": "nothing here\n" });
            assertOneLineInputError(await rejection(runProgram(empty, { mode: "preview" })), /no Pulumi program in .*index\.ts/);
        });

        it("reports an unreadable Pulumi.yaml and a missing module", async function () {
            const badYaml = tempProgram({ "Pulumi.yaml": "name: [unclosed\n", "index.ts": "export {};\n" });
            assertOneLineInputError(await rejection(runProgram(badYaml, { mode: "preview" })), /Pulumi\.yaml" is not valid YAML/);
            const missing = tempProgram({ "index.ts": 'import * as native from "@pulumi/aws-native";\nexport const n = native;\n' });
            assertOneLineInputError(await rejection(runProgram(missing, { mode: "preview" })), /Cannot find module '@pulumi\/aws-native'/);
        });

        it("still runs programs normally after a failure", async function () {
            const again = await runProgram(path.join(examplesDir, "http-api-compliant"), { mode: "preview" });
            assert.deepStrictEqual(again, results["http-api-compliant"].preview);
        });
    });
});
