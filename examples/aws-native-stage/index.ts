import * as pulumi from "@pulumi/pulumi";

// @pulumi/aws-native is not installed in this repository, so its resources are
// declared by type token with pulumi.CustomResource. The tokens and property
// names are the ones @pulumi/aws-native registers, so the policy pack sees
// exactly what it would see from `new awsnative.apigatewayv2.Stage(...)`.

class NativeApi extends pulumi.CustomResource {
    public readonly apiId!: pulumi.Output<string>;
    public readonly apiEndpoint!: pulumi.Output<string>;
    constructor(name: string, args: { name?: pulumi.Input<string>; protocolType: pulumi.Input<string> }) {
        super("aws-native:apigatewayv2:Api", name, { ...args, apiId: undefined, apiEndpoint: undefined });
    }
}

class NativeLogGroup extends pulumi.CustomResource {
    // Cloud Control's LogGroup ARN ends in ":*".
    public readonly arn!: pulumi.Output<string>;
    public readonly logGroupName!: pulumi.Output<string>;
    constructor(name: string, args: { logGroupName?: pulumi.Input<string>; retentionInDays?: pulumi.Input<number> }) {
        super("aws-native:logs:LogGroup", name, { logGroupName: undefined, ...args, arn: undefined });
    }
}

interface NativeStageArgs {
    apiId: pulumi.Input<string>;
    stageName: pulumi.Input<string>;
    autoDeploy?: pulumi.Input<boolean>;
    accessLogSettings?: pulumi.Input<{ destinationArn?: pulumi.Input<string>; format?: pulumi.Input<string> }>;
}

class NativeStage extends pulumi.CustomResource {
    constructor(name: string, args: NativeStageArgs) {
        super("aws-native:apigatewayv2:Stage", name, { ...args });
    }
}

const api = new NativeApi("catalog-api", { protocolType: "HTTP" });

const accessLogs = new NativeLogGroup("catalog-api-access-logs", { retentionInDays: 30 });

new NativeStage("catalog-api-stage", {
    apiId: api.apiId,
    stageName: "$default",
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

export const logGroupArn = accessLogs.arn;
