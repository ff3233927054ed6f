import * as assert from "assert";
import * as fc from "fast-check";
import { Secret, unknownCheckingProxy } from "@pulumi/policy";
import { knownFormat, readStageLogging, stageDestination, stageFormat } from "../../lib/access-log-settings";
import { parseLogGroupArn } from "../../lib/log-group-arn";
import { UNKNOWN } from "../../lib/read-property";
import { hostileString, nearArn, sentinel } from "./helpers/hostile-values";

// The stack checks read a stage's destination and format with the
// allocation-free stageDestination and stageFormat, and parse ARNs without
// splitting them (docs/performance.md). They must agree with the readers the
// resource policies use on any input.

const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
    hostileString,
    nearArn,
    sentinel,
    fc.constantFrom(undefined, null, 0, 1, true, "", "  ", "\n"),
    fc.constant({ nested: "x" }),
    fc.constant(["arn:aws:logs:us-east-1:123456789012:log-group:a"]),
    nearArn.map((arn) => new Secret(arn)),
    sentinel.map((s) => new Secret(s)),
);

const settings: fc.Arbitrary<unknown> = fc.oneof(
    { arbitrary: fc.record({ destinationArn: fieldValue, format: fieldValue }, { requiredKeys: [] }), weight: 6 },
    { arbitrary: fc.oneof(sentinel, fc.constantFrom(undefined, null, "", 7, [], ["x"])), weight: 1 },
    { arbitrary: sentinel.map((s) => new Secret(s)), weight: 1 },
);

const props: fc.Arbitrary<Record<string, unknown>> = fc.record({ accessLogSettings: settings }, { requiredKeys: [] });

/** What readStageLogging says a stack check needs: a destination of kind "value" (its string) or "unknown" (UNKNOWN). */
function destinationOf(p: unknown): string | typeof UNKNOWN | undefined {
    const logging = readStageLogging(p);
    if (logging.kind !== "object") {
        return undefined;
    }
    return logging.destinationArn.kind === "value" ? logging.destinationArn.value : logging.destinationArn.kind === "unknown" ? UNKNOWN : undefined;
}

describe("the stack checks' readers agree with the resource policies' readers", () => {
    it("stageDestination and stageFormat give what readStageLogging gives, plain and behind the SDK's proxy", () => {
        fc.assert(fc.property(props, (p) => {
            for (const view of [p, unknownCheckingProxy(p)]) {
                assert.strictEqual(stageDestination(view), destinationOf(view));
                assert.strictEqual(stageFormat(view), knownFormat(readStageLogging(view)));
            }
        }), { numRuns: 3000 });
    });

    it("parseLogGroupArn: an accepted ARN's fields rebuild it, and normalized is the ARN without its trailing :*", () => {
        fc.assert(fc.property(nearArn, (arn) => {
            const parsed = parseLogGroupArn(arn);
            if (!parsed.ok) {
                assert.ok(parsed.reason.length > 0);
                return;
            }
            const { partition, region, account, name, normalized } = parsed.arn;
            assert.strictEqual(normalized, arn.endsWith(":*") ? arn.slice(0, -2) : arn);
            assert.strictEqual(`arn:${partition}:logs:${region}:${account}:log-group:${name}`, normalized);
        }), { numRuns: 5000 });
    });
});
