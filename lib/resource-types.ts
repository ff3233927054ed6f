// Type tokens the pack looks at. Plain strings, so the pack never has to load
// @pulumi/aws (a large module) at run time just to compare types.

export const awsStage = "aws:apigatewayv2/stage:Stage";
export const nativeStage = "aws-native:apigatewayv2:Stage";
export const awsApi = "aws:apigatewayv2/api:Api";
export const nativeApi = "aws-native:apigatewayv2:Api";
export const awsLogGroup = "aws:cloudwatch/logGroup:LogGroup";
export const nativeLogGroup = "aws-native:logs:LogGroup";
export const awsApiGatewayAccount = "aws:apigateway/account:Account";
export const nativeApiGatewayAccount = "aws-native:apigateway:Account";
export const awsIamRole = "aws:iam/role:Role";
export const awsIamRolePolicyAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const awsLogMetricFilter = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
export const awsLogSubscriptionFilter = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter";
export const nativeMetricFilter = "aws-native:logs:MetricFilter";
export const nativeSubscriptionFilter = "aws-native:logs:SubscriptionFilter";

export function isStageType(type: string): boolean {
    return type === awsStage || type === nativeStage;
}

export function isApiType(type: string): boolean {
    return type === awsApi || type === nativeApi;
}

export function isLogGroupType(type: string): boolean {
    return type === awsLogGroup || type === nativeLogGroup;
}

export function isApiGatewayAccountType(type: string): boolean {
    return type === awsApiGatewayAccount || type === nativeApiGatewayAccount;
}

/** The types a stage policy checks, for notApplicable reasons. */
export const stageTypes: readonly string[] = [awsStage, nativeStage];
export const apiTypes: readonly string[] = [awsApi, nativeApi];
