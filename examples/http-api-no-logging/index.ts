import * as aws from "@pulumi/aws";

// The case every scanner catches: a stage without accessLogSettings.
const api = new aws.apigatewayv2.Api("inventory-api", {
    protocolType: "HTTP",
});

const stage = new aws.apigatewayv2.Stage("inventory-api-stage", {
    apiId: api.id,
    name: "$default",
    autoDeploy: true,
});

export const stageName = stage.name;
