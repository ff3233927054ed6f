import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../engine/errors";
import { secret } from "../../engine/resource-model";
import { parseStateFile, parseUrn, readStateFile } from "../../engine/inputs/state-file";
import { fixturesDir, scratchFiles, stateFixture } from "./helpers";

const stageUrn = "urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::orders-stage";
const logGroupUrn = "urn:pulumi:prod::orders::aws:cloudwatch/logGroup:LogGroup::orders-access-logs";
const apiUrn = "urn:pulumi:prod::orders::aws:apigatewayv2/api:Api::orders-api";
const providerUrn = "urn:pulumi:prod::orders::pulumi:providers:aws::default_7_48_0";

function fails(file: string, pattern: RegExp): void {
    assert.throws(() => readStateFile(file), (e: unknown) => {
        assert.ok(e instanceof InputError, `expected InputError, got ${e}`);
        assert.strictEqual(e.exitCode, 2);
        assert.ok(!/[\r\n]/.test(e.message), `one line: ${e.message}`);
        assert.match(e.message, pattern);
        return true;
    });
}

function byUrn(file: string, urn: string) {
    const r = readStateFile(stateFixture(file)).resources.find((x) => x.urn === urn);
    assert.ok(r, `${urn} in ${file}`);
    return r;
}

describe("engine state file", () => {
    const hashes = new Map<string, string>();
    const stateDir = path.join(fixturesDir, "state");
    const snapshot = () => {
        const result = new Map<string, string>();
        for (const f of fs.readdirSync(stateDir)) {
            const p = path.join(stateDir, f);
            const stat = fs.statSync(p);
            result.set(f, `${crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex")}:${stat.mtimeMs}`);
        }
        return result;
    };
    before(() => {
        for (const [k, v] of snapshot()) {
            hashes.set(k, v);
        }
    });
    after(() => {
        // Every fixture was read, valid or not; none may have changed.
        assert.deepStrictEqual(snapshot(), hashes);
    });

    describe("valid exports", () => {
        it("reads live resources with their type, name, inputs, outputs and links", () => {
            const state = readStateFile(stateFixture("compliant.json"));
            assert.deepStrictEqual(state.resources.map((r) => r.type), [
                "pulumi:pulumi:Stack",
                "pulumi:providers:aws",
                "aws:cloudwatch/logGroup:LogGroup",
                "aws:apigatewayv2/api:Api",
                "aws:apigatewayv2/stage:Stage",
            ]);
            assert.strictEqual(state.project, "orders");
            assert.strictEqual(state.stack, "prod");
            assert.deepStrictEqual(state.notes, []);
            const stage = state.resources[4];
            assert.strictEqual(stage.name, "orders-stage");
            assert.strictEqual(stage.parent, "urn:pulumi:prod::orders::pulumi:pulumi:Stack::orders-prod");
            assert.strictEqual(stage.provider, `${providerUrn}::0c5e4e1c-8a3e-4f7e-9a0e-0a1b2c3d4e5f`);
            assert.deepStrictEqual(stage.dependencies, [logGroupUrn, apiUrn]);
            assert.deepStrictEqual(stage.propertyDependencies.accessLogSettings, [logGroupUrn]);
            assert.strictEqual((stage.inputs.accessLogSettings as any).destinationArn, "arn:aws:logs:us-east-1:123456789012:log-group:orders-access-logs-1a2b3c4");
            assert.strictEqual(stage.outputs.invokeUrl, "https://abc123.execute-api.us-east-1.amazonaws.com");
            // Internal keys are kept here; the marshaller drops them the way the engine does.
            assert.deepStrictEqual(stage.inputs.__defaults, []);
            // A component without inputs still gets an empty map.
            assert.deepStrictEqual(state.resources[0].inputs, {});
        });

        it("hands encrypted secrets over as \"[secret]\", as `pulumi policy analyze` does, and counts them once per file", () => {
            const state = readStateFile(stateFixture("encrypted-secrets.json"));
            assert.strictEqual(state.encryptedSecrets, 3);
            assert.deepStrictEqual(state.notes, ["3 encrypted secret values were handed to the pack as \"[secret]\", as `pulumi policy analyze` does (export with --show-secrets to check them)"]);
            const stage = state.resources.find((r) => r.urn === stageUrn)!;
            assert.deepStrictEqual((stage.inputs.accessLogSettings as any).format, secret("[secret]"));
            assert.deepStrictEqual((stage.outputs.accessLogSettings as any).format, secret("[secret]"));
            const provider = state.resources.find((r) => r.urn === providerUrn)!;
            assert.deepStrictEqual(provider.inputs.secretKey, secret("[secret]"));
            assert.ok(!JSON.stringify(state).includes("ciphertext"), "no ciphertext survives");
        });

        it("turns plaintext secrets into secret envelopes around the parsed value", () => {
            const stage = byUrn("plaintext-secrets.json", stageUrn);
            assert.deepStrictEqual((stage.inputs.accessLogSettings as any).format, secret('{"ip":"$context.identity.sourceIp","status":"$context.status"}'));
            assert.deepStrictEqual(byUrn("plaintext-secrets.json", providerUrn).inputs.secretKey, secret("not-a-real-key"));
        });

        it("skips resources pending deletion, which may share a live resource's URN", () => {
            const state = readStateFile(stateFixture("pending-delete.json"));
            const stages = state.resources.filter((r) => r.urn === stageUrn);
            assert.strictEqual(stages.length, 1);
            assert.ok(stages[0].inputs.accessLogSettings, "the live stage, not the old one without logging");
            assert.strictEqual(state.pendingDeletes, 1);
            assert.deepStrictEqual(state.notes, ["1 resource pending deletion was skipped"]);
        });

        it("keeps parent and dependency references to resources outside a trimmed export, and counts them", () => {
            const state = readStateFile(stateFixture("trimmed-without-stack.json"));
            assert.strictEqual(state.resources.length, 4);
            assert.strictEqual(state.danglingReferences, 3);
            assert.match(state.notes[0], /3 parent\/dependency\/provider references name resources not in the file/);
        });

        it("accepts version 4, which newer CLIs write in the same shape", () => {
            const state = readStateFile(stateFixture("version-4.json"));
            assert.ok(state.resources.length > 0);
        });

        it("drops propertyDependencies naming resources not in the file, with a note, as the SDK drops them", () => {
            const state = readStateFile(stateFixture("dangling-property-dependency.json"));
            assert.strictEqual(state.droppedPropertyDependencies, 1);
            assert.ok(state.notes.includes("1 propertyDependencies entry names a resource not in the file; dropped, as the policy SDK drops them"), state.notes.join("|"));
            for (const r of state.resources) {
                for (const urns of Object.values(r.propertyDependencies)) {
                    assert.ok(urns.every((u) => state.resources.some((x) => x.urn === u)), r.urn);
                }
            }
        });

        it("accepts an export of an empty stack (no resources key)", () => {
            const state = parseStateFile(JSON.stringify({ version: 3, deployment: { manifest: {} } }));
            assert.deepStrictEqual(state.resources, []);
        });

        it("carries recorded resource options over", () => {
            const doc = JSON.parse(fs.readFileSync(stateFixture("compliant.json"), "utf8"));
            Object.assign(doc.deployment.resources[3], { protect: true, ignoreChanges: ["tags"], customTimeouts: { create: 60 } });
            const api = parseStateFile(JSON.stringify(doc)).resources[3];
            assert.deepStrictEqual(api.options, { protect: true, ignoreChanges: ["tags"], customTimeouts: { create: 60, update: undefined, delete: undefined } });
        });
    });

    describe("URNs", () => {
        it("takes the name after the third ::, so names containing :: stay whole", () => {
            assert.deepStrictEqual(parseUrn("urn:pulumi:dev::proj::aws:s3/bucket:Bucket::my-bucket"), { stack: "dev", project: "proj", type: "aws:s3/bucket:Bucket", name: "my-bucket" });
            assert.strictEqual(parseUrn("urn:pulumi:dev::proj::parent$aws:s3/bucket:Bucket::a::b")!.name, "a::b");
            assert.strictEqual(parseUrn("urn:pulumi:dev::proj::parent$aws:s3/bucket:Bucket::a::b")!.type, "aws:s3/bucket:Bucket");
            assert.strictEqual(parseUrn("not-a-urn"), undefined);
            assert.strictEqual(parseUrn("urn:pulumi:dev::proj::type"), undefined);
        });
    });

    describe("errors: one line, exit code 2", () => {
        const scratch = scratchFiles("engine-state-");
        const write = scratch.write;
        const withResources = (mutate: (resources: any[]) => void) => {
            const doc = JSON.parse(fs.readFileSync(stateFixture("compliant.json"), "utf8"));
            mutate(doc.deployment.resources);
            return JSON.stringify(doc);
        };

        it("a missing file or a directory", () => {
            fails(path.join(scratch.dir(), "missing.json"), /state file ".*missing\.json" does not exist/);
            fails(scratch.dir(), /is a directory/);
        });

        it("a truncated file", () => {
            const text = fs.readFileSync(stateFixture("compliant.json"), "utf8");
            fails(write("truncated.json", text.slice(0, Math.floor(text.length / 2))), /is truncated/);
        });

        it("binary content and text that is not UTF-8", () => {
            fails(write("random.bin", crypto.randomBytes(4096)), /is (binary|not UTF-8 text)/);
            fails(write("nul.json", Buffer.concat([Buffer.from('{"version": 3'), Buffer.from([0, 0, 0])])), /is binary/);
            fails(write("latin1.json", Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d])), /is not UTF-8 text/);
        });

        it("empty or non-JSON text, and JSON that is not an object", () => {
            fails(write("empty.json", ""), /is empty/);
            fails(write("blank.json", "  \n "), /is empty/);
            fails(write("yaml.json", "version: 3\ndeployment: {}\n"), /is not valid JSON/);
            fails(write("array.json", "[]"), /must hold a JSON object .* not an array/);
        });

        it("a wrong or missing version", () => {
            fails(stateFixture("wrong-version.json"), /has version 5; only versions 3 and 4 .* are supported/);
            fails(write("v2.json", JSON.stringify({ version: 2, deployment: { resources: [] } })), /has version 2/);
            fails(write("v3string.json", JSON.stringify({ version: "3", deployment: { resources: [] } })), /has version 3;/);
            fails(write("noversion.json", JSON.stringify({ deployment: { resources: [] } })), /has no "version"/);
        });

        it("the wrong shape", () => {
            fails(write("nodeployment.json", JSON.stringify({ version: 3 })), /has no "deployment" object/);
            fails(stateFixture("resources-not-array.json"), /"deployment\.resources" must be an array, not an object/);
            fails(write("resource-string.json", withResources((rs) => rs.push("urn:pulumi:x"))), /resource #6 must be an object, not a string/);
            fails(write("inputs-array.json", withResources((rs) => (rs[2].inputs = []))), /"inputs" must be an object, not an array/);
            fails(write("deps-string.json", withResources((rs) => (rs[4].dependencies = "x"))), /"dependencies" must be a list of URN strings/);
            fails(write("parent-number.json", withResources((rs) => (rs[4].parent = 7))), /"parent" must be a string/);
            fails(write("bad-urn.json", withResources((rs) => (rs[3].urn = "orders-api"))), /malformed URN/);
        });

        it("resources without type or urn", () => {
            fails(stateFixture("missing-type.json"), /resource "urn:pulumi:prod::orders::aws:cloudwatch\/logGroup:LogGroup::orders-access-logs" has no "type"/);
            fails(stateFixture("missing-urn.json"), /resource #4 has no "urn"/);
            fails(write("empty-type.json", withResources((rs) => (rs[1].type = ""))), /has no "type"/);
        });

        it("duplicate URNs among live resources", () => {
            fails(stateFixture("duplicate-urn.json"), /URN "urn:pulumi:prod::orders::aws:apigatewayv2\/api:Api::orders-api" appears more than once among live resources \(#4 and #6\)/);
        });

        it("malformed secrets, without echoing their content", () => {
            const secretWith = (body: Record<string, unknown>) => withResources((rs) => {
                rs[4].inputs.accessLogSettings.format = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ...body };
            });
            fails(write("plaintext-not-json.json", secretWith({ plaintext: "hunter2-not-json" })), /plaintext secret that is not valid JSON/);
            assert.throws(() => readStateFile(path.join(scratch.dir(), "plaintext-not-json.json")), (e: Error) => !e.message.includes("hunter2"));
            fails(write("secret-empty.json", secretWith({})), /secret with neither "ciphertext" nor "plaintext"/);
        });

        it("absurdly deep nesting", () => {
            const deep = "[".repeat(100000) + "]".repeat(100000);
            fails(write("deep.json", withResources((rs) => (rs[4].inputs.deep = "__DEEP__")).replace('"__DEEP__"', deep)), /nests (too deeply|more than)/);
        });
    });
});
