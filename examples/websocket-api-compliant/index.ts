import * as aws from "@pulumi/aws";

// WebSocket APIs can only write access logs once API Gateway has an
// account-wide CloudWatch Logs role; without it the deployment fails.
const cloudwatchRole = new aws.iam.Role("apigateway-cloudwatch", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Service: "apigateway.amazonaws.com" },
            Action: "sts:AssumeRole",
        }],
    }),
    managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"],
});

const account = new aws.apigateway.Account("apigateway-account", {
    cloudwatchRoleArn: cloudwatchRole.arn,
});

const api = new aws.apigatewayv2.Api("chat-api", {
    protocolType: "WEBSOCKET",
    routeSelectionExpression: "$request.body.action",
});

const accessLogs = new aws.cloudwatch.LogGroup("chat-api-access-logs", {
    retentionInDays: 90,
});

// Only variables WebSocket APIs support: connectionId and eventType, no httpMethod.
const stage = new aws.apigatewayv2.Stage("chat-api-stage", {
    apiId: api.id,
    name: "production",
    autoDeploy: true,
    accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            requestTime: "$context.requestTime",
            routeKey: "$context.routeKey",
            status: "$context.status",
            connectionId: "$context.connectionId",
            eventType: "$context.eventType",
        }),
    },
}, { dependsOn: [account] });

export const endpoint = api.apiEndpoint;
export const stageName = stage.name;
