import { nativeStage } from "./resource-types";
import { quote } from "./quote";

// Building blocks of violation messages. A message is one line naming the
// resource and the problem, then one line with a short Pulumi TypeScript fix.

/** `Stage "name"`, with the name quoted safely (names are user input too). */
export function stageLabel(name: string): string {
    return `Stage ${quote(name)}`;
}

export function apiLabel(name: string): string {
    return `API ${quote(name)}`;
}

export function withFix(problem: string, fix: string): string {
    return `${problem}\nFix: ${fix}`;
}

/** The constructor a fix snippet should use for a stage of this type. */
export function stageConstructor(type: string): string {
    return type === nativeStage ? "new awsnative.apigatewayv2.Stage" : "new aws.apigatewayv2.Stage";
}

export function logGroupConstructor(type: string): string {
    return type === nativeStage ? "new awsnative.logs.LogGroup" : "new aws.cloudwatch.LogGroup";
}

/** The fix snippet that adds complete access logging to a stage. */
export function accessLoggingFix(type: string): string {
    return `${stageConstructor(type)}("stage", { ..., accessLogSettings: { destinationArn: logGroup.arn, format: JSON.stringify({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", requestTime: "$context.requestTime", routeKey: "$context.routeKey", status: "$context.status" }) } })`;
}
