import * as aws from "@pulumi/aws";

// The log group lives in a shared "logging" stack; this stack only knows its
// ARN, so nothing here says how long its logs are kept.
const sharedAccessLogGroupArn = "arn:aws:logs:us-east-1:123456789012:log-group:/shared/api-access";

const api = new aws.apigatewayv2.Api("billing-api", {
    protocolType: "HTTP",
});

const stage = new aws.apigatewayv2.Stage("billing-api-stage", {
    apiId: api.id,
    name: "$default",
    autoDeploy: true,
    accessLogSettings: {
        destinationArn: sharedAccessLogGroupArn,
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
