import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PackError } from "../../engine/protocol/pack-process";
import { PolicySession } from "../../engine/protocol/policy-session";
import { perViolationLevelProvenWith } from "../../lib/governance";
import { repoRoot, resource } from "./helpers";

// What a user of the real CLI sees when the CLI accepts a config (its schema
// check has no additionalProperties: false, and knows nothing of dates) and
// the pack rejects it: the SDK's context line, then one line naming the
// policy, the key and the nearest valid key; no stack trace. And the pack
// rejects it on the first resource of any type, not only on a stage.

const bucket = () => resource("aws:s3/bucket:Bucket", "assets", { bucket: "assets" });

async function failure(session: PolicySession): Promise<PackError> {
    try {
        await session.analyzeResources([bucket()]);
    } catch (e) {
        assert.ok(e instanceof PackError, String(e));
        return e;
    }
    assert.fail("expected the pack to reject the config");
}

describe("config the CLI accepts and the pack rejects, through the real pack process", () => {
    let session: PolicySession;
    before(async () => {
        session = await PolicySession.start({ packDir: repoRoot, preview: true, project: "proj", stack: "dev" });
    });
    after(async () => {
        await session.close();
    });

    it("a misspelled key: one readable line, naming the policy, the key and the nearest valid key, on a stack without any stage", async () => {
        await session.configure({ "apigatewayv2-access-log-format": { additionalVariable: ["identity.vpceId"] } }, "config", { strict: false });
        const e = await failure(session);
        const expected = 'invalid config for policy "apigatewayv2-access-log-format": "additionalVariable" is not a known key; did you mean "additionalVariables"?';
        // What the real CLI prints: the SDK's context line, then ours.
        assert.deepStrictEqual(e.details?.split("\n"), [
            "Error validating resource with policy 'apigatewayv2-access-log-format' from policy pack 'aws-apigatewayv2-access-logging@v0.1.0':",
            expected,
        ]);
        // What `npm run analyze` prints after "error: ".
        assert.strictEqual(e.message, expected);
    });

    it("a broken exemption date fails on a bucket, not only once a stage appears", async () => {
        const exemptions = [{ resources: ["legacy-stage"], reason: "migrating to the central group in Q3", expires: "2026-02-30" }];
        await session.configure({ "apigatewayv2-stage-access-logging": { exemptions } }, "config", { strict: false });
        const e = await failure(session);
        assert.match(e.message, /^invalid config for policy "apigatewayv2-stage-access-logging": "exemptions" entry \[0\]: "expires" "2026-02-30" is not a calendar date/);
    });

    it("a stack policy's bad config fails AnalyzeStack of a stack without any stage", async () => {
        await session.configure({ "apigatewayv2-access-log-destination-allowed": { allowedRegions: ["Europe"] } }, "config", { strict: false });
        const e = await failure(session);
        assert.match(e.message, /^invalid config for policy "apigatewayv2-access-log-destination-allowed": "allowedRegions" has an entry "Europe" that is not an AWS region/);
    });
});

describe("the per-violation level (exemptions at advisory) rests on an undocumented SDK form", () => {
    it(`the installed @pulumi/policy is ${perViolationLevelProvenWith}, the version the exemption protocol tests proved it with`, () => {
        // The published package.json spells it "v1.21.0".
        const installed = String(JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules", "@pulumi", "policy", "package.json"), "utf8")).version).replace(/^v/, "");
        assert.strictEqual(installed, perViolationLevelProvenWith,
            "@pulumi/policy changed: rerun tests/engine/governance-protocol.test.ts (exemptions), check server.js makeReportViolationFun still takes {message, enforcementLevel}, then update perViolationLevelProvenWith in lib/governance.ts");
    });
});
