import * as assert from "assert";
import { accessLogGroupRetention } from "../../policies/access-log-group-retention";
import { accessLogProtocol } from "../../policies/access-log-protocol";
import {
    analyze, awsStage, compliantStack, formatWith, goodFormat, goodWebSocketFormat, logGroup, nativeLogGroup, P, replaceIn,
    unknownSentinels, withProp, wsFormatWith, wsStage,
} from "./helpers/fixtures";
import { assertViolations, TestResource, validateStack } from "./helpers/policy-harness";
import { assertConfigError, assertMessageShape } from "./helpers/assertions";

// Issue 9, items 4 and 5: WebSocket formats record the connection
// (apigatewayv2-access-log-protocol, requiredWebSocketVariables), and the log
// group keeps the audit trail (apigatewayv2-access-log-group-retention:
// logGroupClass DELIVERY, requireDeletionProtection).

const format = ["accessLogSettings", "format"];

function stackWith(...changes: TestResource[]): TestResource[] {
    return replaceIn(compliantStack(), ...changes);
}

function protocolRun(stack: readonly TestResource[], config: Record<string, unknown> = {}) {
    return validateStack(accessLogProtocol, stack, config).then((r) => r.violations);
}

function retentionRun(stack: readonly TestResource[], config: Record<string, unknown> = {}) {
    return validateStack(accessLogGroupRetention, stack, config).then((r) => r.violations);
}

describe("WebSocket formats record the connection (requiredWebSocketVariables)", () => {
    it("the compliant WebSocket stage logs $context.connectionId and $context.eventType", async () => {
        assert.match(goodWebSocketFormat, /\$context\.connectionId/);
        assertViolations(await analyze(compliantStack()), []);
    });

    it("reports a WebSocket stage whose format lacks both, naming both, on the stage, as the protocol policy only", async () => {
        const v = await analyze(stackWith(withProp(wsStage(), format, goodFormat)));
        assertViolations(v, [[P.protocol, "ws-stage"]]);
        assertMessageShape(v[0], "ws-stage");
        assert.match(v[0].message, /WebSocket API "ws-api" has an access-log format without "\$context\.connectionId", "\$context\.eventType"/);
    });

    it("reports only the missing one", async () => {
        const v = await protocolRun(stackWith(withProp(wsStage(), format, formatWith({ connectionId: "$context.connectionId" }))));
        assertViolations(v, [[P.protocol, "ws-stage"]]);
        assert.match(v[0].message, /without "\$context\.eventType", so/);
        assert.ok(!/without[^.]*connectionId/.test(v[0].message.split("\n")[0]), v[0].message);
    });

    it("accepts the variables anywhere in a non-JSON format too", async () => {
        const clf = "$context.requestId $context.connectionId $context.eventType $context.status";
        assertViolations(await protocolRun(stackWith(withProp(wsStage(), format, clf))), []);
    });

    it("never asks an HTTP stage for them", async () => {
        assertViolations(await protocolRun(stackWith(withProp(awsStage(), format, goodFormat))), []);
        const v = await protocolRun(stackWith(withProp(awsStage(), format, goodFormat)), { requiredWebSocketVariables: ["connectionId", "messageId"] });
        assertViolations(v, [[P.protocol, "ws-stage"]]);
    });

    it("[] turns the check off", async () => {
        assertViolations(await protocolRun(stackWith(withProp(wsStage(), format, goodFormat)), { requiredWebSocketVariables: [] }), []);
    });

    it("takes another list from config", async () => {
        const v = await protocolRun(stackWith(), { requiredWebSocketVariables: ["connectionId", "messageId"] });
        assertViolations(v, [[P.protocol, "ws-stage"]]);
        assert.match(v[0].message, /without "\$context\.messageId"/);
        assert.match(v[0].message, /messageId: "\$context\.messageId"/, "the fix adds the configured variable");
    });

    it("defers while the format or the API's protocol is unknown", async () => {
        assertViolations(await protocolRun(stackWith(withProp(wsStage(), format, unknownSentinels.string))), []);
        const unknownApi = { type: "aws:apigatewayv2/api:Api", name: "ws-api", props: { name: "ws-api", protocolType: unknownSentinels.string, id: "w1s2k3t4v5" } };
        assertViolations(await protocolRun(stackWith(withProp(wsStage(), format, goodFormat), unknownApi)), []);
    });

    it("a format without a request ID still gets this report: the format policy reports the request ID, this one the connection", async () => {
        const v = await analyze(stackWith(withProp(wsStage(), format, JSON.stringify({ ip: "$context.identity.sourceIp" }))));
        assert.deepStrictEqual(v.map((x) => x.policy).sort(), [P.format, P.fields, P.protocol].sort());
    });

    it("rejects a malformed variable name in config", async () => {
        await assertConfigError(validateStack(accessLogProtocol, compliantStack(), { requiredWebSocketVariables: ["$context.connectionId"] }),
            P.protocol, "requiredWebSocketVariables", /not a variable name/);
        await assertConfigError(validateStack(accessLogProtocol, compliantStack(), { requiredWebSocketVariables: "connectionId" }),
            P.protocol, "requiredWebSocketVariables", /list of strings/);
    });

    it("a WebSocket format with an HTTP-only variable and no connection fields gets two reports with one fix that cures both", async () => {
        const v = await protocolRun(stackWith(withProp(wsStage(), format, formatWith({ m: "$context.httpMethod" }))));
        assertViolations(v, [[P.protocol, "ws-stage"], [P.protocol, "ws-stage"]]);
        const fixes = new Set(v.map((x) => x.message.split("\n")[1]));
        assert.strictEqual(fixes.size, 1);
        assert.match([...fixes][0], /connectionId: "\$context\.connectionId", eventType: "\$context\.eventType"/);
        assert.ok(!/httpMethod/.test([...fixes][0]));
    });

    it("a WebSocket-only variable in an otherwise good WebSocket format is fine", async () => {
        assertViolations(await analyze(stackWith(withProp(wsStage(), format, wsFormatWith({ messageId: "$context.messageId" })))), []);
    });
});

describe("the log group keeps the audit trail", () => {
    const sharedGroupStages: [string, string][] = [[P.retention, "http-stage"], [P.retention, "ws-stage"]];

    describe("logGroupClass", () => {
        it("reports a DELIVERY log group on every stage that writes to it, as the one problem, with a fix that replaces the class", async () => {
            // The provider forces a Delivery group's retention; the class is what to fix.
            const v = await retentionRun(stackWith(withProp(withProp(logGroup(), ["logGroupClass"], "DELIVERY"), ["retentionInDays"], 2)));
            assertViolations(v, sharedGroupStages);
            for (const x of v) {
                assertMessageShape(x);
                assert.match(x.message, /is of class DELIVERY, so it keeps events for 1 day/);
                assert.ok(!/retentionInDays 2/.test(x.message), x.message);
                assert.match(x.message.split("\n")[1], /logGroupClass: "STANDARD", retentionInDays: 30/);
            }
        });

        it("reports it whatever the case, and on aws-native log groups", async () => {
            assertViolations(await retentionRun(stackWith(withProp(logGroup(), ["logGroupClass"], "delivery"))), sharedGroupStages);
            assertViolations(await retentionRun(stackWith(withProp(nativeLogGroup(), ["logGroupClass"], "DELIVERY"))), [[P.retention, "native-stage"]]);
        });

        it("accepts STANDARD, INFREQUENT_ACCESS and no class at all", async () => {
            for (const logClass of ["STANDARD", "INFREQUENT_ACCESS", undefined]) {
                assertViolations(await retentionRun(stackWith(withProp(logGroup(), ["logGroupClass"], logClass))), []);
            }
        });

        it("defers an unknown class, and still checks retention then", async () => {
            assertViolations(await retentionRun(stackWith(withProp(logGroup(), ["logGroupClass"], unknownSentinels.string))), []);
            const v = await retentionRun(stackWith(withProp(withProp(logGroup(), ["logGroupClass"], unknownSentinels.string), ["retentionInDays"], 7)));
            assertViolations(v, sharedGroupStages);
            assert.match(v[0].message, /keeps logs for 7 days/);
        });
    });

    describe("requireDeletionProtection", () => {
        const on = { requireDeletionProtection: true };

        it("is off by default", async () => {
            assertViolations(await retentionRun(compliantStack()), []);
        });

        it("reports a log group without deletionProtectionEnabled: true when on, with a fix that sets it", async () => {
            for (const value of [undefined, false, null]) {
                const protectedNative = withProp(nativeLogGroup(), ["deletionProtectionEnabled"], true);
                const v = await retentionRun(stackWith(withProp(logGroup(), ["deletionProtectionEnabled"], value), protectedNative), on);
                assertViolations(v, sharedGroupStages);
                assert.match(v[0].message, /can be deleted with its logs \(deletionProtectionEnabled is not true\)/);
                assert.match(v[0].message.split("\n")[1], /deletionProtectionEnabled: true/);
            }
        });

        it("accepts deletionProtectionEnabled: true on aws and aws-native log groups", async () => {
            const stack = stackWith(withProp(logGroup(), ["deletionProtectionEnabled"], true), withProp(nativeLogGroup(), ["deletionProtectionEnabled"], true));
            assertViolations(await retentionRun(stack, on), []);
        });

        it("reports an aws-native log group without it", async () => {
            const stack = stackWith(withProp(logGroup(), ["deletionProtectionEnabled"], true));
            assertViolations(await retentionRun(stack, on), [[P.retention, "native-stage"]]);
        });

        it("defers while the value is unknown", async () => {
            const stack = stackWith(withProp(logGroup(), ["deletionProtectionEnabled"], unknownSentinels.boolean), withProp(nativeLogGroup(), ["deletionProtectionEnabled"], true));
            assertViolations(await retentionRun(stack, on), []);
        });

        it("joins the other problems of the same log group into one message and one fix", async () => {
            const v = await retentionRun(stackWith(withProp(logGroup(), ["retentionInDays"], 7)), { ...on, requireKmsKey: true });
            assertViolations(v, [...sharedGroupStages, [P.retention, "native-stage"]]);
            const http = v.find((x) => x.resource === "http-stage")!;
            assert.match(http.message, /keeps logs for 7 days, less than the required 30 days, is not encrypted .* and can be deleted with its logs \(deletionProtectionEnabled is not true\)\. The fix sets retentionInDays to 30, sets kmsKeyId to a KMS key .* and sets deletionProtectionEnabled to true\.\n/);
            assert.match(http.message.split("\n")[1], /retentionInDays: 30, kmsKeyId: key\.arn, deletionProtectionEnabled: true/);
        });

        it("rejects a non-boolean", async () => {
            await assertConfigError(validateStack(accessLogGroupRetention, compliantStack(), { requireDeletionProtection: "yes" }),
                P.retention, "requireDeletionProtection", /true or false/);
        });
    });
});
