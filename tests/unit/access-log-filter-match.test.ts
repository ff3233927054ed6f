import * as assert from "assert";
import {
    analyze, awsStage, compliantStack, logGroup, logGroupName, nativeLogGroup, nativeLogGroupName, nativeStage, P, replaceIn, unknownSentinels, without, withProp,
} from "./helpers/fixtures";
import { assertViolations, resourceUrn, TestResource, validateStack, Violation } from "./helpers/policy-harness";
import { accessLogFilterMatch } from "../../policies/access-log-filter-match";

// apigatewayv2-access-log-filter-match (issue 15, item 5): a metric or
// subscription filter on a stage's log group whose pattern cannot match the
// stage's format, or will stop matching once the format fix makes it JSON.

const clf = "$context.identity.sourceIp - - [$context.requestTime] \"$context.httpMethod $context.routeKey $context.protocol\" $context.status $context.responseLength $context.requestId";
const metricFilter = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const subscriptionFilter = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter";

function filter(pattern: unknown, type = metricFilter, name = "errors-4xx"): TestResource {
    const groupKey = type === subscriptionFilter ? "logGroup" : "logGroupName";
    const patternKey = type === metricFilter ? "pattern" : "filterPattern";
    return {
        type, name,
        props: { name, [groupKey]: logGroupName, [patternKey]: pattern },
        propertyDependencies: { [groupKey]: [resourceUrn(logGroup())] },
    };
}

function clfStage(): TestResource {
    return withProp(awsStage(), ["accessLogSettings", "format"], clf);
}

function only(v: readonly Violation[], policy: string): Violation[] {
    return v.filter((x) => x.policy === policy);
}

describe("apigatewayv2-access-log-filter-match", () => {
    it("says nothing about a JSON pattern on a JSON format, or a term pattern on any format", async () => {
        for (const pattern of ["{ $.status = \"4*\" }", "ERROR", "?ERROR ?WARN", "%5\\d\\d%", ""]) {
            assertViolations(await analyze([...compliantStack(), filter(pattern)]), []);
        }
    });

    it("a space-delimited pattern on a JSON format stops matching: it gets the JSON pattern on the format's own keys", async () => {
        const f = filter("[ip, ..., status=4*, ...]");
        const v = await analyze([...compliantStack(), f]);
        assertViolations(v, [[P.filterMatch, f.name]]);
        assert.match(v[0].message, /Metric filter "errors-4xx" reads the access logs of Stage "http-stage" with a space-delimited pattern/);
        assert.match(v[0].message, /\nFix: new aws\.cloudwatch\.LogMetricFilter\("errors-4xx", \{ \.\.\., pattern: "\{ \$\.status = \\"4\*\\" \}" \}\)/);
    });

    it("a pattern that only counts lines ([...]) matches any line: no report", async () => {
        assertViolations(await analyze([...compliantStack(), filter("[...]")]), []);
    });

    it("a JSON pattern on a non-JSON format never matches: the fix is the JSON format that has its keys", async () => {
        const f = filter("{ $.status = \"4*\" }");
        const v = only(await analyze(replaceIn([...compliantStack(), f], clfStage())), P.filterMatch);
        assert.strictEqual(v.length, 1);
        assert.strictEqual(v[0].resource, f.name);
        assert.match(v[0].message, /with a JSON pattern \(\{ \$\.status \.\.\. \}\), but that format does not write JSON, so it never matches/);
        assert.match(v[0].message, /Fix: new aws\.apigatewayv2\.Stage\("http-stage", \{ \.\.\., accessLogSettings: \{ \.\.\., format: JSON\.stringify\(\{ sourceIp: "\$context\.identity\.sourceIp"/);
    });

    it("a JSON pattern selecting a key no JSON fix would write: says so; the fix makes the format JSON and leaves the pattern to fill in", async () => {
        const v = only(await analyze(replaceIn([...compliantStack(), filter("{ $.latency > 1000 }")], clfStage())), P.filterMatch);
        assert.match(v[0].message, /"\$\.latency" are not among those a JSON fix would write/);
        assert.match(v[0].message, /\nFix: new aws\.apigatewayv2\.Stage\("http-stage", .*; new aws\.cloudwatch\.LogMetricFilter\("errors-4xx", \{ \.\.\., pattern: "<a JSON pattern on the format's keys/);
    });

    it("a CLF pattern that matches today but stops once the format fix makes it JSON: named once, with its new pattern", async () => {
        const f = filter("[ip, ..., status=4*, ...]");
        const v = await analyze(replaceIn([...compliantStack(), f], clfStage()));
        assertViolations(v, [[P.fields, "http-stage"], [P.filterMatch, f.name]]);
        const [m] = only(v, P.filterMatch);
        assert.match(m.message, /matches the access logs of Stage "http-stage" today, but the format fix of apigatewayv2-access-log-format-fields makes that format JSON/);
        assert.match(m.message, /The fix gives it the JSON pattern \{ \$\.status = "4\*" \}\./);
        // The format-fields message points here instead of its generic sentence.
        assert.match(only(v, P.fields)[0].message, /apigatewayv2-access-log-filter-match/);
    });

    it("carries positions over: the sixth of eight fields is the status", async () => {
        const v = only(await analyze(replaceIn([...compliantStack(), filter("[ip, id, user, timestamp, request, status_code=4*, size, rid]")], clfStage())), P.filterMatch);
        assert.match(v[0].message, /\{ \$\.status = \\"4\*\\" \}/);
    });

    it("with requireJson off, a fitting CLF pattern is fine", async () => {
        const v = await analyze(replaceIn([...compliantStack(), filter("[ip, ..., status=4*, ...]")], clfStage()), {
            [P.filterMatch]: { requireJson: false }, [P.fields]: { requireJson: false },
        });
        assertViolations(v, []);
    });

    it("a space-delimited pattern whose field count does not fit the format never matches", async () => {
        const f = filter("[ip, user, timestamp, request, status_code=4*, bytes]");
        const v = only(await analyze(replaceIn([...compliantStack(), f], clfStage()), { [P.filterMatch]: { requireJson: false } }), P.filterMatch);
        assert.strictEqual(v.length, 1);
        assert.match(v[0].message, /with a pattern of 6 fields, but that format writes 8 fields, so it never matches/);
    });

    it("a numeric condition has no sure JSON equivalent: the message asks for it by hand, naming the keys", async () => {
        const v = only(await analyze(replaceIn([...compliantStack(), filter("[ip, ..., status_code >= 400, bytes, rid]")], clfStage())), P.filterMatch);
        assert.match(v[0].message, /Rewrite it by hand as a JSON pattern on the format's keys \("sourceIp", "requestTime"/);
    });

    it("finds the filter by its log group's name when it has no dependency, and reads subscription filters", async () => {
        const f = { ...filter("[ip, ..., status=4*, ...]", subscriptionFilter, "to-siem"), propertyDependencies: {} };
        const v = only(await analyze(replaceIn([...compliantStack(), f], clfStage())), P.filterMatch);
        assert.strictEqual(v[0].resource, "to-siem");
        assert.match(v[0].message, /^Subscription filter "to-siem"/);
        assert.match(v[0].message, /new aws\.cloudwatch\.LogSubscriptionFilter\("to-siem", \{ \.\.\., filterPattern: /);
    });

    it("reads aws-native filters on aws-native log groups", async () => {
        const f: TestResource = {
            type: "aws-native:logs:MetricFilter", name: "native-4xx",
            props: { logGroupName: nativeLogGroupName, filterPattern: "[ip, ..., status=4*, ...]" },
            propertyDependencies: { logGroupName: [resourceUrn(nativeLogGroup())] },
        };
        const v = only(await analyze([...compliantStack(), f]), P.filterMatch);
        assert.strictEqual(v[0]?.resource, "native-4xx", JSON.stringify(v));
        assert.ok(nativeStage());
    });

    it("a filter on another log group, or with an unknown pattern, is left alone (no verdict, no throw)", async () => {
        const other = { ...filter("[ip, ..., status=4*, ...]"), props: { logGroupName: "/other", pattern: "[ip, ..., status=4*, ...]" }, propertyDependencies: {} };
        assertViolations(await analyze([...compliantStack(), other]), []);
        assertViolations(await analyze([...compliantStack(), filter(unknownSentinels.string)]), []);
        assertViolations(await analyze([...compliantStack(), filter(42)]), []);
        assertViolations(await analyze([...compliantStack(), filter("[a, \"b")]), []);
    });

    it("answers not applicable when no filter reads a stage's log group", async () => {
        const r = await validateStack(accessLogFilterMatch, without(compliantStack(), "unauthorized"));
        assert.deepStrictEqual(r.notApplicable.map((n) => n.reason), [
            "The stack has no metric or subscription filter (aws.cloudwatch.LogMetricFilter, LogSubscriptionFilter, aws-native logs MetricFilter, SubscriptionFilter)",
        ]);
        const elsewhere = { ...filter("ERROR"), props: { logGroupName: "/other", pattern: "ERROR" }, propertyDependencies: {} };
        assert.match((await validateStack(accessLogFilterMatch, [...without(compliantStack(), "unauthorized"), elsewhere])).notApplicable[0]?.reason ?? "", /No metric or subscription filter with a known pattern/);
    });
});
