import * as assert from "assert";
import {
    args, bool, Fix, json, jsonObject, JsonValue, Language, languageOfRuntimeName, languageOfStackTags, languages, num, output, pascalCase, prop,
    propertyPath, renderFix, resourceTypeName, runtimes, snakeCase, str, stringLiteral,
} from "../../lib/fix-snippets";
import { accessLoggingFix, formatFix, newFormat } from "../../lib/messages";
import { RepairedFormat } from "../../lib/format-repair";
import { T } from "./helpers/fixtures";
import { sdkStackTags } from "./helpers/policy-harness";
import {
    checkCSharpSyntax, checkGoSyntax, checkJavaSyntax, checkPythonSyntax, checkTypeScriptSyntax, parseYamlFix, unbalanced,
} from "./helpers/snippet-checks";

/** Every part of the stage's logging missing: the settings object, so the destination and the format too. */
const nothing = { settings: true, destination: true, format: true };

function jsonFormat(fields: readonly (readonly [string, JsonValue])[]): RepairedFormat {
    return { kind: "json", fields };
}

describe("lib/fix-snippets", () => {
    describe("the language comes from the pulumi:runtime stack tag", () => {
        const expected: [string, Language][] = [
            ["nodejs", "typescript"], ["python", "python"], ["go", "go"], ["dotnet", "csharp"], ["java", "java"], ["yaml", "yaml"],
        ];
        for (const [runtime, lang] of expected) {
            it(`${runtime} -> ${lang}, through the SDK's frozen map`, () => {
                assert.strictEqual(languageOfStackTags(sdkStackTags({ "pulumi:runtime": runtime, "pulumi:project": "p" })), lang);
            });
        }

        it("every runtime the CLI sets is known, and nothing else", () => {
            assert.deepStrictEqual([...runtimes].sort(), ["dotnet", "go", "java", "nodejs", "python", "yaml"]);
        });

        it("no tags (a new stack's first preview) -> TypeScript", () => {
            assert.strictEqual(languageOfStackTags(sdkStackTags({})), "typescript");
            assert.strictEqual(languageOfStackTags(sdkStackTags({ "pulumi:project": "p" })), "typescript");
        });

        it("an unknown runtime -> TypeScript", () => {
            assert.strictEqual(languageOfStackTags(sdkStackTags({ "pulumi:runtime": "ruby" })), "typescript");
            assert.strictEqual(languageOfStackTags(sdkStackTags({ "pulumi:runtime": "" })), "typescript");
            assert.strictEqual(languageOfStackTags(sdkStackTags({ "pulumi:runtime": "constructor" })), "typescript");
            assert.strictEqual(languageOfStackTags(sdkStackTags({ "pulumi:runtime": "__proto__" })), "typescript");
        });

        it("case and surrounding white space do not matter", () => {
            assert.strictEqual(languageOfStackTags(sdkStackTags({ "pulumi:runtime": " Python\n" })), "python");
        });

        it("malformed stackTags never throw: undefined, null, strings, objects without get, a throwing get", () => {
            const hostile: unknown[] = [
                undefined, null, "python", 42, {}, { get: "python" }, { get: () => 42 }, { get: () => ({}) },
                { get: () => { throw new Error("boom"); } },
                new Proxy({}, { get: () => { throw new Error("trap"); } }),
            ];
            for (const tags of hostile) {
                assert.strictEqual(languageOfStackTags(tags), "typescript");
            }
        });

        it("a plain Map works too", () => {
            assert.strictEqual(languageOfStackTags(new Map([["pulumi:runtime", "go"]])), "go");
        });

        it("languageOfRuntimeName rejects non-strings", () => {
            assert.strictEqual(languageOfRuntimeName(undefined), undefined);
            assert.strictEqual(languageOfRuntimeName(["python"]), undefined);
        });
    });

    describe("names", () => {
        // Spellings checked against the generated SDKs (pulumi-aws sdk/python
        // LogGroupArgs and StageAccessLogSettingsArgs, sdk/go and sdk/dotnet
        // StageArgs, pulumi-aws-native sdk/python logs/log_group.py).
        const cases: [string, string, string][] = [
            ["accessLogSettings", "access_log_settings", "AccessLogSettings"],
            ["destinationArn", "destination_arn", "DestinationArn"],
            ["format", "format", "Format"],
            ["retentionInDays", "retention_in_days", "RetentionInDays"],
            ["kmsKeyId", "kms_key_id", "KmsKeyId"],
            ["logGroupName", "log_group_name", "LogGroupName"],
            ["logGroupClass", "log_group_class", "LogGroupClass"],
            ["deletionProtectionEnabled", "deletion_protection_enabled", "DeletionProtectionEnabled"],
            ["cloudwatchRoleArn", "cloudwatch_role_arn", "CloudwatchRoleArn"],
            ["cloudWatchRoleArn", "cloud_watch_role_arn", "CloudWatchRoleArn"],
            ["apiId", "api_id", "ApiId"],
            ["stageName", "stage_name", "StageName"],
            ["autoDeploy", "auto_deploy", "AutoDeploy"],
            ["target", "target", "Target"],
        ];
        for (const [camel, snake, pascal] of cases) {
            it(`${camel}: ${snake} (Python), ${pascal} (Go, C#), ${camel} (TypeScript, Java, YAML)`, () => {
                assert.strictEqual(snakeCase(camel), snake);
                assert.strictEqual(pascalCase(camel), pascal);
            });
        }

        it("acronyms and digits: HTTPServer -> http_server, s3Bucket -> s3_bucket, already_snake stays", () => {
            assert.strictEqual(snakeCase("HTTPServer"), "http_server");
            assert.strictEqual(snakeCase("s3Bucket"), "s3_bucket");
            assert.strictEqual(snakeCase("already_snake"), "already_snake");
            assert.strictEqual(snakeCase(""), "");
        });

        it("property paths per language", () => {
            const path = "accessLogSettings.destinationArn";
            const got = Object.fromEntries(languages.map((l) => [l, propertyPath(path, l)]));
            assert.deepStrictEqual(got, {
                typescript: "accessLogSettings.destinationArn",
                python: "access_log_settings.destination_arn",
                go: "AccessLogSettings.DestinationArn",
                csharp: "AccessLogSettings.DestinationArn",
                java: "accessLogSettings.destinationArn",
                yaml: "accessLogSettings.destinationArn",
            });
        });

        it("resource types per language", () => {
            const got = (type: string) => languages.map((l) => resourceTypeName(type, l));
            assert.deepStrictEqual(got(T.awsStage), [
                "aws.apigatewayv2.Stage", "aws.apigatewayv2.Stage", "apigatewayv2.Stage", "Aws.ApiGatewayV2.Stage", "Stage", "aws:apigatewayv2:Stage",
            ]);
            assert.deepStrictEqual(got(T.nativeLogGroup), [
                "aws_native.logs.LogGroup", "aws_native.logs.LogGroup", "logs.LogGroup", "AwsNative.Logs.LogGroup", "LogGroup", "aws-native:logs:LogGroup",
            ]);
            assert.deepStrictEqual(got(T.awsLogGroup), [
                "aws.cloudwatch.LogGroup", "aws.cloudwatch.LogGroup", "cloudwatch.LogGroup", "Aws.CloudWatch.LogGroup", "LogGroup", "aws:cloudwatch:LogGroup",
            ]);
            assert.deepStrictEqual(got(T.account), [
                "aws.apigateway.Account", "aws.apigateway.Account", "apigateway.Account", "Aws.ApiGateway.Account", "Account", "aws:apigateway:Account",
            ]);
        });
    });

    describe("string literals", () => {
        it("quotes, backslashes and control characters are escaped; bidi marks and separators too", () => {
            assert.strictEqual(stringLiteral(`a"b\\c\nd\u0007e\u202ef\u2028g\u0085`), `"a\\"b\\\\c\\nd\\u0007e\\u202ef\\u2028g\\u0085"`);
        });

        it("at most 80 characters of the value, then an ellipsis", () => {
            const literal = stringLiteral("x".repeat(500));
            assert.strictEqual(literal, `"${"x".repeat(80)}…"`);
        });

        it("never half a surrogate pair at the cut", () => {
            const literal = stringLiteral("x".repeat(79) + "😀".repeat(10));
            assert.strictEqual(literal, `"${"x".repeat(79)}…"`);
        });
    });

    describe("the access-logging fix in every language (aws)", () => {
        const fix = accessLoggingFix(T.awsStage, "orders-stage", "HTTP", nothing);
        const json5 = [
            ["requestId", "$context.requestId"], ["sourceIp", "$context.identity.sourceIp"], ["requestTime", "$context.requestTime"],
            ["routeKey", "$context.routeKey"], ["status", "$context.status"],
        ];
        const tsJson = `JSON.stringify({ ${json5.map(([k, v]) => `${k}: "${v}"`).join(", ")} })`;
        const expected: Record<Language, string> = {
            typescript: `const ordersStageAccessLogs = new aws.cloudwatch.LogGroup("orders-stage-access-logs", { retentionInDays: 30, logGroupClass: "STANDARD" }); new aws.apigatewayv2.Stage("orders-stage", { ..., accessLogSettings: { destinationArn: ordersStageAccessLogs.arn, format: ${tsJson} } })`,
            python: `orders_stage_access_logs = aws.cloudwatch.LogGroup("orders-stage-access-logs", retention_in_days=30, log_group_class="STANDARD"); aws.apigatewayv2.Stage("orders-stage", ..., access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs(destination_arn=orders_stage_access_logs.arn, format=json.dumps(dict(${json5.map(([k, v]) => `${k}="${v}"`).join(", ")}))))`,
            go: `ordersStageAccessLogs, err := cloudwatch.NewLogGroup(ctx, "orders-stage-access-logs", &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(30), LogGroupClass: pulumi.String("STANDARD")}); apigatewayv2.NewStage(ctx, "orders-stage", &apigatewayv2.StageArgs{..., AccessLogSettings: &apigatewayv2.StageAccessLogSettingsArgs{DestinationArn: ordersStageAccessLogs.Arn, Format: pulumi.String(\`{ ${json5.map(([k, v]) => `"${k}": "${v}"`).join(", ")} }\`)}})`,
            csharp: `var ordersStageAccessLogs = new Aws.CloudWatch.LogGroup("orders-stage-access-logs", new Aws.CloudWatch.LogGroupArgs { RetentionInDays = 30, LogGroupClass = "STANDARD" }); new Aws.ApiGatewayV2.Stage("orders-stage", new Aws.ApiGatewayV2.StageArgs { ..., AccessLogSettings = new Aws.ApiGatewayV2.Inputs.StageAccessLogSettingsArgs { DestinationArn = ordersStageAccessLogs.Arn, Format = JsonSerializer.Serialize(new Dictionary<string, object> { ${json5.map(([k, v]) => `["${k}"] = "${v}"`).join(", ")} }) } })`,
            java: `var ordersStageAccessLogs = new LogGroup("orders-stage-access-logs", LogGroupArgs.builder().retentionInDays(30).logGroupClass("STANDARD").build()); new Stage("orders-stage", StageArgs.builder() ... .accessLogSettings(StageAccessLogSettingsArgs.builder().destinationArn(ordersStageAccessLogs.arn()).format(serializeJson(jsonObject(${json5.map(([k, v]) => `jsonProperty("${k}", "${v}")`).join(", ")}))).build()).build())`,
            yaml: `resources: { "orders-stage-access-logs": { type: aws:cloudwatch:LogGroup, properties: { retentionInDays: 30, logGroupClass: "STANDARD" } }, "orders-stage": { type: aws:apigatewayv2:Stage, properties: { ..., accessLogSettings: { destinationArn: "\${orders-stage-access-logs.arn}", format: { fn::toJSON: { ${json5.map(([k, v]) => `${k}: "${v}"`).join(", ")} } } } } } }`,
        };
        for (const lang of languages) {
            it(lang, () => {
                assert.strictEqual(renderFix(fix, lang), expected[lang]);
            });
        }
    });

    describe("the aws-native stage uses the aws-native SDK's names", () => {
        const fix = accessLoggingFix(T.nativeStage, "native-stage", "HTTP", nothing);
        const starts: Record<Language, string> = {
            typescript: `const nativeStageAccessLogs = new aws_native.logs.LogGroup("native-stage-access-logs", { retentionInDays: 30, logGroupClass: "STANDARD" }); new aws_native.apigatewayv2.Stage("native-stage", { ..., accessLogSettings: { destinationArn: nativeStageAccessLogs.arn,`,
            python: `native_stage_access_logs = aws_native.logs.LogGroup("native-stage-access-logs", retention_in_days=30, log_group_class="STANDARD"); aws_native.apigatewayv2.Stage("native-stage", ..., access_log_settings=aws_native.apigatewayv2.StageAccessLogSettingsArgs(destination_arn=native_stage_access_logs.arn,`,
            go: `nativeStageAccessLogs, err := logs.NewLogGroup(ctx, "native-stage-access-logs", &logs.LogGroupArgs{RetentionInDays: pulumi.Int(30), LogGroupClass: pulumi.String("STANDARD")}); apigatewayv2.NewStage(ctx, "native-stage", &apigatewayv2.StageArgs{..., AccessLogSettings: &apigatewayv2.StageAccessLogSettingsArgs{DestinationArn: nativeStageAccessLogs.Arn,`,
            csharp: `var nativeStageAccessLogs = new AwsNative.Logs.LogGroup("native-stage-access-logs", new AwsNative.Logs.LogGroupArgs { RetentionInDays = 30, LogGroupClass = "STANDARD" }); new AwsNative.ApiGatewayV2.Stage("native-stage", new AwsNative.ApiGatewayV2.StageArgs { ..., AccessLogSettings = new AwsNative.ApiGatewayV2.Inputs.StageAccessLogSettingsArgs { DestinationArn = nativeStageAccessLogs.Arn,`,
            java: `var nativeStageAccessLogs = new LogGroup("native-stage-access-logs", LogGroupArgs.builder().retentionInDays(30).logGroupClass("STANDARD").build()); new Stage("native-stage", StageArgs.builder() ... .accessLogSettings(StageAccessLogSettingsArgs.builder().destinationArn(nativeStageAccessLogs.arn())`,
            yaml: `resources: { "native-stage-access-logs": { type: aws-native:logs:LogGroup, properties: { retentionInDays: 30, logGroupClass: "STANDARD" } }, "native-stage": { type: aws-native:apigatewayv2:Stage, properties: { ..., accessLogSettings: { destinationArn: "\${native-stage-access-logs.arn}",`,
        };
        for (const lang of languages) {
            it(lang, () => {
                const text = renderFix(fix, lang);
                assert.ok(text.startsWith(starts[lang]), text);
            });
        }
    });

    describe("values, variables, prose and comments", () => {
        const fix: Fix = {
            before: ["remove ", { property: "accessLogSettings.destinationArn" }, " from ", { quoted: "my\napi" }, " and add ", { resourceType: T.awsApi }, ", then"],
            resources: [
                { type: T.awsLogGroup, name: "access-logs", variable: "logGroup", more: false, properties: [prop("retentionInDays", num(30)), prop("kmsKeyId", output("key", "arn"))] },
                {
                    type: T.awsStage, name: "s", more: false, properties: [
                        prop("apiId", output("api", "id")), prop("autoDeploy", bool(true)), prop("name", str("$default")),
                        prop("accessLogSettings", args("StageAccessLogSettings", [prop("destinationArn", output("logGroup", "arn"))], true)),
                    ],
                },
            ],
            after: ["set ", { property: "retentionInDays" }],
        };
        const expected: Record<Language, string> = {
            typescript: `remove accessLogSettings.destinationArn from "my\\napi" and add aws.apigatewayv2.Api, then const logGroup = new aws.cloudwatch.LogGroup("access-logs", { retentionInDays: 30, kmsKeyId: key.arn }); new aws.apigatewayv2.Stage("s", { apiId: api.id, autoDeploy: true, name: "$default", accessLogSettings: { ..., destinationArn: logGroup.arn } }) // set retentionInDays`,
            python: `remove access_log_settings.destination_arn from "my\\napi" and add aws.apigatewayv2.Api, then log_group = aws.cloudwatch.LogGroup("access-logs", retention_in_days=30, kms_key_id=key.arn); aws.apigatewayv2.Stage("s", api_id=api.id, auto_deploy=True, name="$default", access_log_settings=aws.apigatewayv2.StageAccessLogSettingsArgs(..., destination_arn=log_group.arn)) # set retention_in_days`,
            go: `remove AccessLogSettings.DestinationArn from "my\\napi" and add apigatewayv2.Api, then logGroup, err := cloudwatch.NewLogGroup(ctx, "access-logs", &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(30), KmsKeyId: key.Arn}); apigatewayv2.NewStage(ctx, "s", &apigatewayv2.StageArgs{ApiId: api.ID(), AutoDeploy: pulumi.Bool(true), Name: pulumi.String("$default"), AccessLogSettings: &apigatewayv2.StageAccessLogSettingsArgs{..., DestinationArn: logGroup.Arn}}) // set RetentionInDays`,
            csharp: `remove AccessLogSettings.DestinationArn from "my\\napi" and add Aws.ApiGatewayV2.Api, then var logGroup = new Aws.CloudWatch.LogGroup("access-logs", new Aws.CloudWatch.LogGroupArgs { RetentionInDays = 30, KmsKeyId = key.Arn }); new Aws.ApiGatewayV2.Stage("s", new Aws.ApiGatewayV2.StageArgs { ApiId = api.Id, AutoDeploy = true, Name = "$default", AccessLogSettings = new Aws.ApiGatewayV2.Inputs.StageAccessLogSettingsArgs { ..., DestinationArn = logGroup.Arn } }) // set RetentionInDays`,
            java: `remove accessLogSettings.destinationArn from "my\\napi" and add Api, then var logGroup = new LogGroup("access-logs", LogGroupArgs.builder().retentionInDays(30).kmsKeyId(key.arn()).build()); new Stage("s", StageArgs.builder().apiId(api.id()).autoDeploy(true).name("$default").accessLogSettings(StageAccessLogSettingsArgs.builder() ... .destinationArn(logGroup.arn()).build()).build()) // set retentionInDays`,
            yaml: `remove accessLogSettings.destinationArn from "my\\napi" and add aws:apigatewayv2:Api, then resources: { "access-logs": { type: aws:cloudwatch:LogGroup, properties: { retentionInDays: 30, kmsKeyId: "\${key.arn}" } }, "s": { type: aws:apigatewayv2:Stage, properties: { apiId: "\${api.id}", autoDeploy: true, name: "$default", accessLogSettings: { ..., destinationArn: "\${access-logs.arn}" } } } } # set retentionInDays`,
        };
        for (const lang of languages) {
            it(lang, () => {
                assert.strictEqual(renderFix(fix, lang), expected[lang]);
            });
        }
    });

    describe("rendered code is well-formed", () => {
        const fixes: [string, Fix][] = [
            ["access logging (aws)", accessLoggingFix(T.awsStage, "a", "HTTP", nothing)],
            ["access logging (aws-native)", accessLoggingFix(T.nativeStage, "b", "HTTP", nothing)],
            ["access logging on WebSocket, with the account-level role", accessLoggingFix(T.awsStage, "ws", "WEBSOCKET", nothing)],
            ["access logging on WebSocket (aws-native)", accessLoggingFix(T.nativeStage, "ws", "WEBSOCKET", nothing)],
            ["format only", formatFix(T.awsStage, "c", jsonFormat([["requestId", "$context.requestId"], ["identity.userAgent", "$context.identity.userAgent"]]), ["note"])],
            ["a nested JSON format", formatFix(T.awsStage, "n", jsonFormat([["requestId", "$context.requestId"], ["auth", jsonObject([["sub", "$context.authorizer.claims.sub"], ["list", ["a", jsonObject([["b", "c"]])]]])]]))],
            ["a long text format kept whole", formatFix(T.awsStage, "t", { kind: "text", text: `$context.requestId ${"$context.identity.sourceIp ".repeat(8)}"quoted\\" \`tick\`` })],
            ["a hostile name", accessLoggingFix(T.awsStage, "x\")\n`; drop {[(\u202e", "HTTP", nothing)],
            ["a JSON value with a backtick", formatFix(T.awsStage, "d", jsonFormat([["requestId", "$context.requestId"], ["q", "`"]]))],
        ];

        for (const [title, fix] of fixes) {
            it(`${title}: brackets balance outside string literals, in every language`, () => {
                for (const lang of languages) {
                    const text = renderFix(fix, lang);
                    assert.strictEqual(unbalanced(text, lang), undefined, `${lang}: ${text}`);
                    assert.ok(!/[\n\r\u2028\u2029]/.test(text), `${lang}: one line`);
                }
            });

            it(`${title}: the YAML parses, to resources with a type and properties`, () => {
                const parsed = parseYamlFix(renderFix(fix, "yaml"));
                for (const resource of Object.values(parsed)) {
                    assert.strictEqual(typeof resource.type, "string");
                    assert.strictEqual(typeof resource.properties, "object");
                }
            });

            it(`${title}: the TypeScript parses`, () => {
                assert.strictEqual(checkTypeScriptSyntax([renderFix(fix, "typescript")]), undefined);
            });

            it(`${title}: the Python parses`, function () {
                const problem = checkPythonSyntax([renderFix(fix, "python")]);
                if (problem === "no python3") {
                    this.skip();
                }
                assert.strictEqual(problem, undefined);
            });
        }

        it("the syntax checkers reject broken code (controls for the checks above)", function () {
            this.timeout(60000);
            assert.notStrictEqual(checkTypeScriptSyntax(["new aws.apigatewayv2.Stage(\"a\", { accessLogSettings: { }"]), undefined);
            const python = checkPythonSyntax(["aws.apigatewayv2.Stage(\"a\", access_log_settings=)"]);
            assert.ok(python === "no python3" || python !== undefined);
            const java = checkJavaSyntax(["new Stage(\"a\", StageArgs.builder()"]);
            assert.ok(java === "no java" || java !== undefined);
            assert.throws(() => parseYamlFix("resources: { \"a\": { type: x, properties: { a: [ } } }"));
        });

        it("the Go of every fix above parses (gofmt)", function () {
            const problem = checkGoSyntax(fixes.map(([, fix]) => renderFix(fix, "go")));
            if (problem === "no gofmt") {
                this.skip();
            }
            assert.strictEqual(problem, undefined);
        });

        it("the C# of every fix above parses (mcs --parse)", function () {
            this.timeout(60000);
            const problem = checkCSharpSyntax(fixes.map(([, fix]) => renderFix(fix, "csharp")));
            if (problem === "no mcs") {
                this.skip();
            }
            assert.strictEqual(problem, undefined);
        });

        it("gofmt and mcs reject broken code (controls for the two checks above)", function () {
            this.timeout(60000);
            const go = checkGoSyntax(["apigatewayv2.NewStage(ctx, \"a\", &apigatewayv2.StageArgs{"]);
            assert.ok(go === "no gofmt" || go !== undefined);
            const csharp = checkCSharpSyntax(["new Aws.ApiGatewayV2.Stage(\"a\", new() { A = 1 }"]);
            assert.ok(csharp === "no mcs" || csharp !== undefined);
        });

        it("a long text format is written whole, in pieces of at most 80 characters", () => {
            const text = `$context.requestId ${"$context.identity.sourceIp ".repeat(8)}end`;
            const rendered = renderFix(formatFix(T.awsStage, "t", { kind: "text", text }), "typescript");
            const literal = /format: (".*") \} \}\)$/.exec(rendered);
            assert.ok(literal, rendered);
            assert.strictEqual(new Function(`return ${literal[1]};`)(), text);
            assert.ok(!rendered.includes("…"), rendered);
        });

        it("the Java of every fix above parses", function () {
            this.timeout(60000);
            const problem = checkJavaSyntax(fixes.map(([, fix]) => renderFix(fix, "java")));
            if (problem === "no java") {
                this.skip();
            }
            assert.strictEqual(problem, undefined);
        });

        it("YAML: the format is fn::toJSON of the fields, the destination an interpolation", () => {
            const parsed = parseYamlFix(renderFix(accessLoggingFix(T.awsStage, "a", "HTTP", nothing), "yaml"));
            const settings = (parsed.a.properties as Record<string, Record<string, unknown>>).accessLogSettings;
            assert.strictEqual(settings.destinationArn, "${a-access-logs.arn}");
            assert.deepStrictEqual(Object.keys(settings.format as object), ["fn::toJSON"]);
            assert.strictEqual((settings.format as Record<string, Record<string, string>>)["fn::toJSON"].requestId, "$context.requestId");
        });

        it("Go: the JSON in the raw literal is the JSON the other languages encode", () => {
            const text = renderFix(formatFix(T.awsStage, "c", newFormat("HTTP")), "go");
            const raw = /pulumi\.String\(`([^`]*)`\)/.exec(text);
            assert.ok(raw, text);
            const ts = renderFix(formatFix(T.awsStage, "c", newFormat("HTTP")), "typescript");
            const tsObject = /JSON\.stringify\((\{.*?\})\)/.exec(ts);
            assert.ok(tsObject, ts);
            assert.deepStrictEqual(JSON.parse(raw[1]), new Function(`return (${tsObject[1]});`)());
        });

        it("a JSON key that is not an identifier is quoted in TypeScript and YAML, and Python falls back to a dict literal", () => {
            const fix = formatFix(T.awsStage, "c", jsonFormat([["identity.userAgent", "$context.identity.userAgent"]]));
            assert.ok(renderFix(fix, "typescript").includes(`{ "identity.userAgent": "$context.identity.userAgent" }`));
            assert.ok(renderFix(fix, "yaml").includes(`{ "identity.userAgent": "$context.identity.userAgent" }`));
            assert.ok(renderFix(fix, "python").includes(`json.dumps({"identity.userAgent": "$context.identity.userAgent"})`));
        });

        it("no rendering of a JSON format is the compact JSON text itself (a user's format is often exactly that)", () => {
            const fix = formatFix(T.awsStage, "c", newFormat("HTTP"));
            const compact = JSON.stringify(Object.fromEntries([
                ["requestId", "$context.requestId"], ["sourceIp", "$context.identity.sourceIp"], ["requestTime", "$context.requestTime"],
                ["routeKey", "$context.routeKey"], ["status", "$context.status"],
            ]));
            const spaced = JSON.stringify(JSON.parse(compact), null, 1).replace(/\n */g, " ").replace("{ ", "{").replace(" }", "}");
            for (const lang of languages) {
                const text = renderFix(fix, lang);
                assert.ok(!text.includes(compact.slice(0, 81)), `${lang}: ${text}`);
                assert.ok(!text.includes(spaced.slice(0, 81)), `${lang}: ${text}`);
            }
        });

        it("json() keeps field order", () => {
            const value = json([["b", "1"], ["a", "2"]]);
            assert.ok(value.kind === "json" && value.fields[0][0] === "b");
        });
    });
});
