import * as assert from "assert";
import { PackError } from "../../engine/protocol/pack-process";
import { AnalyzeResourcesResult, PolicySession } from "../../engine/protocol/policy-session";
import { secret, secretSig, specialSigKey } from "../../engine/resource-model";
import { analyzeChecked, repoRoot, verdicts } from "./helpers";
import { compliantHttp, goodFormat, logGroupArn, StackBuilder } from "./scenarios";

// The real pack through the driver in an update: every output is known, so
// log groups are matched by ARN; config reaches the policies through
// Configure, and remediation goes through Remediate.

const stagePolicy = "apigatewayv2-stage-access-logging";
const retention = "apigatewayv2-access-log-group-retention";
const destination = "apigatewayv2-access-log-destination-allowed";

describe("pack protocol: the real pack in an update", () => {
    let session: PolicySession;

    before(async () => {
        session = await PolicySession.start({ packDir: repoRoot, preview: false, project: "proj", stack: "dev" });
    });
    after(async () => {
        await session.close();
    });

    const analyze = (s: StackBuilder, config?: unknown): Promise<AnalyzeResourcesResult> => analyzeChecked(session, s.resources, config);

    it("passes a compliant HTTP API with known ARNs", async () => {
        const s = compliantHttp("update");
        assert.match((s.resources[4].inputs.accessLogSettings as any).destinationArn, /^arn:aws:logs:us-east-1:123456789012:log-group:access-logs-/);
        assert.deepStrictEqual((await analyze(s)).violations, []);
    });

    it("matches a log group without retention by its known ARN, without property dependencies", async () => {
        const s = new StackBuilder("update");
        const lg = s.logGroup("forever", {});
        s.stage("by-arn", s.api("api", "HTTP"), { logGroup: lg, format: goodFormat, recordDependency: false });
        assert.deepStrictEqual(verdicts((await analyze(s)).violations), [`${retention}@by-arn:mandatory`]);
    });

    it("reports a log group managed elsewhere unless config allows it", async () => {
        const s = new StackBuilder("update");
        const external = logGroupArn("/shared/api-access");
        s.stage("external", s.api("api", "HTTP"), { destinationArn: external, format: goodFormat });
        const r = await analyze(s);
        assert.deepStrictEqual(verdicts(r.violations), [`${retention}@external:mandatory`]);
        assert.match(r.violations[0].message, /not managed in this stack/);
        assert.deepStrictEqual((await analyze(s, { [retention]: { allowedExternalLogGroups: ["arn:aws:logs:us-east-1:123456789012:log-group:/shared/*"] } })).violations, []);
    });

    it("delivers retention bounds and requireKmsKey through Configure", async () => {
        const s = compliantHttp("update");
        const v = verdicts((await analyze(s, { [retention]: { minimumRetentionDays: 90, requireKmsKey: true } })).violations);
        assert.deepStrictEqual(v, [`${retention}@orders-stage:mandatory`]);
        const r = await analyze(s, { [retention]: { minimumRetentionDays: 90, requireKmsKey: true } });
        assert.match(r.violations[0].message, /less than the required 90/);
        assert.match(r.violations[0].message, /kmsKeyId is not set/);
    });

    it("delivers destination restrictions through Configure", async () => {
        const s = new StackBuilder("update");
        s.logGroup("eu-logs");
        s.stage("eu", s.api("api", "HTTP"), { destinationArn: logGroupArn("eu-logs-1a2b3c4", "eu-west-1"), format: goodFormat });
        const r = await analyze(s, { [destination]: { allowedRegions: ["us-east-1"] }, [retention]: "disabled" });
        assert.deepStrictEqual(verdicts(r.violations), [`${destination}@eu:mandatory`]);
        assert.match(r.violations[0].message, /region eu-west-1, which is not in allowedRegions/);
    });

    it("applies \"all\" and lets a policy's own level override it", async () => {
        const s = new StackBuilder("update");
        const lg = s.logGroup("forever", {});
        const api = s.api("api", "HTTP");
        s.stage("plain", api, undefined);
        s.stage("bound", api, { logGroup: lg, format: goodFormat });
        assert.deepStrictEqual(verdicts((await analyze(s)).violations), [`${retention}@bound:mandatory`, `${stagePolicy}@plain:mandatory`]);
        assert.deepStrictEqual((await analyze(s, { all: "disabled" })).violations, []);
        assert.deepStrictEqual(verdicts((await analyze(s, { all: "advisory", [retention]: "mandatory" })).violations),
            [`${retention}@bound:mandatory`, `${stagePolicy}@plain:advisory`]);
    });

    it("remediates a stage that has a destination but no format, through Remediate", async () => {
        const s = new StackBuilder("update");
        const lg = s.logGroup("logs");
        const stage = s.stage("no-format", s.api("api", "HTTP"), { logGroup: lg });
        const before = verdicts((await analyze(s)).violations);
        assert.deepStrictEqual(before, [`${stagePolicy}@no-format:mandatory`]);

        await session.configure({ [stagePolicy]: "remediate" });
        const direct = await session.remediate(stage);
        const fixed = direct.properties!.accessLogSettings as Record<string, unknown>;
        assert.strictEqual(fixed.destinationArn, (stage.inputs.accessLogSettings as any).destinationArn);
        assert.match(String(fixed.format), /\$context\.requestId/);

        const r = await analyze(s, { [stagePolicy]: "remediate" });
        assert.deepStrictEqual(r.violations, []);
        assert.deepStrictEqual([...r.remediated.keys()], [stage.urn]);
        assert.deepStrictEqual(r.diagnostics.remediations.map((x) => x.policyName), [stagePolicy]);
    });

    it("keeps a secret accessLogSettings secret through remediation", async () => {
        const s = new StackBuilder("update");
        const lg = s.logGroup("logs");
        const stage = s.stage("secret-settings", s.api("api", "HTTP"), undefined, { accessLogSettings: secret({ destinationArn: lg.outputs.arn }) });
        await session.configure({ [stagePolicy]: "remediate" });
        const { properties } = await session.remediate(stage);
        const settings = properties!.accessLogSettings as Record<string, any>;
        assert.strictEqual(settings[specialSigKey], secretSig);
        assert.match(settings.value.format, /\$context\.requestId/);
        assert.deepStrictEqual((await analyze(s, { [stagePolicy]: "remediate" })).violations, []);
    });

    it("leaves a stage it cannot fix reported as mandatory at the remediate level", async () => {
        const s = new StackBuilder("update");
        s.stage("nothing", s.api("api", "HTTP"), undefined);
        assert.deepStrictEqual(verdicts((await analyze(s, { [stagePolicy]: "remediate" })).violations), [`${stagePolicy}@nothing:mandatory`]);
    });

    it("fails with one line naming the policy, the key and the problem when the pack rejects config", async () => {
        await session.configure({ [retention]: { minimumRetentionDays: 400, maximumRetentionDays: 30 } });
        await assert.rejects(session.analyzeResources(compliantHttp("update").resources), (e: unknown) => {
            assert.ok(e instanceof PackError);
            assert.ok(!/[\r\n]/.test(e.message));
            assert.match(e.message, /invalid config for policy "apigatewayv2-access-log-group-retention": "minimumRetentionDays" \(400\) is greater than maximumRetentionDays \(30\)/);
            return true;
        });
        // The same session keeps working once the config is fixed.
        assert.deepStrictEqual((await analyze(compliantHttp("update"))).violations, []);
    });
});
