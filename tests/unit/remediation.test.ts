import * as assert from "assert";
import { stageAccessLogging } from "../../policies/stage-access-logging";
import { recommendedAccessLogFormat } from "../../lib/recommended-format";
import {
    analyze, awsStage, compliantStack, logGroupArn, nativeStage, P, packPolicies, replaceIn, schemaDefaults, secret, T,
    unknownSentinels, withProp, wsStage,
} from "./helpers/fixtures";
import { assertViolations, remediateResource, TestResource } from "./helpers/policy-harness";
import { assertConfigError } from "./helpers/assertions";
import { secretSig, specialSigKey } from "../../engine/resource-model";

// Remediation runs the way the server's Remediate does: props behind
// unknownCheckingProxy(secretsPreservingProxy(...)) with secrets as Secret,
// and the result serialized by the SDK, which turns Secret back into the
// wire envelope. The remediated props are then analyzed like the engine does
// after a remediation, by every policy with default config.

const settings = ["accessLogSettings"];
const destination = ["accessLogSettings", "destinationArn"];
const format = ["accessLogSettings", "format"];

async function remediate(resource: TestResource, config: Record<string, unknown> = {}) {
    return (await remediateResource(stageAccessLogging, resource, config)).props;
}

function isSecretEnvelope(value: unknown): value is { value: unknown } {
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[specialSigKey] === secretSig;
}

function asStage(base: TestResource, props: Record<string, unknown>): TestResource {
    return { ...base, props };
}

describe("apigatewayv2-stage-access-logging remediation", () => {
    describe("fills the format", () => {
        for (const [title, value] of [["missing", undefined], ["null", null], ["an empty string", ""], ["whitespace", "  "]] as const) {
            it(`fills a format that is ${title} when the destination is known`, async () => {
                const out = await remediate(withProp(awsStage(), format, value));
                assert.ok(out, "a remediation was returned");
                assert.strictEqual((out.accessLogSettings as any).format, recommendedAccessLogFormat);
                assert.strictEqual((out.accessLogSettings as any).destinationArn, logGroupArn);
            });
        }

        it("fills a missing format when the destination is unknown, keeping the destination unknown", async () => {
            const out = await remediate(withProp(withProp(awsStage(), format, undefined), destination, unknownSentinels.string));
            assert.ok(out);
            assert.strictEqual((out.accessLogSettings as any).format, recommendedAccessLogFormat);
            assert.strictEqual((out.accessLogSettings as any).destinationArn, unknownSentinels.string);
        });

        it("fills the format of an aws-native stage", async () => {
            const out = await remediate(withProp(nativeStage(), format, undefined));
            assert.ok(out);
            assert.strictEqual((out.accessLogSettings as any).format, recommendedAccessLogFormat);
        });

        it("keeps every other property as it was", async () => {
            const stage = withProp(withProp(awsStage(), format, undefined), ["tags"], { team: "payments" });
            const out = await remediate(stage);
            assert.ok(out);
            const expected = JSON.parse(JSON.stringify(stage.props));
            expected.accessLogSettings.format = recommendedAccessLogFormat;
            assert.deepStrictEqual(out, expected);
        });

        it("keeps unknown sibling properties as unknown sentinels", async () => {
            const stage = withProp(withProp(awsStage(), format, undefined), ["apiId"], unknownSentinels.string);
            const out = await remediate(stage);
            assert.ok(out);
            assert.strictEqual(out.apiId, unknownSentinels.string);
        });

        it("the filled format is a single-line JSON object AWS accepts", () => {
            assert.ok(!recommendedAccessLogFormat.includes("\n"));
            assert.ok(recommendedAccessLogFormat.includes("$context.requestId"));
            assert.strictEqual(typeof JSON.parse(recommendedAccessLogFormat), "object");
        });
    });

    describe("keeps secrets secret", () => {
        it("keeps a secret destinationArn secret", async () => {
            const out = await remediate(withProp(withProp(awsStage(), format, undefined), destination, secret(logGroupArn)));
            assert.ok(out);
            const dest = (out.accessLogSettings as any).destinationArn;
            assert.ok(isSecretEnvelope(dest), `destinationArn is still a secret: ${JSON.stringify(dest)}`);
            assert.strictEqual(dest.value, logGroupArn);
        });

        it("keeps a secret empty format secret once filled", async () => {
            const out = await remediate(withProp(awsStage(), format, secret("")));
            assert.ok(out);
            const f = (out.accessLogSettings as any).format;
            assert.ok(isSecretEnvelope(f), `format is still a secret: ${JSON.stringify(f)}`);
            assert.strictEqual(f.value, recommendedAccessLogFormat);
        });

        it("keeps a wholly secret accessLogSettings secret", async () => {
            const out = await remediate(withProp(awsStage(), settings, secret({ destinationArn: logGroupArn })));
            assert.ok(out);
            const s = out.accessLogSettings;
            assert.ok(isSecretEnvelope(s), `accessLogSettings is still a secret: ${JSON.stringify(s)}`);
            assert.deepStrictEqual(s.value, { destinationArn: logGroupArn, format: recommendedAccessLogFormat });
        });

        it("keeps secret sibling properties secret", async () => {
            const stage = withProp(withProp(awsStage(), format, undefined), ["tags"], secret({ owner: "ops" }));
            const out = await remediate(stage);
            assert.ok(out);
            assert.ok(isSecretEnvelope(out.tags));
        });

        it("fills the format when the secret destination is unknown", async () => {
            const out = await remediate(withProp(withProp(awsStage(), format, undefined), destination, secret(unknownSentinels.string)));
            assert.ok(out);
            assert.strictEqual((out.accessLogSettings as any).format, recommendedAccessLogFormat);
            const dest = (out.accessLogSettings as any).destinationArn;
            assert.ok(isSecretEnvelope(dest));
            assert.strictEqual(dest.value, unknownSentinels.string);
        });
    });

    describe("leaves other cases alone", () => {
        const untouched: [string, TestResource][] = [
            ["a compliant stage", awsStage()],
            ["a stage without accessLogSettings", withProp(awsStage(), settings, undefined)],
            ["a stage with null accessLogSettings", withProp(awsStage(), settings, null)],
            ["a stage whose accessLogSettings is unknown", withProp(awsStage(), settings, unknownSentinels.object)],
            ["a stage whose accessLogSettings is a string", withProp(awsStage(), settings, "x")],
            ["a stage whose accessLogSettings is an array", withProp(awsStage(), settings, [])],
            ["a stage without destination", withProp(withProp(awsStage(), format, undefined), destination, undefined)],
            ["a stage with an empty destination", withProp(withProp(awsStage(), format, undefined), destination, "")],
            ["a stage whose destination is a number", withProp(withProp(awsStage(), format, undefined), destination, 5)],
            ["a stage whose format is unknown", withProp(awsStage(), format, unknownSentinels.string)],
            ["a stage whose format is invalid but present", withProp(awsStage(), format, "no request id")],
            ["a stage whose format is an array", withProp(awsStage(), format, ["$context.requestId"])],
            ["a REST stage without format", { type: T.restStage, name: "rest", props: { accessLogSettings: { destinationArn: logGroupArn } } }],
            ["a bucket", { type: T.bucket, name: "b", props: { bucket: "b" } }],
        ];
        for (const [title, resource] of untouched) {
            it(`returns nothing for ${title}`, async () => {
                assert.strictEqual(await remediate(resource), undefined);
            });
        }
    });

    describe("the remediated stage passes every policy of the pack with default config", () => {
        // A WebSocket stage shows its protocol through execution logging (loggingLevel), which only WebSocket stages have.
        const wsWithExecutionLogging = withProp(withProp(wsStage(), ["defaultRouteSettings", "loggingLevel"], "INFO"), ["defaultRouteSettings", "throttlingRateLimit"], 100);
        for (const [protocol, base] of [["HTTP", awsStage()], ["WebSocket (with execution logging)", wsWithExecutionLogging], ["aws-native HTTP", nativeStage()]] as const) {
            it(`${protocol} stage with a missing format, in a stack with an Account role and a log group with retention`, async () => {
                const broken = withProp(base, format, undefined);
                assertViolations(await analyze(replaceIn(compliantStack(), broken)), [[P.stage, base.name]]);
                const out = await remediate(broken);
                assert.ok(out);
                assertViolations(await analyze(replaceIn(compliantStack(), asStage(broken, out))), []);
            });

            it(`${protocol} stage with a blank format, in the same stack`, async () => {
                const broken = withProp(base, format, "");
                const out = await remediate(broken);
                assert.ok(out);
                assertViolations(await analyze(replaceIn(compliantStack(), asStage(broken, out))), []);
            });
        }

        it("a WebSocket stage without execution logging gets the both-protocol format, so the protocol policy still asks for the connection fields", async () => {
            const broken = withProp(wsStage(), format, undefined);
            const out = await remediate(broken);
            assert.ok(out);
            const v = await analyze(replaceIn(compliantStack(), asStage(broken, out)));
            assertViolations(v, [[P.protocol, "ws-stage"]]);
            assert.match(v[0].message, /without "\$context\.connectionId", "\$context\.eventType"/);
        });

        it("passes with the engine's filled-in schema defaults as config too", async () => {
            const broken = withProp(withProp(wsStage(), ["defaultRouteSettings", "loggingLevel"], "ERROR"), format, undefined);
            const out = await remediate(broken);
            assert.ok(out);
            const configs = Object.fromEntries(packPolicies.map((p) => [p.name, schemaDefaults(p)]));
            assertViolations(await analyze(replaceIn(compliantStack(), asStage(broken, out)), configs), []);
        });
    });

    it("rejects an unknown config key during remediation too", async () => {
        await assertConfigError(remediateResource(stageAccessLogging, withProp(awsStage(), format, undefined), { fmt: "x" }), P.stage, "fmt", /not a known key/);
    });
});
