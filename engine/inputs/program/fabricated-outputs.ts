// What the providers would do: Check (autonaming) and outputs.
import * as crypto from "crypto";

import { unknownSentinels } from "../../resource-model";
import { isPlainObject } from "../../../lib/read-property";
import { knownString, plain, UNKNOWN } from "./property-values";
import { Field } from "./provider-schema";
import { schemaValues } from "./schema-outputs";

export interface MockContext {
    preview: boolean;
    type: string;
    name: string;
    urn: string;
    region: string;
    account: string;
    partition: string;
    /** API id -> protocol type, so a stage's invoke URL uses the right scheme. */
    apiProtocols: Map<string, string>;
    /** The type's outputs from its provider's schema, when the package declares them. */
    outputFields?: readonly Field[];
}

/** Properties the providers autoname at Check time, in preview as in update. */
export const AUTONAMED: Record<string, { prop: string; prefix?: string }> = {
    "aws:cloudwatch/logGroup:LogGroup": { prop: "name", prefix: "namePrefix" },
    "aws:apigatewayv2/api:Api": { prop: "name" },
    "aws:apigatewayv2/stage:Stage": { prop: "name" },
    "aws:apigateway/restApi:RestApi": { prop: "name" },
    "aws:iam/role:Role": { prop: "name", prefix: "namePrefix" },
    "aws:iam/policy:Policy": { prop: "name", prefix: "namePrefix" },
    "aws:iam/rolePolicy:RolePolicy": { prop: "name", prefix: "namePrefix" },
    "aws:lambda/function:Function": { prop: "name" },
    "aws:sqs/queue:Queue": { prop: "name", prefix: "namePrefix" },
    "aws:sns/topic:Topic": { prop: "name", prefix: "namePrefix" },
    "aws:s3/bucket:Bucket": { prop: "bucket", prefix: "bucketPrefix" },
    "aws:s3/bucketV2:BucketV2": { prop: "bucket", prefix: "bucketPrefix" },
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": { prop: "name" },
    "aws-native:logs:LogGroup": { prop: "logGroupName" },
    "aws-native:iam:Role": { prop: "roleName" },
};

/** The provider's Check: inputs plus the autonames it fills in, keeping a deployed resource's (`olds`). */
export function checkInputs(inputs: Record<string, unknown>, ctx: MockContext, olds?: Record<string, unknown>): Record<string, unknown> {
    const rule = AUTONAMED[ctx.type] ?? nativeAutoname(ctx);
    if (!rule || inputs[rule.prop] !== undefined || (rule.prefix && inputs[rule.prefix] !== undefined)) {
        return inputs;
    }
    const kept = olds ? knownString(olds[rule.prop]) : undefined;
    return { ...inputs, [rule.prop]: kept ?? `${ctx.name}-${hash(ctx.urn, "autoname").slice(0, 7)}` };
}

/**
 * @pulumi/aws-native autonames the `<kind>Name` property of most types
 * (`aws-native:dynamodb:Table` -> `tableName`) at Check, so a preview already
 * knows it; the package's types say whether the type has one.
 */
export function nativeAutoname(ctx: MockContext): { prop: string } | undefined {
    const kind = ctx.type.startsWith("aws-native:") ? ctx.type.split(":")[2] : undefined;
    if (!kind || !ctx.outputFields) {
        return undefined;
    }
    const prop = `${kind.charAt(0).toLowerCase()}${kind.slice(1)}Name`;
    return ctx.outputFields.some((f) => f.name === prop && f.shape.kind === "string") ? { prop } : undefined;
}

export interface Fabricated {
    /** Undefined while unknown (a create during preview). */
    id: string | undefined;
    outputs: Record<string, unknown>;
}

/** What a provider adds to the checked inputs. */
export interface ProviderOutputs {
    /** Known only once the resource exists: unknown in a preview of a create. */
    computed: Record<string, unknown>;
    /** Schema defaults and provider config: known in preview too. */
    defaults: Record<string, unknown>;
}

/**
 * Outputs as the provider would return them: the checked inputs plus computed
 * properties. In preview the computed ones are unknown, as in a real preview of
 * a create; in update they are plausible values derived from the URN's hash.
 */
export function fabricate(inputs: Record<string, unknown>, ctx: MockContext, knownId?: string): Fabricated {
    if (ctx.type.startsWith("pulumi:providers:")) {
        // A provider's state is its configuration.
        return { id: ctx.preview ? undefined : uuidFrom(ctx.urn), outputs: { ...inputs } };
    }
    const { computed, defaults } = providerOutputs(inputs, ctx, knownId);
    const unknown = ctx.preview && knownId === undefined;
    const outputs: Record<string, unknown> = { ...inputs };
    for (const [k, v] of Object.entries(defaults)) {
        if (outputs[k] === undefined) {
            outputs[k] = v;
        }
    }
    const made: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(computed)) {
        if (k !== "id" && outputs[k] === undefined) {
            made[k] = v;
        }
    }
    const schema = fromSchema({ ...outputs, ...made }, ctx, unknown ? UNKNOWN : undefined);
    Object.assign(made, schema.added);
    for (const [k, v] of Object.entries(made)) {
        outputs[k] = unknown ? (isPlainObject(v) ? unknownSentinels.object : UNKNOWN) : v;
    }
    Object.assign(outputs, schema.completed);
    const id = unknown ? undefined : String(knownId ?? computed.id);
    outputs.id = id ?? UNKNOWN;
    return { id, outputs };
}

/** Every output the schema says the provider always sets, and the program did not. */
export function fromSchema(
    present: Record<string, unknown>,
    ctx: MockContext,
    unknownLeaf?: unknown,
): { added: Record<string, unknown>; completed: Record<string, unknown> } {
    if (!ctx.outputFields) {
        return { added: {}, completed: {} };
    }
    const name = ["name", "functionName", "bucket", "logGroupName", "roleName", "tableName", "queueName", "topicName", "domainName"]
        .map((k) => knownString(present[k]))
        .find((v) => v !== undefined);
    return schemaValues(ctx.outputFields, present, {
        token: ctx.type,
        name: name ?? ctx.name,
        region: ctx.region,
        account: ctx.account,
        partition: ctx.partition,
        seed: ctx.urn,
    }, unknownLeaf);
}

export function providerOutputs(inputs: Record<string, unknown>, ctx: MockContext, knownId?: string): ProviderOutputs {
    const { region, account, partition } = ctx;
    const h = (salt: string) => hash(ctx.urn, salt);
    const str = (k: string) => knownString(inputs[k]);
    const classic = ctx.type.startsWith("aws:");
    // @pulumi/aws v7 gives every regional resource a `region`, defaulted from the provider.
    const defaults: Record<string, unknown> = classic && !ctx.type.startsWith("aws:iam/") ? { region } : {};
    const tagsAll = classic ? { tagsAll: plain(inputs.tags) ?? {} } : {};
    switch (ctx.type) {
        case "aws:cloudwatch/logGroup:LogGroup": {
            const name = str("name") ?? `${str("namePrefix") ?? "terraform-"}${h("prefix").slice(0, 26)}`;
            return {
                computed: {
                    ...tagsAll,
                    id: knownId ?? name,
                    name,
                    arn: `arn:${partition}:logs:${region}:${account}:log-group:${name}`,
                },
                defaults: { ...defaults, retentionInDays: 0, skipDestroy: false, logGroupClass: "STANDARD", kmsKeyId: "" },
            };
        }
        case "aws-native:logs:LogGroup": {
            const name = str("logGroupName") ?? `${ctx.name}-${h("autoname").slice(0, 7)}`;
            return {
                computed: { id: knownId ?? name, logGroupName: name, arn: `arn:${partition}:logs:${region}:${account}:log-group:${name}:*` },
                defaults,
            };
        }
        case "aws:apigatewayv2/api:Api":
        case "aws-native:apigatewayv2:Api": {
            const apiId = knownId ?? apiIdFrom(h("api"));
            const scheme = plain(inputs.protocolType) === "WEBSOCKET" ? "wss" : "https";
            const endpoint = `${scheme}://${apiId}.execute-api.${region}.amazonaws.com`;
            if (!classic) {
                return { computed: { id: apiId, apiId, apiEndpoint: endpoint }, defaults };
            }
            return {
                computed: {
                    ...tagsAll,
                    id: apiId,
                    apiEndpoint: endpoint,
                    arn: `arn:${partition}:apigateway:${region}::/apis/${apiId}`,
                    executionArn: `arn:${partition}:execute-api:${region}:${account}:${apiId}`,
                },
                defaults: {
                    ...defaults,
                    apiKeySelectionExpression: "$request.header.x-api-key",
                    ...(plain(inputs.protocolType) === "HTTP" ? { routeSelectionExpression: "$request.method $request.path" } : {}),
                },
            };
        }
        case "aws:apigatewayv2/stage:Stage": {
            const name = str("name") ?? ctx.name;
            const apiId = str("apiId") ?? "unknown";
            const scheme = ctx.apiProtocols.get(apiId) === "WEBSOCKET" ? "wss" : "https";
            const suffix = name === "$default" ? "" : `/${name}`;
            return {
                computed: {
                    ...tagsAll,
                    id: knownId ?? name,
                    arn: `arn:${partition}:apigateway:${region}::/apis/${apiId}/stages/${name}`,
                    executionArn: `arn:${partition}:execute-api:${region}:${account}:${apiId}/${name}`,
                    invokeUrl: `${scheme}://${apiId}.execute-api.${region}.amazonaws.com${suffix}`,
                },
                defaults: { ...defaults, autoDeploy: false },
            };
        }
        case "aws-native:apigatewayv2:Stage":
            return { computed: { id: knownId ?? str("stageName") ?? ctx.name }, defaults };
        case "aws:iam/role:Role": {
            const name = str("name") ?? `${str("namePrefix") ?? "terraform-"}${h("prefix").slice(0, 26)}`;
            const rolePath = str("path") ?? "/";
            return {
                computed: {
                    ...tagsAll,
                    id: knownId ?? name,
                    name,
                    arn: `arn:${partition}:iam::${account}:role${rolePath}${name}`,
                    uniqueId: `AROA${h("unique").slice(0, 17).toUpperCase()}`,
                    createDate: "2024-01-01T00:00:00Z",
                },
                defaults: { path: "/" },
            };
        }
        case "aws:apigateway/account:Account":
            return { computed: { id: knownId ?? "api-gateway-account" }, defaults };
        default:
            // With the provider's schema at hand, its declared outputs are filled in by `fromSchema`.
            return { computed: ctx.outputFields ? { ...tagsAll, id: genericId(ctx, knownId) } : genericOutputs(ctx, tagsAll, knownId), defaults };
    }
}

export function genericId(ctx: MockContext, knownId?: string): string {
    return knownId ?? `${ctx.name}-${hash(ctx.urn, "id").slice(0, 8)}`;
}

export function genericOutputs(ctx: MockContext, tagsAll: Record<string, unknown>, knownId?: string): Record<string, unknown> {
    const id = genericId(ctx, knownId);
    if (!ctx.type.startsWith("aws:") && !ctx.type.startsWith("aws-native:")) {
        return { id };
    }
    // `aws:sqs/queue:Queue` -> service sqs, kind queue.
    const [, mod = "", kind = ""] = ctx.type.split(":");
    const service = mod.split("/")[0] || "aws";
    return {
        ...tagsAll,
        id,
        arn: `arn:${ctx.partition}:${service}:${ctx.region}:${ctx.account}:${kind.toLowerCase()}/${id}`,
    };
}

// Small helpers

export function hash(urn: string, salt: string): string {
    // One-shot: several per resource, and createHash costs five times as much.
    return crypto.hash("sha256", `${salt}\0${urn}`, "hex");
}

export function uuidFrom(urn: string): string {
    const h = hash(urn, "uuid");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** API Gateway ids are 10 characters of [a-z0-9]. */
export function apiIdFrom(hex: string): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    let out = "";
    for (let i = 0; i < 10; i++) {
        out += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
    }
    return out;
}

export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}

// Reads and lookups

/**
 * What a resource's id alone determines, for the types whose ARN and name
 * follow from it exactly. `LogGroup.get("shared", "/central/api-access")` has
 * the ARN its name gives, so `allowedExternalLogGroups` can match it.
 */
export function identityFromId(type: string, id: string, ctx: Pick<MockContext, "region" | "account" | "partition">): Record<string, unknown> {
    const { partition, region, account } = ctx;
    switch (type) {
        case "aws:cloudwatch/logGroup:LogGroup":
            return { name: id, arn: logGroupArn(id, ctx) };
        case "aws-native:logs:LogGroup":
            // Cloud Control's LogGroup ARN ends in ":*".
            return { logGroupName: id, arn: `${logGroupArn(id, ctx)}:*` };
        case "aws:apigatewayv2/api:Api":
            return { arn: `arn:${partition}:apigateway:${region}::/apis/${id}`, executionArn: `arn:${partition}:execute-api:${region}:${account}:${id}` };
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2":
            return { bucket: id, arn: `arn:${partition}:s3:::${id}` };
        case "aws:lambda/function:Function":
            return { name: id, arn: `arn:${partition}:lambda:${region}:${account}:function:${id}` };
        case "aws:iam/role:Role":
            // The ARN also holds the role's path, which the id does not give.
            return { name: id };
        case "aws:sns/topic:Topic":
            return { arn: id };
        case "aws:sqs/queue:Queue":
            return { url: id };
        default:
            return {};
    }
}

export function logGroupArn(name: string, ctx: Pick<MockContext, "region" | "account" | "partition">): string {
    return `arn:${ctx.partition}:logs:${ctx.region}:${ctx.account}:log-group:${name}`;
}

/**
 * The state of a resource read with `Resource.get`: its id, the state the
 * program passed, and what the id determines. The cloud holds the rest, so
 * every other output the schema declares is `unknown` (an unknown output value,
 * which stays unknown in an update too), never made up.
 */
export function readOutputs(given: Record<string, unknown>, ctx: MockContext, id: string, unknown: unknown): Record<string, unknown> {
    const outputs: Record<string, unknown> = {};
    for (const f of ctx.outputFields ?? []) {
        if (f.name !== "id" && f.name !== "urn") {
            outputs[f.name] = unknown;
        }
    }
    for (const [k, v] of Object.entries(given)) {
        if (v !== undefined && v !== null) {
            outputs[k] = v;
        }
    }
    return { ...outputs, ...identityFromId(ctx.type, id, ctx), id };
}

/**
 * The resource type a lookup reads: `aws:cloudwatch/getLogGroup:getLogGroup`
 * -> `aws:cloudwatch/logGroup:LogGroup`, `aws-native:logs:getLogGroup` ->
 * `aws-native:logs:LogGroup`. Its ARNs are shaped as that type's.
 */
export function lookupResourceType(token: string): string | undefined {
    const [pkg, mod, member] = token.split(":");
    if (!pkg || mod === undefined || !member || !/^get[A-Z]/.test(member)) {
        return undefined;
    }
    const kind = member.slice(3);
    const [dir, file] = mod.split("/");
    const module = file === undefined ? dir : `${dir}/${kind.charAt(0).toLowerCase()}${kind.slice(1)}`;
    return `${pkg}:${module}:${kind}`;
}
