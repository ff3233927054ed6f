import * as aws from "@pulumi/aws";

// CLF is a format AWS accepts, and this one carries every field an
// investigation needs, but it is not JSON, so log queries have to parse it.
const api = new aws.apigatewayv2.Api("search-api", {
    protocolType: "HTTP",
});

const accessLogs = new aws.cloudwatch.LogGroup("search-api-access-logs", {
    retentionInDays: 30,
});

const stage = new aws.apigatewayv2.Stage("search-api-stage", {
    apiId: api.id,
    name: "$default",
    autoDeploy: true,
    accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId',
    },
});

export const stageName = stage.name;
