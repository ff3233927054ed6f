import * as assert from "assert";
import { repairFormat } from "../../lib/format-repair";
import { defaultRepairOptions } from "../../lib/messages";
import { roleTrust } from "../../lib/role-trust";
import {
    accountId, analyze, apiGatewayAccount, awsStage, compliantStack, logGroup, P, replaceIn, without, withProp, wsStage,
} from "./helpers/fixtures";
import { resourceUrn, TestResource, Violation } from "./helpers/policy-harness";

// Issue 15: what each fix says and does. Every case here failed before the
// issue: the fix bound to a `logGroup` the program did not have, wrote
// WebSocket text as a TypeScript comment into other languages, picked a role
// API Gateway cannot assume, replaced the user's own format, and misread
// retention 0 and "1 days".

const fixOf = (v: Violation | undefined): string => v?.message.split("\n").slice(1).join("\n") ?? "<no violation>";
const problemOf = (v: Violation | undefined): string => v?.message.split("\n")[0] ?? "<no violation>";

describe("issue 15: fixes that finish the job", () => {
    describe("1. a stage without logging gets a log group in the fix", () => {
        it("named after the stage, of class STANDARD, kept for the default minimum, bound by its own variable", async () => {
            const [v] = await analyze(replaceIn(compliantStack(), withProp(awsStage(), ["accessLogSettings"], undefined)));
            assert.strictEqual(v.policy, P.stage);
            assert.match(fixOf(v), /^Fix on an HTTP API: const httpStageAccessLogs = new aws\.cloudwatch\.LogGroup\("http-stage-access-logs", \{ retentionInDays: 30, logGroupClass: "STANDARD" \}\); new aws\.apigatewayv2\.Stage\("http-stage", \{ \.\.\., accessLogSettings: \{ destinationArn: httpStageAccessLogs\.arn, /);
            assert.match(problemOf(v), /The fix creates log group "http-stage-access-logs" of class STANDARD that keeps logs for 30 days \(the retention policy's default minimum\)/);
        });

        it("a stage with a destination but an empty format keeps its destination", async () => {
            const [v] = await analyze(replaceIn(compliantStack(), withProp(awsStage(), ["accessLogSettings", "format"], "")));
            assert.ok(!fixOf(v).includes("destinationArn"), fixOf(v));
            assert.match(fixOf(v), /accessLogSettings: \{ \.\.\., format: JSON\.stringify\(/);
        });

        it("the retention policy's fix for a log group outside the stack creates one with the configured settings and says so", async () => {
            const stack = replaceIn(compliantStack(), withProp(awsStage(), ["accessLogSettings", "destinationArn"], `arn:aws:logs:us-east-1:${accountId}:log-group:/shared/x`));
            const v = (await analyze(stack, { [P.retention]: { minimumRetentionDays: 90, requireKmsKey: true, requireDeletionProtection: true } }))
                .find((x) => x.policy === P.retention);
            assert.match(problemOf(v), /keeps logs for 90 days, is encrypted with a KMS key and has deletion protection/);
            assert.match(fixOf(v), /new aws\.cloudwatch\.LogGroup\("http-stage-access-logs", \{ retentionInDays: 90, logGroupClass: "STANDARD", kmsKeyId: key\.arn, deletionProtectionEnabled: true \}\)/);
        });
    });

    describe("2. the protocol where it can be known, and no TypeScript in other languages", () => {
        it("a stage known to be WebSocket (execution logging) gets one fix, with the connection fields and the role", async () => {
            const stage = withProp(withProp(wsStage(), ["defaultRouteSettings"], { loggingLevel: "INFO" }), ["accessLogSettings"], undefined);
            const [v] = await analyze(replaceIn(compliantStack(), stage));
            assert.strictEqual(v.message.split("\n").length, 2);
            assert.match(fixOf(v), /connectionId: "\$context\.connectionId"/);
            assert.match(fixOf(v), /new aws\.apigateway\.Account\(/);
        });

        it("where the protocol is unknown, one fix per protocol; the HTTP one has no WebSocket variable", async () => {
            const [v] = await analyze(replaceIn(compliantStack(), withProp(awsStage(), ["accessLogSettings"], undefined)), {}, { "pulumi:runtime": "python" });
            const [http, ws] = v.message.split("\n").slice(1);
            assert.ok(http.startsWith("Fix on an HTTP API: ") && !http.includes("connectionId"), http);
            assert.ok(ws.startsWith("Fix on a WebSocket API: ") && ws.includes("connectionId=\"$context.connectionId\""), ws);
            assert.ok(!/\/\/|connectionId: "/.test(v.message), v.message);
        });
    });

    describe("3. a complete WebSocket path", () => {
        const lambdaRole: TestResource = {
            type: "aws:iam/role:Role", name: "handler-role",
            props: {
                arn: `arn:aws:iam::${accountId}:role/handler-role`,
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            },
        };
        const accountOnLambdaRole = (): TestResource => ({
            ...withProp(apiGatewayAccount(), ["cloudwatchRoleArn"], lambdaRole.props.arn),
            propertyDependencies: { cloudwatchRoleArn: [resourceUrn(lambdaRole)] },
        });

        it("an account whose role only Lambda can assume is reported once, on the account, naming the service it trusts", async () => {
            const v = await analyze(replaceIn(compliantStack(), lambdaRole, accountOnLambdaRole()));
            assert.deepStrictEqual(v.map((x) => `${x.policy} @ ${x.resource}`), [`${P.protocol} @ apigw-account`]);
            assert.match(problemOf(v[0]), /^Account "apigw-account" sets the CloudWatch Logs role to role "handler-role", whose trust policy lets only "lambda\.amazonaws\.com" assume it, not apigateway\.amazonaws\.com/);
            assert.match(fixOf(v[0]), /new aws\.iam\.Role\("apigateway-cloudwatch-logs", \{ assumeRolePolicy: JSON\.stringify\(\{ Version: "2012-10-17", Statement: \[\{ Effect: "Allow", Principal: \{ Service: "apigateway\.amazonaws\.com" \}, Action: "sts:AssumeRole" \}\] \}\) \}\)/);
            assert.match(fixOf(v[0]), /policyArn: "arn:aws:iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs"/);
            assert.match(fixOf(v[0]), /new aws\.apigateway\.Account\("apigw-account", \{ \.\.\., cloudwatchRoleArn: apiGatewayLogsRole\.arn \}\)/);
        });

        it("the same account on a role API Gateway can assume passes", async () => {
            const role = withProp(lambdaRole, ["assumeRolePolicy"], JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "apigateway.amazonaws.com"] }, Action: ["sts:AssumeRole"] }] }));
            assert.deepStrictEqual(await analyze(replaceIn(compliantStack(), role, accountOnLambdaRole())), []);
        });

        it("a trust policy it cannot decide (unknown, a condition) is never reported", () => {
            assert.deepStrictEqual(roleTrust({ assumeRolePolicy: "04da6b54-80e4-46f7-96ec-b56ff0331ba9x" }), { kind: "unknown" });
            assert.deepStrictEqual(roleTrust({ assumeRolePolicy: { Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "x.amazonaws.com" }, Condition: {} }] } }), { kind: "unknown" });
            assert.deepStrictEqual(roleTrust({ assumeRolePolicyDocument: { Statement: { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ec2.amazonaws.com" } } } }), { kind: "untrusted", services: ["ec2.amazonaws.com"] });
        });

        it("the missing account-level role: the fix creates the role, its managed policy and the account", async () => {
            const [v] = await analyze(without(compliantStack(), "apigw-account"));
            assert.match(fixOf(v), /^Fix: const apiGatewayLogsRole = new aws\.iam\.Role\(.*new aws\.iam\.RolePolicyAttachment\("apigateway-cloudwatch-logs-policy", \{ role: apiGatewayLogsRole\.name, policyArn: .*new aws\.apigateway\.Account\("apigateway-account", \{ cloudwatchRoleArn: apiGatewayLogsRole\.arn \}\)$/);
        });
    });

    describe("4. minimal format fixes", () => {
        const options = defaultRepairOptions("HTTP");

        it("a JSON format keeps the user's fields and keys, adds the missing ones, and replaces resourcePath with path", () => {
            const format = JSON.stringify({ id: "$context.requestId", method: "$context.httpMethod", lat: "$context.integrationLatency", sub: "$context.authorizer.claims.sub", rp: "$context.resourcePath", status: "$context.status" });
            assert.deepStrictEqual(repairFormat(format, options), {
                kind: "json", fields: [
                    ["id", "$context.requestId"], ["method", "$context.httpMethod"], ["lat", "$context.integrationLatency"],
                    ["sub", "$context.authorizer.claims.sub"], ["rp", "$context.path"], ["status", "$context.status"],
                    ["sourceIp", "$context.identity.sourceIp"], ["requestTime", "$context.requestTime"], ["routeKey", "$context.routeKey"],
                ],
            });
        });

        it("nested objects and bare numeric variables stay", () => {
            const repaired = repairFormat(`{"requestId":"$context.requestId","auth":{"sub":"$context.authorizer.claims.sub"},"status":$context.status}`, { ...options, requiredVariables: [] });
            assert.deepStrictEqual(repaired, { kind: "json", fields: [["requestId", "$context.requestId"], ["auth", { fields: [["sub", "$context.authorizer.claims.sub"]] }], ["status", "$context.status"]] });
        });

        it("a CLF format stays CLF unless JSON is required; with requireJson, every variable becomes a field", () => {
            const clf = "$context.identity.sourceIp [$context.requestTime] \"$context.httpMethod $context.routeKey\" $context.status";
            assert.deepStrictEqual(repairFormat(clf, { ...options, requireJson: false }), { kind: "text", text: `${clf} $context.requestId` });
            const asJson = repairFormat(clf, options);
            assert.strictEqual(asJson.kind, "json");
            assert.deepStrictEqual(asJson.kind === "json" ? asJson.fields.map(([k]) => k) : [], ["sourceIp", "requestTime", "httpMethod", "routeKey", "status", "requestId"]);
        });

        it("with requireJson, a multi-line format's variables become fields: invalid ones replaced or removed, each once, in order", () => {
            const format = "$context.identity.sourceIp\r\n$context.resourcePath $context. $context.Status\n$context.nope $context.path\u2028$context.requestTime";
            const repaired = repairFormat(format, options);
            assert.deepStrictEqual(repaired.kind === "json" ? repaired.fields : [], [
                ["sourceIp", "$context.identity.sourceIp"], ["path", "$context.path"], ["status", "$context.status"], ["requestTime", "$context.requestTime"],
                ["requestId", "$context.requestId"], ["routeKey", "$context.routeKey"],
            ]);
        });

        it("a repair is worked out once per format and options, and anew when either changes", () => {
            const format = "$context.requestId\r\n$context.connectionId";
            const http = repairFormat(format, options);
            assert.strictEqual(repairFormat(format, { ...options }), http, "the policies' several reports on one stage share its repair");
            const webSocket = repairFormat(format, defaultRepairOptions("WEBSOCKET"));
            assert.notStrictEqual(webSocket, http);
            assert.ok(JSON.stringify(webSocket).includes("connectionId") && !JSON.stringify(http).includes("connectionId"));
            const other = repairFormat("$context.requestId $context.httpMethod", options);
            assert.ok(JSON.stringify(other).includes("httpMethod"));
            assert.deepStrictEqual(repairFormat(format, options), http);
        });

        it("through the pack: the fields policy's fix keeps httpMethod and says what it adds", async () => {
            const format = JSON.stringify({ requestId: "$context.requestId", method: "$context.httpMethod", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status" });
            const [v] = await analyze(replaceIn(compliantStack(), withProp(awsStage(), ["accessLogSettings", "format"], format)));
            assert.strictEqual(v.policy, P.fields);
            assert.match(problemOf(v), /The fix keeps the format's other fields and adds "\$context\.identity\.sourceIp"\.$/);
            assert.match(fixOf(v), /JSON\.stringify\(\{ requestId: "\$context\.requestId", method: "\$context\.httpMethod", /);
        });
    });

    describe("5. what reads the logs", () => {
        it("a fix that makes a CLF format JSON points to the policy that names the filters it breaks", async () => {
            const clf = "$context.requestId $context.identity.sourceIp [$context.requestTime] \"$context.routeKey\" $context.status";
            const v = (await analyze(replaceIn(compliantStack(), withProp(awsStage(), ["accessLogSettings", "format"], clf)))).find((x) => x.policy === P.fields);
            assert.match(problemOf(v), /parses its current shape is reported by apigatewayv2-access-log-filter-match, with its new pattern/);
            assert.match(problemOf(v), /writes it as JSON, one field per variable/);
        });
    });

    describe("8. messages say everything, in correct English", () => {
        it("retentionInDays 0 is 0, not 'not set'", async () => {
            const v = (await analyze(replaceIn(compliantStack(), withProp(logGroup(), ["retentionInDays"], 0)))).find((x) => x.resource === "http-stage");
            assert.match(problemOf(v), /keeps logs forever \(retentionInDays is 0\)\. The fix sets retentionInDays to 30\.$/);
        });

        it("1 day, not 1 days", async () => {
            const v = (await analyze(replaceIn(compliantStack(), withProp(logGroup(), ["retentionInDays"], 1)))).find((x) => x.resource === "http-stage");
            assert.match(problemOf(v), /keeps logs for 1 day, less than the required 30 days/);
        });

        it("the problem line names every change of the fix: retention, KMS and deletion protection", async () => {
            const v = (await analyze(compliantStack(), { [P.retention]: { requireKmsKey: true, requireDeletionProtection: true } })).find((x) => x.resource === "http-stage");
            assert.match(problemOf(v), /The fix sets kmsKeyId to a KMS key .* and sets deletionProtectionEnabled to true\.$/);
            assert.match(fixOf(v), /\{ \.\.\., kmsKeyId: key\.arn, deletionProtectionEnabled: true \}/);
            // A log group whose retention is fine keeps it: the fix does not touch retentionInDays.
            assert.ok(!fixOf(v).includes("retentionInDays"), fixOf(v));
        });
    });
});
