import * as assert from "assert";
import { StreamingAnalysis } from "../../engine/protocol/streaming-analysis";
import { InputError } from "../../engine/errors";
import { isCantRun, PolicySession } from "../../engine/protocol/policy-session";
import { EngineResource, secret, unknownSentinels } from "../../engine/resource-model";
import { packFixture, resource, urnOf, verdicts } from "./helpers";

// Drives tests/fixtures/packs/tiny, a small real pack, through the driver: the
// driver's protocol handling is tested apart from this project's policies.

const providerUrn = urnOf("pulumi:providers:test", "default");
const stackUrn = urnOf("pulumi:pulumi:Stack", "proj-dev");
const provider = resource("pulumi:providers:test", "default", { region: "eu-west-1", __internal: { token: "x" } });
const bucket = (name: string, acl: unknown, spec: Parameters<typeof resource>[3] = {}) =>
    resource("test:index:Bucket", name, { acl, __defaults: [] }, { provider: `${providerUrn}::id-1`, ...spec });

describe("engine policy session (fixture pack)", () => {
    let session: PolicySession;
    let pid: number;

    before(async () => {
        session = await PolicySession.start({ packDir: packFixture("tiny"), preview: true, project: "proj", stack: "dev" });
        pid = (session as any).pack.pid;
    });

    after(async () => {
        await session.close();
        // close() ends the one pack process every test here shared.
        assert.throws(() => process.kill(pid, 0));
    });

    it("reads the pack's info from GetAnalyzerInfo", () => {
        assert.strictEqual(session.info.name, "tiny-pack");
        assert.strictEqual(session.info.version, "1.2.3");
        assert.deepStrictEqual(session.info.policies.map((p) => `${p.name}:${p.type}:${p.enforcementLevel}`), [
            "bucket-acl:resource:mandatory",
            "echo:resource:advisory",
            "unknown-reader:resource:advisory",
            "thrower:resource:advisory",
            "stack-links:stack:mandatory",
        ]);
        assert.deepStrictEqual(session.info.policies[0].configSchema!.properties.allowedAcls, { type: "array", items: { type: "string" }, default: ["private"] });
        assert.deepStrictEqual(session.info.initialConfig, {});
    });

    it("configures schema defaults at each policy's default level", async () => {
        const sent = await session.configure();
        assert.deepStrictEqual(sent["bucket-acl"], { enforcementLevel: "mandatory", properties: { allowedAcls: ["private"], mode: "strict" } });
        assert.deepStrictEqual(sent.echo, { enforcementLevel: "advisory", properties: {} });
    });

    it("delivers config properties to the policy through Configure", async () => {
        await session.configure({ "bucket-acl": { allowedAcls: ["private", "log-delivery-write"], maxSize: 3, mode: "lenient" } });
        const vs = await session.analyze(bucket("b", "public-read"));
        assert.strictEqual(vs.length, 1);
        assert.strictEqual(vs[0].message, 'Buckets must use an allowed ACL.\nacl "public-read" is not in ["private","log-delivery-write"] (mode lenient, maxSize 3)');
        assert.deepStrictEqual(await session.analyze(bucket("b", "log-delivery-write")), []);
    });

    it("rejects a bad config before sending it, leaving the previous config in force", async () => {
        await session.configure({ "bucket-acl": { allowedAcls: ["public-read"] } });
        await assert.rejects(session.configure({ "bucket-acl": { alowedAcls: ["private"] } }, "config file \"x.json\""), (e: unknown) => {
            assert.ok(e instanceof InputError);
            assert.strictEqual(e.message, 'config file "x.json": policy "bucket-acl": unknown key "alowedAcls"; did you mean "allowedAcls"?');
            return true;
        });
        await assert.rejects(session.configure({ "bucket-acl": { mode: "loose" } }), /"mode" must be one of "strict", "lenient", not "loose"/);
        await assert.rejects(session.configure({ "bucket-acl": { maxSize: 11 } }), /"maxSize" must be at most 10, not 11/);
        assert.deepStrictEqual(await session.analyze(bucket("b", "public-read")), []);
    });

    it("marshals what Analyze sees: secrets as plaintext, unknowns kept, __ keys dropped, provider and parent set", async () => {
        await session.configure();
        const echo = resource("test:index:Echo", "e", {
            s: secret("hidden"),
            u: unknownSentinels.string,
            n: { __skip: 1, k: [1, null, { deep: unknownSentinels.string }] },
            __defaults: ["x"],
        }, { parent: stackUrn, provider: `${providerUrn}::id-1` });
        const vs = await session.analyze(echo, { byUrn: new Map([[providerUrn, provider]]) });
        assert.strictEqual(vs.length, 1);
        assert.strictEqual(vs[0].message.split("\n")[1],
            `name=e props={n:{k:[1,null,{deep:<unknown>}]},s:"hidden",u:<unknown>} parent=${stackUrn} provider=default:{region:"eu-west-1"}`);
        assert.deepStrictEqual({ ...vs[0], message: "" }, {
            resourceUrn: echo.urn,
            message: "",
            policyName: "echo",
            policyPackName: "tiny-pack",
            policyPackVersion: "1.2.3",
            enforcementLevel: "advisory",
        });
    });

    it("runs remediations through Remediate only at the remediate level", async () => {
        await session.configure();
        const none = await session.remediate(bucket("b", "public-read"));
        assert.strictEqual(none.properties, undefined);
        assert.deepStrictEqual(none.remediations, []);

        await session.configure({ "bucket-acl": "remediate" });
        const fixed = await session.remediate(bucket("b", "public-read"));
        assert.deepStrictEqual(fixed.properties, { acl: "private", remediatedBy: "bucket-acl", __defaults: [] });
        assert.deepStrictEqual(fixed.remediations.map((r) => [r.policyName, r.resourceUrn]), [["bucket-acl", urnOf("test:index:Bucket", "b")]]);
        assert.strictEqual((await session.remediate(bucket("b", "private"))).properties, undefined);
    });

    it("feeds remediated inputs into Analyze and the outputs AnalyzeStack sees, in a deployment", async () => {
        await session.configure({ "bucket-acl": "remediate" });
        const fixable = bucket("fixable", "public-read");
        const stuck = bucket("stuck", "public-read-write");
        const result = await session.analyzeResources([provider, fixable, stuck]);
        assert.deepStrictEqual(verdicts(result.violations), [
            // Still violating after remediation: reported as mandatory.
            "bucket-acl@stuck:mandatory",
            "stack-links@fixable:mandatory",
            "stack-links@stuck:mandatory",
        ]);
        assert.deepStrictEqual([...result.remediated.keys()], [fixable.urn]);
        const fixableStack = result.violations.find((v) => v.policyName === "stack-links" && v.resourceUrn === fixable.urn)!;
        assert.match(fixableStack.message, /outputs=\{acl:"private",remediatedBy:"bucket-acl"\}/);
        assert.deepStrictEqual(result.diagnostics.requests, { remediate: 3, analyze: 3, analyzeStack: 1 });
    });

    it("reports remediations without applying them when asked to (pulumi policy analyze on a state file)", async () => {
        await session.configure({ "bucket-acl": "remediate" });
        const fixable = bucket("fixable", "public-read");
        const result = await session.analyzeResources([fixable], { applyRemediations: false });
        assert.deepStrictEqual(verdicts(result.violations), ["bucket-acl@fixable:mandatory", "stack-links@fixable:mandatory"]);
        assert.strictEqual(result.remediated.size, 1);
        assert.strictEqual(result.diagnostics.remediations.length, 1);
        assert.match(result.violations[1].message, /outputs=\{acl:"public-read"\}/);
    });

    it("applies \"all\" to every policy, and a policy's own level over it", async () => {
        const everything = [bucket("b", "public-read"), resource("test:index:Echo", "e", {}), resource("test:index:StackWide", "w", {})];
        await session.configure({ all: "disabled" });
        assert.deepStrictEqual((await session.analyzeResources(everything)).violations, []);

        await session.configure({ all: "disabled", echo: "mandatory" });
        assert.deepStrictEqual(verdicts((await session.analyzeResources(everything)).violations), ["echo@e:mandatory"]);

        await session.configure({ all: "advisory" });
        assert.deepStrictEqual(verdicts((await session.analyzeResources(everything)).violations), [
            "bucket-acl@b:advisory",
            "echo@e:advisory",
            "stack-links@b:advisory",
            "stack-links@proj-dev:advisory",
        ]);
    });

    it("sends outputs, parent, dependencies and property dependencies in AnalyzeStack", async () => {
        await session.configure();
        const parent = resource("test:index:Component", "comp", {});
        const key = resource("test:index:Key", "key", { id: "k-1" });
        const b = bucket("linked", "private", {
            parent: parent.urn,
            dependencies: [key.urn, parent.urn],
            propertyDependencies: { kmsKey: [key.urn], acl: [] },
            outputs: { acl: "private", arn: "arn:test:bucket/linked", secretOut: secret("s") },
        });
        const vs = await session.analyzeStack([parent, key, b]);
        assert.strictEqual(vs.length, 1);
        assert.strictEqual(vs[0].resourceUrn, b.urn);
        assert.strictEqual(vs[0].message.split("\n")[1], 'outputs={acl:"private",arn:"arn:test:bucket/linked",secretOut:"s"} parent=comp deps=key,comp propDeps=kmsKey=key');
    });

    it("puts a stack-level finding (empty URN) on the root stack, as the engine does", async () => {
        await session.configure();
        const vs = await session.analyzeStack([resource("test:index:StackWide", "w", {})]);
        assert.deepStrictEqual(vs.map((v) => [v.resourceUrn, v.policyName, v.enforcementLevel]),
            [["urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", "stack-links", "mandatory"]]);
        const root = resource("pulumi:pulumi:Stack", "proj-prod", {});
        const withRoot = await session.analyzeStack([root, resource("test:index:StackWide", "w", {})]);
        assert.deepStrictEqual(withRoot.map((v) => v.resourceUrn), [root.urn]);
    });

    it("keeps \"can't run policy\" diagnostics visible as advisory violations", async () => {
        await session.configure();
        const unknownRead = await session.analyzeResources([resource("test:index:Reader", "r", { value: unknownSentinels.string })]);
        assert.strictEqual(unknownRead.diagnostics.cantRun.length, 1);
        const [v] = unknownRead.diagnostics.cantRun;
        assert.strictEqual(v.enforcementLevel, "advisory");
        assert.strictEqual(v.message, "can't run policy 'unknown-reader' from policy pack 'tiny-pack@v1.2.3' during preview: string value at .value can't be known during preview");
        assert.ok(unknownRead.violations.includes(v));
        assert.ok(isCantRun(v));

        const known = await session.analyzeResources([resource("test:index:Reader", "r", { value: "bad" })]);
        assert.deepStrictEqual(known.diagnostics.cantRun, []);
        assert.deepStrictEqual(verdicts(known.violations), ["unknown-reader@r:advisory"]);
    });

    it("gives the same results when a worker thread sends the requests, over a channel of its own", async () => {
        await session.configure({ "bucket-acl": "remediate" });
        const list = [
            provider,
            bucket("fixable", "public-read"),
            bucket("stuck", "public-read-write"),
            resource("test:index:Reader", "r", { value: unknownSentinels.string }),
            ...Array.from({ length: 20 }, (_, i) => resource("test:index:Echo", `e${String(i).padStart(2, "0")}`, { i })),
        ];
        const inThread = await session.analyzeResources(list);
        const streaming = new StreamingAnalysis(session);
        streaming.useWorker();
        // Fed as a program registers them: some before the worker has its channel, some after.
        list.slice(0, 3).forEach((r) => streaming.add(r));
        await new Promise((resolve) => setImmediate(resolve));
        list.slice(3).forEach((r) => streaming.add(r));
        const viaWorker = await streaming.finish(list);
        assert.strictEqual(streaming.sentByWorker, list.length);
        assert.ok(inThread.violations.length > 20 && inThread.remediated.size === 1 && inThread.diagnostics.cantRun.length === 1);
        assert.deepStrictEqual(viaWorker, inThread);
    });

    it("keeps resource order in its results while analyzing resources concurrently", async () => {
        await session.configure();
        const many: EngineResource[] = Array.from({ length: 40 }, (_, i) => resource("test:index:Echo", `e${String(i).padStart(2, "0")}`, { i }));
        const result = await session.analyzeResources(many);
        assert.deepStrictEqual(result.violations.map((v) => v.resourceUrn), many.map((r) => r.urn));
    });
});
