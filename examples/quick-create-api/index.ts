import * as aws from "@pulumi/aws";

// Quick create: with `target`, API Gateway makes the route, the integration
// and a `$default` stage itself. That stage is not a Pulumi resource, so its
// access logging can never be turned on from here.
const api = new aws.apigatewayv2.Api("webhook-api", {
    protocolType: "HTTP",
    target: "arn:aws:lambda:us-east-1:123456789012:function:webhook-handler",
});

export const endpoint = api.apiEndpoint;
