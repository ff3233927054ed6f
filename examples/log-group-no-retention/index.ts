import * as aws from "@pulumi/aws";

// Everything looks right on the stage. The problem is the log group: no
// retentionInDays, so its logs never expire. During a preview the stage's
// destinationArn is still unknown; only the stage's property dependency on
// the log group ties the two together.
const api = new aws.apigatewayv2.Api("payments-api", {
    protocolType: "HTTP",
});

const accessLogs = new aws.cloudwatch.LogGroup("payments-api-access-logs", {});

const stage = new aws.apigatewayv2.Stage("payments-api-stage", {
    apiId: api.id,
    name: "$default",
    autoDeploy: true,
    accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            requestTime: "$context.requestTime",
            routeKey: "$context.routeKey",
            status: "$context.status",
            protocol: "$context.protocol",
            responseLength: "$context.responseLength",
        }),
    },
});

export const stageName = stage.name;
