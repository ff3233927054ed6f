import * as aws from "@pulumi/aws";

// The compliant baseline: an HTTP API, a log group in the same stack with a
// retention period, and a stage that writes a JSON access log with the fields
// an investigation needs to that log group.
const api = new aws.apigatewayv2.Api("orders-api", {
    protocolType: "HTTP",
});

const accessLogs = new aws.cloudwatch.LogGroup("orders-api-access-logs", {
    retentionInDays: 30,
});

const stage = new aws.apigatewayv2.Stage("orders-api-stage", {
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

export const endpoint = api.apiEndpoint;
export const stageName = stage.name;
