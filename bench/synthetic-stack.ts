// Synthetic API Gateway V2 stacks shaped like `pulumi stack export` after an
// update with @pulumi/aws 7: a Stack resource, the default aws provider, APIs,
// one log group per stage, and stages bound to their log group and API by
// propertyDependencies with known ARNs. Mostly compliant; a few deliberate
// violations, counted as they are made, so the bench can check that the pack
// really analyzed what it was timed on.
import { ResourceWithOptions } from "../engine/protocol/marshal";
import { compliantStage } from "../tests/fixtures/compliant";

export const benchProject = "apigw-bench";
const accountId = "123456789012";
const region = "us-east-1";
const providerId = "9f3b2c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e";

/** Uses only variables both protocols support, so a WebSocket stage is not reported for it. */
const goodFormat = JSON.stringify({
    requestId: "$context.requestId",
    ip: "$context.identity.sourceIp",
    requestTime: "$context.requestTime",
    routeKey: "$context.routeKey",
    status: "$context.status",
    integrationLatency: "$context.integrationLatency",
    errorMessage: "$context.error.message",
    domainName: "$context.domainName",
});

/** The good format without its request ID: the format policy (mandatory) reports it, and nothing else does. */
const noRequestIdFormat = JSON.stringify({
    ip: "$context.identity.sourceIp",
    requestTime: "$context.requestTime",
    routeKey: "$context.routeKey",
    status: "$context.status",
});

/** WebSocket stages also log the connection fields, which the protocol policy asks them for. */
const connectionFields = { connectionId: "$context.connectionId", eventType: "$context.eventType" };
const goodWebSocketFormat = JSON.stringify({ ...JSON.parse(goodFormat) as Record<string, string>, ...connectionFields });
const noRequestIdWebSocketFormat = JSON.stringify({ ...JSON.parse(noRequestIdFormat) as Record<string, string>, ...connectionFields });

export interface StackShape {
    stack: string;
    stages: number;
    apis: number;
    /** The first this many APIs are WebSocket APIs (no account role in the stack: one advisory per stage). */
    websocketApis: number;
    /** Log group i has no retention when i % every === offset (one mandatory per stage). 0: never. */
    noRetentionEvery: number;
    /** Stage i has a format without $context.requestId when i % every === offset (one mandatory in Analyze). 0: never. */
    badFormatEvery: number;
}

export interface SyntheticStack {
    resources: ResourceWithOptions[];
    stages: ResourceWithOptions[];
    /** Violations the pack must report, by policy name. */
    expectedStack: Record<string, number>;
    expectedStageAnalyze: Record<string, number>;
}

const retentionPolicy = "apigatewayv2-access-log-group-retention";
const protocolPolicy = "apigatewayv2-access-log-protocol";
const formatPolicy = "apigatewayv2-access-log-format";

function urn(stack: string, type: string, name: string): string {
    return `urn:pulumi:${stack}::${benchProject}::${type}::${name}`;
}

function bump(counts: Record<string, number>, key: string): void {
    counts[key] = (counts[key] ?? 0) + 1;
}

export function syntheticStack(shape: StackShape): SyntheticStack {
    const { stack } = shape;
    const stackUrn = urn(stack, "pulumi:pulumi:Stack", `${benchProject}-${stack}`);
    const providerUrn = urn(stack, "pulumi:providers:aws", "default_7_48_0");
    const provider = `${providerUrn}::${providerId}`;
    const resources: ResourceWithOptions[] = [];
    const stages: ResourceWithOptions[] = [];
    const expectedStack: Record<string, number> = {};
    const expectedStageAnalyze: Record<string, number> = {};

    resources.push({
        urn: stackUrn, type: "pulumi:pulumi:Stack", name: `${benchProject}-${stack}`,
        inputs: {}, outputs: {}, dependencies: [], propertyDependencies: {},
    });
    const providerInputs = { region, version: "7.48.0", skipCredentialsValidation: "false", skipRegionValidation: "true" };
    resources.push({
        urn: providerUrn, type: "pulumi:providers:aws", name: "default_7_48_0",
        inputs: providerInputs, outputs: providerInputs, dependencies: [], propertyDependencies: {},
    });

    const apiUrns: string[] = [];
    const apiIds: string[] = [];
    for (let j = 0; j < shape.apis; j++) {
        const type = "aws:apigatewayv2/api:Api";
        const name = `api-${j}`;
        const id = `a${j.toString(36).padStart(9, "0")}`;
        const websocket = j < shape.websocketApis;
        const inputs: Record<string, unknown> = {
            __defaults: [],
            name,
            protocolType: websocket ? "WEBSOCKET" : "HTTP",
            region,
            ...(websocket ? { routeSelectionExpression: "$request.body.action" } : {}),
        };
        const outputs: Record<string, unknown> = {
            id,
            apiEndpoint: websocket ? `wss://${id}.execute-api.${region}.amazonaws.com` : `https://${id}.execute-api.${region}.amazonaws.com`,
            apiKeySelectionExpression: "$request.header.x-api-key",
            arn: `arn:aws:apigateway:${region}::/apis/${id}`,
            description: "",
            disableExecuteApiEndpoint: false,
            executionArn: `arn:aws:execute-api:${region}:${accountId}:${id}`,
            ipAddressType: "ipv4",
            name,
            protocolType: websocket ? "WEBSOCKET" : "HTTP",
            region,
            routeSelectionExpression: websocket ? "$request.body.action" : "$request.method $request.path",
            tags: {},
            tagsAll: {},
            version: "",
        };
        const u = urn(stack, type, name);
        apiUrns.push(u);
        apiIds.push(id);
        resources.push({ urn: u, type, name, inputs, outputs, parent: stackUrn, provider, dependencies: [], propertyDependencies: {} });
    }

    for (let i = 0; i < shape.stages; i++) {
        const lgType = "aws:cloudwatch/logGroup:LogGroup";
        const lgName = `access-logs-${i}`;
        const groupName = `/aws/apigateway/${stack}/stage-${i}`;
        const arn = `arn:aws:logs:${region}:${accountId}:log-group:${groupName}`;
        const noRetention = shape.noRetentionEvery > 0 && i % shape.noRetentionEvery === 7 % shape.noRetentionEvery;
        const lgInputs: Record<string, unknown> = { __defaults: ["skipDestroy"], name: groupName, region, skipDestroy: false };
        if (!noRetention) {
            lgInputs.retentionInDays = 30;
        }
        const lgOutputs: Record<string, unknown> = {
            arn, id: groupName, kmsKeyId: "", logGroupClass: "STANDARD", name: groupName, namePrefix: "",
            region, retentionInDays: noRetention ? 0 : 30, skipDestroy: false, tags: {}, tagsAll: {},
        };
        const lgUrn = urn(stack, lgType, lgName);
        resources.push({ urn: lgUrn, type: lgType, name: lgName, inputs: lgInputs, outputs: lgOutputs, parent: stackUrn, provider, dependencies: [], propertyDependencies: {} });
        if (noRetention) {
            bump(expectedStack, retentionPolicy);
        }

        const api = i % shape.apis;
        const stageType = "aws:apigatewayv2/stage:Stage";
        const stageName = `stage-${i}`;
        const badFormat = shape.badFormatEvery > 0 && i % shape.badFormatEvery === 500 % shape.badFormatEvery;
        const websocket = api < shape.websocketApis;
        const format = websocket ? (badFormat ? noRequestIdWebSocketFormat : goodWebSocketFormat) : (badFormat ? noRequestIdFormat : goodFormat);
        const accessLogSettings = { destinationArn: arn, format };
        // The shared compliant baseline, so a new check's compliant value reaches the bench's stages too.
        const baseline = { ...compliantStage(apiIds[api], accessLogSettings.destinationArn, accessLogSettings.format), name: stageName };
        const stageInputs: Record<string, unknown> = { __defaults: [], ...baseline, region };
        const stageId = `s${i.toString(36).padStart(9, "0")}`;
        // What the provider computes, then the inputs.
        const stageOutputs: Record<string, unknown> = {
            arn: `arn:aws:apigateway:${region}::/apis/${apiIds[api]}/stages/${stageName}`,
            clientCertificateId: "",
            defaultRouteSettings: { dataTraceEnabled: false, detailedMetricsEnabled: false, loggingLevel: "", throttlingBurstLimit: 0, throttlingRateLimit: 0 },
            deploymentId: "",
            description: "",
            executionArn: `arn:aws:execute-api:${region}:${accountId}:${apiIds[api]}/${stageName}`,
            id: stageId,
            invokeUrl: `https://${apiIds[api]}.execute-api.${region}.amazonaws.com/${stageName}`,
            region,
            routeSettings: [],
            stageVariables: {},
            tags: {},
            tagsAll: {},
            ...baseline,
        };
        const stage: ResourceWithOptions = {
            urn: urn(stack, stageType, stageName), type: stageType, name: stageName,
            inputs: stageInputs, outputs: stageOutputs, parent: stackUrn, provider,
            dependencies: [apiUrns[api], lgUrn],
            propertyDependencies: { accessLogSettings: [lgUrn], apiId: [apiUrns[api]] },
        };
        resources.push(stage);
        stages.push(stage);
        if (websocket) {
            bump(expectedStack, protocolPolicy);
        }
        if (badFormat) {
            bump(expectedStageAnalyze, formatPolicy);
        }
    }
    return { resources, stages, expectedStack, expectedStageAnalyze };
}

/** The stack as `pulumi stack export` writes it (version 3). */
export function stateExport(resources: readonly ResourceWithOptions[]): string {
    const time = "2026-01-15T10:00:00.000Z";
    return JSON.stringify({
        version: 3,
        deployment: {
            manifest: { time, magic: "0000000000000000000000000000000000000000000000000000000000000000", version: "v3.200.0" },
            secrets_providers: { type: "passphrase", state: { salt: "v1:AAAAAAAAAAA=:v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==" } },
            resources: resources.map((r) => {
                const custom = r.type !== "pulumi:pulumi:Stack";
                const id = typeof r.outputs.id === "string" ? r.outputs.id : custom ? "9f3b2c1e-4d5a-4b6c-8d7e-0f1a2b3c4d5e" : undefined;
                return {
                    urn: r.urn,
                    custom,
                    ...(custom ? { id } : {}),
                    type: r.type,
                    inputs: r.inputs,
                    outputs: r.outputs,
                    ...(r.parent ? { parent: r.parent } : {}),
                    ...(r.provider ? { provider: r.provider } : {}),
                    dependencies: r.dependencies,
                    propertyDependencies: r.propertyDependencies,
                    created: time,
                    modified: time,
                };
            }),
        },
    }, null, 4);
}

/** The expected counts, compared key by key with what the pack reported. */
export function sameCounts(expected: Record<string, number>, actual: Record<string, number>): boolean {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].every((k) => (expected[k] ?? 0) === (actual[k] ?? 0));
}
