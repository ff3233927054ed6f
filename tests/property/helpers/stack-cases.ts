import * as fc from "fast-check";
import { Secret } from "@pulumi/policy";
import {
    anyValue, hostileKey, hostileString, logGroupNames, nearArn, nearFormat, objectWith, resourceName,
    sentinel, sharedArn, sometimes,
} from "./hostile-values";

// Whole stacks of hostile resources, with links between them (parents,
// dependencies, property dependencies) and a valid pack config, for running
// every policy in-process the way the SDK's server would.

export const types = {
    awsStage: "aws:apigatewayv2/stage:Stage",
    nativeStage: "aws-native:apigatewayv2:Stage",
    awsApi: "aws:apigatewayv2/api:Api",
    nativeApi: "aws-native:apigatewayv2:Api",
    awsLogGroup: "aws:cloudwatch/logGroup:LogGroup",
    nativeLogGroup: "aws-native:logs:LogGroup",
    awsAccount: "aws:apigateway/account:Account",
    nativeAccount: "aws-native:apigateway:Account",
    restStage: "aws:apigateway/stage:Stage",
    bucket: "aws:s3/bucket:Bucket",
    awsMetricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    awsSubscriptionFilter: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
    nativeMetricFilter: "aws-native:logs:MetricFilter",
    nativeSubscriptionFilter: "aws-native:logs:SubscriptionFilter",
} as const;

export function isStage(type: string): boolean {
    return type === types.awsStage || type === types.nativeStage;
}

export interface GeneratedResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    parent?: string;
    dependencies: string[];
    /** Entries rather than an object, so keys such as "__proto__" survive until the SDK's own handling. */
    propertyDependencies: [string, string[]][];
}

export type PackConfig = Record<string, Record<string, unknown>>;

export interface PolicyCase {
    resources: GeneratedResource[];
    config: PackConfig;
}

const apiIds = ["a1b2c3d4e5", "zz9yy8xx7w", ""];
const apiId = fc.oneof({ arbitrary: fc.constantFrom(...apiIds), weight: 4 }, { arbitrary: hostileString, weight: 1 });

const accessLogSettings: fc.Arbitrary<unknown> = (() => {
    const settings = objectWith({
        destinationArn: sometimes(fc.oneof(sharedArn, nearArn)),
        format: sometimes(nearFormat),
    });
    return fc.oneof(
        { arbitrary: settings, weight: 10 },
        { arbitrary: settings.map((s) => new Secret(s)), weight: 1 },
        { arbitrary: sentinel, weight: 1 },
        { arbitrary: fc.constantFrom(null, [], "", "arn:aws:logs:us-east-1:123456789012:log-group:api-logs", 5, true), weight: 1 },
        { arbitrary: anyValue, weight: 2 },
    );
})();

const stageFields = {
    accessLogSettings,
    apiId: sometimes(apiId),
    name: sometimes(fc.constantFrom("$default", "prod", "dev")),
    stageName: sometimes(fc.constantFrom("$default", "prod")),
    autoDeploy: anyValue,
    region: sometimes(fc.constantFrom("us-east-1", "eu-west-1")),
    defaultRouteSettings: anyValue,
    tags: anyValue,
};
const stageProps = objectWith(stageFields);

const apiFields = {
    protocolType: sometimes(fc.constantFrom("HTTP", "WEBSOCKET", "http", "WebSocket", "REST", "")),
    target: sometimes(fc.constantFrom("arn:aws:lambda:us-east-1:123456789012:function:f", "https://example.com", "")),
    routeKey: anyValue,
    id: sometimes(apiId),
    apiId: sometimes(apiId),
    name: sometimes(hostileString),
};
const apiProps = objectWith(apiFields);

const retention = fc.oneof(
    { arbitrary: fc.constantFrom(1, 3, 5, 7, 14, 30, 60, 90, 365, 400, 731, 3653), weight: 4 },
    { arbitrary: fc.constantFrom(0, 2, 4000, -1, 1.5, 1e21, NaN, "30", "0", "365", "abc", " 30", "1e3", "0030", "99999999"), weight: 2 },
);

function logGroupProps(nameKey: "name" | "logGroupName"): fc.Arbitrary<Record<string, unknown>> {
    return objectWith({
        [nameKey]: sometimes(fc.oneof(fc.constantFrom(...logGroupNames), hostileString)),
        arn: sometimes(fc.oneof(sharedArn, nearArn)),
        retentionInDays: sometimes(retention),
        kmsKeyId: sometimes(fc.constantFrom("arn:aws:kms:us-east-1:123456789012:key/1234", "alias/logs", "")),
        region: sometimes(fc.constantFrom("us-east-1", "eu-west-1", "cn-north-1")),
        namePrefix: anyValue,
    });
}

/** Filter patterns of every shape AWS documents, near misses, and hostile strings. */
const filterPattern = fc.oneof(
    { arbitrary: fc.constantFrom("[ip, ..., status=4*, ...]", "[..., request=*.html*, status_code=4*,]", "[w1=ERROR || w1=WARN, w2]", "{ $.status = \"4*\" }",
        "[a = 4* && b > 10, ...]", "ERROR", "%5\\d\\d%", "", "[", "{", "[a, \"b]", "[...]", "[,,,]", "{ $. }"), weight: 4 },
    { arbitrary: fc.array(fc.oneof(fc.constantFrom("...", "status=4*", "ip", "", "x != \"a,b\""), fc.string({ maxLength: 8 })), { maxLength: 8 }).map((f) => `[${f.join(", ")}]`), weight: 3 },
    { arbitrary: hostileString, weight: 1 },
);

function filterProps(patternKey: string, groupKey: string): fc.Arbitrary<Record<string, unknown>> {
    return objectWith({
        [patternKey]: sometimes(filterPattern),
        [groupKey]: sometimes(fc.oneof(fc.constantFrom(...logGroupNames), hostileString)),
    });
}

const accountProps = objectWith({
    cloudwatchRoleArn: sometimes(fc.constantFrom("arn:aws:iam::123456789012:role/apigw-logs", "")),
    cloudWatchRoleArn: sometimes(fc.constantFrom("arn:aws:iam::123456789012:role/apigw-logs", "")),
});

const typedProps: fc.Arbitrary<{ type: string; props: Record<string, unknown> }> = fc.oneof(
    { arbitrary: fc.record({ type: fc.constantFrom(types.awsStage, types.nativeStage), props: stageProps }), weight: 8 },
    { arbitrary: fc.record({ type: fc.constantFrom(types.awsApi, types.nativeApi), props: apiProps }), weight: 3 },
    { arbitrary: fc.record({ type: fc.constant(types.awsLogGroup), props: logGroupProps("name") }), weight: 3 },
    { arbitrary: fc.record({ type: fc.constant(types.nativeLogGroup), props: logGroupProps("logGroupName") }), weight: 2 },
    { arbitrary: fc.record({ type: fc.constantFrom(types.awsAccount, types.nativeAccount), props: accountProps }), weight: 1 },
    { arbitrary: fc.record({ type: fc.constant(types.restStage), props: stageProps }), weight: 1 },
    { arbitrary: fc.record({ type: fc.constant(types.awsMetricFilter), props: filterProps("pattern", "logGroupName") }), weight: 1 },
    { arbitrary: fc.record({ type: fc.constant(types.awsSubscriptionFilter), props: filterProps("filterPattern", "logGroup") }), weight: 1 },
    { arbitrary: fc.record({ type: fc.constantFrom(types.nativeMetricFilter, types.nativeSubscriptionFilter), props: filterProps("filterPattern", "logGroupName") }), weight: 1 },
    { arbitrary: fc.record({ type: fc.oneof(fc.constant(types.bucket), hostileString), props: objectWith({}) }), weight: 1 },
);

/** Links as indices into the stack; an index past its end stands for a URN that does not exist. */
const links = fc.record({
    parent: fc.option(fc.nat({ max: 8 }), { nil: undefined }),
    dependencies: fc.array(fc.nat({ max: 8 }), { maxLength: 3 }),
    propertyDependencies: fc.array(
        fc.tuple(
            fc.oneof({ arbitrary: fc.constantFrom("accessLogSettings", "apiId", "name", "arn", "logGroupName", "logGroup"), weight: 4 }, { arbitrary: hostileKey, weight: 1 }),
            fc.array(fc.nat({ max: 8 }), { maxLength: 3 }),
        ),
        { maxLength: 3 },
    ),
});

const generatedResource = fc.record({ typed: typedProps, name: resourceName, links });

export const policyConfig: fc.Arbitrary<PackConfig> = fc.record({
    "apigatewayv2-access-log-destination-allowed": fc.record({
        allowedAccountIds: fc.constantFrom([], ["123456789012"], ["123456789012", "210987654321"]),
        allowedRegions: fc.constantFrom([], ["us-east-1"], ["us-east-1", "cn-north-1"]),
        logGroupNamePattern: fc.constantFrom("", "^/aws/", "^[a-z-]+$", "logs"),
    }, { requiredKeys: [] }),
    "apigatewayv2-access-log-format": fc.record({
        additionalVariables: fc.constantFrom([], ["identity.vpceId", "nosuch"]),
    }, { requiredKeys: [] }),
    "apigatewayv2-access-log-format-fields": fc.record({
        requireJson: fc.boolean(),
        // Subsets of the variables of the format remediation writes.
        requiredVariables: fc.constantFrom(["requestId", "identity.sourceIp", "requestTime", "routeKey", "status"], [], ["requestId"], ["status", "routeKey"]),
    }, { requiredKeys: [] }),
    "apigatewayv2-access-log-group-retention": fc
        .record({
            minimumRetentionDays: fc.constantFrom(0, 1, 30, 365, 3653),
            maximumRetentionDays: fc.constantFrom(1, 30, 400, 3653),
            allowNeverExpire: fc.boolean(),
            requireKmsKey: fc.boolean(),
            allowedExternalLogGroups: fc.constantFrom([], ["arn:aws:logs:*:123456789012:log-group:*"], ["arn:aws:logs:us-east-1:*:log-group:/aws/*:*"], ["arn:*"]),
        }, { requiredKeys: [] })
        .map((c) => {
            // A valid config: the maximum, when set, is at least the minimum.
            const min = typeof c.minimumRetentionDays === "number" ? c.minimumRetentionDays : 30;
            return c.maximumRetentionDays !== undefined && c.maximumRetentionDays < min ? { ...c, maximumRetentionDays: Math.max(min, 1) } : c;
        }),
    "apigatewayv2-access-log-protocol": fc.record({ requireCloudWatchRoleInStack: fc.boolean() }, { requiredKeys: [] }),
});

function urnOf(type: string, name: string): string {
    return `urn:pulumi:dev::proj::${type}::${name}`;
}

interface Drawn {
    typed: { type: string; props: Record<string, unknown> };
    name: string;
    links: { parent?: number; dependencies: number[]; propertyDependencies: [string, number[]][] };
}

function toCase(drawn: readonly Drawn[], config: PackConfig): PolicyCase {
    const urns = drawn.map((r) => urnOf(r.typed.type, r.name));
    const urnAt = (i: number): string => (i < urns.length ? urns[i] : urnOf("aws:cloudwatch/logGroup:LogGroup", `gone-${i}`));
    return {
        config,
        resources: drawn.map((r, i): GeneratedResource => ({
            type: r.typed.type,
            name: r.name,
            urn: urns[i],
            props: r.typed.props,
            parent: r.links.parent === undefined ? undefined : urnAt(r.links.parent),
            dependencies: r.links.dependencies.map(urnAt),
            propertyDependencies: r.links.propertyDependencies.map(([key, idx]) => [key, idx.map(urnAt)]),
        })),
    };
}

/** Any mix of resources, linked at random. */
const randomStack = fc.array(generatedResource, { minLength: 1, maxLength: 6 });

const typed = (type: fc.Arbitrary<string>, props: fc.Arbitrary<Record<string, unknown>>) => fc.record({ type, props });

/**
 * An API, its log groups, its stages and perhaps the account role, linked the
 * way a program links them (the stage's apiId and accessLogSettings depend on
 * the API and the log groups), so the stack policies get past matching and
 * reach their retention and protocol checks. The values are as hostile as
 * anywhere else.
 */
const linkedStack = fc
    .record({
        api: typed(fc.constantFrom(types.awsApi, types.nativeApi), objectWith(apiFields, ["protocolType"])),
        logGroups: fc.array(fc.oneof(typed(fc.constant(types.awsLogGroup), logGroupProps("name")), typed(fc.constant(types.nativeLogGroup), logGroupProps("logGroupName"))), { minLength: 1, maxLength: 2 }),
        stages: fc.array(typed(fc.constantFrom(types.awsStage, types.nativeStage), objectWith(stageFields, ["accessLogSettings"])), { minLength: 1, maxLength: 3 }),
        account: fc.option(typed(fc.constantFrom(types.awsAccount, types.nativeAccount), accountProps), { nil: undefined }),
        names: fc.array(resourceName, { minLength: 7, maxLength: 7 }),
        extra: fc.array(links, { minLength: 7, maxLength: 7 }),
    })
    .map(({ api, logGroups, stages, account, names, extra }): Drawn[] => {
        const groupIdx = logGroups.map((_, i) => 1 + i);
        return [
            { typed: api, name: names[0], links: extra[0] },
            ...logGroups.map((g, i) => ({ typed: g, name: names[1 + i], links: extra[1 + i] })),
            ...stages.map((st, i) => ({
                typed: st,
                name: names[3 + i],
                links: {
                    parent: extra[3 + i].parent,
                    dependencies: [0, ...groupIdx, ...extra[3 + i].dependencies],
                    propertyDependencies: [["apiId", [0]], ["accessLogSettings", groupIdx], ...extra[3 + i].propertyDependencies] as [string, number[]][],
                },
            })),
            ...(account === undefined ? [] : [{ typed: account, name: names[6], links: extra[6] }]),
        ];
    });

/** A stack of hostile resources (random, or linked like a real program's) plus a valid config. */
export function policyCase(): fc.Arbitrary<PolicyCase> {
    return fc
        .record({ resources: fc.oneof(randomStack, linkedStack), config: policyConfig })
        .map(({ resources, config }) => toCase(resources, config));
}
