// Issue 15, item 7: fixes in the program's own names. The pack cannot see the
// program (the Pulumi CLI sends it no source), so its message keeps its own
// placeholders (`api.id`); analyze, which knows where each resource is
// declared, places each TypeScript fix in the program's files, with the
// program's variables, in the JSON report's `fixes` and the text report.
import * as assert from "assert";
import * as path from "path";

import type { ProgramFix } from "../../engine/resource-model";
import { tempPrograms } from "./helpers";
import { CliRun, cliInProcess } from "./cli-in-process";
import { scopedArgs } from "./policy-scope";

interface ReportViolation {
    resourceUrn: string;
    policyName: string;
    message: string;
    fixes?: ProgramFix[];
}

/**
 * The CLI over the access-logging policies (policy-scope.ts): the tests pick
 * violations by resource. The reports are what they check, so main() runs in
 * this process (cli-in-process.ts).
 */
function cli(args: string[]): Promise<CliRun> {
    return cliInProcess(scopedArgs(args));
}

const yaml = (name: string) => `name: ${name}\nruntime: nodejs\n`;

const quickCreate = `import * as aws from "@pulumi/aws";

const apigw = new aws.apigatewayv2.Api("webhooks", {
    protocolType: "HTTP",
    target: "arn:aws:lambda:us-east-1:123456789012:function:webhook-handler",
});
`;

const webSocketWithAccount = `import * as aws from "@pulumi/aws";

const logsRole = new aws.iam.Role("apigw-logs", {
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"],
});
new aws.apigateway.Account("account", { cloudwatchRoleArn: logsRole.arn });

const ws = new aws.apigatewayv2.Api("chat", { protocolType: "WEBSOCKET", routeSelectionExpression: "$request.body.action" });

const prod = new aws.apigatewayv2.Stage("chat-prod", { apiId: ws.id, name: "prod", autoDeploy: true });
`;

const argsInVariable = `import * as aws from "@pulumi/aws";

const api = new aws.apigatewayv2.Api("billing", { protocolType: "HTTP" });
const stageArgs: aws.apigatewayv2.StageArgs = { apiId: api.id, name: "$default", autoDeploy: true };
new aws.apigatewayv2.Stage("billing-stage", stageArgs);
`;

// Retention from stack config: the placed fix writes a literal over the config read, and says so.
const retentionFromConfig = `import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const logs = new aws.cloudwatch.LogGroup("orders-logs", {
    retentionInDays: config.getNumber("retentionDays") ?? 7,
});
const api = new aws.apigatewayv2.Api("orders", { protocolType: "HTTP" });
new aws.apigatewayv2.Stage("orders-stage", {
    apiId: api.id,
    name: "$default",
    autoDeploy: true,
    accessLogSettings: {
        destinationArn: logs.arn,
        format: JSON.stringify({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status" }),
    },
});
`;

describe("fixes in the program's own names (issue 15, item 7)", function () {
    this.timeout(120_000);
    const programs = tempPrograms("program-fixes-");
    let violations: ReportViolation[] = [];
    let text = "";
    let markdown = "";
    const dirs: Record<string, string> = {};

    before(async function () {
        dirs.quick = programs.make({ "Pulumi.yaml": yaml("quick"), "index.ts": quickCreate });
        dirs.ws = programs.make({ "Pulumi.yaml": yaml("ws"), "index.ts": webSocketWithAccount });
        dirs.args = programs.make({ "Pulumi.yaml": yaml("args"), "index.ts": argsInVariable });
        dirs.retention = programs.make({ "Pulumi.yaml": yaml("retention"), "index.ts": retentionFromConfig });
        const json = await cli(["--format", "json", dirs.quick, dirs.ws, dirs.args, dirs.retention]);
        assert.strictEqual(json.code, 1, json.stderr);
        violations = (JSON.parse(json.stdout) as { violations: ReportViolation[] }).violations;
        text = (await cli([dirs.quick, dirs.args, dirs.retention])).stdout;
        markdown = (await cli(["--format", "markdown", dirs.quick, dirs.ws])).stdout;
    });

    after(function () {
        programs.removeAll();
    });

    function violationOn(name: string): ReportViolation {
        const v = violations.find((x) => x.resourceUrn.endsWith(`::${name}`));
        assert.ok(v, `no violation on ${name}: ${violations.map((x) => x.resourceUrn).join(", ")}`);
        return v;
    }

    it("the quick-create fix uses the program's variable for the API (apigw.id), while the pack's own message keeps its placeholder", function () {
        const v = violationOn("webhooks");
        assert.match(v.message, /apiId: api\.id/);
        const [fix] = v.fixes ?? [];
        assert.ok(fix, "no fixes in the JSON report");
        assert.deepStrictEqual(fix.edits.map((e) => [e.file, e.startLine, e.endLine]), [["index.ts", 7, 6]]);
        assert.match(fix.edits[0].text, /new aws\.apigatewayv2\.Stage\("webhooks-default", \{ apiId: apigw\.id, name: "\$default"/);
        assert.doesNotMatch(fix.edits[0].text, /\bapi\.id/);
        assert.match(fix.instructions ?? "", /^remove target from "webhooks"/);
    });

    it("a fix that writes over the program's expression (retention from stack config) says so, in the JSON and the text report", function () {
        const v = violations.find((x) => x.resourceUrn.endsWith("::orders-stage") && x.policyName === "apigatewayv2-access-log-group-retention");
        assert.ok(v, `no retention violation on orders-stage: ${violations.map((x) => `${x.policyName} ${x.resourceUrn}`).join(", ")}`);
        const [fix] = v.fixes ?? [];
        assert.ok(fix, "no fixes in the JSON report");
        assert.deepStrictEqual(fix.edits.map((e) => [e.file, e.startLine, e.endLine]), [["index.ts", 6, 6]]);
        assert.match(fix.edits[0].text, /^ {4}retentionInDays: (\d+),$/);
        const days = /retentionInDays: (\d+)/.exec(fix.edits[0].text)?.[1];
        assert.deepStrictEqual(fix.replaces, [{ property: "retentionInDays", was: "config.getNumber(\"retentionDays\") ?? 7", becomes: days }]);
        assert.match(text, new RegExp(`Note: the fix writes retentionInDays: ${days} over the program's config\\.getNumber\\("retentionDays"\\) \\?\\? 7; pasted as it is, the stack passes\\. If that value comes from stack config or a component's input, set ${days} there instead`));
        assert.strictEqual(violationOn("webhooks").fixes?.[0].replaces, undefined, "a fix that writes over no expression has no note");
    });

    it("the text report shows the placed fix under the pack's message", function () {
        assert.match(text, /Fix in the program's own code \(first remove target from "webhooks", add aws\.apigatewayv2\.Integration and aws\.apigatewayv2\.Route\):\n {16}index\.ts, after line 6, insert:\n {20}const webhooksDefaultAccessLogs = new aws\.cloudwatch\.LogGroup/);
        assert.match(text, /apiId: apigw\.id/);
    });

    it("the Markdown report shows the placed fix in the fix's details, and the fixes of a message with one per protocol", function () {
        assert.match(markdown, /In the program's own code, after you remove target from &#34;webhooks&#34;, add aws\.apigatewayv2\.Integration and aws\.apigatewayv2\.Route:\n\n<code>index\.ts<\/code>, after line 6, insert:\n\n```typescript\nconst webhooksDefaultAccessLogs = /);
        assert.match(markdown, /<summary>Fix chat-prod \(.*\)<\/summary>\n\n```typescript\nFix on an HTTP API: [^\n]*\nFix on a WebSocket API: [^\n]*\n```\n\nIn the program's own code \(on a WebSocket API\):/);
    });

    it("a stage fix keeps the program's own call (apiId: ws.id) and adds only what is missing; on a stack with the account role, no second role or account", function () {
        const v = violationOn("chat-prod");
        const fixes = v.fixes ?? [];
        assert.deepStrictEqual(fixes.map((f) => [f.when, f.applies]), [["on an HTTP API", false], ["on a WebSocket API", true]]);
        const placed = fixes[1].edits.map((e) => e.text).join("\n");
        assert.match(placed, /^const chatProdAccessLogs = new aws\.cloudwatch\.LogGroup\("chat-prod-access-logs", \{ retentionInDays: 30, logGroupClass: "STANDARD" \}\);\nconst prod = new aws\.apigatewayv2\.Stage\("chat-prod", \{ apiId: ws\.id, name: "prod", autoDeploy: true, accessLogSettings: \{ destinationArn: chatProdAccessLogs\.arn, format: JSON\.stringify\(\{ [^\n]*connectionId: "\$context\.connectionId", eventType: "\$context\.eventType" \}\) \} \}\);$/);
        assert.doesNotMatch(placed, /aws\.iam\.Role|aws\.apigateway\.Account/);
        assert.match(v.message, /new aws\.apigateway\.Account/, "the pack's own WebSocket fix still carries the role, for stacks it cannot see");
    });

    it("says why a fix cannot be placed, when the program passes the stage an args variable", function () {
        const v = violationOn("billing-stage");
        const http = (v.fixes ?? []).find((f) => f.applies);
        assert.ok(http);
        assert.deepStrictEqual(http.edits, []);
        assert.match(http.unplaced ?? "", /passes aws\.apigatewayv2\.Stage "billing-stage" its properties as an expression/);
        assert.strictEqual(path.basename(dirs.args).startsWith("program-fixes-"), true);
    });

    it("the text report says why a fix was not placed, under its Fix line", function () {
        assert.match(text, /\n {14}Fix on a WebSocket API: [^\n]*"billing-stage"[^\n]*\n {14}Not placed in the program's own code: the program passes aws\.apigatewayv2\.Stage "billing-stage" its properties as an expression, not an object the fix can add to; apply the Fix above by hand\.\n/);
        assert.doesNotMatch(text, /Not placed in the program's own code: [^\n]*webhooks/, "a placed fix has no such line");
    });
});

const strippedByTransform = `import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// Copied from a cost-saving snippet: no access logs anywhere.
pulumi.runtime.registerResourceTransform((args) => {
    if (args.type === "aws:apigatewayv2/stage:Stage") {
        const { accessLogSettings, ...rest } = args.props;
        return { props: rest, opts: args.opts };
    }
    return undefined;
});

const api = new aws.apigatewayv2.Api("t", { protocolType: "HTTP" });
const logs = new aws.cloudwatch.LogGroup("t-logs", { retentionInDays: 30 });
const format = JSON.stringify({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status" });
new aws.apigatewayv2.Stage("by-stack-transform", { apiId: api.id, name: "$default", accessLogSettings: { destinationArn: logs.arn, format } });
new aws.apigatewayv2.Stage("by-own-transform", { apiId: api.id, name: "two", accessLogSettings: { destinationArn: logs.arn, format } },
    { transforms: [(a) => ({ props: { ...a.props, accessLogSettings: undefined }, opts: a.opts })] });
`;

describe("settings a transform removed (issue 15, a new user's finding)", function () {
    this.timeout(120_000);
    const programs = tempPrograms("transform-removed-");
    let json: { violations: (ReportViolation & { removedByTransform?: { property: string; transform: { location: string } | null }[] })[] };
    let text = "";

    before(async function () {
        const dir = programs.make({ "Pulumi.yaml": yaml("stripped"), "index.ts": strippedByTransform });
        const out = await cli(["--format", "json", dir]);
        assert.strictEqual(out.code, 1, out.stderr);
        json = JSON.parse(out.stdout);
        text = (await cli([dir])).stdout;
    });

    after(function () {
        programs.removeAll();
    });

    it("says a stack transform removed accessLogSettings, and where the program registered it", function () {
        const v = json.violations.find((x) => x.resourceUrn.endsWith("::by-stack-transform"));
        assert.ok(v);
        assert.strictEqual(v.policyName, "apigatewayv2-stage-access-logging");
        assert.deepStrictEqual(v.removedByTransform, [{ property: "accessLogSettings", transform: { file: "index.ts", line: 5, column: 16, location: "index.ts:5:16" } }]);
        assert.match(text, /Note: the program sets accessLogSettings, but a transform registered at index\.ts:5:16 removed it before the resource was registered; change or remove that transform\./);
    });

    it("points at the resource's own transforms option, and offers no paste that the transform would strip again", function () {
        const v = json.violations.find((x) => x.resourceUrn.endsWith("::by-own-transform"));
        assert.ok(v);
        assert.strictEqual(v.removedByTransform?.[0].transform?.location, "index.ts:17:1");
        assert.match(text, /Note: the program sets accessLogSettings, but a transform of its own transforms option removed it/);
        const http = (v.fixes ?? []).find((f) => f.applies);
        assert.deepStrictEqual(http?.edits, []);
        assert.match(http?.unplaced ?? "", /a transform removes accessLogSettings/);
    });
});
