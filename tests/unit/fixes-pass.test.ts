import * as assert from "assert";
import {
    accountId, analyze, apiGatewayAccount, awsStage, clone, compliantStack, formatWith, goodFormat, httpApi, logGroup,
    nativeLogGroup, nativeStage, P, region, replaceIn, without, withProp, wsFormatWith, wsStage,
} from "./helpers/fixtures";
import { PolicyConfigs, resourceUrn, TestResource, Violation } from "./helpers/policy-harness";

// Issue 9, item 2: every "Fix:" snippet, applied to the resource it names,
// gives a stack that passes every policy of the pack with the default config.
// Each case below breaks the compliant stack in one way; the test runs the
// pack, and for every violation applies that violation's own fix to the stack
// and runs the whole pack again. Applying reads the fix as lib/fix-snippets.ts
// writes it in TypeScript (the stage named by its own name): the
// object inside JSON.stringify({...}) becomes the format, `key: value` pairs
// become properties, `logGroup.arn` is the ARN of a log group with retention,
// and a trailing "// on a WebSocket API add ..." note is followed on WebSocket
// stages. A snippet this reader cannot apply fails the test.

const format = ["accessLogSettings", "format"];
const settings = ["accessLogSettings"];
const destination = ["accessLogSettings", "destinationArn"];

interface FixCase {
    title: string;
    stack: TestResource[];
    /** Config under which the defect is reported (default config when absent). */
    configs?: PolicyConfigs;
    /** Placeholders in the fix, as the user would fill them in. */
    placeholders?: Record<string, string>;
    /** Also check the fixed stack under `configs` (the fix is concrete enough for it). */
    passesUnderConfig?: boolean;
}

function evalObjectLiteral(body: string): Record<string, unknown> {
    // Our own snippet text, not user input: an object literal of string values.
    return new Function(`"use strict"; return ({${body}});`)() as Record<string, unknown>;
}

/** The text between the `{` at `open` and its matching `}`. */
function braced(text: string, open: number): string {
    let depth = 0;
    for (let i = open; i < text.length; i++) {
        if (text[i] === "{") {
            depth++;
        } else if (text[i] === "}") {
            depth--;
            if (depth === 0) {
                return text.slice(open + 1, i);
            }
        }
    }
    throw new Error(`unbalanced braces in fix: ${text}`);
}

function formatOf(fix: string, webSocket: boolean): string | undefined {
    const at = fix.indexOf("JSON.stringify({");
    if (at < 0) {
        return undefined;
    }
    const object = evalObjectLiteral(braced(fix, at + "JSON.stringify(".length));
    const note = /\/\/ (?:.*; )?on a WebSocket API add (.*)$/.exec(fix);
    if (note && webSocket) {
        Object.assign(object, evalObjectLiteral(note[1]));
    }
    return JSON.stringify(object);
}

/** `key: value` pairs of the top level of a `{ ..., k: v }` argument, with simple values. */
function simpleProps(body: string, placeholders: Record<string, string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const re = /(\w+): ("[^"]*"|\d+|true|false|key\.arn)/g;
    for (let m = re.exec(body); m !== null; m = re.exec(body)) {
        const raw = m[2];
        out[m[1]] = raw === "key.arn" ? `arn:aws:kms:${region}:${accountId}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`
            : raw.startsWith("\"") ? (placeholders[JSON.parse(raw) as string] ?? JSON.parse(raw))
            : raw === "true" ? true : raw === "false" ? false : Number(raw);
    }
    return out;
}

function isWebSocketStage(stack: readonly TestResource[], stage: TestResource): boolean {
    const apiUrns = stage.propertyDependencies?.apiId ?? [];
    return stack.some((r) => apiUrns.includes(resourceUrn(r)) && r.props.protocolType === "WEBSOCKET");
}

/** A log group of this stack the pack accepts, added if there is none, and its ARN. */
function compliantLogGroup(stack: TestResource[], native: boolean): { stack: TestResource[]; group: TestResource; arn: string } {
    const name = native ? "fixed-native-logs" : "fixed-logs";
    const arn = `arn:aws:logs:${region}:${accountId}:log-group:${name}`;
    const group: TestResource = native
        ? { type: "aws-native:logs:LogGroup", name, props: { logGroupName: name, retentionInDays: 30, arn: `${arn}:*` } }
        : { type: "aws:cloudwatch/logGroup:LogGroup", name, props: { name, retentionInDays: 30, arn } };
    return { stack: [...stack.filter((r) => r.name !== name), group], group, arn: native ? `${arn}:*` : arn };
}

function pointStageAt(stage: TestResource, group: TestResource, arn: string, newFormat: string | undefined): TestResource {
    const fixed = clone(stage);
    const current = (fixed.props.accessLogSettings ?? {}) as Record<string, unknown>;
    fixed.props.accessLogSettings = {
        destinationArn: arn,
        format: newFormat ?? (typeof current.format === "string" && current.format !== "" ? current.format : undefined),
    };
    fixed.propertyDependencies = { ...fixed.propertyDependencies, accessLogSettings: [resourceUrn(group)] };
    return fixed;
}

/** The stack after applying one violation's fix, or a failure naming the snippet the reader could not apply. */
function applyFix(stack: readonly TestResource[], v: Violation, placeholders: Record<string, string>): TestResource[] {
    const fix = v.message.split("\n")[1]?.replace(/^Fix: /, "");
    assert.ok(fix, `no fix line in: ${v.message}`);
    const target = stack.find((r) => resourceUrn(r) === v.urn);
    assert.ok(target, `the violation's resource ${v.urn} is not in the stack`);
    let out = stack.map(clone);

    const quickCreate = /^remove target from .*, then new aws\.apigatewayv2\.Stage\("([\w-]+)", \{ apiId: api\.id, (.*)\)$/.exec(fix);
    if (quickCreate) {
        const api = clone(target);
        delete api.props.target;
        const { stack: withGroup, group, arn } = compliantLogGroup(out, false);
        const stage: TestResource = {
            type: "aws:apigatewayv2/stage:Stage", name: quickCreate[1],
            props: { apiId: api.props.id, ...simpleProps(quickCreate[2].replace(/accessLogSettings.*/, ""), placeholders) },
            propertyDependencies: { apiId: [resourceUrn(api)] },
        };
        return replaceIn(withGroup, api, pointStageAt(stage, group, arn, formatOf(fix, false)));
    }

    const account = /^new aws\.apigateway\.Account\("(\w+)", \{ cloudwatchRoleArn: role\.arn \}\)/.exec(fix);
    if (account) {
        return [...out, { ...apiGatewayAccount(), name: account[1] }];
    }

    const newGroup = /^const logGroup = new (aws\.cloudwatch|aws_native\.logs)\.LogGroup\("([\w-]+)", \{ (.*?) \}\); new (?:aws|aws_native)\.apigatewayv2\.Stage\("([^"]*)", \{ \.\.\., accessLogSettings: \{ \.\.\., destinationArn: logGroup\.arn \} \}\)/.exec(fix);
    if (newGroup) {
        assert.strictEqual(newGroup[4], target.name, "the fix names the stage by its own name");
        const native = newGroup[1] === "aws_native.logs";
        const { stack: withGroup, group } = compliantLogGroup(out, native);
        Object.assign(group.props, simpleProps(newGroup[3], placeholders));
        // The log group's name, as the fix sets it, decides its ARN.
        const name = group.props[native ? "logGroupName" : "name"] as string;
        const arn = `arn:aws:logs:${region}:${accountId}:log-group:${name}${native ? ":*" : ""}`;
        group.props.arn = arn;
        return replaceIn(withGroup, pointStageAt(target, group, arn, undefined));
    }

    const destinationOnly = /^new (aws|aws_native)\.apigatewayv2\.Stage\("([^"]*)", \{ \.\.\., accessLogSettings: \{ \.\.\., destinationArn: logGroup\.arn \} \}\)$/.exec(fix);
    if (destinationOnly) {
        assert.strictEqual(destinationOnly[2], target.name, "the fix names the stage by its own name");
        const { stack: withGroup, group, arn } = compliantLogGroup(out, destinationOnly[1] === "aws_native");
        return replaceIn(withGroup, pointStageAt(target, group, arn, undefined));
    }

    const stageFix = /^new (aws|aws_native)\.apigatewayv2\.Stage\("([^"]*)", \{ \.\.\., accessLogSettings: \{ destinationArn: logGroup\.arn, format: JSON\.stringify\(/.exec(fix);
    if (stageFix) {
        assert.strictEqual(stageFix[2], target.name, "the fix names the stage by its own name");
        const { stack: withGroup, group, arn } = compliantLogGroup(out, stageFix[1] === "aws_native");
        return replaceIn(withGroup, pointStageAt(target, group, arn, formatOf(fix, isWebSocketStage(out, target))));
    }

    const formatOnly = /^new (?:aws|aws_native)\.apigatewayv2\.Stage\("([^"]*)", \{ \.\.\., accessLogSettings: \{ \.\.\., format: JSON\.stringify\(/.exec(fix);
    if (formatOnly) {
        assert.strictEqual(formatOnly[1], target.name, "the fix names the stage by its own name");
        const newFormat = formatOf(fix, isWebSocketStage(out, target));
        return replaceIn(out, withProp(target, format, newFormat));
    }

    const groupFix = /^new (aws\.cloudwatch|aws_native\.logs)\.LogGroup\("([\w-]+)", \{ (?:\.\.\., )?(.*) \}\)$/.exec(fix);
    if (groupFix) {
        // The log group the fix names, or (from a stage's own check, which cannot know its name) the one the stage writes to.
        const dependency = target.propertyDependencies?.accessLogSettings?.[0];
        const group = out.find((r) => r.name === groupFix[2] && r.type === (groupFix[1] === "aws_native.logs" ? "aws-native:logs:LogGroup" : "aws:cloudwatch/logGroup:LogGroup")) ?? out.find((r) => resourceUrn(r) === dependency);
        assert.ok(group, `the fix names log group ${groupFix[2]}, which is not in the stack`);
        const props = simpleProps(groupFix[3], placeholders);
        const nameKey = group.type === "aws-native:logs:LogGroup" ? "logGroupName" : "name";
        if (typeof props[nameKey] === "string") {
            // A rename changes the ARN; the stage follows the log group through logGroup.arn.
            const newName = props[nameKey] as string;
            const arn = `arn:aws:logs:${region}:${accountId}:log-group:${newName}${nameKey === "logGroupName" ? ":*" : ""}`;
            props.arn = arn;
            out = out.map((r) => {
                const dest = (r.props.accessLogSettings as Record<string, unknown> | undefined)?.destinationArn;
                return dest === group.props.arn ? withProp(r, destination, arn) : r;
            });
        }
        const fixed = clone(group);
        Object.assign(fixed.props, props);
        return replaceIn(out, fixed);
    }

    assert.fail(`the test cannot apply this fix: ${fix}`);
}

const kmsOn = { [P.retention]: { requireKmsKey: true } };

const cases: FixCase[] = [
    { title: "an HTTP stage without accessLogSettings", stack: replaceIn(compliantStack(), withProp(awsStage(), settings, undefined)) },
    { title: "a WebSocket stage without accessLogSettings", stack: replaceIn(compliantStack(), withProp(wsStage(), settings, undefined)) },
    { title: "an aws-native stage without accessLogSettings", stack: replaceIn(compliantStack(), withProp(nativeStage(), settings, undefined)) },
    { title: "a WebSocket stage with execution logging and without accessLogSettings", stack: replaceIn(compliantStack(), withProp(withProp(wsStage(), ["defaultRouteSettings"], { loggingLevel: "INFO" }), settings, undefined)) },
    { title: "a stage with a format but no destination", stack: replaceIn(compliantStack(), withProp(awsStage(), destination, undefined)) },
    { title: "a stage logging to Firehose", stack: replaceIn(compliantStack(), withProp(awsStage(), destination, "arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-x")) },
    { title: "an aws-native stage logging to a bare name", stack: replaceIn(compliantStack(), withProp(nativeStage(), destination, "native-access-logs")) },
    { title: "a format without a request ID", stack: replaceIn(compliantStack(), withProp(awsStage(), format, JSON.stringify({ ip: "$context.identity.sourceIp", status: "$context.status" }))) },
    { title: "a format on two lines", stack: replaceIn(compliantStack(), withProp(awsStage(), format, goodFormat.replace(",", ",\n"))) },
    { title: "a format with an unsupported variable", stack: replaceIn(compliantStack(), withProp(awsStage(), format, formatWith({ x: "$context.requestID" }))) },
    { title: "a Common Log Format format", stack: replaceIn(compliantStack(), withProp(awsStage(), format, "$context.requestId $context.identity.sourceIp [$context.requestTime] \"$context.routeKey\" $context.status")) },
    { title: "a format without the source IP", stack: replaceIn(compliantStack(), withProp(awsStage(), format, JSON.stringify({ requestId: "$context.requestId", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status" }))) },
    { title: "a WebSocket format without the source IP", stack: replaceIn(compliantStack(), withProp(wsStage(), format, JSON.stringify({ requestId: "$context.requestId", connectionId: "$context.connectionId", eventType: "$context.eventType", status: "$context.status" }))) },
    { title: "a WebSocket CLF format without a request ID", stack: replaceIn(compliantStack(), withProp(wsStage(), format, "$context.connectionId $context.eventType $context.status")) },
    { title: "a WebSocket format with $context.httpMethod", stack: replaceIn(compliantStack(), withProp(wsStage(), format, wsFormatWith({ method: "$context.httpMethod" }))) },
    { title: "an HTTP format with $context.connectionId", stack: replaceIn(compliantStack(), withProp(awsStage(), format, formatWith({ connectionId: "$context.connectionId" }))) },
    { title: "a WebSocket format without the connection fields", stack: replaceIn(compliantStack(), withProp(wsStage(), format, goodFormat)) },
    { title: "a WebSocket stage in a stack without the CloudWatch role", stack: without(compliantStack(), "apigw-account") },
    { title: "a quick-create API", stack: replaceIn(compliantStack(), withProp(httpApi(), ["target"], "arn:aws:lambda:us-east-1:123456789012:function:f")) },
    { title: "a log group without retention", stack: replaceIn(compliantStack(), withProp(logGroup(), ["retentionInDays"], undefined)) },
    { title: "a log group kept for 7 days", stack: replaceIn(compliantStack(), withProp(logGroup(), ["retentionInDays"], 7)) },
    { title: "a log group with a retention CloudWatch rejects", stack: replaceIn(compliantStack(), withProp(logGroup(), ["retentionInDays"], 45)) },
    { title: "an aws-native log group kept for 1 day", stack: replaceIn(compliantStack(), withProp(nativeLogGroup(), ["retentionInDays"], 1)) },
    { title: "a Delivery-class log group", stack: replaceIn(compliantStack(), withProp(withProp(logGroup(), ["logGroupClass"], "DELIVERY"), ["retentionInDays"], 2)) },
    { title: "a stage logging to a log group outside the stack", stack: replaceIn(compliantStack(), withProp(awsStage(), destination, `arn:aws:logs:${region}:${accountId}:log-group:/shared/x`)) },
    { title: "an aws-native stage logging outside the stack", stack: replaceIn(compliantStack(), withProp(nativeStage(), destination, `arn:aws:logs:${region}:${accountId}:log-group:/shared/y:*`)) },
    // Under config: the defect exists only there; the fix must pass the default config, and the config too where it is concrete.
    { title: "requireKmsKey and a log group without a key", stack: compliantStack(), configs: kmsOn, passesUnderConfig: true },
    { title: "requireDeletionProtection and log groups without it", stack: compliantStack(), configs: { [P.retention]: { requireDeletionProtection: true } }, passesUnderConfig: true },
    { title: "minimumRetentionDays 90", stack: compliantStack(), configs: { [P.retention]: { minimumRetentionDays: 90 } }, passesUnderConfig: true },
    {
        title: "logGroupNamePattern that the names miss", stack: compliantStack(), configs: { [P.destinationAllowed]: { logGroupNamePattern: "^/team-a/" } },
        placeholders: { "<a name matching logGroupNamePattern>": "/team-a/access" }, passesUnderConfig: true,
    },
    { title: "allowedRegions without the log group's region", stack: compliantStack(), configs: { [P.destinationAllowed]: { allowedRegions: ["eu-west-1"] } } },
];


describe("every fix passes the pack", () => {
    for (const c of cases) {
        it(`${c.title}: each violation's fix gives a stack with no violation`, async () => {
            const before = await analyze(c.stack, c.configs ?? {});
            assert.ok(before.length > 0, "the case is a defect");
            for (const v of before) {
                const fixed = applyFix(c.stack, v, c.placeholders ?? {});
                // Each case has one defect, so any one of its fixes cures the whole stack, even where the
                // defect is reported several times (two stages on one log group, two policies on one format).
                const after = await analyze(fixed);
                assert.deepStrictEqual(after.map((x) => `${x.policy} @ ${x.resource}: ${x.message.split("\n")[0]}`), [],
                    `after applying "${v.message.split("\n")[1]}" (for ${v.policy} on ${v.resource})`);
                const all = await analyze(applyAll(c.stack, before, c.placeholders ?? {}));
                assert.deepStrictEqual(all.map((x) => `${x.policy} @ ${x.resource}: ${x.message.split("\n")[0]}`), [], "after applying every fix");
                if (c.passesUnderConfig) {
                    const underConfig = await analyze(applyAll(c.stack, before, c.placeholders ?? {}), c.configs);
                    assert.deepStrictEqual(underConfig.map((x) => `${x.policy} @ ${x.resource}: ${x.message.split("\n")[0]}`), [], "under the case's config");
                }
            }
        });
    }
});

describe("the fix reader has teeth", () => {
    it("the protocol fix of round 1, JSON.stringify({ requestId, routeKey, status }), applied, fails the fields policy", async () => {
        const stack = replaceIn(compliantStack(), withProp(awsStage(), format, formatWith({ connectionId: "$context.connectionId" })));
        const [v] = await analyze(stack);
        const old = { ...v, message: `${v.message.split("\n")[0]}\nFix: new aws.apigatewayv2.Stage("http-stage", { ..., accessLogSettings: { ..., format: JSON.stringify({ requestId: "$context.requestId", routeKey: "$context.routeKey", status: "$context.status" }) } })` };
        const after = await analyze(applyFix(stack, old, {}));
        assert.deepStrictEqual(after.map((x) => `${x.policy} @ ${x.resource}`), [`${P.fields} @ http-stage`]);
    });

    it("a fix it cannot read fails the test instead of passing it", () => {
        const v: Violation = { policy: P.stage, enforcementLevel: "mandatory", message: "Stage \"x\" is wrong.\nFix: do something sensible", text: "", urn: resourceUrn(awsStage()), resource: "http-stage" };
        assert.throws(() => applyFix(compliantStack(), v, {}), /cannot apply this fix/);
    });
});

function applyAll(stack: readonly TestResource[], violations: readonly Violation[], placeholders: Record<string, string>): TestResource[] {
    let out = [...stack];
    for (const v of violations) {
        out = applyFix(out, v, placeholders);
    }
    return out;
}
