import * as assert from "assert";
import { accessLogDestinationAllowed } from "../../policies/access-log-destination-allowed";
import {
    accountId, analyze, awsStage, compliantStack, logGroup, P, unknownSentinels, withProp, withPropertyDependencies,
} from "./helpers/fixtures";
import { assertViolations, resourceUrn, TestResource, validateStack } from "./helpers/policy-harness";
import { assertConfigError, assertQuotesAtMost } from "./helpers/assertions";

// apigatewayv2-access-log-destination-allowed: the account, region and name
// of a stage's destination log group, from a known ARN or, while the ARN is
// unknown in a preview, from the one log group of the stack behind it.

const destination = ["accessLogSettings", "destinationArn"];

function stageTo(arn: unknown, base: TestResource = awsStage()): TestResource {
    return withProp(base, destination, arn);
}

async function allowedViolations(arn: unknown, config: Record<string, unknown> = {}, base: TestResource = awsStage()) {
    return (await validateStack(accessLogDestinationAllowed, [stageTo(arn, base)], config)).violations;
}

describe("apigatewayv2-access-log-destination-allowed", () => {
    describe("config allowedAccountIds", () => {
        it("defaults to any account", async () => {
            assertViolations(await allowedViolations("arn:aws:logs:us-east-1:999999999999:log-group:x"), []);
        });

        it("accepts a listed account", async () => {
            assertViolations(await allowedViolations(logGroup().props.arn, { allowedAccountIds: [accountId] }), []);
        });

        it("reports an account that is not listed, naming the account", async () => {
            const v = await allowedViolations(logGroup().props.arn, { allowedAccountIds: ["210987654321"] });
            assertViolations(v, [[P.destinationAllowed, "http-stage"]]);
            assert.match(v[0].message, /123456789012/);
            assert.match(v[0].message, /allowedAccountIds/);
        });

        it("is enforced in a full pack run", async () => {
            const v = await analyze(compliantStack(), { [P.destinationAllowed]: { allowedAccountIds: ["210987654321"] } });
            assertViolations(v, [[P.destinationAllowed, "http-stage"], [P.destinationAllowed, "ws-stage"], [P.destinationAllowed, "native-stage"]]);
        });

        it("rejects a malformed account ID in config", async () => {
            await assertConfigError(validateStack(accessLogDestinationAllowed, [awsStage()], { allowedAccountIds: ["12345"] }),
                P.destinationAllowed, "allowedAccountIds", /12-digit/);
        });

        it("rejects a non-list value", async () => {
            await assertConfigError(validateStack(accessLogDestinationAllowed, [awsStage()], { allowedAccountIds: "123456789012" }),
                P.destinationAllowed, "allowedAccountIds", /list of strings/);
        });
    });

    describe("config allowedRegions", () => {
        it("defaults to any region", async () => {
            assertViolations(await allowedViolations("arn:aws:logs:ap-southeast-2:123456789012:log-group:x"), []);
        });

        it("accepts a listed region", async () => {
            assertViolations(await allowedViolations(logGroup().props.arn, { allowedRegions: ["eu-west-1", "us-east-1"] }), []);
        });

        it("reports a region that is not listed", async () => {
            const v = await allowedViolations(logGroup().props.arn, { allowedRegions: ["eu-west-1"] });
            assertViolations(v, [[P.destinationAllowed, "http-stage"]]);
            assert.match(v[0].message, /us-east-1/);
        });

        it("rejects a malformed region in config", async () => {
            await assertConfigError(validateStack(accessLogDestinationAllowed, [awsStage()], { allowedRegions: ["Europe"] }),
                P.destinationAllowed, "allowedRegions", /region/);
        });
    });

    describe("config logGroupNamePattern", () => {
        it("defaults to any name", async () => {
            assertViolations(await allowedViolations("arn:aws:logs:us-east-1:123456789012:log-group:whatever"), []);
        });

        it("accepts a name that matches", async () => {
            assertViolations(await allowedViolations(logGroup().props.arn, { logGroupNamePattern: "^/aws/apigateway/" }), []);
        });

        it("reports a name that does not match, quoting the name", async () => {
            const v = await allowedViolations("arn:aws:logs:us-east-1:123456789012:log-group:random", { logGroupNamePattern: "^/aws/apigateway/" });
            assertViolations(v, [[P.destinationAllowed, "http-stage"]]);
            assert.match(v[0].message, /"random"/);
        });

        it("matches the name alone, not the whole ARN and not the :* suffix", async () => {
            const config = { logGroupNamePattern: "^access-logs$" };
            assertViolations(await allowedViolations("arn:aws:logs:us-east-1:123456789012:log-group:access-logs:*", config), []);
            assertViolations(await allowedViolations("arn:aws:logs:us-east-1:123456789012:log-group:access-logs-old", config),
                [[P.destinationAllowed, "http-stage"]]);
        });

        it("rejects an invalid regular expression, naming the key", async () => {
            await assertConfigError(validateStack(accessLogDestinationAllowed, [awsStage()], { logGroupNamePattern: "([a-z" }),
                P.destinationAllowed, "logGroupNamePattern", /regular expression/);
        });

        it("keeps the invalid-regex error on one line, with the pattern's control characters escaped", async () => {
            await assertConfigError(validateStack(accessLogDestinationAllowed, [awsStage()], { logGroupNamePattern: "(\n\u0007" }),
                P.destinationAllowed, "logGroupNamePattern", /regular expression/);
        });

        it("quotes at most 80 characters of a long invalid pattern in the config error", async () => {
            const pattern = "(" + "abcdefghij".repeat(30);
            await assert.rejects(validateStack(accessLogDestinationAllowed, [awsStage()], { logGroupNamePattern: pattern }), (e: Error) => {
                assertQuotesAtMost(e.message, pattern);
                return true;
            });
        });

        it("rejects a non-string pattern", async () => {
            await assertConfigError(validateStack(accessLogDestinationAllowed, [awsStage()], { logGroupNamePattern: 5 }),
                P.destinationAllowed, "logGroupNamePattern", /string/);
        });
    });

    it("rejects an unknown config key with a suggestion", async () => {
        await assertConfigError(validateStack(accessLogDestinationAllowed, [awsStage()], { allowedRegion: ["us-east-1"] }),
            P.destinationAllowed, "allowedRegion", /did you mean "allowedRegions"/);
    });

    it("reports account, region and name problems together when all three fail", async () => {
        const v = await allowedViolations("arn:aws:logs:eu-west-1:999999999999:log-group:other", {
            allowedAccountIds: [accountId], allowedRegions: ["us-east-1"], logGroupNamePattern: "^/aws/",
        });
        assert.strictEqual(v.length, 3);
    });

    it("rejects an unknown config key with a suggestion", async () => {
        await assertConfigError(validateStack(accessLogDestinationAllowed, [awsStage()], { allowedRegion: ["us-east-1"] }),
            P.destinationAllowed, "allowedRegion", /did you mean "allowedRegions"/);
    });

    it("rejects a bad config on a stack without any stage", async () => {
        const bucket: TestResource = { type: "aws:s3/bucket:Bucket", name: "b", props: {} };
        await assertConfigError(validateStack(accessLogDestinationAllowed, [bucket], { allowedRegions: ["Europe"] }),
            P.destinationAllowed, "allowedRegions", /region/);
    });

    it("reports account, region and name problems together when all three fail", async () => {
        const v = await allowedViolations("arn:aws:logs:eu-west-1:999999999999:log-group:other", {
            allowedAccountIds: [accountId], allowedRegions: ["us-east-1"], logGroupNamePattern: "^/aws/",
        });
        assert.strictEqual(v.length, 3);
    });

    it("leaves a malformed ARN to apigatewayv2-access-log-destination", async () => {
        assertViolations(await allowedViolations("arn:aws:s3:::bucket", { allowedRegions: ["eu-west-1"] }), []);
    });

    it("judges an ARN unknown in a preview by the name and region of the one log group behind it", async () => {
        const group = withProp(withProp(logGroup(), ["arn"], unknownSentinels.string), ["region"], "eu-west-1");
        const stage = withPropertyDependencies(stageTo(unknownSentinels.string), { accessLogSettings: [resourceUrn(group)] });
        const { violations } = await validateStack(accessLogDestinationAllowed, [group, stage], { allowedRegions: ["us-east-1"] });
        assertViolations(violations, [[P.destinationAllowed, "http-stage"]]);
        assert.match(violations[0].message, /eu-west-1/);
    });

    it("answers not applicable when no rule is configured", async () => {
        const result = await validateStack(accessLogDestinationAllowed, [awsStage()]);
        assert.deepStrictEqual(result.notApplicable.map((n) => n.policy), [P.destinationAllowed]);
    });
});
