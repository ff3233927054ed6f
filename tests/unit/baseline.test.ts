import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { analyzePack, assertViolations, TestResource, validateResource } from "./helpers/policy-harness";
import {
    analyze, apiGatewayAccount, awsStage, compliantStack, httpApi, logGroup, nativeApi, nativeLogGroup, nativeStage, P,
    packPolicies, resourcePolicies, schemaDefaults, T, wsApi, wsStage,
} from "./helpers/fixtures";
import { repoRoot } from "../repo-root";

// The baseline every other test changes one thing in, and what the pack is:
// names, levels, metadata and config schemas.

describe("baseline fixtures", () => {
    it("the compliant stack has no violation from any policy", async () => {
        assertViolations(await analyze(compliantStack()), []);
    });

    const resources: [string, () => TestResource][] = [
        ["aws HTTP stage", awsStage], ["aws WebSocket stage", wsStage], ["aws-native stage with stageName", nativeStage],
        ["aws HTTP API", httpApi], ["aws WebSocket API", wsApi], ["aws-native API", nativeApi],
        ["aws log group with retention", logGroup], ["aws-native log group with an ARN ending in :*", nativeLogGroup],
        ["apigateway Account with a CloudWatch role", apiGatewayAccount],
    ];
    for (const [title, make] of resources) {
        it(`the ${title} passes every resource policy on its own`, async () => {
            for (const policy of resourcePolicies) {
                assertViolations((await validateResource(policy, make())).violations, []);
            }
        });
    }

    it("an empty stack has no violation", async () => {
        assertViolations(await analyze([]), []);
    });
});

describe("unrelated resource types are never reported", () => {
    const unrelated: [string, TestResource][] = [
        ["a REST stage without logging", { type: T.restStage, name: "rest-none", props: { restApi: "r", stageName: "prod" } }],
        ["a REST stage logging to Firehose", {
            type: T.restStage, name: "rest-firehose",
            props: { accessLogSettings: { destinationArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-x", format: "$context.httpMethod" } },
        }],
        ["a REST stage with an empty format", { type: T.restStage, name: "rest-empty", props: { accessLogSettings: { destinationArn: "x", format: "" } } }],
        ["a bucket", { type: T.bucket, name: "bucket", props: { bucket: "logs" } }],
        ["a bucket with stage-like props", { type: T.bucket, name: "bucket2", props: { accessLogSettings: "nope", target: "x", protocolType: "WEBSOCKET" } }],
        ["a REST API with a target-like prop", { type: "aws:apigateway/restApi:RestApi", name: "rest-api", props: { target: "x" } }],
        ["a log group without retention that no stage uses", { type: T.awsLogGroup, name: "unused", props: { name: "unused", arn: "arn:aws:logs:us-east-1:123456789012:log-group:unused" } }],
    ];
    for (const [title, r] of unrelated) {
        it(`${title}`, async () => {
            assertViolations(await analyze([...compliantStack(), r]), []);
        });
    }

    it("a stack of only unrelated resources, WebSocket-looking ones included, without an Account", async () => {
        assertViolations(await analyze(unrelated.map(([, r]) => r)), []);
    });
});

describe("the pack", () => {
    // Names, levels, kinds and severities are checked against the reference
    // table in docs/policies.md (tests/pack/docs-reference.test.ts), and what
    // the pack serves against the registry (tests/engine/pack-protocol.test.ts).

    it("registers every policy that policies/ defines, once, under a unique apigatewayv2- name", () => {
        // The sources name the files; the modules load from beside this test (policies/ under ts-node, bin/policies/ compiled).
        const defined = fs.readdirSync(path.join(repoRoot, "policies")).filter((f) => f.endsWith(".ts") && f !== "index.ts").flatMap((file) =>
            Object.values(require(path.join(__dirname, "..", "..", "policies", path.basename(file, ".ts"))) as Record<string, unknown>).filter((v): v is object =>
                v !== null && typeof v === "object" && typeof (v as { name?: unknown }).name === "string" &&
                ("validateResource" in v || "validateStack" in v)));
        assert.ok(defined.length > 0);
        for (const policy of defined) {
            assert.ok(packPolicies.includes(policy as typeof packPolicies[number]), `${(policy as { name: string }).name} is not in policies/index.ts`);
        }
        const names = packPolicies.map((p) => p.name);
        assert.strictEqual(new Set(names).size, names.length);
        for (const name of names) {
            assert.match(name, /^apigatewayv2-[a-z0-9-]+$/);
        }
    });

    it("no policy is both a resource and a stack policy (the SDK reports such a policy as a resource policy only)", () => {
        for (const p of packPolicies) {
            assert.ok(!("validateResource" in p && "validateStack" in p), p.name);
        }
    });

    it("index.ts builds the pack aws-apigatewayv2-access-logging from the registry, and lists no policy itself", () => {
        const source = fs.readFileSync(path.join(repoRoot, "index.ts"), "utf8");
        assert.match(source, /new PolicyPack\("aws-apigatewayv2-access-logging"/);
        assert.match(source, /^import \{ policies \} from "\.\/policies";$/m);
        assert.match(source, /^ {4}policies,$/m);
        assert.doesNotMatch(source, /from "\.\/policies\/[^"]+"/);
    });

    it("only the stage policy remediates", () => {
        assert.deepStrictEqual(packPolicies.filter((p) => "remediateResource" in p && p.remediateResource).map((p) => p.name), [P.stage]);
    });

    for (const p of packPolicies) {
        it(`${p.name} has a description, severity, remediationSteps, an AWS docs url and a config schema`, () => {
            assert.ok(p.description && p.description.length > 20);
            assert.ok(["low", "medium", "high", "critical"].includes(p.severity ?? ""), `severity ${p.severity}`);
            assert.ok(p.remediationSteps && p.remediationSteps.length > 20);
            assert.match(p.url ?? "", /^https:\/\/docs\.aws\.amazon\.com\//);
            assert.ok(p.configSchema && typeof p.configSchema.properties === "object");
            assert.ok(!("enforcementLevel" in (p.configSchema.properties ?? {})), "the SDK refuses enforcementLevel in properties");
            for (const [key, schema] of Object.entries(p.configSchema.properties ?? {})) {
                assert.ok(typeof (schema as any).type === "string", `${key} has a type`);
                assert.ok(typeof (schema as any).description === "string", `${key} has a description`);
            }
        });

        it(`${p.name} accepts the config the engine sends by default (schema defaults filled in)`, async () => {
            const v = await analyzePack([p], compliantStack(), { [p.name]: schemaDefaults(p) });
            assertViolations(v, []);
        });
    }

    it("documents the spec's defaults in the config schemas", () => {
        const defaults = Object.fromEntries(packPolicies.map((p) => [p.name, schemaDefaults(p)]));
        // Every policy also takes `exemptions`, empty by default, and `maxExemptionDays` (365).
        assert.deepStrictEqual(defaults[P.destination], { exemptions: [], maxExemptionDays: 365 });
        assert.deepStrictEqual(defaults[P.destinationAllowed], { allowedAccountIds: [], allowedRegions: [], logGroupNamePattern: "", exemptions: [], maxExemptionDays: 365 });
        assert.deepStrictEqual(defaults[P.format], { additionalVariables: [], exemptions: [], maxExemptionDays: 365 });
        assert.deepStrictEqual(defaults[P.fields], {
            requireJson: true, requiredVariables: ["requestId", "identity.sourceIp", "requestTime", "routeKey", "status"], exemptions: [], maxExemptionDays: 365,
        });
        assert.deepStrictEqual(defaults[P.retention], {
            minimumRetentionDays: 30, allowNeverExpire: false, requireKmsKey: false, requireDeletionProtection: false, allowedExternalLogGroups: [], exemptions: [], maxExemptionDays: 365,
        });
        assert.ok("maximumRetentionDays" in (packPolicies.find((p) => p.name === P.retention)!.configSchema!.properties ?? {}),
            "maximumRetentionDays is declared, without a default");
        assert.deepStrictEqual(defaults[P.protocol], { requireCloudWatchRoleInStack: true, requiredWebSocketVariables: ["connectionId", "eventType"], exemptions: [], maxExemptionDays: 365 });
        assert.deepStrictEqual(defaults[P.stage], { exemptions: [], maxExemptionDays: 365 });
        assert.deepStrictEqual(defaults[P.quickCreate], { exemptions: [], maxExemptionDays: 365 });
    });
});
