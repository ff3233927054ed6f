// What the providers would do: Check (autonaming) and outputs.
import * as crypto from "crypto";

import { unknownSentinels } from "../../resource-model";
import { isPlainObject } from "../../../lib/read-property";
import { knownString, plain, UNKNOWN } from "./property-values";

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

/** The provider's Check: inputs plus the autonames it fills in. */
export function checkInputs(inputs: Record<string, unknown>, ctx: MockContext): Record<string, unknown> {
    const rule = AUTONAMED[ctx.type];
    if (!rule || inputs[rule.prop] !== undefined || (rule.prefix && inputs[rule.prefix] !== undefined)) {
        return inputs;
    }
    return { ...inputs, [rule.prop]: `${ctx.name}-${hash(ctx.urn, "autoname").slice(0, 7)}` };
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
    for (const [k, v] of Object.entries(computed)) {
        if (k !== "id" && outputs[k] === undefined) {
            outputs[k] = unknown ? (isPlainObject(v) ? unknownSentinels.object : UNKNOWN) : v;
        }
    }
    const id = unknown ? undefined : String(knownId ?? computed.id);
    outputs.id = id ?? UNKNOWN;
    return { id, outputs };
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
            return { computed: genericOutputs(ctx, tagsAll, knownId), defaults };
    }
}

export function genericOutputs(ctx: MockContext, tagsAll: Record<string, unknown>, knownId?: string): Record<string, unknown> {
    const id = knownId ?? `${ctx.name}-${hash(ctx.urn, "id").slice(0, 8)}`;
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
    return crypto.createHash("sha256").update(`${salt}\0${urn}`).digest("hex");
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
