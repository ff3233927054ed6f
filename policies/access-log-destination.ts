import { ResourceValidationPolicy } from "@pulumi/policy";
import { knownDestination, readStageLogging } from "../lib/access-log-settings";
import { parseLogGroupArn } from "../lib/log-group-arn";
import { languageOfStackTags, propertyPath } from "../lib/fix-snippets";
import { newLogGroupDestinationFix, stageLabel, withFix } from "../lib/messages";
import { toPolicyConfigSchema } from "../lib/policy-config";
import { quote } from "../lib/quote";
import { isStageType, stageTypes } from "../lib/resource-types";
import { destinationNotEvaluated } from "../lib/applicability";
import { nist80053 } from "../lib/frameworks";
import { governResourcePolicy } from "../lib/governance";

export const accessLogDestinationName = "apigatewayv2-access-log-destination";

export type AccessLogDestinationConfig = Record<string, never>;

/** Where the allowed-account, region and name rules went (a test keeps these equal to that policy's name and keys). */
export const rulesMovedTo = { to: "apigatewayv2-access-log-destination-allowed", keys: ["allowedAccountIds", "allowedRegions", "logGroupNamePattern"] } as const;

// A resource policy: Analyze runs on the stage's inputs before the stage is
// created, at preview and at update alike, so a known ARN that is no log-group
// ARN stops `up` before anything changes. Which account, region and name are
// allowed is apigatewayv2-access-log-destination-allowed's, a stack policy
// that also sees the log group behind an ARN still unknown in a preview.
export const accessLogDestination: ResourceValidationPolicy = governResourcePolicy({
    name: accessLogDestinationName,
    displayName: "Access logs go to a CloudWatch Logs log group",
    description: "API Gateway V2 access logs must go to a CloudWatch Logs log group, given by a valid log-group ARN.",
    enforcementLevel: "mandatory",
    severity: "high",
    tags: ["apigatewayv2", "logging", "audit", "nist-800-53:AU-9", "aws-fsbp:APIGateway.9"],
    framework: nist80053("AU-12", "Audit Record Generation"),
    remediationSteps: "Set accessLogSettings.destinationArn to a CloudWatch Logs log-group ARN (arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME), best bound to logGroup.arn of a log group in the same stack.",
    url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html",
    configSchema: toPolicyConfigSchema<AccessLogDestinationConfig>({}),
    validateResource: (args, reportViolation) => {
        if (!isStageType(args.type)) {
            return;
        }
        const destination = knownDestination(readStageLogging(args.props));
        if (destination === undefined) {
            return;
        }
        const lang = languageOfStackTags(args.stackTags);
        const parsed = parseLogGroupArn(destination);
        if (!parsed.ok) {
            reportViolation(withFix(`${stageLabel(args.name)} has ${propertyPath("accessLogSettings.destinationArn", lang)} ${quote(destination)}, which is not a CloudWatch Logs log-group ARN: ${parsed.reason}.`,
                newLogGroupDestinationFix(args.type, args.name), lang));
        }
    },
}, {
    types: stageTypes,
    notEvaluated: destinationNotEvaluated,
    // The allowed-account, region and name rules moved to a stack policy: a
    // config that still sets them here fails, naming where they went.
    movedKeys: rulesMovedTo,
});
