import * as assert from "assert";
import { setClock } from "../../lib/governance";
import { accessLogDestination } from "../../policies/access-log-destination";
import { accessLogFormat } from "../../policies/access-log-format";
import { accessLogFormatFields } from "../../policies/access-log-format-fields";
import { accessLogGroupRetention } from "../../policies/access-log-group-retention";
import { accessLogProtocol } from "../../policies/access-log-protocol";
import { quickCreateApi } from "../../policies/quick-create-api";
import { stageAccessLogging } from "../../policies/stage-access-logging";
import { assertMessageShape } from "./helpers/assertions";
import {
    awsStage, compliantStack, httpApi, logGroup, nativeStage, P, packPolicies, replaceIn, resourcePolicies, stackPolicies, T,
    unknownSentinels, withName, withProp, without,
} from "./helpers/fixtures";
import { remediateResource, resourceUrn, TestResource, validateResource, validateStack } from "./helpers/policy-harness";

// Governance in Pulumi Cloud: a policy that did not evaluate a resource says
// so (notApplicable) instead of passing it, and `exemptions` let one resource
// through until a date, reported as advisory. The clock is injected: no test
// here depends on today's date.

const stageTypesReason = "Policy only applies to resources of type 'aws:apigatewayv2/stage:Stage' or 'aws-native:apigatewayv2:Stage'";
const apiTypesReason = "Policy only applies to resources of type 'aws:apigatewayv2/api:Api' or 'aws-native:apigatewayv2:Api'";
const bucket: TestResource = { type: T.bucket, name: "assets", props: { bucket: "assets", acl: "private" } };
const restStage: TestResource = { type: T.restStage, name: "rest", props: { stageName: "prod" } };

const reason = "Partner integration, migrating to the new stage in Q3";

function withClock(iso: string): void {
    let restore: (() => void) | undefined;
    beforeEach(() => {
        restore = setClock(() => new Date(iso));
    });
    afterEach(() => restore?.());
}

describe("governance: not applicable is reported, never counted as a pass", () => {
    describe("resource types a policy does not check", () => {
        for (const policy of resourcePolicies) {
            const reasonOfType = policy.name === P.quickCreate ? apiTypesReason : stageTypesReason;
            for (const r of [bucket, restStage]) {
                it(`${policy.name} on ${r.type}: notApplicable naming the types it checks`, async () => {
                    const result = await validateResource(policy, r);
                    assert.deepStrictEqual(result, { violations: [], notApplicable: [{ policy: policy.name, reason: reasonOfType }] });
                });
            }
        }
        it("apigatewayv2-quick-create-api on a stage, and the stage policies on an API: notApplicable", async () => {
            assert.deepStrictEqual((await validateResource(quickCreateApi, awsStage())).notApplicable, [{ policy: P.quickCreate, reason: apiTypesReason }]);
            assert.deepStrictEqual((await validateResource(stageAccessLogging, httpApi())).notApplicable, [{ policy: P.stage, reason: stageTypesReason }]);
        });
    });

    describe("a stage every policy evaluates and finds compliant returns normally", () => {
        for (const policy of resourcePolicies.filter((p) => p.name !== P.quickCreate)) {
            for (const stage of [awsStage(), nativeStage()]) {
                it(`${policy.name} on ${stage.type}`, async () => {
                    assert.deepStrictEqual(await validateResource(policy, stage), { violations: [], notApplicable: [] });
                });
            }
        }
        it("apigatewayv2-quick-create-api on an API without target", async () => {
            assert.deepStrictEqual(await validateResource(quickCreateApi, httpApi()), { violations: [], notApplicable: [] });
        });
        for (const policy of stackPolicies) {
            it(`${policy.name} on the compliant stack`, async () => {
                // The allowed-destination rules are empty by default: set one the stack meets.
                const config = policy.name === P.destinationAllowed ? { allowedRegions: ["us-east-1"] } : {};
                assert.deepStrictEqual(await validateStack(policy, compliantStack(), config), { violations: [], notApplicable: [] });
            });
        }
    });

    describe("a stage whose defect another policy owns", () => {
        const noLogging = withProp(awsStage(), ["accessLogSettings"], undefined);
        it("no logging: only apigatewayv2-stage-access-logging reports it; destination, format and fields say not applicable", async () => {
            assert.strictEqual((await validateResource(stageAccessLogging, noLogging)).violations.length, 1);
            for (const policy of [accessLogDestination, accessLogFormat, accessLogFormatFields]) {
                const result = await validateResource(policy, noLogging);
                assert.deepStrictEqual(result.violations, [], policy.name);
                assert.strictEqual(result.notApplicable.length, 1, policy.name);
                assert.match(result.notApplicable[0].reason!, /no access logging to check; apigatewayv2-stage-access-logging reports that/);
            }
        });
        it("a destination but an empty format: the format policies say not applicable, the destination policy evaluates it", async () => {
            const blankFormat = withProp(awsStage(), ["accessLogSettings", "format"], " ");
            assert.deepStrictEqual(await validateResource(accessLogDestination, blankFormat), { violations: [], notApplicable: [] });
            for (const policy of [accessLogFormat, accessLogFormatFields]) {
                const result = await validateResource(policy, blankFormat);
                assert.match(result.notApplicable[0]?.reason ?? "", /no usable accessLogSettings.format to check; apigatewayv2-stage-access-logging/);
            }
        });
        it("a malformed destination ARN: reported by the destination policy, the retention policy (a stack policy) has no stage to check", async () => {
            const badArn = withProp(awsStage(), ["accessLogSettings", "destinationArn"], "arn:aws:firehose:us-east-1:123456789012:deliverystream/x");
            const stack = [httpApi(), logGroup(), badArn];
            assert.strictEqual((await validateResource(accessLogDestination, badArn)).violations.length, 1);
            const retention = await validateStack(accessLogGroupRetention, stack);
            assert.deepStrictEqual(retention.violations, []);
            assert.match(retention.notApplicable[0]?.reason ?? "", /No stage of the stack writes to a valid log-group ARN/);
        });
    });

    describe("a value still unknown in preview", () => {
        it("an unknown destination: the destination policy and the stage policy say not applicable until the update; the format policies evaluate", async () => {
            const preview = withProp(awsStage(), ["accessLogSettings", "destinationArn"], unknownSentinels.string);
            for (const policy of [accessLogDestination, stageAccessLogging]) {
                const result = await validateResource(policy, preview);
                assert.deepStrictEqual(result.violations, []);
                assert.match(result.notApplicable[0]?.reason ?? "", /accessLogSettings.destinationArn is unknown until the update/, policy.name);
            }
            for (const policy of [accessLogFormat, accessLogFormatFields]) {
                assert.deepStrictEqual(await validateResource(policy, preview), { violations: [], notApplicable: [] }, policy.name);
            }
        });
        it("unknown accessLogSettings as a whole: every stage policy says not applicable", async () => {
            const preview = withProp(awsStage(), ["accessLogSettings"], unknownSentinels.object);
            for (const policy of [stageAccessLogging, accessLogDestination, accessLogFormat, accessLogFormatFields]) {
                assert.match((await validateResource(policy, preview)).notApplicable[0]?.reason ?? "", /accessLogSettings is unknown until the update/, policy.name);
            }
        });
        it("an unknown destination with a missing format: the violation is reported, not 'not applicable'", async () => {
            const stage = withProp(withProp(awsStage(), ["accessLogSettings", "destinationArn"], unknownSentinels.string), ["accessLogSettings", "format"], undefined);
            const result = await validateResource(stageAccessLogging, stage);
            assert.strictEqual(result.violations.length, 1);
            assert.deepStrictEqual(result.notApplicable, []);
        });
        it("the retention policy waits for the update when no stage's unknown destination is linked to a log group", async () => {
            const stage = withProp(awsStage(), ["accessLogSettings", "destinationArn"], unknownSentinels.string);
            const unlinked = { ...stage, propertyDependencies: { apiId: [resourceUrn(httpApi())] } };
            const result = await validateStack(accessLogGroupRetention, [httpApi(), logGroup(), unlinked]);
            assert.deepStrictEqual(result.violations, []);
            assert.match(result.notApplicable[0]?.reason ?? "", /unknown until the update/);
            // Linked through the property dependency, it is evaluated (and passes).
            assert.deepStrictEqual(await validateStack(accessLogGroupRetention, [httpApi(), logGroup(), stage]), { violations: [], notApplicable: [] });
        });
    });

    describe("stack policies on a stack with no stage they would check", () => {
        for (const policy of stackPolicies) {
            it(`${policy.name} on a stack of buckets: notApplicable`, async () => {
                const result = await validateStack(policy, [bucket, restStage]);
                assert.deepStrictEqual(result, {
                    violations: [],
                    notApplicable: [{ policy: policy.name, reason: "The stack has no API Gateway V2 stage ('aws:apigatewayv2/stage:Stage' or 'aws-native:apigatewayv2:Stage')" }],
                });
            });
        }
        it("apigatewayv2-access-log-protocol when the stage's API is not in the stack: notApplicable", async () => {
            const result = await validateStack(accessLogProtocol, without(compliantStack(), "http-api").filter((r) => r.name === "http-stage" || r.type === T.awsLogGroup));
            assert.deepStrictEqual(result.violations, []);
            assert.match(result.notApplicable[0]?.reason ?? "", /No stage of the stack has access logging and an API of this stack/);
        });
        it("a stack policy that reports a violation does not also say not applicable", async () => {
            const forever = withProp(logGroup(), ["retentionInDays"], undefined);
            const result = await validateStack(accessLogGroupRetention, replaceIn(compliantStack(), forever));
            assert.ok(result.violations.length > 0);
            assert.deepStrictEqual(result.notApplicable, []);
        });
    });
});

describe("governance: exemptions with a reason and an expiry date", () => {
    const legacy = withName(withProp(awsStage(), ["accessLogSettings"], undefined), "legacy-stage");
    const exemptLegacy = (expires: string, resources = ["legacy-stage"]) => ({ exemptions: [{ resources, reason, expires }] });

    describe("while the exemption holds (clock: 2030-06-30, the last day)", () => {
        withClock("2030-06-30T23:59:59Z");

        it("reports the violation at advisory, starting with the date and the quoted reason, then the usual text", async () => {
            const [v] = (await validateResource(stageAccessLogging, legacy, exemptLegacy("2030-06-30"))).violations;
            assert.strictEqual(v.enforcementLevel, "advisory");
            const lines = v.message.split("\n");
            assert.strictEqual(lines[0], `Exempt until 2030-06-30: "${reason}"`);
            assert.strictEqual(lines[1], stageAccessLogging.description);
            assert.match(lines[2], /Stage "legacy-stage" has no access logging/);
            assert.match(lines[3], /^Fix on an HTTP API: /);
        });

        it("matches by name pattern and by full URN pattern", async () => {
            for (const pattern of ["legacy-*", "*-stage", resourceUrn(legacy), "urn:pulumi:test::apigw-project::aws:apigatewayv2/stage:Stage::legacy-*"]) {
                const [v] = (await validateResource(stageAccessLogging, legacy, exemptLegacy("2030-06-30", [pattern]))).violations;
                assert.strictEqual(v.enforcementLevel, "advisory", pattern);
            }
        });

        it("leaves other resources and other policies' exemptions alone", async () => {
            const other = withName(legacy, "new-stage");
            const [v] = (await validateResource(stageAccessLogging, other, exemptLegacy("2030-06-30"))).violations;
            assert.strictEqual(v.enforcementLevel, "mandatory");
            assertMessageShape(v, "\"new-stage\"");
            // An exemption on the format policy does not touch the stage policy.
            const [w] = (await validateResource(stageAccessLogging, legacy, {})).violations;
            assert.strictEqual(w.enforcementLevel, "mandatory");
        });

        it("reads a changed config afresh: one policy object through exempt, not exempt, a bad config, and its own keys", async () => {
            // The config is checked once while it stays the same; each change must still take effect.
            const level = async (config: Record<string, unknown>) => (await validateResource(stageAccessLogging, legacy, config)).violations[0].enforcementLevel;
            assert.strictEqual(await level(exemptLegacy("2030-06-30")), "advisory");
            assert.strictEqual(await level({}), "mandatory");
            await assert.rejects(validateResource(stageAccessLogging, legacy, { exemptions: [{ resources: ["legacy-stage"], reason: "short", expires: "2030-06-30" }] }), /"reason" "short" is too short/);
            assert.strictEqual(await level(exemptLegacy("2030-06-30")), "advisory");
            const json = withName(withProp(awsStage(), ["accessLogSettings", "format"], "$context.requestId $context.status"), "legacy-stage");
            // [exempt, reports the JSON shape] per violation: both the exemptions and the policy's own keys follow each change.
            const fields = async (config: Record<string, unknown>) => (await validateResource(accessLogFormatFields, json, config)).violations
                .map((v) => [v.message.startsWith("Exempt until"), v.message.includes("not valid JSON")]);
            assert.deepStrictEqual(await fields({ requireJson: true, ...exemptLegacy("2030-06-30") }), [[true, true]]);
            assert.deepStrictEqual(await fields({ requireJson: false, ...exemptLegacy("2030-06-30") }), [[true, false]]);
            assert.deepStrictEqual(await fields({ requireJson: false }), [[false, false]]);
            assert.deepStrictEqual(await fields({ requireJson: true }), [[false, true]]);
            await assert.rejects(validateResource(accessLogFormatFields, json, { requireJson: "yes" }), /requireJson/);
        });

        it("never raises a level: an advisory policy's exempted violation stays advisory", async () => {
            const json = withName(withProp(awsStage(), ["accessLogSettings", "format"], "$context.requestId $context.status"), "legacy-stage");
            const [v] = (await validateResource(accessLogFormatFields, json, exemptLegacy("2030-06-30"))).violations;
            assert.strictEqual(v.enforcementLevel, "advisory");
            assert.match(v.message, /^Exempt until 2030-06-30: /);
        });

        it("applies to stack policies on the stage's URN", async () => {
            const forever = withProp(logGroup(), ["retentionInDays"], undefined);
            const stack = replaceIn(compliantStack(), forever);
            const plain = await validateStack(accessLogGroupRetention, stack);
            const stages = plain.violations.map((v) => v.resource).sort();
            assert.deepStrictEqual(stages, ["http-stage", "ws-stage"]);
            const exempted = await validateStack(accessLogGroupRetention, stack, exemptLegacy("2030-06-30", ["http-*"]));
            assert.deepStrictEqual(exempted.violations.map((v) => `${v.resource}:${v.enforcementLevel}`).sort(), ["http-stage:advisory", "ws-stage:mandatory"]);
            assert.match(exempted.violations.find((v) => v.resource === "http-stage")!.message, /^Exempt until 2030-06-30: .*\n.*\nStage "http-stage" logs to log group/);
        });

        it("leaves an exempted resource unchanged in remediate mode, and still remediates others", async () => {
            const noFormat = withName(withProp(awsStage(), ["accessLogSettings", "format"], undefined), "legacy-stage");
            const exempted = await remediateResource(stageAccessLogging, noFormat, { enforcementLevel: "remediate", ...exemptLegacy("2030-06-30") });
            assert.strictEqual(exempted.props, undefined);
            assert.match(exempted.notApplicable ?? "", /^Exempt until 2030-06-30: .*; not remediated$/);
            const other = await remediateResource(stageAccessLogging, withName(noFormat, "new-stage"), { enforcementLevel: "remediate", ...exemptLegacy("2030-06-30") });
            assert.ok(other.props !== undefined, "a stage without an exemption is remediated");
            // What Analyze then reports for the exempted stage: advisory, although the level is remediate (reported as mandatory).
            const [v] = (await validateResource(stageAccessLogging, noFormat, { enforcementLevel: "remediate", ...exemptLegacy("2030-06-30") })).violations;
            assert.strictEqual(v.enforcementLevel, "advisory");
        });

        it("does nothing for a compliant resource it names (the policy passes it)", async () => {
            assert.deepStrictEqual(await validateResource(stageAccessLogging, withName(awsStage(), "legacy-stage"), exemptLegacy("2030-06-30")),
                { violations: [], notApplicable: [] });
        });
    });

    describe("after the date (clock: 2030-07-01, the next day)", () => {
        withClock("2030-07-01T00:00:00Z");

        it("reports the violation at its configured level, saying the exemption expired", async () => {
            const [v] = (await validateResource(stageAccessLogging, legacy, exemptLegacy("2030-06-30"))).violations;
            assert.strictEqual(v.enforcementLevel, "mandatory");
            assert.match(v.message, /^Stage "legacy-stage" has no access logging .* \(exemption expired 2030-06-30\)\nFix on an HTTP API: /);
            assertMessageShape(v, "\"legacy-stage\"");
        });

        it("remediates the resource again", async () => {
            const noFormat = withName(withProp(awsStage(), ["accessLogSettings", "format"], undefined), "legacy-stage");
            const result = await remediateResource(stageAccessLogging, noFormat, exemptLegacy("2030-06-30"));
            assert.ok(result.props !== undefined);
        });
    });

    describe("config errors name the policy, the entry and the problem", () => {
        for (const policy of packPolicies) {
            it(`${policy.name} rejects a short reason`, async () => {
                const config = { exemptions: [{ resources: ["x"], reason: "legacy", expires: "2030-01-01" }] };
                const run = "validateStack" in policy ? validateStack(policy, compliantStack(), config) : validateResource(policy, policy.name === P.quickCreate ? httpApi() : awsStage(), config);
                await assert.rejects(run, new RegExp(`invalid config for policy "${policy.name}": "exemptions" entry \\[0\\]: "reason" "legacy" is too short`));
            });
        }
    });

    describe("narrow and short: no match-all pattern, no end date past maxExemptionDays (clock: 2030-06-30)", () => {
        withClock("2030-06-30T08:00:00Z");
        const run = (policy: (typeof packPolicies)[number], config: Record<string, unknown>) =>
            "validateStack" in policy ? validateStack(policy, compliantStack(), config) : validateResource(policy, policy.name === P.quickCreate ? httpApi() : awsStage(), config);

        for (const policy of packPolicies) {
            it(`${policy.name} rejects "urn:pulumi:*" and an end date a year and a day away, and takes maxExemptionDays`, async () => {
                await assert.rejects(run(policy, exemptLegacy("2030-12-31", ["legacy-stage", "urn:pulumi:*"])),
                    new RegExp(`invalid config for policy "${policy.name}": "exemptions" entry \\[0\\]: "resources" entry "urn:pulumi:\\*" matches every resource; .*enforcementLevel`));
                await assert.rejects(run(policy, exemptLegacy("2031-07-01")),
                    new RegExp(`invalid config for policy "${policy.name}": "exemptions" entry \\[0\\]: "expires" 2031-07-01 is more than maxExemptionDays \\(365\\) days away; the latest allowed is 2031-06-30`));
                await run(policy, exemptLegacy("2031-06-30"));
                await run(policy, { ...exemptLegacy("2032-06-30"), maxExemptionDays: 731 });
                await assert.rejects(run(policy, { ...exemptLegacy("2030-08-01"), maxExemptionDays: 30 }), /maxExemptionDays \(30\) days away; the latest allowed is 2030-07-30/);
            });
        }

        it("a pattern matching several resources still exempts each of them", async () => {
            for (const name of ["legacy-a", "legacy-b"]) {
                const [v] = (await validateResource(stageAccessLogging, withName(legacy, name), exemptLegacy("2030-07-07", ["legacy-*"]))).violations;
                assert.strictEqual(v.enforcementLevel, "advisory", name);
            }
        });
    });

    it("every policy publishes maxExemptionDays, an integer defaulting to 365", () => {
        for (const policy of packPolicies) {
            const schema = policy.configSchema?.properties?.maxExemptionDays as { type?: string; default?: unknown; minimum?: number } | undefined;
            assert.deepStrictEqual([schema?.type, schema?.default, schema?.minimum], ["integer", 365, 1], policy.name);
        }
    });

    it("every policy publishes the exemptions key in its schema, defaulting to none", () => {
        for (const policy of packPolicies) {
            const schema = policy.configSchema?.properties?.exemptions as { type?: string; default?: unknown; items?: { required?: string[] } } | undefined;
            assert.ok(schema !== undefined, policy.name);
            assert.strictEqual(schema.type, "array");
            assert.deepStrictEqual(schema.default, []);
            assert.deepStrictEqual(schema.items?.required, ["resources", "reason", "expires"]);
        }
    });
});
