import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Language, stringLiteral } from "../../lib/fix-snippets";
import { quote } from "../../lib/quote";
import { analyze, compliantStack, httpApi, logGroup, nativeApi, P, replaceIn, withProp } from "./helpers/fixtures";
import { changed, Scenario, scenarios } from "./helpers/message-scenarios";
import { assertMessageShape } from "./helpers/assertions";
import { assertViolations, resourceUrn, StackTags, TestResource, Violation, violationKeys } from "./helpers/policy-harness";
import {
    checkCSharpSyntax, checkGoSyntax, checkJavaSyntax, checkPythonSyntax, checkTypeScriptSyntax, parseYamlFix, unbalanced,
} from "./helpers/snippet-checks";

// Every message path of every policy, run with each `pulumi:runtime` stack
// tag: the verdicts never change, the fix is written in the program's
// language with that SDK's names, and the problem line spells properties the
// same way.

const runtimeOf: Record<Language, string> = {
    typescript: "nodejs", python: "python", go: "go", csharp: "dotnet", java: "java", yaml: "yaml",
};
const languageList = Object.keys(runtimeOf) as Language[];

function tags(lang: Language): StackTags {
    return { "pulumi:runtime": runtimeOf[lang], "pulumi:project": "orders" };
}

function allScenarios(): Scenario[] {
    return [
        ...scenarios(),
        { title: "quick create (aws-native)", stack: replaceIn(compliantStack(), withProp(nativeApi(), ["target"], "arn:aws:lambda:us-east-1:123456789012:function:f")), expect: [[P.quickCreate, "native-api"]] },
    ];
}

/** The code of each fix line (one, or one per protocol). */
function fixLines(v: Violation): string[] {
    return v.message.split("\n").slice(1).map((line) => line.slice(line.indexOf(": ") + 2));
}

function fixLine(v: Violation): string {
    return fixLines(v)[0];
}

// Property names the pack writes, in each spelling. A message in one language
// must not use another language's spelling of any of them.
const camel = ["accessLogSettings", "destinationArn", "retentionInDays", "kmsKeyId", "cloudwatchRoleArn", "logGroupName", "stageName", "autoDeploy", "apiId"];
const snake = ["access_log_settings", "destination_arn", "retention_in_days", "kms_key_id", "cloudwatch_role_arn", "log_group_name", "stage_name", "auto_deploy", "api_id"];
const pascal = ["AccessLogSettings", "DestinationArn", "RetentionInDays", "KmsKeyId", "CloudwatchRoleArn", "LogGroupName", "StageName", "AutoDeploy", "ApiId"];
const spelledAs: Record<Language, string[]> = { typescript: camel, python: snake, go: pascal, csharp: pascal, java: camel, yaml: camel };

function foreignSpellings(lang: Language): string[] {
    const own = new Set(spelledAs[lang]);
    return [...camel, ...snake, ...pascal].filter((name) => !own.has(name));
}

/** What every fix line of the language looks like. */
const marker: Record<Language, RegExp> = {
    typescript: /\bnew aws(_native)?\.\w+\.[A-Z]\w*\("/,
    python: /(^|[^.\w])aws(_native)?\.\w+\.[A-Z]\w*\("/,
    go: /\b[a-z0-9]+\.New[A-Z]\w*\(ctx, "/,
    csharp: /\bnew Aws(Native)?\.[A-Z]\w*\.[A-Z]\w*\("[^"]*", new Aws(Native)?\.[A-Z]\w*\.[A-Z]\w*Args \{/,
    java: /\bnew [A-Z]\w*\("[^"]*", [A-Z]\w*Args\.builder\(\)/,
    yaml: /resources: \{ "[^"]*": \{ type: aws(-native)?:[a-z0-9]+:[A-Z]\w*, properties: \{/,
};

describe("messages in the program's language", () => {
    const runs = new Map<string, Map<Language, Violation[]>>();

    before(async () => {
        for (const s of allScenarios()) {
            const byLang = new Map<Language, Violation[]>();
            for (const lang of languageList) {
                byLang.set(lang, await analyze(s.stack, s.configs, tags(lang)));
            }
            runs.set(s.title, byLang);
        }
    });

    for (const s of allScenarios()) {
        describe(s.title, () => {
            it("the same violations in every language, and without any tag", async () => {
                const untagged = await analyze(s.stack, s.configs);
                assertViolations(untagged, s.expect);
                for (const lang of languageList) {
                    assert.deepStrictEqual(violationKeys(runs.get(s.title)!.get(lang)!), violationKeys(untagged), lang);
                }
            });

            it("no tag, an unknown runtime and nodejs all give the TypeScript text", async () => {
                const untagged = (await analyze(s.stack, s.configs)).map((v) => v.message);
                const unknown = (await analyze(s.stack, s.configs, { "pulumi:runtime": "cobol" })).map((v) => v.message);
                const nodejs = runs.get(s.title)!.get("typescript")!.map((v) => v.message);
                assert.deepStrictEqual(unknown, untagged);
                assert.deepStrictEqual(nodejs, untagged);
            });

            for (const lang of languageList) {
                it(`${lang}: two lines, the fix in ${lang} with its own property names, balanced brackets`, () => {
                    for (const v of runs.get(s.title)!.get(lang)!) {
                        const name = nameOf(s.stack, v);
                        assertMessageShape(v, quote(name));
                        for (const fix of fixLines(v)) {
                            assert.match(fix, marker[lang], `${lang} fix: ${fix}`);
                            assert.strictEqual(unbalanced(fix, lang), undefined, `${lang}: ${fix}`);
                            // Issue 15: no TypeScript comment (or TypeScript object syntax) in another language's fix.
                            if (lang !== "typescript") {
                                assert.ok(!/\/\/ on a WebSocket API|connectionId: "\$context/.test(fix) || lang === "yaml", `${lang} fix has TypeScript text: ${fix}`);
                            }
                        }
                        for (const foreign of foreignSpellings(lang)) {
                            assert.ok(!new RegExp(`\\b${foreign}\\b`).test(v.message), `${lang} message spells ${foreign}: ${v.message}`);
                        }
                    }
                });
            }
        });
    }

    it("every fix names the resource it is about by its own name", () => {
        for (const s of allScenarios()) {
            for (const lang of languageList) {
                // The missing account-wide role is a new resource, not a change to the stage.
                for (const v of runs.get(s.title)!.get(lang)!.filter((x) => !x.message.includes("sets no account-level CloudWatch Logs role"))) {
                    const fix = fixLine(v);
                    const reported = nameOf(s.stack, v);
                    // Retention problems are fixed on the log group, named in the problem line; all else on the reported resource.
                    const group = /logs to log group "([^"]*)", which/.exec(v.message);
                    const groupResource = group === null ? undefined : s.stack.find((r) => r.props.name === group[1] || r.props.logGroupName === group[1] || r.name === group[1]);
                    const subject = groupResource?.name ?? reported;
                    assert.ok(fix.includes(stringLiteral(subject)), `${s.title} (${lang}): fix does not name ${subject}: ${fix}`);
                }
            }
        }
    });

    it("every Python fix parses (python3's own parser)", function () {
        const lines = allScenarios().flatMap((s) => runs.get(s.title)!.get("python")!.flatMap(fixLines));
        assert.ok(lines.length > 20);
        const problem = checkPythonSyntax(lines);
        if (problem === "no python3") {
            this.skip();
        }
        assert.strictEqual(problem, undefined);
    });

    it("every TypeScript fix parses (the TypeScript compiler's parser)", () => {
        const lines = allScenarios().flatMap((s) => runs.get(s.title)!.get("typescript")!.flatMap(fixLines));
        assert.strictEqual(checkTypeScriptSyntax(lines), undefined);
    });

    it("every Java fix parses (javac's parser)", function () {
        this.timeout(60000);
        const lines = allScenarios().flatMap((s) => runs.get(s.title)!.get("java")!.flatMap(fixLines));
        const problem = checkJavaSyntax(lines);
        if (problem === "no java") {
            this.skip();
        }
        assert.strictEqual(problem, undefined);
    });

    it("every Go fix parses (gofmt)", function () {
        const lines = allScenarios().flatMap((s) => runs.get(s.title)!.get("go")!.flatMap(fixLines));
        assert.ok(lines.length > 20);
        const problem = checkGoSyntax(lines);
        if (problem === "no gofmt") {
            this.skip();
        }
        assert.strictEqual(problem, undefined);
    });

    it("every C# fix parses (mcs --parse)", function () {
        this.timeout(60000);
        const lines = allScenarios().flatMap((s) => runs.get(s.title)!.get("csharp")!.flatMap(fixLines));
        const problem = checkCSharpSyntax(lines);
        if (problem === "no mcs") {
            this.skip();
        }
        assert.strictEqual(problem, undefined);
    });

    it("every YAML fix parses, and its aws properties exist in @pulumi/aws's inputs", () => {
        let checked = 0;
        for (const s of allScenarios()) {
            for (const v of runs.get(s.title)!.get("yaml")!) {
                for (const resource of fixLines(v).flatMap((line) => Object.values(parseYamlFix(line)))) {
                    const type = String(resource.type);
                    assert.match(type, /^aws(-native)?:[a-z0-9]+:[A-Z]\w*$/);
                    if (type.startsWith("aws:")) {
                        checked += checkAwsProperties(type, resource.properties as Record<string, unknown>);
                    }
                }
            }
        }
        assert.ok(checked > 30, `only ${checked} properties checked`);
    });

    describe("exact messages", () => {
        it("Python: a log group that keeps logs forever", async () => {
            const v = await analyze(changed(withProp(logGroup(), ["retentionInDays"], undefined)), {}, tags("python"));
            assert.strictEqual(v.find((x) => x.resource === "http-stage")?.message,
                `Stage "http-stage" logs to log group "/aws/apigateway/access-logs", which keeps logs forever (retention_in_days is not set). The fix sets retention_in_days to 30.\n` +
                `Fix: aws.cloudwatch.LogGroup("access-logs", ..., retention_in_days=30)`);
        });

        it("Go: a stage without access logging", async () => {
            const stage = withProp(replaceIn(compliantStack()).find((r) => r.name === "http-stage")!, ["accessLogSettings"], undefined);
            const v = await analyze(changed(stage), {}, tags("go"));
            assert.strictEqual(v.length, 1);
            assert.ok(v[0].message.startsWith(
                `Stage "http-stage" has no access logging (AccessLogSettings is not set). The fix creates log group "http-stage-access-logs" of class STANDARD that keeps logs for 30 days (the retention policy's default minimum) and sets a JSON format; on a WebSocket API it also adds the account-level CloudWatch Logs role WebSocket logging needs.\n` +
                `Fix on an HTTP API: httpStageAccessLogs, err := cloudwatch.NewLogGroup(ctx, "http-stage-access-logs", &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(30), LogGroupClass: pulumi.String("STANDARD")}); apigatewayv2.NewStage(ctx, "http-stage", &apigatewayv2.StageArgs{..., AccessLogSettings: &apigatewayv2.StageAccessLogSettingsArgs{DestinationArn: httpStageAccessLogs.Arn, Format: pulumi.String(\`{ "requestId": "$context.requestId", `), v[0].message);
        });

        it("C#: incomplete access logging names both properties in C#", async () => {
            const stage = withProp(withProp(compliantStack().find((r) => r.name === "http-stage")!, ["accessLogSettings", "format"], ""), ["accessLogSettings", "destinationArn"], null);
            const v = await analyze(changed(stage), {}, tags("csharp"));
            assert.strictEqual(v[0].message.split("\n")[0],
                `Stage "http-stage" has incomplete access logging: AccessLogSettings.DestinationArn is missing and AccessLogSettings.Format is empty. The fix creates log group "http-stage-access-logs" of class STANDARD that keeps logs for 30 days (the retention policy's default minimum) and sets a JSON format; on a WebSocket API it also adds the account-level CloudWatch Logs role WebSocket logging needs.`);
        });

        it("Java: quick create", async () => {
            const v = await analyze(changed(withProp(httpApi(), ["target"], "arn:aws:lambda:us-east-1:123456789012:function:f")), {}, tags("java"));
            assert.strictEqual(v.length, 1);
            assert.ok(v[0].message.startsWith(
                `API "http-api" is created with quick create (target is set), so API Gateway manages its $default stage; only the console or CloudFormation (AWS::ApiGatewayV2::ApiGatewayManagedOverrides) can turn on its access logging, and neither @pulumi/aws nor aws-native can manage that. The fix creates the stage, and a log group of class STANDARD for it that keeps logs for 30 days.\n` +
                `Fix: remove target from "http-api", add Integration and Route, then var httpApiDefaultAccessLogs = new LogGroup("http-api-default-access-logs", LogGroupArgs.builder().retentionInDays(30).logGroupClass("STANDARD").build()); new Stage("http-api-default", StageArgs.builder().apiId(api.id()).name("$default").autoDeploy(true).accessLogSettings(StageAccessLogSettingsArgs.builder().destinationArn(httpApiDefaultAccessLogs.arn()).format(serializeJson(jsonObject(jsonProperty("requestId", "$context.requestId"), `),
            v[0].message);
        });

        it("YAML: the aws-native quick-create fix uses stageName", async () => {
            const v = await analyze(changed(withProp(nativeApi(), ["target"], "x")), {}, tags("yaml"));
            const parsed = parseYamlFix(fixLine(v[0]));
            assert.deepStrictEqual(Object.keys(parsed), ["native-api-default-access-logs", "native-api-default"]);
            assert.strictEqual(parsed["native-api-default"].type, "aws-native:apigatewayv2:Stage");
            const props = parsed["native-api-default"].properties as Record<string, unknown>;
            assert.strictEqual(props.stageName, "$default");
            assert.strictEqual(props.apiId, "${api.id}");
            assert.ok(fixLine(v[0]).startsWith("remove target from \"native-api\", add aws-native:apigatewayv2:Integration and aws-native:apigatewayv2:Route, then resources: {"));
        });

        it("dotnet: the missing WebSocket role, created with its trust policy and managed policy, all in C#", async () => {
            const stack = compliantStack().filter((r) => r.name !== "apigw-account");
            const v = await analyze(stack, {}, tags("csharp"));
            assert.deepStrictEqual(v.map((x) => fixLine(x)), [
                `var apiGatewayLogsRole = new Aws.Iam.Role("apigateway-cloudwatch-logs", new Aws.Iam.RoleArgs { AssumeRolePolicy = JsonSerializer.Serialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = new object[] { new Dictionary<string, object> { ["Effect"] = "Allow", ["Principal"] = new Dictionary<string, object> { ["Service"] = "apigateway.amazonaws.com" }, ["Action"] = "sts:AssumeRole" } } }) }); ` +
                `new Aws.Iam.RolePolicyAttachment("apigateway-cloudwatch-logs-policy", new Aws.Iam.RolePolicyAttachmentArgs { Role = apiGatewayLogsRole.Name, PolicyArn = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" }); ` +
                `new Aws.ApiGateway.Account("apigateway-account", new Aws.ApiGateway.AccountArgs { CloudwatchRoleArn = apiGatewayLogsRole.Arn })`,
            ]);
        });
    });
});

function nameOf(stack: readonly TestResource[], v: Violation): string {
    return stack.find((r) => resourceUrn(r) === v.urn)?.name ?? "<none>";
}

// --- @pulumi/aws's own declarations of resource inputs -----------------------

const awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"));
const inputTypes = fs.readFileSync(path.join(awsDir, "types", "input.d.ts"), "utf8");

function interfaceMembers(source: string, name: string): Set<string> {
    const start = source.indexOf(`interface ${name} {`);
    assert.ok(start >= 0, `interface ${name} not found`);
    const end = source.indexOf("\n}", start) >= 0 ? Math.min(...[source.indexOf("\n    }", start), source.indexOf("\n}", start)].filter((i) => i >= 0)) : source.length;
    const members = new Set<string>();
    for (const m of source.slice(start, end).matchAll(/^\s+(\w+)\??:/gm)) {
        members.add(m[1]);
    }
    return members;
}

function namespaceSource(module: string): string {
    const start = inputTypes.indexOf(`export declare namespace ${module} {`);
    assert.ok(start >= 0, `namespace ${module} not found`);
    const next = inputTypes.indexOf("export declare namespace ", start + 1);
    return inputTypes.slice(start, next < 0 ? undefined : next);
}

/** Asserts every property (and nested args property) exists in @pulumi/aws; returns how many were checked. */
function checkAwsProperties(yamlType: string, properties: Record<string, unknown>): number {
    const [, module, resource] = yamlType.split(":");
    const file = path.join(awsDir, module, `${resource[0].toLowerCase()}${resource.slice(1)}.d.ts`);
    const members = interfaceMembers(fs.readFileSync(file, "utf8"), `${resource}Args`);
    let checked = 0;
    for (const [key, value] of Object.entries(properties)) {
        if (key === "...") {
            continue;
        }
        assert.ok(members.has(key), `${resource}Args has no ${key} in @pulumi/aws`);
        checked++;
        if (value !== null && typeof value === "object" && !("fn::toJSON" in value)) {
            const nested = interfaceMembers(namespaceSource(module), `${resource}${key[0].toUpperCase()}${key.slice(1)}`);
            for (const inner of Object.keys(value)) {
                if (inner !== "...") {
                    assert.ok(nested.has(inner), `${resource}.${key} has no ${inner} in @pulumi/aws`);
                    checked++;
                }
            }
        }
    }
    return checked;
}
