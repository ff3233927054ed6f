import * as assert from "assert";
import { accessLogDestination, rulesMovedTo } from "../../policies/access-log-destination";
import { accessLogDestinationAllowed } from "../../policies/access-log-destination-allowed";
import { analyzeChanged, awsStage, logGroup, nativeStage, P, T, unknownSentinels, withProp } from "./helpers/fixtures";
import { assertViolations, TestResource, validateResource } from "./helpers/policy-harness";
import { assertConfigError } from "./helpers/assertions";

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

    it("rejects the keys that moved to apigatewayv2-access-log-destination-allowed, naming the new policy", async () => {
        for (const key of ["allowedAccountIds", "allowedRegions", "logGroupNamePattern"]) {
            await assertConfigError(validateResource(accessLogDestination, awsStage(), { [key]: [] }),
                P.destination, key, /moved to policy "apigatewayv2-access-log-destination-allowed"/);
        }
    });

    it("rejects its moved keys on any resource type, not only stages", async () => {
        const bucket: TestResource = { type: T.bucket, name: "bucket", props: {} };
        await assertConfigError(validateResource(accessLogDestination, bucket, { allowedRegions: ["us-east-1"] }),
            P.destination, "allowedRegions", /moved to policy/);
    });

    it("names the policy its rules moved to, and exactly that policy's own keys", () => {
        assert.strictEqual(rulesMovedTo.to, accessLogDestinationAllowed.name);
        assert.deepStrictEqual([...rulesMovedTo.keys].sort(),
            Object.keys(accessLogDestinationAllowed.configSchema?.properties ?? {}).filter((k) => k !== "exemptions" && k !== "maxExemptionDays").sort());
    });

    it("has no validateStack: one policy, one kind", () => {
        assert.ok(!("validateStack" in accessLogDestination));
    });
});
