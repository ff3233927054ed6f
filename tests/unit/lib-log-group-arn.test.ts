import * as assert from "assert";
import {
    arnPatternProblem,
    isValidAccountId,
    isValidLogGroupName,
    isValidRegion,
    matchesArnPattern,
    normalizeLogGroupArn,
    parseLogGroupArn,
    partitionOfRegion,
} from "../../lib/log-group-arn";

// The facts file is the judge here: partitions, region/partition pairing,
// 12-digit accounts, 1-512 name characters from A-Z a-z 0-9 . - _ / #, and an
// optional trailing ":*".

function ok(arn: string) {
    const parsed = parseLogGroupArn(arn);
    assert.ok(parsed.ok, `expected ${JSON.stringify(arn.slice(0, 100))} to parse, got: ${parsed.ok ? "" : parsed.reason}`);
    return parsed.arn;
}

function bad(arn: string): string {
    const parsed = parseLogGroupArn(arn);
    assert.ok(!parsed.ok, `expected ${JSON.stringify(arn.slice(0, 100))} to be rejected`);
    assert.ok(parsed.reason.length > 0 && !parsed.reason.includes("\n"), "the reason is one non-empty line");
    return parsed.reason;
}

describe("lib/log-group-arn parseLogGroupArn", () => {
    const regionOf: Record<string, string> = {
        "aws": "eu-west-1",
        "aws-cn": "cn-north-1",
        "aws-us-gov": "us-gov-west-1",
        "aws-iso": "us-iso-east-1",
        "aws-iso-b": "us-isob-east-1",
        "aws-iso-e": "eu-isoe-west-1",
        "aws-iso-f": "us-isof-south-1",
        "aws-eusc": "eusc-de-east-1",
    };
    for (const [partition, region] of Object.entries(regionOf)) {
        it(`accepts partition ${partition} with its region ${region}`, () => {
            const arn = ok(`arn:${partition}:logs:${region}:123456789012:log-group:app/access`);
            assert.deepStrictEqual(
                { partition: arn.partition, region: arn.region, account: arn.account, name: arn.name },
                { partition, region, account: "123456789012", name: "app/access" });
        });
    }

    it("rejects a partition AWS does not have (aws-moon, AWS, empty)", () => {
        assert.match(bad("arn:aws-moon:logs:us-east-1:123456789012:log-group:x"), /partition/);
        assert.match(bad("arn:AWS:logs:us-east-1:123456789012:log-group:x"), /partition/);
        assert.match(bad("arn::logs:us-east-1:123456789012:log-group:x"), /partition/);
    });

    it("rejects a region of another partition (us-east-1 in aws-cn, cn-north-1 in aws, us-gov-west-1 in aws)", () => {
        assert.match(bad("arn:aws-cn:logs:us-east-1:123456789012:log-group:x"), /partition/);
        assert.match(bad("arn:aws:logs:cn-north-1:123456789012:log-group:x"), /partition/);
        assert.match(bad("arn:aws:logs:us-gov-west-1:123456789012:log-group:x"), /partition/);
        assert.match(bad("arn:aws-iso:logs:us-isob-east-1:123456789012:log-group:x"), /partition/);
    });

    it("rejects malformed or empty regions", () => {
        for (const region of ["", "US-EAST-1", "us-east", "useast1", "us_east_1", "us-east-1a"]) {
            assert.match(bad(`arn:aws:logs:${region}:123456789012:log-group:x`), /region/, region);
        }
    });

    it("rejects an 11-digit and a 13-digit account, and a non-numeric one", () => {
        assert.match(bad("arn:aws:logs:us-east-1:12345678901:log-group:x"), /account/);
        assert.match(bad("arn:aws:logs:us-east-1:1234567890123:log-group:x"), /account/);
        assert.match(bad("arn:aws:logs:us-east-1:12345678901a:log-group:x"), /account/);
        assert.match(bad("arn:aws:logs:us-east-1::log-group:x"), /account/);
    });

    it("accepts a 512-character name and rejects a 513-character one", () => {
        const prefix = "arn:aws:logs:us-east-1:123456789012:log-group:";
        assert.strictEqual(ok(prefix + "a".repeat(512)).name.length, 512);
        assert.match(bad(prefix + "a".repeat(513)), /name/);
    });

    it("accepts every allowed name character: A-Z a-z 0-9 . - _ / #", () => {
        assert.strictEqual(ok("arn:aws:logs:us-east-1:123456789012:log-group:Az09.-_/#").name, "Az09.-_/#");
    });

    it("rejects names with characters outside the allowed set (space, @, +, non-ASCII)", () => {
        for (const name of ["my logs", "logs@x", "a+b", "journaux-é"]) {
            assert.match(bad(`arn:aws:logs:us-east-1:123456789012:log-group:${name}`), /name/, name);
        }
    });

    it("rejects a missing or empty log-group name", () => {
        assert.match(bad("arn:aws:logs:us-east-1:123456789012:log-group"), /name/);
        assert.match(bad("arn:aws:logs:us-east-1:123456789012:log-group:"), /name/);
    });

    it("accepts a trailing :* and normalizes it away", () => {
        const arn = ok("arn:aws:logs:us-east-1:123456789012:log-group:app:*");
        assert.strictEqual(arn.name, "app");
        assert.strictEqual(arn.normalized, "arn:aws:logs:us-east-1:123456789012:log-group:app");
    });

    it("normalizes an ARN without :* to itself", () => {
        const input = "arn:aws:logs:us-east-1:123456789012:log-group:app";
        assert.strictEqual(ok(input).normalized, input);
    });

    it("rejects log-stream ARNs and anything else inside a log group", () => {
        assert.ok(bad("arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:s1").length > 0);
        assert.ok(bad("arn:aws:logs:us-east-1:123456789012:log-group:app:*:*").length > 0);
        assert.ok(bad("arn:aws:logs:us-east-1:123456789012:log-group:app:").length > 0);
    });

    it("rejects other logs resource types (destination, log-stream at top level)", () => {
        assert.match(bad("arn:aws:logs:us-east-1:123456789012:destination:d"), /log group/);
    });

    it("rejects a Kinesis Data Firehose ARN, saying only REST APIs can use it", () => {
        const reason = bad("arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-logs");
        assert.match(reason, /Firehose/i);
        assert.match(reason, /REST/);
    });

    it("rejects an S3 bucket ARN", () => {
        assert.match(bad("arn:aws:s3:::my-log-bucket"), /S3/);
    });

    it("rejects a bare log-group name, asking for the ARN", () => {
        assert.match(bad("/aws/apigateway/access-logs"), /bare log-group name/);
        assert.match(bad("access-logs"), /ARN/);
    });

    it("rejects truncated ARNs", () => {
        assert.ok(bad("arn:aws:logs").length > 0);
        assert.ok(bad("arn:").length > 0);
        assert.ok(bad("arn:aws:logs:us-east-1:123456789012").length > 0);
    });

    it("rejects a 5 KB ARN without scanning it as a log group, and says how long it is", () => {
        const huge = "arn:aws:logs:us-east-1:123456789012:log-group:" + "a".repeat(5000);
        assert.match(bad(huge), /characters long/);
    });
});

describe("lib/log-group-arn shape helpers", () => {
    it("isValidRegion accepts real regions of every partition", () => {
        for (const r of ["us-east-1", "ap-southeast-5", "il-central-1", "cn-northwest-1", "us-gov-east-1", "us-isob-east-1", "eusc-de-east-1"]) {
            assert.ok(isValidRegion(r), r);
        }
    });

    it("isValidAccountId accepts exactly 12 ASCII digits", () => {
        assert.ok(isValidAccountId("000000000000"));
        assert.ok(!isValidAccountId("12345678901"));
        assert.ok(!isValidAccountId("1234567890123"));
        assert.ok(!isValidAccountId("١٢٣٤٥٦٧٨٩٠١٢"), "Arabic-Indic digits are not account digits");
    });

    it("isValidLogGroupName bounds the length to 1..512", () => {
        assert.ok(!isValidLogGroupName(""));
        assert.ok(isValidLogGroupName("a"));
        assert.ok(isValidLogGroupName("a".repeat(512)));
        assert.ok(!isValidLogGroupName("a".repeat(513)));
    });

    it("partitionOfRegion maps each prefix to its partition and the rest to aws", () => {
        assert.strictEqual(partitionOfRegion("cn-north-1"), "aws-cn");
        assert.strictEqual(partitionOfRegion("us-gov-west-1"), "aws-us-gov");
        assert.strictEqual(partitionOfRegion("us-iso-east-1"), "aws-iso");
        assert.strictEqual(partitionOfRegion("us-isob-east-1"), "aws-iso-b");
        assert.strictEqual(partitionOfRegion("eu-isoe-west-1"), "aws-iso-e");
        assert.strictEqual(partitionOfRegion("us-isof-south-1"), "aws-iso-f");
        assert.strictEqual(partitionOfRegion("eusc-de-east-1"), "aws-eusc");
        assert.strictEqual(partitionOfRegion("eu-central-2"), "aws");
    });

    it("normalizeLogGroupArn removes exactly one trailing :*", () => {
        assert.strictEqual(normalizeLogGroupArn("arn:x:log-group:a:*"), "arn:x:log-group:a");
        assert.strictEqual(normalizeLogGroupArn("arn:x:log-group:a"), "arn:x:log-group:a");
    });
});

describe("lib/log-group-arn matchesArnPattern", () => {
    const arn = "arn:aws:logs:us-east-1:123456789012:log-group:shared/access";

    it("matches an exact ARN", () => {
        assert.ok(matchesArnPattern(arn, arn));
    });

    it("matches a pattern with a trailing :* against the normalized ARN", () => {
        assert.ok(matchesArnPattern(`${arn}:*`, arn));
    });

    it("matches * in the name, account and region fields", () => {
        assert.ok(matchesArnPattern("arn:aws:logs:us-east-1:123456789012:log-group:shared/*", arn));
        assert.ok(matchesArnPattern("arn:aws:logs:*:123456789012:log-group:*", arn));
        assert.ok(matchesArnPattern("arn:aws:logs:us-east-1:*:log-group:shared/access", arn));
        assert.ok(matchesArnPattern("*", arn));
    });

    it("compares with the trailing :* removed, also when the name part of the pattern is a wildcard (IAM-style log-group:*:*)", () => {
        assert.ok(matchesArnPattern("arn:aws:logs:us-east-1:123456789012:log-group:*:*", arn));
        assert.ok(matchesArnPattern("arn:aws:logs:*:*:log-group:*:*", arn));
        assert.ok(matchesArnPattern("arn:aws:logs:us-east-1:123456789012:log-group:shared/*:*", arn));
    });

    it("does not match another account, region or name", () => {
        assert.ok(!matchesArnPattern("arn:aws:logs:us-east-1:210987654321:log-group:*", arn));
        assert.ok(!matchesArnPattern("arn:aws:logs:eu-west-1:123456789012:log-group:*", arn));
        assert.ok(!matchesArnPattern("arn:aws:logs:us-east-1:123456789012:log-group:shared/acc", arn));
        assert.ok(!matchesArnPattern("arn:aws:logs:us-east-1:123456789012:log-group:other-*", arn));
    });

    it("anchors both ends: a pattern that is a prefix or suffix alone does not match", () => {
        assert.ok(!matchesArnPattern("arn:aws:logs:us-east-1:123456789012:log-group:shared", arn));
        assert.ok(!matchesArnPattern("log-group:shared/access", arn));
    });

    it("handles a pathological pattern of many stars without blowing up", () => {
        const pattern = "*a".repeat(200) + "b";
        assert.strictEqual(matchesArnPattern(pattern, "a".repeat(1000)), false);
    });
});

describe("lib/log-group-arn arnPatternProblem", () => {
    it("accepts well-formed patterns with * in any field", () => {
        for (const p of [
            "arn:aws:logs:us-east-1:123456789012:log-group:shared-*",
            "arn:aws:logs:*:123456789012:log-group:*",
            "arn:*:logs:*:*:log-group:*",
            "arn:aws:logs:*",
            "arn:aws:logs:us-east-1:123456789012:log-group:exact:*",
        ]) {
            assert.strictEqual(arnPatternProblem(p), undefined, p);
        }
    });

    it("names the broken field: not an ARN, partition, service, region, account, resource type, incomplete", () => {
        assert.match(arnPatternProblem("log-group:*")!, /arn:/);
        assert.match(arnPatternProblem("arn:moon:logs:*")!, /partition/);
        assert.match(arnPatternProblem("arn:aws:s3:*")!, /logs/);
        assert.match(arnPatternProblem("arn:aws:logs:us-east:123456789012:log-group:*")!, /region/);
        assert.match(arnPatternProblem("arn:aws:logs:us-east-1:12345:log-group:*")!, /account/);
        assert.match(arnPatternProblem("arn:aws:logs:us-east-1:123456789012:destination:*")!, /log groups/);
        assert.match(arnPatternProblem("arn:aws:logs:us-east-1:123456789012")!, /incomplete/);
    });

    it("rejects empty, over-long and out-of-alphabet patterns", () => {
        assert.ok(arnPatternProblem("") !== undefined);
        assert.ok(arnPatternProblem("arn:aws:logs:*:" + "a".repeat(2000)) !== undefined);
        assert.ok(arnPatternProblem("arn:aws:logs:us-east-1:123456789012:log-group:a b") !== undefined);
    });
});
