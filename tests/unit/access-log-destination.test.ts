import * as assert from "assert";
import { accessLogDestination } from "../../policies/access-log-destination";
import {
    accountId, analyze, analyzeChanged, awsStage, compliantStack, logGroup, nativeStage, P, T, unknownSentinels,
    withProp,
} from "./helpers/fixtures";
import { assertViolations, TestResource, validateResource } from "./helpers/policy-harness";
import { assertConfigError, assertQuotesAtMost } from "./helpers/assertions";

// apigatewayv2-access-log-destination: a present destinationArn must be a
// CloudWatch Logs log-group ARN. A malformed ARN is owned by this policy
// alone: the retention policy must not also report it.

const destination = ["accessLogSettings", "destinationArn"];

function stageTo(arn: unknown, base: TestResource = awsStage()): TestResource {
    return withProp(base, destination, arn);
}

async function destinationViolations(arn: unknown, config: Record<string, unknown> = {}, base: TestResource = awsStage()) {
    return (await validateResource(accessLogDestination, stageTo(arn, base), config)).violations;
}

describe("apigatewayv2-access-log-destination", () => {
    const malformed: [string, string][] = [
        ["a Kinesis Data Firehose stream", "arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-logs"],
        ["an S3 bucket", "arn:aws:s3:::access-log-bucket"],
        ["a bare log-group name", "/aws/apigateway/access-logs"],
        ["an unknown partition", "arn:aws-mars:logs:us-east-1:123456789012:log-group:x"],
        ["a region of another partition", "arn:aws-cn:logs:us-east-1:123456789012:log-group:x"],
        ["a malformed region", "arn:aws:logs:useast1:123456789012:log-group:x"],
        ["an 11-digit account", "arn:aws:logs:us-east-1:12345678901:log-group:x"],
        ["a name with a space", "arn:aws:logs:us-east-1:123456789012:log-group:my logs"],
        ["a 513-character name", `arn:aws:logs:us-east-1:123456789012:log-group:${"n".repeat(513)}`],
        ["a log-stream ARN", "arn:aws:logs:us-east-1:123456789012:log-group:x:log-stream:y"],
        ["a 5 KB string", `arn:aws:logs:us-east-1:123456789012:log-group:${"q".repeat(5000)}`],
    ];

    for (const [title, arn] of malformed) {
        it(`reports ${title} as the destination, and only this policy does (not retention)`, async () => {
            const v = await analyzeChanged(stageTo(arn));
            assertViolations(v, [[P.destination, "http-stage"]]);
        });
    }

    it("reports a Firehose destination on an aws-native stage too", async () => {
        const v = await analyzeChanged(stageTo("arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-x", nativeStage()));
        assertViolations(v, [[P.destination, "native-stage"]]);
    });

    it("accepts a log-group ARN with a trailing :*", async () => {
        const stage = stageTo(`${logGroup().props.arn as string}:*`);
        assertViolations(await analyzeChanged(stage), []);
    });

    it("accepts a 512-character log-group name (retention aside)", async () => {
        const v = await destinationViolations(`arn:aws:logs:us-east-1:123456789012:log-group:${"n".repeat(512)}`);
        assertViolations(v, []);
    });

    it("accepts a GovCloud log group", async () => {
        assertViolations(await destinationViolations("arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:gov"), []);
    });

    it("explains why a Firehose destination is wrong", async () => {
        const [v] = await destinationViolations("arn:aws:firehose:us-east-1:123456789012:deliverystream/x");
        assert.match(v.message, /Firehose/);
        assert.match(v.message, /REST/);
    });

    it("defers an unknown destination", async () => {
        assertViolations(await destinationViolations(unknownSentinels.string), []);
    });

    it("leaves missing and malformed-type destinations to the stage policy", async () => {
        assertViolations(await destinationViolations(undefined), []);
        assertViolations(await destinationViolations(""), []);
        assertViolations(await destinationViolations(12), []);
    });

    it("ignores unrelated types", async () => {
        const bucket: TestResource = { type: T.bucket, name: "bucket", props: { accessLogSettings: { destinationArn: "nope" } } };
        assertViolations((await validateResource(accessLogDestination, bucket)).violations, []);
    });

    describe("config allowedAccountIds", () => {
        it("defaults to any account", async () => {
            assertViolations(await destinationViolations("arn:aws:logs:us-east-1:999999999999:log-group:x"), []);
        });

        it("accepts a listed account", async () => {
            assertViolations(await destinationViolations(logGroup().props.arn, { allowedAccountIds: [accountId] }), []);
        });

        it("reports an account that is not listed, naming the account", async () => {
            const v = await destinationViolations(logGroup().props.arn, { allowedAccountIds: ["210987654321"] });
            assertViolations(v, [[P.destination, "http-stage"]]);
            assert.match(v[0].message, /123456789012/);
            assert.match(v[0].message, /allowedAccountIds/);
        });

        it("is enforced in a full pack run", async () => {
            const v = await analyze(compliantStack(), { [P.destination]: { allowedAccountIds: ["210987654321"] } });
            assertViolations(v, [[P.destination, "http-stage"], [P.destination, "ws-stage"], [P.destination, "native-stage"]]);
        });

        it("rejects a malformed account ID in config", async () => {
            await assertConfigError(validateResource(accessLogDestination, awsStage(), { allowedAccountIds: ["12345"] }),
                P.destination, "allowedAccountIds", /12-digit/);
        });

        it("rejects a non-list value", async () => {
            await assertConfigError(validateResource(accessLogDestination, awsStage(), { allowedAccountIds: "123456789012" }),
                P.destination, "allowedAccountIds", /list of strings/);
        });
    });

    describe("config allowedRegions", () => {
        it("defaults to any region", async () => {
            assertViolations(await destinationViolations("arn:aws:logs:ap-southeast-2:123456789012:log-group:x"), []);
        });

        it("accepts a listed region", async () => {
            assertViolations(await destinationViolations(logGroup().props.arn, { allowedRegions: ["eu-west-1", "us-east-1"] }), []);
        });

        it("reports a region that is not listed", async () => {
            const v = await destinationViolations(logGroup().props.arn, { allowedRegions: ["eu-west-1"] });
            assertViolations(v, [[P.destination, "http-stage"]]);
            assert.match(v[0].message, /us-east-1/);
        });

        it("rejects a malformed region in config", async () => {
            await assertConfigError(validateResource(accessLogDestination, awsStage(), { allowedRegions: ["Europe"] }),
                P.destination, "allowedRegions", /region/);
        });
    });

    describe("config logGroupNamePattern", () => {
        it("defaults to any name", async () => {
            assertViolations(await destinationViolations("arn:aws:logs:us-east-1:123456789012:log-group:whatever"), []);
        });

        it("accepts a name that matches", async () => {
            assertViolations(await destinationViolations(logGroup().props.arn, { logGroupNamePattern: "^/aws/apigateway/" }), []);
        });

        it("reports a name that does not match, quoting the name", async () => {
            const v = await destinationViolations("arn:aws:logs:us-east-1:123456789012:log-group:random", { logGroupNamePattern: "^/aws/apigateway/" });
            assertViolations(v, [[P.destination, "http-stage"]]);
            assert.match(v[0].message, /"random"/);
        });

        it("matches the name alone, not the whole ARN and not the :* suffix", async () => {
            const config = { logGroupNamePattern: "^access-logs$" };
            assertViolations(await destinationViolations("arn:aws:logs:us-east-1:123456789012:log-group:access-logs:*", config), []);
            assertViolations(await destinationViolations("arn:aws:logs:us-east-1:123456789012:log-group:access-logs-old", config),
                [[P.destination, "http-stage"]]);
        });

        it("rejects an invalid regular expression, naming the key", async () => {
            await assertConfigError(validateResource(accessLogDestination, awsStage(), { logGroupNamePattern: "([a-z" }),
                P.destination, "logGroupNamePattern", /regular expression/);
        });

        it("keeps the invalid-regex error on one line, with the pattern's control characters escaped", async () => {
            await assertConfigError(validateResource(accessLogDestination, awsStage(), { logGroupNamePattern: "(\n\u0007" }),
                P.destination, "logGroupNamePattern", /regular expression/);
        });

        it("quotes at most 80 characters of a long invalid pattern in the config error", async () => {
            const pattern = "(" + "abcdefghij".repeat(30);
            await assert.rejects(validateResource(accessLogDestination, awsStage(), { logGroupNamePattern: pattern }), (e: Error) => {
                assertQuotesAtMost(e.message, pattern);
                return true;
            });
        });

        it("rejects a non-string pattern", async () => {
            await assertConfigError(validateResource(accessLogDestination, awsStage(), { logGroupNamePattern: 5 }),
                P.destination, "logGroupNamePattern", /string/);
        });
    });

    it("rejects an unknown config key with a suggestion", async () => {
        await assertConfigError(validateResource(accessLogDestination, awsStage(), { allowedRegion: ["us-east-1"] }),
            P.destination, "allowedRegion", /did you mean "allowedRegions"/);
    });

    it("reports account, region and name problems together when all three fail", async () => {
        const v = await destinationViolations("arn:aws:logs:eu-west-1:999999999999:log-group:other", {
            allowedAccountIds: [accountId], allowedRegions: ["us-east-1"], logGroupNamePattern: "^/aws/",
        });
        assert.strictEqual(v.length, 3);
    });
});
