import * as assert from "assert";
import { accessLogGroupRetention } from "../../policies/access-log-group-retention";
import {
    accountId, analyze, awsStage, compliantStack, logGroup, logGroupArn, logGroupName, nativeLogGroup, nativeLogGroupArn,
    nativeStage, otherAccountId, P, replaceIn, secret, unknownSentinels, withProp, withPropertyDependencies, wsStage,
} from "./helpers/fixtures";
import { assertViolations, resourceUrn, TestResource, validateStack } from "./helpers/policy-harness";
import { assertConfigError } from "./helpers/assertions";

// apigatewayv2-access-log-group-retention: the stage's destination log group
// must be in this stack with retention. Matching follows the spec:
// (1) unknown ARN -> propertyDependencies["accessLogSettings"];
// (2) known ARNs equal, ignoring a trailing ":*"; same name in another
//     account or region is NOT a match;
// (3) log group ARN unknown -> compare names.
// Every violation is reported on the stage's URN.

const destination = ["accessLogSettings", "destinationArn"];

function retentionRun(stack: readonly TestResource[], config: Record<string, unknown> = {}) {
    return validateStack(accessLogGroupRetention, stack, config).then((r) => r.violations);
}

function stackWith(...changes: TestResource[]): TestResource[] {
    return replaceIn(compliantStack(), ...changes);
}

/** The compliant stack with logGroup()'s retention changed (it serves http-stage and ws-stage). */
function withRetention(days: unknown): TestResource[] {
    return stackWith(withProp(logGroup(), ["retentionInDays"], days));
}

const sharedGroupStages: [string, string][] = [[P.retention, "http-stage"], [P.retention, "ws-stage"]];

describe("apigatewayv2-access-log-group-retention", () => {
    describe("matching a stage to its log group", () => {
        it("matches equal known ARNs (the baseline stack is compliant)", async () => {
            assertViolations(await retentionRun(compliantStack()), []);
        });

        it("matches a stage ARN with :* to an aws log group ARN without it", async () => {
            const stage = withProp(awsStage(), destination, `${logGroupArn}:*`);
            assertViolations(await retentionRun(stackWith(stage)), []);
        });

        it("matches a stage ARN without :* to an aws-native log group ARN with it", async () => {
            const stage = withProp(nativeStage(), destination, nativeLogGroupArn.slice(0, -2));
            assertViolations(await retentionRun(stackWith(stage)), []);
        });

        it("matches by known ARN alone, without any propertyDependencies", async () => {
            const stage = withPropertyDependencies(awsStage(), {});
            const group = withProp(logGroup(), ["retentionInDays"], 7);
            assertViolations(await retentionRun(stackWith(stage, group)), sharedGroupStages);
        });

        it("preview: matches an unknown destination through propertyDependencies.accessLogSettings", async () => {
            const stage = withProp(awsStage(), destination, unknownSentinels.string);
            const group = withProp(withProp(logGroup(), ["arn"], unknownSentinels.string), ["retentionInDays"], 7);
            const v = await retentionRun(stackWith(stage, group));
            // ws-stage still has a known ARN, but the group's ARN is unknown: it matches by name.
            assertViolations(v, sharedGroupStages);
        });

        it("preview: matches through propertyDependencies even when the group's ARN and name are both unknown", async () => {
            const stage = withProp(awsStage(), destination, unknownSentinels.string);
            let group = withProp(logGroup(), ["arn"], unknownSentinels.string);
            group = withProp(group, ["name"], unknownSentinels.string);
            group = withProp(group, ["retentionInDays"], 1);
            const v = await retentionRun(stackWith(stage, group));
            assertViolations(v, sharedGroupStages);
        });

        it("preview: a compliant group found through propertyDependencies is accepted", async () => {
            const stage = withProp(awsStage(), destination, unknownSentinels.string);
            const group = withProp(withProp(logGroup(), ["arn"], unknownSentinels.string), ["name"], unknownSentinels.string);
            assertViolations(await retentionRun(stackWith(stage, group)), []);
        });

        it("preview: defers an unknown destination with no log group among its propertyDependencies", async () => {
            const stage = withPropertyDependencies(withProp(awsStage(), destination, unknownSentinels.string), {});
            assertViolations(await retentionRun(stackWith(stage)), []);
        });

        it("preview: matches an aws-native stage to an aws-native log group through propertyDependencies", async () => {
            const stage = withProp(nativeStage(), destination, unknownSentinels.string);
            const group = withProp(withProp(nativeLogGroup(), ["arn"], unknownSentinels.string), ["retentionInDays"], 3);
            assertViolations(await retentionRun(stackWith(stage, group)), [[P.retention, "native-stage"]]);
        });

        it("matches by name when the log group's ARN is unknown and the stage's ARN is known", async () => {
            const stage = withPropertyDependencies(awsStage(), {});
            const group = withProp(withProp(logGroup(), ["arn"], unknownSentinels.string), ["retentionInDays"], 5);
            assertViolations(await retentionRun(stackWith(stage, group)), sharedGroupStages);
        });

        it("matches an aws-native log group by logGroupName when its ARN is unknown", async () => {
            const stage = withPropertyDependencies(nativeStage(), {});
            const group = withProp(withProp(nativeLogGroup(), ["arn"], unknownSentinels.string), ["retentionInDays"], 5);
            assertViolations(await retentionRun(stackWith(stage, group)), [[P.retention, "native-stage"]]);
        });

        it("DECOY: a log group with the same name in another account is not a match; the stage is reported as logging outside the stack", async () => {
            const otherAccountArn = `arn:aws:logs:us-east-1:${otherAccountId}:log-group:${logGroupName}`;
            const stage = withPropertyDependencies(withProp(awsStage(), destination, otherAccountArn), {});
            const v = await retentionRun(stackWith(stage));
            assertViolations(v, [[P.retention, "http-stage"]]);
            assert.match(v[0].message, /not managed in this stack/);
            assert.ok(v[0].message.includes(otherAccountId));
        });

        it("DECOY: still not a match when the stage lists the same-name group in its propertyDependencies", async () => {
            const otherAccountArn = `arn:aws:logs:us-east-1:${otherAccountId}:log-group:${logGroupName}`;
            const v = await retentionRun(stackWith(withProp(awsStage(), destination, otherAccountArn)));
            assertViolations(v, [[P.retention, "http-stage"]]);
            assert.match(v[0].message, /not managed in this stack/);
        });

        it("DECOY: a compliant same-name group in the stack does not vouch for another account's group (whole pack)", async () => {
            const otherAccountArn = `arn:aws:logs:us-east-1:${otherAccountId}:log-group:${logGroupName}`;
            const v = await analyze(stackWith(withPropertyDependencies(withProp(awsStage(), destination, otherAccountArn), { apiId: awsStage().propertyDependencies!.apiId })));
            assertViolations(v, [[P.retention, "http-stage"]]);
        });

        it("a log group with the same name in another region (known ARN) is not a match", async () => {
            const otherRegionArn = `arn:aws:logs:eu-west-1:${accountId}:log-group:${logGroupName}`;
            const stage = withPropertyDependencies(withProp(awsStage(), destination, otherRegionArn), {});
            assertViolations(await retentionRun(stackWith(stage)), [[P.retention, "http-stage"]]);
        });

        it("a log group with the same name whose ARN is unknown but whose region is another is not a match", async () => {
            let group = withProp(logGroup(), ["arn"], unknownSentinels.string);
            group = withProp(group, ["region"], "eu-west-1");
            const stage = withPropertyDependencies(awsStage(), {});
            const v = await retentionRun(stackWith(stage, group));
            // http-stage has no link left; ws-stage still lists the group in its propertyDependencies,
            // but a known ARN in us-east-1 cannot be the eu-west-1 group either.
            assertViolations(v, [[P.retention, "http-stage"], [P.retention, "ws-stage"]]);
        });

        it("a log group of another partition with the same account and name is not a match", async () => {
            const govArn = `arn:aws-us-gov:logs:us-gov-west-1:${accountId}:log-group:${logGroupName}`;
            const stage = withPropertyDependencies(withProp(awsStage(), destination, govArn), {});
            assertViolations(await retentionRun(stackWith(stage)), [[P.retention, "http-stage"]]);
        });

        it("reports a destination whose log group is not in the stack at all", async () => {
            const external = `arn:aws:logs:us-east-1:${accountId}:log-group:managed-elsewhere`;
            const stage = withPropertyDependencies(withProp(awsStage(), destination, external), {});
            const v = await retentionRun(stackWith(stage));
            assertViolations(v, [[P.retention, "http-stage"]]);
            assert.match(v[0].message, /managed-elsewhere/);
        });

        it("reports on the STAGE's URN, not the log group's", async () => {
            const v = await retentionRun(withRetention(7));
            assert.deepStrictEqual(v.map((x) => x.urn).sort(), [resourceUrn(awsStage()), resourceUrn(wsStage())].sort());
        });

        it("does not report a stage whose destination ARN is malformed (the destination policy owns it)", async () => {
            const stage = withProp(awsStage(), destination, "arn:aws:firehose:us-east-1:123456789012:deliverystream/x");
            assertViolations(await retentionRun(stackWith(stage)), []);
        });

        it("does not report a stage without logging (the stage policy owns it)", async () => {
            assertViolations(await retentionRun(stackWith(withProp(awsStage(), ["accessLogSettings"], undefined))), []);
        });

        it("does not report a stage with an empty or malformed destination (the stage policy owns it)", async () => {
            assertViolations(await retentionRun(stackWith(withProp(awsStage(), destination, ""))), []);
            assertViolations(await retentionRun(stackWith(withProp(awsStage(), destination, 12))), []);
            assertViolations(await retentionRun(stackWith(withProp(awsStage(), ["accessLogSettings"], "x"))), []);
        });

        it("checks a stage whose format is missing but destination is set", async () => {
            const stage = withProp(awsStage(), ["accessLogSettings", "format"], undefined);
            const group = withProp(logGroup(), ["retentionInDays"], 1);
            assertViolations(await retentionRun(stackWith(stage, group)), sharedGroupStages);
        });

        it("ignores propertyDependencies URNs that are not in the stack", async () => {
            const stage = withPropertyDependencies(withProp(awsStage(), destination, unknownSentinels.string),
                { accessLogSettings: ["urn:pulumi:test::apigw-project::aws:cloudwatch/logGroup:LogGroup::gone"] });
            assertViolations(await retentionRun(stackWith(stage)), []);
        });
    });

    describe("allowedExternalLogGroups", () => {
        const external = `arn:aws:logs:us-east-1:${accountId}:log-group:shared-access`;
        const stage = () => withPropertyDependencies(withProp(awsStage(), destination, external), {});

        it("defaults to none: an external log group is reported", async () => {
            assertViolations(await retentionRun(stackWith(stage())), [[P.retention, "http-stage"]]);
        });

        it("accepts an exact ARN", async () => {
            assertViolations(await retentionRun(stackWith(stage()), { allowedExternalLogGroups: [external] }), []);
        });

        it("accepts an ARN pattern with a trailing :*", async () => {
            assertViolations(await retentionRun(stackWith(stage()), { allowedExternalLogGroups: [`${external}:*`] }), []);
        });

        it("accepts a wildcard name pattern", async () => {
            const config = { allowedExternalLogGroups: [`arn:aws:logs:us-east-1:${accountId}:log-group:shared-*`] };
            assertViolations(await retentionRun(stackWith(stage()), config), []);
        });

        it("accepts a wildcard region and name pattern", async () => {
            const config = { allowedExternalLogGroups: [`arn:aws:logs:*:${accountId}:log-group:*`] };
            assertViolations(await retentionRun(stackWith(stage()), config), []);
        });

        it("accepts an IAM-style pattern whose name wildcard carries a trailing :* (log-group:*:*)", async () => {
            // Facts: compare ARNs with any trailing :* removed; "...:log-group:*:*" is the usual way to write "every log group".
            const config = { allowedExternalLogGroups: [`arn:aws:logs:us-east-1:${accountId}:log-group:*:*`] };
            assertViolations(await retentionRun(stackWith(stage()), config), []);
        });

        it("accepts a prefix pattern with a trailing :* (log-group:shared-*:*)", async () => {
            const config = { allowedExternalLogGroups: [`arn:aws:logs:us-east-1:${accountId}:log-group:shared-*:*`] };
            assertViolations(await retentionRun(stackWith(stage()), config), []);
        });

        it("still reports when the pattern names another account", async () => {
            const config = { allowedExternalLogGroups: [`arn:aws:logs:*:${otherAccountId}:log-group:*`] };
            assertViolations(await retentionRun(stackWith(stage()), config), [[P.retention, "http-stage"]]);
        });

        it("still reports when the wildcard does not cover the name", async () => {
            const config = { allowedExternalLogGroups: [`arn:aws:logs:us-east-1:${accountId}:log-group:team-*`] };
            assertViolations(await retentionRun(stackWith(stage()), config), [[P.retention, "http-stage"]]);
        });

        it("does not excuse a log group of this stack with bad retention", async () => {
            const config = { allowedExternalLogGroups: ["arn:aws:logs:*:*:log-group:*"] };
            assertViolations(await retentionRun(withRetention(7), config), sharedGroupStages);
        });

        it("rejects a pattern that is not an ARN", async () => {
            await assertConfigError(retentionRun(compliantStack(), { allowedExternalLogGroups: ["shared-*"] }),
                P.retention, "allowedExternalLogGroups", /arn:/);
        });

        it("rejects a pattern with a malformed account ID", async () => {
            await assertConfigError(retentionRun(compliantStack(), { allowedExternalLogGroups: ["arn:aws:logs:us-east-1:1234:log-group:*"] }),
                P.retention, "allowedExternalLogGroups", /account/);
        });

        it("rejects a pattern with a malformed region", async () => {
            await assertConfigError(retentionRun(compliantStack(), { allowedExternalLogGroups: ["arn:aws:logs:virginia:123456789012:log-group:*"] }),
                P.retention, "allowedExternalLogGroups", /region/);
        });

        it("rejects a pattern for another service", async () => {
            await assertConfigError(retentionRun(compliantStack(), { allowedExternalLogGroups: ["arn:aws:firehose:*"] }),
                P.retention, "allowedExternalLogGroups", /logs/);
        });
    });

    describe("retention values", () => {
        it("reports a log group without retentionInDays (never expires), on every stage using it", async () => {
            const v = await retentionRun(withRetention(undefined));
            assertViolations(v, sharedGroupStages);
            assert.match(v[0].message, /forever/);
        });

        it("reports retentionInDays 0 (never expires in @pulumi/aws)", async () => {
            assertViolations(await retentionRun(withRetention(0)), sharedGroupStages);
        });

        it("reports retentionInDays null", async () => {
            assertViolations(await retentionRun(withRetention(null)), sharedGroupStages);
        });

        it("reports an aws-native log group without retention on its stage", async () => {
            const v = await retentionRun(stackWith(withProp(nativeLogGroup(), ["retentionInDays"], undefined)));
            assertViolations(v, [[P.retention, "native-stage"]]);
        });

        it("reports 14 days against the default minimum of 30", async () => {
            const v = await retentionRun(withRetention(14));
            assertViolations(v, sharedGroupStages);
            assert.match(v[0].message, /14/);
            assert.match(v[0].message, /30/);
        });

        it("accepts exactly the default minimum of 30 and the longest value 3653", async () => {
            assertViolations(await retentionRun(withRetention(30)), []);
            assertViolations(await retentionRun(withRetention(3653)), []);
        });

        for (const days of [2, 45, 100, 366, 1000, 3650, 3654, -1]) {
            it(`reports ${days}, a value CloudWatch Logs does not accept`, async () => {
                assertViolations(await retentionRun(withRetention(days)), sharedGroupStages);
            });
        }

        it("reports a non-integer retention", async () => {
            assertViolations(await retentionRun(withRetention(30.5)), sharedGroupStages);
        });

        it("reports a non-numeric retention", async () => {
            assertViolations(await retentionRun(withRetention(true)), sharedGroupStages);
            assertViolations(await retentionRun(withRetention({ days: 30 })), sharedGroupStages);
        });

        it("reports an unaccepted value even when it lies within the configured bounds", async () => {
            assertViolations(await retentionRun(withRetention(45), { minimumRetentionDays: 1, maximumRetentionDays: 365 }), sharedGroupStages);
        });

        it("reads a secret retention value", async () => {
            assertViolations(await retentionRun(withRetention(secret(7))), sharedGroupStages);
        });

        it("defers an unknown retention (number sentinel)", async () => {
            assertViolations(await retentionRun(withRetention(unknownSentinels.number)), []);
        });
    });

    describe("config minimumRetentionDays / maximumRetentionDays / allowNeverExpire / requireKmsKey", () => {
        it("minimumRetentionDays override lowers the floor", async () => {
            assertViolations(await retentionRun(withRetention(7), { minimumRetentionDays: 7 }), []);
        });

        it("minimumRetentionDays override raises the floor", async () => {
            assertViolations(await retentionRun(compliantStack(), { minimumRetentionDays: 90 }),
                [...sharedGroupStages, [P.retention, "native-stage"]]);
        });

        it("minimumRetentionDays 0 accepts a one-day retention", async () => {
            assertViolations(await retentionRun(withRetention(1), { minimumRetentionDays: 0 }), []);
        });

        it("maximumRetentionDays defaults to no cap", async () => {
            assertViolations(await retentionRun(withRetention(3653)), []);
        });

        it("maximumRetentionDays reports a longer retention", async () => {
            const v = await retentionRun(withRetention(400), { maximumRetentionDays: 365 });
            assertViolations(v, sharedGroupStages);
            assert.match(v[0].message, /365/);
        });

        it("maximumRetentionDays accepts the cap itself", async () => {
            assertViolations(await retentionRun(withRetention(365), { maximumRetentionDays: 365 }), []);
        });

        it("minimum equal to maximum accepts exactly that value", async () => {
            const config = { minimumRetentionDays: 90, maximumRetentionDays: 90 };
            assertViolations(await retentionRun(withRetention(90), config), [[P.retention, "native-stage"]]);
        });

        it("allowNeverExpire true accepts an unset retention", async () => {
            assertViolations(await retentionRun(withRetention(undefined), { allowNeverExpire: true }), []);
        });

        it("allowNeverExpire true accepts retention 0", async () => {
            assertViolations(await retentionRun(withRetention(0), { allowNeverExpire: true }), []);
        });

        it("allowNeverExpire true does not excuse a short retention", async () => {
            assertViolations(await retentionRun(withRetention(7), { allowNeverExpire: true }), sharedGroupStages);
        });

        it("allowNeverExpire false (the default, given explicitly) reports an unset retention", async () => {
            assertViolations(await retentionRun(withRetention(undefined), { allowNeverExpire: false }), sharedGroupStages);
        });

        it("requireKmsKey defaults to false", async () => {
            assertViolations(await retentionRun(compliantStack()), []);
        });

        it("requireKmsKey true reports log groups without kmsKeyId", async () => {
            const v = await retentionRun(compliantStack(), { requireKmsKey: true });
            assertViolations(v, [...sharedGroupStages, [P.retention, "native-stage"]]);
            assert.match(v[0].message, /KMS/);
        });

        it("requireKmsKey true accepts a known kmsKeyId", async () => {
            const group = withProp(logGroup(), ["kmsKeyId"], "arn:aws:kms:us-east-1:123456789012:key/abc");
            assertViolations(await retentionRun(stackWith(group), { requireKmsKey: true }), [[P.retention, "native-stage"]]);
        });

        it("requireKmsKey true defers an unknown kmsKeyId", async () => {
            const group = withProp(logGroup(), ["kmsKeyId"], unknownSentinels.string);
            assertViolations(await retentionRun(stackWith(group), { requireKmsKey: true }), [[P.retention, "native-stage"]]);
        });

        it("reports retention and KMS problems of one group in one violation per stage", async () => {
            const v = await retentionRun(withRetention(undefined), { requireKmsKey: true });
            assertViolations(v, [...sharedGroupStages, [P.retention, "native-stage"]]);
        });
    });

    describe("the fix suggests a retention CloudWatch Logs accepts", () => {
        const accepted = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
        const cases: [Record<string, unknown>, number][] = [
            [{}, 30], [{ minimumRetentionDays: 31 }, 60], [{ minimumRetentionDays: 0 }, 1], [{ minimumRetentionDays: 366 }, 400],
            [{ minimumRetentionDays: 3653 }, 3653], [{ minimumRetentionDays: 100, maximumRetentionDays: 130 }, 120],
        ];
        for (const [config, days] of cases) {
            it(`suggests ${days} for ${JSON.stringify(config)}`, async () => {
                const v = await retentionRun(withRetention(undefined), config);
                assert.ok(v.length > 0);
                const fix = /retentionInDays: (\d+)/.exec(v[0].message.split("\n")[1]);
                assert.ok(fix, v[0].message);
                assert.strictEqual(Number(fix[1]), days);
                assert.ok(accepted.includes(Number(fix[1])));
            });
        }
    });

    describe("config errors", () => {
        const cases: [string, Record<string, unknown>, string, RegExp][] = [
            ["a negative minimum", { minimumRetentionDays: -1 }, "minimumRetentionDays", /at least 0/],
            ["a non-integer minimum", { minimumRetentionDays: 1.5 }, "minimumRetentionDays", /integer/],
            ["a minimum above 3653", { minimumRetentionDays: 3654 }, "minimumRetentionDays", /at most 3653/],
            ["a string minimum", { minimumRetentionDays: "30" }, "minimumRetentionDays", /integer/],
            ["a zero maximum", { maximumRetentionDays: 0 }, "maximumRetentionDays", /at least 1/],
            ["a negative maximum", { maximumRetentionDays: -30 }, "maximumRetentionDays", /at least 1/],
            ["a non-integer maximum", { maximumRetentionDays: 99.9 }, "maximumRetentionDays", /integer/],
            ["a maximum above 3653", { maximumRetentionDays: 5000 }, "maximumRetentionDays", /at most 3653/],
            ["minimum greater than maximum", { minimumRetentionDays: 90, maximumRetentionDays: 30 }, "minimumRetentionDays", /greater than maximumRetentionDays/],
            ["a non-boolean allowNeverExpire", { allowNeverExpire: "yes" }, "allowNeverExpire", /true or false/],
            ["a non-boolean requireKmsKey", { requireKmsKey: 1 }, "requireKmsKey", /true or false/],
            ["a non-list allowedExternalLogGroups", { allowedExternalLogGroups: "arn:aws:logs:*" }, "allowedExternalLogGroups", /list of strings/],
            ["a misspelled key", { minimumRetentionDay: 30 }, "minimumRetentionDay", /did you mean "minimumRetentionDays"/],
            ["a misspelled KMS key", { requireKMSKey: true }, "requireKMSKey", /did you mean "requireKmsKey"/],
        ];
        for (const [title, config, key, problem] of cases) {
            it(`rejects ${title}`, async () => {
                await assertConfigError(retentionRun(compliantStack(), config), P.retention, key, problem);
            });
        }

        it("rejects a minimum/maximum window that holds no retention CloudWatch Logs accepts (31..59)", async () => {
            // Every log group would be reported forever, and the fix could only suggest a value CloudWatch rejects.
            await assert.rejects(retentionRun(withRetention(60), { minimumRetentionDays: 31, maximumRetentionDays: 59 }), (e: unknown) => {
                assert.ok(e instanceof Error && e.name === "PolicyConfigError", `expected PolicyConfigError, got ${String(e)}`);
                assert.ok(e.message.includes(`"${P.retention}"`));
                assert.match(e.message, /"(minimum|maximum)RetentionDays"/);
                assert.ok(!e.message.includes("\n"));
                return true;
            });
        });

        it("accepts the engine's filled-in defaults plus enforcementLevel", async () => {
            const config = { minimumRetentionDays: 30, allowNeverExpire: false, requireKmsKey: false, allowedExternalLogGroups: [], enforcementLevel: "mandatory" };
            assertViolations(await retentionRun(compliantStack(), config), []);
        });

        it("treats maximumRetentionDays null as unset", async () => {
            assertViolations(await retentionRun(withRetention(3653), { maximumRetentionDays: null }), []);
        });
    });
});
