// The failure classes seen when running public Pulumi programs, each
// reproduced by a small program: outputs programs read under --update,
// StackReferences, lookups, the first error instead of a timeout, and messages
// that point the right way.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { InputError } from "../../engine/errors";
import { repoRoot, tempPrograms, verdicts } from "./helpers";
import { inScope } from "./policy-scope";
import { PolicySession } from "../../engine/protocol/policy-session";
import { runProgramWithNotes, RunOptions } from "../../engine/inputs/program/run-program";
import { EngineResource, secretSig, specialSigKey, unknownSentinels } from "../../engine/resource-model";

const UNKNOWN = unknownSentinels.string;
const fixtures = path.join(__dirname, "..", "fixtures", "programs");
const awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"));
const modes = ["preview", "update"] as const;

function byName(resources: EngineResource[], name: string, type?: string): EngineResource {
    const found = resources.find((r) => r.name === name && (type === undefined || r.type === type));
    assert.ok(found, `no resource named ${name} in ${resources.map((r) => r.name).join(", ")}`);
    return found;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    assert.fail("expected the run to fail");
}

function assertOneLineInputError(e: Error, pattern: RegExp): void {
    assert.ok(e instanceof InputError, `expected InputError, got ${e.name}: ${e.message}`);
    assert.ok(!e.message.includes("\n"), e.message);
    assert.match(e.message, pattern);
}

const programs = tempPrograms("real-world-program-");
const tempProgram = programs.make;

/** Output properties the class declares as always set (`pulumi.Output<T>` without `| undefined`), read from the .d.ts text. */
function alwaysSetOutputs(dts: string, className: string): string[] {
    const text = fs.readFileSync(path.join(awsDir, dts), "utf8");
    const body = text.slice(text.indexOf(`export declare class ${className} `));
    const cls = body.slice(0, body.indexOf("\n}\n"));
    const names: string[] = [];
    for (const m of cls.matchAll(/^ {4}readonly (\w+): pulumi\.Output<([\s\S]*?)>;$/gm)) {
        if (!m[2].includes("| undefined")) {
            names.push(m[1]);
        }
    }
    return names;
}

function run(dir: string, opts: RunOptions) {
    return runProgramWithNotes(dir, opts);
}

describe("program runner on real-world program shapes", function () {
    after(function () {
        programs.removeAll();
    });

    describe("outputs from the provider's schema", function () {
        it("gives a Lambda its invokeArn, so a quick-create target is seen under --update", async function () {
            const got = (await run(path.join(fixtures, "quick-create-lambda"), { mode: "update" })).resources;
            const fn = byName(got, "hello", "aws:lambda/function:Function");
            const api = byName(got, "hello-api");
            assert.match(String(fn.outputs.arn), /^arn:aws:lambda:us-east-1:123456789012:function:hello-[0-9a-f]{7}$/);
            assert.strictEqual(fn.outputs.invokeArn, `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.outputs.arn}/invocations`);
            assert.strictEqual(api.inputs.target, fn.outputs.invokeArn);
            const preview = (await run(path.join(fixtures, "quick-create-lambda"), { mode: "preview" })).resources;
            assert.strictEqual(byName(preview, "hello-api").inputs.target, UNKNOWN);
        });

        it("fills every output a resource type always has, for types the runner knows nothing special about", async function () {
            const dir = tempProgram({
                "index.ts": [
                    'import * as aws from "@pulumi/aws";',
                    'new aws.lambda.Function("fn", { role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs20.x", handler: "index.handler", s3Bucket: "b", s3Key: "k" });',
                    'new aws.sqs.Queue("jobs", {});',
                    'new aws.dynamodb.Table("orders", { hashKey: "id", attributes: [{ name: "id", type: "S" }], billingMode: "PAY_PER_REQUEST" });',
                    "",
                ].join("\n"),
            });
            const got = (await run(dir, { mode: "update" })).resources;
            const cases: [string, string, string, RegExp][] = [
                ["fn", "lambda/function.d.ts", "Function", /^arn:aws:lambda:us-east-1:123456789012:function:fn-[0-9a-f]{7}$/],
                ["jobs", "sqs/queue.d.ts", "Queue", /^arn:aws:sqs:us-east-1:123456789012:jobs-[0-9a-f]{7}$/],
                ["orders", "dynamodb/table.d.ts", "Table", /^arn:aws:dynamodb:us-east-1:123456789012:table\/orders(-[0-9a-f]{7})?$/],
            ];
            for (const [name, dts, className, arn] of cases) {
                const r = byName(got, name);
                const declared = alwaysSetOutputs(dts, className);
                assert.ok(declared.length > 5, `${dts}: found only ${declared.join(", ")}`);
                const missing = declared.filter((k) => r.outputs[k] === undefined || r.outputs[k] === null);
                assert.deepStrictEqual(missing, [], `${name} lacks outputs`);
                assert.match(String(r.outputs.arn), arn);
            }
        });

        it("makes nested outputs that programs index into, and lookups, so a DNS-validated certificate runs", async function () {
            for (const mode of modes) {
                const got = (await run(path.join(fixtures, "acm-dns-validation"), { mode })).resources;
                const record = byName(got, "api-cert-validation", "aws:route53/record:Record");
                const cert = byName(got, "api-cert");
                if (mode === "preview") {
                    assert.strictEqual(record.inputs.name, UNKNOWN);
                    assert.strictEqual(cert.outputs.domainValidationOptions, UNKNOWN);
                    continue;
                }
                const option = (cert.outputs.domainValidationOptions as Record<string, unknown>[])[0];
                assert.match(String(option.resourceRecordName), /^_[0-9a-f]{32}\.api\.example\.com\.$/);
                assert.strictEqual(record.inputs.name, option.resourceRecordName);
                assert.strictEqual(record.inputs.type, "CNAME");
                assert.match(String(record.inputs.zoneId), /^Z[0-9A-F]{13}$/);
                const domain = byName(got, "orders-domain");
                const config = domain.outputs.domainNameConfiguration as Record<string, unknown>;
                assert.ok(typeof config.targetDomainName === "string" && typeof config.hostedZoneId === "string");
            }
        });

        it("answers a lookup from its result type in both modes (zoneId of aws.route53.getZone)", async function () {
            const dir = tempProgram({
                "index.ts": [
                    'import * as aws from "@pulumi/aws";',
                    "export = async () => {",
                    '    const zone = await aws.route53.getZone({ name: "example.com" });',
                    '    new aws.route53.Record("www", { zoneId: zone.zoneId, name: `www.${zone.name}`, type: "CNAME", records: ["example.org"], ttl: 60 });',
                    "    return { zoneId: zone.zoneId };",
                    "};",
                    "",
                ].join("\n"),
            });
            for (const mode of modes) {
                const got = (await run(dir, { mode })).resources;
                const record = byName(got, "www");
                assert.match(String(record.inputs.zoneId), /^Z[0-9A-F]{13}$/);
                assert.strictEqual(record.inputs.name, "www.example.com");
                assert.deepStrictEqual(got[0].outputs, { zoneId: record.inputs.zoneId });
            }
        });

        it("names the lookup the mocks answered empty when a program then misses a required property", async function () {
            const dir = tempProgram({
                "index.ts": [
                    'import * as pulumi from "@pulumi/pulumi";',
                    'import * as aws from "@pulumi/aws";',
                    "export = async () => {",
                    '    const zone: any = await pulumi.runtime.invoke("acme:dns/getZone:getZone", { name: "example.com" });',
                    '    new aws.route53.Record("www", { zoneId: zone.zoneId, name: "www", type: "CNAME", records: ["x"], ttl: 60 });',
                    "};",
                    "",
                ].join("\n"),
            });
            const e = await rejection(run(dir, { mode: "update" }));
            assertOneLineInputError(e, /Missing required property 'zoneId'.*the mocks answered lookup "acme:dns\/getZone:getZone" with an empty result/);
        });
    });

    describe("StackReferences", function () {
        const dir = path.join(fixtures, "stack-reference-logs");

        it("leaves their outputs unknown in both modes when none are supplied, and says so once", async function () {
            for (const mode of modes) {
                const { resources, notes } = await run(dir, { mode });
                const stage = byName(resources, "shipping-api-stage");
                assert.strictEqual((stage.inputs.accessLogSettings as Record<string, unknown>).destinationArn, UNKNOWN, mode);
                const said = notes.filter((n) => n.includes("stack reference"));
                assert.strictEqual(said.length, 1, notes.join(" | "));
                assert.match(said[0], /"acme\/logging\/prod".*--stack-reference-outputs/);
            }
        });

        it("takes their outputs from --stack-reference-outputs, keyed by stack name", async function () {
            const outputs = JSON.parse(fs.readFileSync(path.join(dir, "stack-outputs.json"), "utf8"));
            for (const mode of modes) {
                const { resources, notes } = await run(dir, { mode, stackReferenceOutputs: outputs });
                const stage = byName(resources, "shipping-api-stage");
                assert.strictEqual(
                    (stage.inputs.accessLogSettings as Record<string, unknown>).destinationArn,
                    "arn:aws:logs:us-east-1:123456789012:log-group:/shared/api-access",
                );
                assert.deepStrictEqual(notes, []);
            }
        });

        it("says which referenced stacks the file lacks", async function () {
            const { notes } = await run(dir, { mode: "update", stackReferenceOutputs: { "acme/other/prod": {} } });
            assert.strictEqual(notes.length, 1);
            assert.match(notes[0], /"acme\/logging\/prod" are not in the --stack-reference-outputs file/);
        });
    });

    describe("the first real error, never a timeout", function () {
        it("reports an error thrown in an output callback at once, with its file and line", async function () {
            const dir = tempProgram({
                "index.ts": [
                    'import * as aws from "@pulumi/aws";',
                    'const group = new aws.cloudwatch.LogGroup("group", {});',
                    "const policy = group.arn.apply((arn) => {",
                    '    throw new Error(`no policy for ${arn.split(":")[0]}`);',
                    "});",
                    'new aws.iam.Role("role", { assumeRolePolicy: policy });',
                    'export const never = new Promise(() => undefined);',
                    "",
                ].join("\n"),
            });
            // The export never settles: without the first error ending the run, this would wait for the timeout.
            const e = await rejection(run(dir, { mode: "update", timeoutMs: 60_000 }));
            assertOneLineInputError(e, /failed: .*no policy for arn \(at index\.ts:4\)/);
            assert.doesNotMatch(e.message, /did not finish/);
        });

        it("keeps the timeout for a program that really hangs, naming the registrations still pending", async function () {
            const dir = tempProgram({
                "index.ts": [
                    'import * as aws from "@pulumi/aws";',
                    'new aws.cloudwatch.LogGroup("ready", {});',
                    'new aws.cloudwatch.LogGroup("stuck", { name: new Promise<string>(() => undefined) });',
                    "",
                ].join("\n"),
            });
            const e = await rejection(run(dir, { mode: "update", timeoutMs: 1500 }));
            assertOneLineInputError(e, /did not finish within 1\.5 s; registrations still waiting on their inputs: "aws:cloudwatch\/logGroup:LogGroup::stuck"$/);
        });
    });

    describe("messages that point the right way", function () {
        it("leaves out a type-only re-export from a package that has types but no JavaScript, and says so", async function () {
            const dir = tempProgram({
                "node_modules/@types/handler-types/package.json": JSON.stringify({ name: "@types/handler-types", version: "1.0.0", types: "index.d.ts" }),
                "node_modules/@types/handler-types/index.d.ts": "export type Handler = (event: unknown) => Promise<unknown>;\n",
                "handler.ts": 'export { Handler } from "handler-types";\nexport const route = "GET /";\n',
                "index.ts": 'import * as aws from "@pulumi/aws";\nimport { route } from "./handler";\nnew aws.apigatewayv2.Api("api", { protocolType: "HTTP", routeKey: route });\n',
            });
            for (const mode of modes) {
                const { resources, notes } = await run(dir, { mode });
                assert.strictEqual(byName(resources, "api").inputs.routeKey, "GET /");
                assert.ok(notes.some((n) => /type-only re-export from "handler-types" was left out/.test(n)), notes.join(" | "));
            }
        });

        it("still reports a re-export from a package that is not installed at all", async function () {
            const dir = tempProgram({ "index.ts": 'export { Handler } from "no-such-package-3f9c";\n' });
            assertOneLineInputError(
                await rejection(run(dir, { mode: "preview" })),
                /Cannot find module 'no-such-package-3f9c' \(is it installed for the program\?\); index\.ts re-exports from it, which needs no JavaScript if it names only types: run `npm install` in the program/,
            );
            const imports = tempProgram({ "index.ts": 'import { x } from "no-such-package-3f9c";\nexport const y = x;\n' });
            const e = await rejection(run(imports, { mode: "preview" }));
            assertOneLineInputError(e, /Cannot find module 'no-such-package-3f9c' \(is it installed for the program\?\)/);
            assert.doesNotMatch(e.message, /re-exports/);
        });

        it("says a relative import that resolves to nothing is a missing file", async function () {
            const dir = tempProgram({ "index.ts": 'import { route } from "./resource-route";\nexport const r = route;\n' });
            const e = await rejection(run(dir, { mode: "preview" }));
            assertOneLineInputError(e, /no such file: "\.\/resource-route" \(imported from index\.ts\)/);
            assert.doesNotMatch(e.message, /installed/);
        });

        it("names the declared major version of a program that fell back to this repository's packages", async function () {
            const dir = tempProgram({
                "package.json": JSON.stringify({ name: "old", dependencies: { "@pulumi/aws": "^4.0.0", "@pulumi/pulumi": "^3.0.0" } }),
                "index.ts": 'import * as aws from "@pulumi/aws";\nnew aws.iam.Role("r", { assumeRolePolicy: "{}", managedPolicyArns: [(aws.iam as any).ManagedPolicies.AWSLambdaBasicExecutionRole] });\n',
            });
            const e = await rejection(run(dir, { mode: "preview" }));
            assertOneLineInputError(e, /this program declares @pulumi\/aws "\^4\.0\.0", but has no node_modules of its own and got this repository's 7\.\d+\.\d+; run `npm install` in it first$/);
        });

        it("says in one line that Pulumi 2 is not supported, whether the program declares it or installed it", async function () {
            const declared = tempProgram({
                "package.json": JSON.stringify({ name: "old", dependencies: { "@pulumi/pulumi": "^2.0.0" } }),
                "index.ts": 'import * as pulumi from "@pulumi/pulumi";\n(pulumi as any).runtime.serializeClosure();\n',
            });
            const installed = tempProgram({
                "node_modules/@pulumi/pulumi/package.json": JSON.stringify({ name: "@pulumi/pulumi", version: "2.25.2", main: "index.js" }),
                "node_modules/@pulumi/pulumi/index.js": "module.exports = {};\n",
                "index.ts": 'import * as pulumi from "@pulumi/pulumi";\nexport const x = pulumi;\n',
            });
            for (const [dir, version] of [[declared, "\\^2\\.0\\.0"], [installed, "2\\.25\\.2"]]) {
                const e = await rejection(run(dir, { mode: "preview" }));
                assertOneLineInputError(e, new RegExp(`is a Pulumi 2 program \\(@pulumi/pulumi "${version}"\\), and npm run analyze supports only Pulumi 3: upgrade it .*or run \`pulumi preview --policy-pack`));
                assert.doesNotMatch(e.message, /npm install` in it first|no such file/);
            }
        });

        it("says an encrypted config value exists, and takes it from --config-value", async function () {
            const dir = tempProgram({
                "Pulumi.yaml": "name: secrets\nruntime: nodejs\n",
                "Pulumi.dev.yaml": "config:\n  secrets:dbPassword:\n    secure: AAABAKxYz0123456789abcdef==\n",
                "index.ts": [
                    'import * as pulumi from "@pulumi/pulumi";',
                    'import * as aws from "@pulumi/aws";',
                    'const password = new pulumi.Config().requireSecret("dbPassword");',
                    'new aws.cloudwatch.LogGroup("logs", { retentionInDays: 30, tags: { owner: password } });',
                    "",
                ].join("\n"),
            });
            const e = await rejection(run(dir, { mode: "preview" }));
            assertOneLineInputError(e, /"secrets:dbPassword" is set in Pulumi\.dev\.yaml, but encrypted \(secure:\).*--config-value secrets:dbPassword=VALUE/);
            assert.doesNotMatch(e.message, /AAAB/);
            for (const key of ["dbPassword", "secrets:dbPassword"]) {
                const { resources, notes } = await run(dir, { mode: "update", configValues: { [key]: "placeholder" } });
                assert.deepStrictEqual(byName(resources, "logs").inputs.tags, { owner: { [specialSigKey]: secretSig, value: "placeholder" } });
                assert.deepStrictEqual(notes, []);
            }
        });

        it("says where analyze reads a missing config value from, not only `pulumi config set`", async function () {
            const index = 'import * as pulumi from "@pulumi/pulumi";\nexport const days = new pulumi.Config().requireNumber("logRetentionDays");\n';
            const withStack = tempProgram({
                "Pulumi.yaml": "name: orders\nruntime: nodejs\n",
                "Pulumi.prod.yaml": "config:\n  aws:region: eu-west-1\n",
                "index.ts": index,
            });
            const e1 = await rejection(run(withStack, { mode: "preview" }));
            assertOneLineInputError(e1, /Missing required configuration variable 'orders:logRetentionDays'.*; analyze reads config from Pulumi\.prod\.yaml, which does not set it: add it under config: there, or supply it with --config-value orders:logRetentionDays=VALUE/);
            const noStack = tempProgram({ "Pulumi.yaml": "name: orders\nruntime: nodejs\n", "index.ts": index });
            const e2 = await rejection(run(noStack, { mode: "preview" }));
            assertOneLineInputError(e2, /; the program has no Pulumi\.<stack>\.yaml, so analyze runs it as stack "dev" with no config: add Pulumi\.dev\.yaml with the key under config:, or supply it with --config-value orders:logRetentionDays=VALUE/);
        });

        it("notes encrypted config left unset when the program does not require it", async function () {
            const dir = tempProgram({
                "Pulumi.yaml": "name: secrets\nruntime: nodejs\n",
                "Pulumi.dev.yaml": "config:\n  secrets:apiKey:\n    secure: AAABAKxYz0123456789abcdef==\n",
                "index.ts": 'import * as pulumi from "@pulumi/pulumi";\nexport const key = new pulumi.Config().get("apiKey") ?? "none";\n',
            });
            const { notes } = await run(dir, { mode: "preview" });
            assert.deepStrictEqual(notes, [
                'encrypted config "secrets:apiKey" was left unset (the runner cannot decrypt secure: values); supply a value with --config-value KEY=VALUE',
            ]);
        });
    });
});

// A program's own @pulumi/pulumi is what the runner loads. `npm install` of a
// current program resolves 3.200 or later; this repository pins a recent one.
// Other SDKs are installed once each into a cache under the OS temp dir (npm's
// own cache makes later installs quick), with provider packages of their era,
// so that, as after `npm install`, the provider SDK loads the program's
// @pulumi/pulumi. Where no @pulumi/aws is named, the repository's is
// hard-linked next to the SDK.
const OLD_SDK = "3.200.0";

/** A cache directory holding `packages` (npm specs `name@version`), installed once. */
export function installSdk(packages: string[]): string {
    const key = packages.map((p) => p.replace(/^@pulumi\//, "").replace(/[@/]/g, "-")).join("+");
    const cache = path.join(os.tmpdir(), "aws-apigatewayv2-analyze-sdk-cache", key);
    const { execFileSync } = require("child_process") as typeof import("child_process");
    const installed = (spec: string) => {
        const at = spec.lastIndexOf("@");
        try {
            return JSON.parse(fs.readFileSync(path.join(cache, "node_modules", spec.slice(0, at), "package.json"), "utf8")).version.replace(/^v/, "") === spec.slice(at + 1);
        } catch {
            return false;
        }
    };
    if (!packages.every(installed)) {
        fs.mkdirSync(cache, { recursive: true });
        fs.writeFileSync(path.join(cache, "package.json"), JSON.stringify({ name: "sdk-cache", version: "1.0.0", private: true }));
        const npm = process.platform === "win32" ? "npm.cmd" : "npm";
        execFileSync(npm, ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save", ...packages, "mime@2.6.0"], {
            cwd: cache,
            stdio: "pipe",
            timeout: 300_000,
        });
    }
    const aws = path.join(cache, "node_modules", "@pulumi", "aws");
    if (!fs.existsSync(path.join(aws, "package.json"))) {
        execFileSync("cp", ["-al", awsDir, aws]);
    }
    return cache;
}

function installOldSdk(): string {
    return installSdk([`@pulumi/pulumi@${OLD_SDK}`]);
}

describe(`program runner with a program's own @pulumi/pulumi ${OLD_SDK}`, function () {
    let cache: string;
    const programs = ["quick-create-lambda", "acm-dns-validation", "stack-reference-logs"];
    const copies: Record<string, string> = {};

    before(function () {
        this.timeout(300_000);
        cache = installOldSdk();
        for (const name of programs) {
            copies[name] = path.join(cache, "programs", name);
            fs.rmSync(copies[name], { recursive: true, force: true });
            fs.cpSync(path.join(fixtures, name), copies[name], { recursive: true });
        }
    });

    it("loads the program's own SDK and provider package", function () {
        const from = { paths: [copies["quick-create-lambda"]] };
        assert.strictEqual(JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json", from), "utf8")).version, OLD_SDK);
        const aws = require.resolve("@pulumi/aws/package.json", from);
        assert.ok(aws.startsWith(cache), aws);
    });

    for (const name of programs) {
        for (const mode of modes) {
            it(`${name} (${mode}): the same resources as with this repository's SDK`, async function () {
                const old = await run(copies[name], { mode });
                const current = await run(path.join(fixtures, name), { mode });
                // The copy lives elsewhere, so only the program-relative part of each source position must agree.
                const relativeSources = (resources: EngineResource[], root: string) => resources.map((r) =>
                    r.source === undefined ? r : { ...r, source: { ...r.source, file: path.relative(root, r.source.file) } });
                assert.deepStrictEqual(relativeSources(old.resources, copies[name]), relativeSources(current.resources, path.join(fixtures, name)));
                assert.deepStrictEqual(old.notes, current.notes);
            });
        }
    }

    it("answers lookups and StackReferences from a file on the older SDK too", async function () {
        const got = (await run(copies["acm-dns-validation"], { mode: "update" })).resources;
        assert.match(String(byName(got, "api-cert-validation", "aws:route53/record:Record").inputs.zoneId), /^Z[0-9A-F]{13}$/);
        const outputs = JSON.parse(fs.readFileSync(path.join(fixtures, "stack-reference-logs", "stack-outputs.json"), "utf8"));
        const stage = byName((await run(copies["stack-reference-logs"], { mode: "update", stackReferenceOutputs: outputs })).resources, "shipping-api-stage");
        assert.strictEqual((stage.inputs.accessLogSettings as Record<string, unknown>).destinationArn, outputs["acme/logging/prod"].accessLogGroupArn);
    });
});

// Programs with their own node_modules, on the SDKs and provider majors people
// still have in lock files: the oldest supported 3.x, the 3.48 of the issue
// (@pulumi/aws 5), and the newest (@pulumi/aws 6). Each example must get the
// verdicts it gets on this repository's SDK and @pulumi/aws 7, through the
// real pack process, in both modes.
const SDK_MATRIX: { pulumi: string; packages: string[] }[] = [
    { pulumi: "3.40.0", packages: ["@pulumi/pulumi@3.40.0", "@pulumi/aws@5.43.0"] },
    { pulumi: "3.48.0", packages: ["@pulumi/pulumi@3.48.0", "@pulumi/aws@5.43.0"] },
    { pulumi: "3.276.0", packages: ["@pulumi/pulumi@3.276.0", "@pulumi/aws@6.83.4", "@pulumi/aws-native@1.79.0", "@pulumi/random@4.21.2"] },
];
const examplesDir = path.join(__dirname, "..", "..", "examples");

for (const { pulumi, packages } of SDK_MATRIX) {
    describe(`program runner with a program's own @pulumi/pulumi ${pulumi} (${packages.slice(1).join(", ")})`, function () {
        let cache: string;
        const sessions = {} as Record<(typeof modes)[number], PolicySession>;
        const examples = fs.readdirSync(examplesDir).filter((f) => fs.statSync(path.join(examplesDir, f)).isDirectory()).sort();

        before(async function () {
            this.timeout(400_000);
            cache = installSdk(packages);
            for (const name of examples) {
                const copy = path.join(cache, "programs", name);
                fs.rmSync(copy, { recursive: true, force: true });
                fs.cpSync(path.join(examplesDir, name), copy, { recursive: true });
            }
            for (const mode of modes) {
                sessions[mode] = await PolicySession.start({ packDir: repoRoot, preview: mode === "preview", project: "p", stack: "dev" });
                await sessions[mode].configure({ all: "mandatory" });
            }
        });
        after(async function () {
            for (const s of Object.values(sessions)) {
                await s.close();
            }
        });

        it("loads the program's own SDK and provider package", function () {
            const from = { paths: [path.join(cache, "programs", examples[0])] };
            assert.strictEqual(JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json", from), "utf8")).version, pulumi);
            const aws = require.resolve("@pulumi/aws/package.json", from);
            assert.ok(aws.startsWith(cache), aws);
            // @pulumi/aws 5 wrote its version with a leading "v".
            assert.strictEqual(JSON.parse(fs.readFileSync(aws, "utf8")).version.replace(/^v/, ""), packages[1].split("@")[2]);
        });

        if (packages.some((p) => p.startsWith("@pulumi/aws-native@"))) {
            it("gives aws-native and random resources the outputs their own types declare: required ones typed, optional ones never made up", async function () {
                const dir = path.join(cache, "programs", "other-providers");
                fs.rmSync(dir, { recursive: true, force: true });
                fs.mkdirSync(dir, { recursive: true });
                fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: other-providers\nruntime: nodejs\n");
                fs.writeFileSync(path.join(dir, "index.ts"), [
                    'import * as native from "@pulumi/aws-native";',
                    'import * as random from "@pulumi/random";',
                    'const suffix = new random.RandomString("suffix", { length: 6, special: false });',
                    'const table = new native.dynamodb.Table("orders", { keySchema: [{ attributeName: "id", keyType: "HASH" }], attributeDefinitions: [{ attributeName: "id", attributeType: "S" }], billingMode: "PAY_PER_REQUEST" });',
                    '// Reading tableName under --update failed: "Expected property tableName to resolve to a string".',
                    'export const tableName = table.tableName.apply((n) => { if (typeof n !== "string") { throw new Error("tableName is " + typeof n); } return n.toUpperCase(); });',
                    "export const suffixLower = suffix.result.apply((r) => r.toLowerCase());",
                    "",
                ].join("\n"));
                for (const mode of modes) {
                    const { resources } = await run(dir, { mode });
                    const table = resources.find((r) => r.type === "aws-native:dynamodb:Table")!;
                    const suffix = resources.find((r) => r.type === "random:index/randomString:RandomString")!;
                    // aws-native autonames <kind>Name at Check: known in a preview too.
                    assert.match(String(table.outputs.tableName), /^orders-[0-9a-f]{7}$/, mode);
                    assert.ok(!("keepers" in suffix.outputs) && !("overrideSpecial" in suffix.outputs), `optional outputs made up: ${Object.keys(suffix.outputs).join(", ")}`);
                    if (mode === "update") {
                        assert.strictEqual(table.outputs.arn, `arn:aws:dynamodb:us-east-1:123456789012:table/${table.outputs.tableName}`);
                        assert.strictEqual(typeof suffix.outputs.result, "string");
                        assert.strictEqual(typeof suffix.outputs.upper, "boolean");
                        assert.strictEqual(resources[0].outputs.tableName, String(table.outputs.tableName).toUpperCase());
                    } else {
                        assert.strictEqual(suffix.outputs.result, UNKNOWN);
                    }
                }
            });

            it("judges an @pulumi/aws-native stage as the bundled aws-native example is judged", async function () {
                const dir = path.join(cache, "programs", "native-stages");
                fs.rmSync(dir, { recursive: true, force: true });
                fs.mkdirSync(dir, { recursive: true });
                fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: native-stages\nruntime: nodejs\n");
                fs.writeFileSync(path.join(dir, "index.ts"), [
                    'import * as native from "@pulumi/aws-native";',
                    'const api = new native.apigatewayv2.Api("api", { protocolType: "HTTP" });',
                    'const logs = new native.logs.LogGroup("logs", { retentionInDays: 30 });',
                    'const format = JSON.stringify({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status" });',
                    'new native.apigatewayv2.Stage("logged", { apiId: api.apiId, stageName: "logged", accessLogSettings: { destinationArn: logs.arn, format } });',
                    'new native.apigatewayv2.Stage("silent", { apiId: api.apiId, stageName: "silent" });',
                    "",
                ].join("\n"));
                for (const mode of modes) {
                    const { resources } = await run(dir, { mode });
                    const result = await sessions[mode].analyzeResources(resources, { applyRemediations: true });
                    const got = verdicts(inScope(result.violations)).filter((v) => !v.includes("format-fields"));
                    assert.deepStrictEqual(got, ["apigatewayv2-stage-access-logging@silent:mandatory"], mode);
                }
            });
        }

        for (const mode of modes) {
            it(`every example (${mode}) gets the verdicts it gets on this repository's SDK`, async function () {
                this.timeout(300_000);
                for (const name of examples) {
                    const judge = async (dir: string) => {
                        const { resources } = await run(dir, { mode });
                        const result = await sessions[mode].analyzeResources(resources, { applyRemediations: true });
                        return { types: resources.map((r) => `${r.type}::${r.name}`).filter((t) => !t.startsWith("pulumi:providers:")), verdicts: verdicts(result.violations) };
                    };
                    const old = await judge(path.join(cache, "programs", name));
                    const current = await judge(path.join(examplesDir, name));
                    assert.deepStrictEqual(old, current, `${name} (${mode})`);
                }
            });
        }
    });
}
