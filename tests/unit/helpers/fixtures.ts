import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../../policies";
import { secret, unknownSentinels } from "../../../engine/resource-model";
import { accessLogDestinationName } from "../../../policies/access-log-destination";
import { accessLogDestinationAllowedName } from "../../../policies/access-log-destination-allowed";
import { accessLogFilterMatchName } from "../../../policies/access-log-filter-match";
import { accessLogFormatName } from "../../../policies/access-log-format";
import { accessLogFormatFieldsName } from "../../../policies/access-log-format-fields";
import { accessLogGroupRetentionName } from "../../../policies/access-log-group-retention";
import { accessLogProtocolName } from "../../../policies/access-log-protocol";
import { quickCreateApiName } from "../../../policies/quick-create-api";
import { stageAccessLoggingName } from "../../../policies/stage-access-logging";
import {
    accountId, compliantAccount, compliantApi, compliantFormat, compliantLogGroup, compliantMetricFilter, compliantNativeLogGroup, compliantNativeStage,
    compliantStage, compliantWebSocketFormat, logGroupArn as arnOf, region,
} from "../../fixtures/compliant";
import { analyzePack, AnyPolicy, PolicyConfigs, resourceUrn, StackTags, TestResource, Violation } from "./policy-harness";

// Compliant baseline resources, built from tests/fixtures/compliant.ts. Every
// test starts from these and changes one thing, so the exact set of violations
// it expects is caused by that change.

export { secret, unknownSentinels };

/** Short names for the policies, as the spec names them. */
export const P = {
    stage: stageAccessLoggingName,
    destination: accessLogDestinationName,
    destinationAllowed: accessLogDestinationAllowedName,
    format: accessLogFormatName,
    fields: accessLogFormatFieldsName,
    quickCreate: quickCreateApiName,
    retention: accessLogGroupRetentionName,
    protocol: accessLogProtocolName,
    filterMatch: accessLogFilterMatchName,
} as const;

/** The pack's policies, from the registry (index.ts itself starts a gRPC server, so it is not imported). */
export const packPolicies: AnyPolicy[] = policies;

/** Resource policies (no policy is both). */
export const resourcePolicies = policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p);
/** Stack policies. */
export const stackPolicies = policies.filter((p): p is StackValidationPolicy => !("validateResource" in p));

export const T = {
    awsStage: "aws:apigatewayv2/stage:Stage",
    nativeStage: "aws-native:apigatewayv2:Stage",
    awsApi: "aws:apigatewayv2/api:Api",
    nativeApi: "aws-native:apigatewayv2:Api",
    awsLogGroup: "aws:cloudwatch/logGroup:LogGroup",
    nativeLogGroup: "aws-native:logs:LogGroup",
    account: "aws:apigateway/account:Account",
    nativeAccount: "aws-native:apigateway:Account",
    restStage: "aws:apigateway/stage:Stage",
    bucket: "aws:s3/bucket:Bucket",
    metricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
} as const;

export { accountId, region };
export const otherAccountId = "210987654321";

export const logGroupName = "/aws/apigateway/access-logs";
/** What @pulumi/aws reports as `arn`: no trailing `:*`. */
export const logGroupArn = arnOf(logGroupName);
export const nativeLogGroupName = "native-access-logs";
/** What aws-native reports as `arn`: with a trailing `:*`. */
export const nativeLogGroupArn = `${arnOf(nativeLogGroupName)}:*`;

/** A format every policy accepts for HTTP and WebSocket alike. */
export const goodFormat = compliantFormat;

/** A format every policy accepts on a WebSocket stage: goodFormat plus the connection fields. */
export const goodWebSocketFormat = compliantWebSocketFormat;

/** goodWebSocketFormat with the given fields added: for WebSocket stages. */
export function wsFormatWith(extra: Record<string, string>): string {
    return JSON.stringify({ ...JSON.parse(goodWebSocketFormat), ...extra });
}

/** A JSON format from the given fields, always with the default required variables first. */
export function formatWith(extra: Record<string, string>): string {
    return JSON.stringify({ ...JSON.parse(goodFormat), ...extra });
}

export const httpApiId = "a1b2c3d4e5";
export const wsApiId = "w1s2k3t4v5";

export function httpApi(): TestResource {
    return { type: T.awsApi, name: "http-api", props: { ...compliantApi("http-api", "HTTP"), id: httpApiId } };
}

export function wsApi(): TestResource {
    return { type: T.awsApi, name: "ws-api", props: { ...compliantApi("ws-api", "WEBSOCKET"), id: wsApiId } };
}

export function nativeApi(): TestResource {
    return { type: T.nativeApi, name: "native-api", props: { ...compliantApi("native-api", "HTTP"), apiId: "n1a2t3i4v5" } };
}

export function logGroup(): TestResource {
    return { type: T.awsLogGroup, name: "access-logs", props: { ...compliantLogGroup(logGroupName), arn: logGroupArn } };
}

export function nativeLogGroup(): TestResource {
    return { type: T.nativeLogGroup, name: "native-access-logs", props: { ...compliantNativeLogGroup(nativeLogGroupName), arn: nativeLogGroupArn } };
}

export function apiGatewayAccount(): TestResource {
    return { type: T.account, name: "apigw-account", props: compliantAccount() };
}

/** An aws HTTP stage logging to logGroup(), linked to httpApi() by propertyDependencies. */
export function awsStage(): TestResource {
    return {
        type: T.awsStage, name: "http-stage",
        props: compliantStage(httpApiId, logGroupArn),
        propertyDependencies: {
            apiId: [resourceUrn(httpApi())],
            accessLogSettings: [resourceUrn(logGroup())],
        },
        dependencies: [resourceUrn(httpApi()), resourceUrn(logGroup())],
    };
}

/** An aws WebSocket stage logging to logGroup(), linked to wsApi(). */
export function wsStage(): TestResource {
    const { autoDeploy: _autoDeploy, ...props } = compliantStage(wsApiId, logGroupArn, goodWebSocketFormat);
    return {
        type: T.awsStage, name: "ws-stage",
        props: { ...props, name: "prod" },
        propertyDependencies: {
            apiId: [resourceUrn(wsApi())],
            accessLogSettings: [resourceUrn(logGroup())],
        },
        dependencies: [resourceUrn(wsApi()), resourceUrn(logGroup())],
    };
}

/** An aws-native stage (stageName) logging to nativeLogGroup() by its `:*` ARN. */
export function nativeStage(): TestResource {
    return {
        type: T.nativeStage, name: "native-stage",
        props: compliantNativeStage(httpApiId, nativeLogGroupArn),
        propertyDependencies: {
            apiId: [resourceUrn(httpApi())],
            accessLogSettings: [resourceUrn(nativeLogGroup())],
        },
        dependencies: [resourceUrn(httpApi()), resourceUrn(nativeLogGroup())],
    };
}

/** A metric filter on logGroup() whose pattern fits any format. */
export function metricFilter(): TestResource {
    return {
        type: T.metricFilter, name: "unauthorized", props: compliantMetricFilter(logGroupName),
        propertyDependencies: { logGroupName: [resourceUrn(logGroup())] },
        dependencies: [resourceUrn(logGroup())],
    };
}

/** Every baseline resource: a stack no policy reports anything in. */
export function compliantStack(): TestResource[] {
    return [httpApi(), wsApi(), logGroup(), nativeLogGroup(), apiGatewayAccount(), awsStage(), wsStage(), nativeStage(), metricFilter()];
}

export function clone<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A copy of `resource` with one property changed. `path` walks props;
 * `undefined` deletes the key (the engine never sends undefined values).
 */
export function withProp(resource: TestResource, path: readonly string[], value: unknown): TestResource {
    const copy = clone(resource);
    let obj: Record<string, unknown> = copy.props;
    for (const key of path.slice(0, -1)) {
        const next = obj[key];
        if (next === null || typeof next !== "object") {
            obj[key] = {};
        }
        obj = obj[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (value === undefined) {
        delete obj[last];
    } else {
        obj[last] = value;
    }
    return copy;
}

export function withName(resource: TestResource, name: string): TestResource {
    return { ...clone(resource), name };
}

export function withPropertyDependencies(resource: TestResource, deps: Record<string, string[]>): TestResource {
    return { ...clone(resource), propertyDependencies: deps, dependencies: [...new Set(Object.values(deps).flat())] };
}

/** The stack with the resource of the same name replaced (or appended when absent). */
export function replaceIn(stack: readonly TestResource[], ...replacements: TestResource[]): TestResource[] {
    const out = stack.map((r) => replacements.find((x) => x.name === r.name && x.type === r.type) ?? r);
    for (const x of replacements) {
        if (!out.includes(x)) {
            out.push(x);
        }
    }
    return out;
}

export function without(stack: readonly TestResource[], name: string): TestResource[] {
    return stack.filter((r) => r.name !== name);
}

/** The config object the engine sends when the user sets nothing: schema defaults filled in. */
export function schemaDefaults(policy: AnyPolicy): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (schema !== null && typeof schema === "object" && "default" in schema) {
            out[key] = (schema as { default: unknown }).default;
        }
    }
    return out;
}

/** The whole pack over a stack, with optional per-policy config. */
export function analyze(stack: readonly TestResource[], configs: PolicyConfigs = {}, stackTags: StackTags = {}): Promise<Violation[]> {
    return analyzePack(packPolicies, stack, configs, stackTags);
}

/** The compliant stack with the named resources replaced, analyzed by the whole pack. */
export function analyzeChanged(...replacements: TestResource[]): Promise<Violation[]> {
    return analyze(replaceIn(compliantStack(), ...replacements));
}
