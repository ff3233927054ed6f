import * as assert from "assert";
import { quote } from "../../lib/quote";
import {
    analyze, apiGatewayAccount, awsStage, compliantStack, logGroup, wsFormatWith,
    P, replaceIn, unknownSentinels, withName, withProp, withPropertyDependencies, wsApi, wsStage,
} from "./helpers/fixtures";
import { changed, destination, format, noRole, scenarios, settings } from "./helpers/message-scenarios";
import { assertViolations, resourceUrn, TestResource, Violation } from "./helpers/policy-harness";
import { assertMessageShape, assertQuotesAtMost } from "./helpers/assertions";

// Message rules of the spec, checked on every message path of every policy:
// one problem line then a "Fix:" line; the resource named; no raw unknown
// sentinel, no "undefined"; at most 80 characters of any input value, control
// characters escaped; never a whole format string.

function resourceNameOf(stack: readonly TestResource[], v: Violation): string {
    return stack.find((r) => resourceUrn(r) === v.urn)?.name ?? "<none>";
}

describe("messages", () => {
    for (const s of scenarios()) {
        it(`${s.title}: one problem line naming the resource, then a Fix: line, nothing raw`, async () => {
            const v = await analyze(s.stack, s.configs);
            assertViolations(v, s.expect);
            for (const x of v) {
                assertMessageShape(x, quote(resourceNameOf(s.stack, x)));
            }
        });
    }

    describe("hostile resource names", () => {
        const evil = "evil\nstage\u0007\u202e";
        const escaped = quote(evil);

        it("the escaped form has no raw control characters", () => {
            assert.strictEqual(escaped, `"evil\\nstage\\x07\\u202e"`);
        });

        for (const s of scenarios()) {
            it(`${s.title}: a name with \\n, BEL and a bidi override is escaped`, async () => {
                const renamed = s.stack.map((r) => (s.expect.some(([, name]) => name === r.name) ? renameKeepingLinks(r, evil) : r));
                const v = await analyze(renamed, s.configs);
                assert.strictEqual(v.length, s.expect.length, v.map((x) => x.message).join("\n"));
                for (const x of v) {
                    assertMessageShape(x, escaped);
                }
            });
        }
    });

    describe("long input values are quoted to at most 80 characters", () => {
        it("a 10 KB stage name", async () => {
            const name = "n".repeat(5_000) + "m".repeat(5_000);
            const v = await analyze(changed(renameKeepingLinks(withProp(awsStage(), settings, undefined), name)));
            assert.strictEqual(v.length, 1);
            assertMessageShape(v[0]);
            assertQuotesAtMost(v[0].message, name);
        });

        it("a 5 KB destination ARN", async () => {
            const arn = "arn:aws:logs:us-east-1:123456789012:log-group:" + "g".repeat(5_000);
            const v = await analyze(changed(withProp(awsStage(), destination, arn)));
            assertViolations(v, [[P.destination, "http-stage"]]);
            assertMessageShape(v[0], `"http-stage"`);
            assertQuotesAtMost(v[0].message, arn);
        });

        it("a valid 512-character log-group name managed elsewhere", async () => {
            const arn = "arn:aws:logs:us-east-1:123456789012:log-group:" + "abcdefgh".repeat(64);
            const v = await analyze(changed(withPropertyDependencies(withProp(awsStage(), destination, arn), {})));
            assertViolations(v, [[P.retention, "http-stage"]]);
            assertQuotesAtMost(v[0].message, arn);
        });

        it("a 512-character log-group name with bad retention", async () => {
            const name = "abcdefgh".repeat(64);
            const arn = `arn:aws:logs:us-east-1:123456789012:log-group:${name}`;
            const group = withProp(withProp(withProp(logGroup(), ["name"], name), ["arn"], arn), ["retentionInDays"], 1);
            const v = await analyze(changed(group, withProp(awsStage(), destination, arn), withProp(wsStage(), destination, arn)));
            assertViolations(v, [[P.retention, "http-stage"], [P.retention, "ws-stage"]]);
            for (const x of v) {
                assertQuotesAtMost(x.message, name);
            }
        });

        it("a 10 KB format with a 10 KB unknown variable name", async () => {
            // A space before the variable, so the quote mark the message adds is not also input.
            const f = `{"id":"$context.requestId","x":" $context.${"v".repeat(10_000)}"}`;
            const v = await analyze(changed(withProp(awsStage(), format, f)));
            assertViolations(v, [[P.format, "http-stage"], [P.fields, "http-stage"]]);
            for (const x of v) {
                assertMessageShape(x, `"http-stage"`);
                assertQuotesAtMost(x.message, f);
            }
        });

        it("a 10 KB format with hundreds of unknown variables", async () => {
            const vars = Array.from({ length: 400 }, (_, i) => `"k${i}":"$context.unknownVariable${i}"`).join(",");
            const f = `{"id":"$context.requestId",${vars}}`;
            assert.ok(f.length > 10_000);
            const v = await analyze(changed(withProp(awsStage(), format, f)));
            for (const x of v) {
                assertMessageShape(x);
                assert.ok(x.message.length < 1_500, `message length ${x.message.length}`);
            }
        });

        it("a 10 KB multi-line, non-JSON format", async () => {
            const f = Array.from({ length: 600 }, (_, i) => `line ${i} $context.requestId`).join("\n");
            const v = await analyze(changed(withProp(awsStage(), format, f)));
            // fields: not JSON, and required variables missing, in one violation (one fix).
            assertViolations(v, [[P.format, "http-stage"], [P.fields, "http-stage"]]);
            assert.match(v[1].message, /is not valid JSON once \$context variables are substituted, and without "\$context\.identity\.sourceIp"/);
            for (const x of v) {
                assertMessageShape(x);
                assertQuotesAtMost(x.message, f);
            }
        });

        it("a 10 KB WebSocket format with HTTP-only variables", async () => {
            const f = wsFormatWith({ m: "$context.httpMethod", pad: "p".repeat(10_000) });
            const v = await analyze(changed(withProp(wsStage(), format, f)));
            assertViolations(v, [[P.protocol, "ws-stage"]]);
            assertQuotesAtMost(v[0].message, f);
        });
    });

    describe("never the whole format string", () => {
        const shortFormats: [string, string, [string, string][]][] = [
            ["missing request id", `{"ip":"$context.identity.sourceIp","s":"$context.status"}`, [[P.format, "http-stage"], [P.fields, "http-stage"]]],
            ["unsupported variable", `{"id":"$context.requestId","x":"$context.nope"}`, [[P.format, "http-stage"], [P.fields, "http-stage"]]],
            ["line break", `{"id":"$context.requestId",\n"s":"$context.status"}`, [[P.format, "http-stage"], [P.fields, "http-stage"]]],
            ["CLF", `$context.requestId $context.status`, [[P.fields, "http-stage"]]],
        ];
        for (const [title, f, expect] of shortFormats) {
            it(`${title}`, async () => {
                const v = await analyze(changed(withProp(awsStage(), format, f)));
                assertViolations(v, expect);
                for (const x of v) {
                    assert.ok(!x.message.includes(f), `whole format in: ${x.message}`);
                    assert.ok(!x.message.includes(JSON.stringify(f)), `whole format (JSON-escaped) in: ${x.message}`);
                }
            });
        }

        it("a WebSocket format with a foreign variable", async () => {
            const f = `{"id":"$context.requestId","m":"$context.httpMethod"}`;
            const v = await analyze(changed(withProp(wsStage(), format, f)));
            for (const x of v.filter((y) => y.policy === P.protocol)) {
                assert.ok(!x.message.includes(f));
            }
            assert.ok(v.some((y) => y.policy === P.protocol));
        });
    });

    it("control characters in a destination ARN are escaped", async () => {
        const arn = "arn:aws:logs:us-east-1:123456789012:log-group:a\nb\u0007c";
        const v = await analyze(changed(withProp(awsStage(), destination, arn)));
        assertViolations(v, [[P.destination, "http-stage"]]);
        assertMessageShape(v[0], `"http-stage"`);
        assert.ok(v[0].message.includes("a\\nb\\x07c"), v[0].message);
    });

    it("control characters in a log group's name are escaped", async () => {
        let group = withProp(logGroup(), ["arn"], unknownSentinels.string);
        group = withProp(withProp(group, ["name"], "bad\r\nname\u0000"), ["retentionInDays"], 1);
        const stage = withProp(awsStage(), destination, unknownSentinels.string);
        const v = await analyze(changed(group, stage));
        // ws-stage's known ARN names another log group now; it is reported as logging outside the stack.
        assertViolations(v, [[P.retention, "http-stage"], [P.retention, "ws-stage"]]);
        for (const x of v) {
            assertMessageShape(x);
        }
        assert.ok(v.some((x) => x.message.includes("bad\\r\\nname\\x00")));
    });

    it("the API and the account are named in the protocol messages without raw values", async () => {
        const api = renameKeepingLinks(wsApi(), "ws\tapi");
        const v = await analyze(replaceIn(noRole(withProp(wsStage(), format, wsFormatWith({ m: "$context.httpMethod" }))), api));
        assertViolations(v, [[P.protocol, "ws-stage"], [P.protocol, "ws-stage"]]);
        for (const x of v) {
            assertMessageShape(x, `"ws-stage"`);
            assert.ok(x.message.includes(`"ws\\tapi"`), x.message);
        }
    });

    it("an unchanged apiGatewayAccount keeps the stack quiet (control for the scenarios above)", async () => {
        assertViolations(await analyze(replaceIn(compliantStack(), apiGatewayAccount())), []);
    });
});

/**
 * Renames a resource and rewrites every link to it, so stack policies still
 * see the same graph with only the name changed.
 */
function renameKeepingLinks(r: TestResource, name: string): TestResource {
    return withName({ ...r, urn: resourceUrn(r) }, name);
}
