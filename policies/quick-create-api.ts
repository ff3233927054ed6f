import { ResourceValidationPolicy } from "@pulumi/policy";
import { bool, Fix, languageOfStackTags, output, prop, propertyPath, str } from "../lib/fix-snippets";
import { accessLogSettings, apiLabel, defaultLogGroupSettings, formatValue, newFormat, newLogGroupFor, withFix } from "../lib/messages";
import { makeConfigReader, toPolicyConfigSchema } from "../lib/policy-config";
import { readProperty } from "../lib/read-property";
import { apiTypes, awsStage, isApiType, nativeApi, nativeStage } from "../lib/resource-types";
import { nist80053 } from "../lib/frameworks";
import { governResourcePolicy } from "../lib/governance";
import { stageBaseline } from "../lib/stage-baseline";

export const quickCreateApiName = "apigatewayv2-quick-create-api";

type QuickCreateApiConfig = Record<string, never>;
const readConfig = makeConfigReader<QuickCreateApiConfig>(quickCreateApiName, {});

/**
 * Whether the API is created with quick create. `target` counts as set when it
 * is unknown too: at preview it is typically bound to a Lambda's ARN.
 */
export function isQuickCreate(props: unknown): boolean {
    const target = readProperty(props, "target");
    return target !== undefined && target !== null && !(typeof target === "string" && target.trim() === "");
}

/**
 * Build the API without quick create: drop target, add the integration and
 * route it made, and a $default stage that logs. aws-native names the stage
 * stageName; the classic provider, name. What the other stage policies require
 * comes from lib/stage-baseline.ts, so a new stage policy does not edit this fix.
 */
function explicitStageFix(apiType: string, apiName: string): Fix {
    const native = apiType === nativeApi;
    const stageType = native ? nativeStage : awsStage;
    const stageName = `${apiName}-default`;
    const group = newLogGroupFor(stageType, stageName, defaultLogGroupSettings);
    return {
        before: ["remove ", { property: "target" }, " from ", { quoted: apiName }, ", add ",
            { resourceType: native ? "aws-native:apigatewayv2:Integration" : "aws:apigatewayv2/integration:Integration" }, " and ",
            { resourceType: native ? "aws-native:apigatewayv2:Route" : "aws:apigatewayv2/route:Route" }, ", then"],
        resources: [group, {
            type: stageType, name: stageName, more: false,
            properties: [
                prop("apiId", output("api", "id")),
                prop(native ? "stageName" : "name", str("$default")),
                prop("autoDeploy", bool(true)),
                // Quick create exists only for HTTP APIs, so the HTTP format fits.
                accessLogSettings([prop("destinationArn", output(group.variable as string, "arn")), prop("format", formatValue(newFormat("HTTP")))], false),
                ...stageBaseline(stageType),
            ],
        }],
    };
}

export const quickCreateApi: ResourceValidationPolicy = governResourcePolicy({
    name: quickCreateApiName,
    displayName: "No quick-create HTTP APIs",
    description: "API Gateway V2 APIs must not use quick create (target): the $default stage it creates is managed by API Gateway, and Pulumi cannot turn on its access logging.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["apigatewayv2", "logging", "audit", "nist-800-53:AU-2", "aws-fsbp:APIGateway.9"],
    framework: nist80053("AU-12", "Audit Record Generation"),
    remediationSteps: "Create the API without target (and routeKey/credentialsArn), then add an Integration, a Route and a Stage with accessLogSettings.",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop.html#http-api-examples",
    configSchema: toPolicyConfigSchema<QuickCreateApiConfig>({}),
    validateResource: (args, reportViolation) => {
        if (!isApiType(args.type)) {
            return;
        }
        readConfig(args.getConfig());
        if (isQuickCreate(args.props)) {
            const lang = languageOfStackTags(args.stackTags);
            reportViolation(withFix(
                `${apiLabel(args.name)} is created with quick create (${propertyPath("target", lang)} is set), so API Gateway manages its $default stage; only the console or CloudFormation (AWS::ApiGatewayV2::ApiGatewayManagedOverrides) can turn on its access logging, and neither @pulumi/aws nor aws-native can manage that. The fix creates the stage, and a log group of class STANDARD for it that keeps logs for ${defaultLogGroupSettings.retentionInDays} days.`,
                explicitStageFix(args.type, args.name), lang,
            ));
        }
    },
}, { types: apiTypes });
