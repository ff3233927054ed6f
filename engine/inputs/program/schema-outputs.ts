// Plausible, deterministic values for the outputs a provider's schema declares
// and the program did not set: ARNs shaped for their service, region and
// account, ids, URLs, names and dates that look real, and nested objects with
// their required fields, so that `cert.domainValidationOptions[0].resourceRecordName`
// or `fn.invokeArn` hold what `pulumi up` would give.
import * as crypto from "crypto";

import { Field, Shape } from "./provider-schema";

export interface ValueContext {
    /** The resource or lookup token, e.g. `aws:lambda/function:Function`. */
    token: string;
    /** The resource's name as AWS would know it (its autoname, or the logical name). */
    name: string;
    region: string;
    account: string;
    partition: string;
    /** Seeds every made-up value, so the same program gets the same values. */
    seed: string;
    /** The resource's own ARN, once known, for ARNs derived from it. */
    arn?: string;
}

const MAX_DEPTH = 5;

/**
 * Values for the fields `present` lacks and the provider always sets (not
 * `| undefined`), and, in objects the program gave, the fields the provider
 * computes inside them (`domainNameConfiguration.targetDomainName`). With
 * `unknownLeaf`, those nested computed fields are that value (a preview).
 */
export function schemaValues(
    fields: readonly Field[],
    present: Record<string, unknown>,
    ctx: ValueContext,
    unknownLeaf?: unknown,
): { added: Record<string, unknown>; completed: Record<string, unknown> } {
    const out: Record<string, unknown> = {};
    const completed: Record<string, unknown> = {};
    // `arn` first: `invokeArn`, `qualifiedArn` and friends are built from it.
    const ordered = [...fields].sort((a, b) => rank(a.name) - rank(b.name));
    let arn = typeof present.arn === "string" ? present.arn : ctx.arn;
    for (const f of ordered) {
        if (f.name === "id" || f.name === "urn") {
            continue;
        }
        if (present[f.name] !== undefined) {
            const done = complete(f.shape, present[f.name], f.name, [f.name], { ...ctx, arn }, unknownLeaf);
            if (done !== present[f.name]) {
                completed[f.name] = done;
            }
            continue;
        }
        if (f.optional) {
            continue;
        }
        const v = valueOf(f.shape, f.name, [f.name], { ...ctx, arn }, 0);
        if (v !== undefined) {
            out[f.name] = v;
            if (f.name === "arn" && typeof v === "string") {
                arn = v;
            }
        }
    }
    return { added: out, completed };
}

/** A given object (or array of them) with the fields its provider computes filled in; the same value when there are none. */
function complete(shape: Shape, given: unknown, prop: string, at: string[], ctx: ValueContext, unknownLeaf: unknown, depth = 0): unknown {
    if (depth >= MAX_DEPTH) {
        return given;
    }
    if (shape.kind === "array" && Array.isArray(given)) {
        let changed = false;
        const items = given.map((item, i) => {
            const done = complete(shape.of, item, singular(prop), [...at, String(i)], ctx, unknownLeaf, depth + 1);
            changed ||= done !== item;
            return done;
        });
        return changed ? items : given;
    }
    if (shape.kind !== "object" || !isObject(given)) {
        return given;
    }
    const required = shape.requiredInputs();
    if (required === undefined) {
        return given;
    }
    let result: Record<string, unknown> | undefined;
    for (const f of shape.fields()) {
        const current = given[f.name];
        let next: unknown = current;
        if (current === undefined || current === null) {
            if (!f.optional && !required.has(f.name)) {
                next = unknownLeaf !== undefined ? unknownLeaf : valueOf(f.shape, f.name, [...at, f.name], ctx, depth + 1);
            }
        } else {
            next = complete(f.shape, current, f.name, [...at, f.name], ctx, unknownLeaf, depth + 1);
        }
        if (next !== current && next !== undefined) {
            result ??= { ...given };
            result[f.name] = next;
        }
    }
    return result ?? given;
}

function isObject(v: unknown): v is Record<string, unknown> {
    // Secret envelopes and other wire markers are left as they are.
    return typeof v === "object" && v !== null && !Array.isArray(v) && !Object.keys(v).some((k) => /^[0-9a-f]{32}$/.test(k));
}

function rank(name: string): number {
    return name === "arn" ? 0 : 1;
}

function valueOf(shape: Shape, prop: string, at: string[], ctx: ValueContext, depth: number): unknown {
    switch (shape.kind) {
        case "string":
            return stringFor(prop, at, ctx);
        case "number":
            return numberFor(prop);
        case "boolean":
            return false;
        case "any":
        case "map":
            return {};
        case "array": {
            // One element, so that programs indexing `[0]` find something.
            if (depth >= MAX_DEPTH) {
                return [];
            }
            const item = valueOf(shape.of, singular(prop), [...at, "0"], ctx, depth + 1);
            return item === undefined ? [] : [item];
        }
        case "object": {
            if (depth >= MAX_DEPTH) {
                return {};
            }
            const obj: Record<string, unknown> = {};
            for (const f of shape.fields()) {
                if (!f.optional) {
                    const v = valueOf(f.shape, f.name, [...at, f.name], ctx, depth + 1);
                    if (v !== undefined) {
                        obj[f.name] = v;
                    }
                }
            }
            return obj;
        }
        default:
            return undefined;
    }
}

function singular(prop: string): string {
    return prop.endsWith("s") ? prop.slice(0, -1) : prop;
}

function numberFor(prop: string): number {
    const p = prop.toLowerCase();
    if (p.endsWith("port")) {
        return 443;
    }
    if (p.endsWith("size") || p.endsWith("bytes")) {
        return 1024;
    }
    if (p.endsWith("count") || p.endsWith("version")) {
        return 1;
    }
    return 0;
}

function hex(ctx: ValueContext, at: string[], n: number): string {
    return crypto.hash("sha256", `${at.join(".")}\0${ctx.seed}`, "hex").slice(0, n);
}

const ISO_DATE = "2024-01-01T00:00:00Z";

function stringFor(prop: string, at: string[], ctx: ValueContext): string {
    const p = prop.toLowerCase();
    const { region, account, partition } = ctx;
    if (p === "invokearn" || p === "qualifiedinvokearn") {
        // API Gateway's Lambda integration URI.
        const fn = p === "qualifiedinvokearn" ? `${ownArn(ctx)}:1` : ownArn(ctx);
        return `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${fn}/invocations`;
    }
    if (p === "qualifiedarn") {
        return `${ownArn(ctx)}:1`;
    }
    if (p === "arn" && at.length === 1) {
        return resourceArn(ctx);
    }
    if (p.endsWith("arn")) {
        return `arn:${partition}:${service(ctx.token)}:${region}:${account}:${kebab(prop.slice(0, -3)) || "resource"}/${ctx.name}-${hex(ctx, at, 8)}`;
    }
    if (p === "region") {
        return region;
    }
    if (p === "accountid" || p === "ownerid" || p === "owneraccountid" || p === "awsaccountid") {
        return account;
    }
    if (p === "hostedzoneid" || p === "zoneid") {
        return `Z${hex(ctx, at, 13).toUpperCase()}`;
    }
    if (p.endsWith("recordtype") || p === "type" && at.includes("domainValidationOptions")) {
        return "CNAME";
    }
    if (p.endsWith("recordname")) {
        return `_${hex(ctx, at, 32)}.${domain(ctx)}.`;
    }
    if (p.endsWith("recordvalue")) {
        return `_${hex(ctx, at, 32)}.acm-validations.aws.`;
    }
    if (p.endsWith("domainname") || p === "fqdn" || p.endsWith("hostname") || p.endsWith("dnsname")) {
        return domain(ctx);
    }
    if (p.endsWith("url") || p.endsWith("uri") || p.endsWith("endpoint")) {
        return `https://${ctx.name}-${hex(ctx, at, 8)}.${service(ctx.token)}.${region}.amazonaws.com`;
    }
    if (/(date|time|timestamp|modified|createdat|updatedat|^notafter|^notbefore)$/.test(p)) {
        return ISO_DATE;
    }
    if (p.endsWith("prefix")) {
        return "";
    }
    if (p === "version") {
        return "1";
    }
    if (p === "status" || p === "state") {
        return "ACTIVE";
    }
    if (p.endsWith("hash") || p.endsWith("sha256") || p.endsWith("etag")) {
        return hex(ctx, at, 32);
    }
    if (p === "name" || p.endsWith("name")) {
        return at.length === 1 && p === "name" ? ctx.name : `${ctx.name}-${hex(ctx, at, 7)}`;
    }
    if (p.endsWith("id")) {
        return `${kebab(prop.slice(0, -2)) || "id"}-${hex(ctx, at, 17)}`;
    }
    return `${ctx.name}-${hex(ctx, at, 8)}`;
}

/** A resource named like a host name (a certificate's domain, a record) keeps it. */
function domain(ctx: ValueContext): string {
    return ctx.name.includes(".") ? ctx.name.replace(/\.$/, "") : `${ctx.name}.example.com`;
}

function ownArn(ctx: ValueContext): string {
    return ctx.arn ?? resourceArn(ctx);
}

/** `aws:lambda/function:Function` -> lambda; `aws-native:apigatewayv2:Api` -> apigatewayv2. */
export function service(token: string): string {
    const mod = token.split(":")[1] ?? "";
    const [s, kind = ""] = mod.split("/");
    if (s === "cloudwatch") {
        return kind.startsWith("log") ? "logs" : kind.startsWith("event") ? "events" : "cloudwatch";
    }
    return ARN_SERVICE[s] ?? (s === "index" || s === "" ? "aws" : s);
}

// Pulumi module names that differ from the ARN's service name.
const ARN_SERVICE: Record<string, string> = {
    cognito: "cognito-idp",
    elasticloadbalancingv2: "elasticloadbalancing",
    lb: "elasticloadbalancing",
    alb: "elasticloadbalancing",
    apigatewayv2: "apigateway",
    sfn: "states",
    msk: "kafka",
    cfg: "config",
    ssoadmin: "sso",
};

// How each service spells a resource in its ARNs (AWS's "ARN format" tables).
const GLOBAL_SERVICES = new Set(["iam", "s3", "route53", "cloudfront", "organizations"]);
const COLON_RESOURCES = new Set(["lambda", "logs", "states", "cloudwatch", "rds", "redshift", "elasticache"]);
const NAME_ONLY = new Set(["sqs", "sns", "s3"]);

/** The resource's own ARN, shaped as its service writes it. */
export function resourceArn(ctx: ValueContext): string {
    const [, mod = "", kind = ""] = ctx.token.split(":");
    const svc = service(ctx.token);
    const moduleKind = mod.split("/")[1] ?? kind;
    const typeWord = kebab(moduleKind.replace(/^(eventRule|log|metric)(?=[A-Z]|$)/, (m) => (m === "eventRule" ? "rule" : ""))) || "resource";
    const region = GLOBAL_SERVICES.has(svc) ? "" : ctx.region;
    const account = svc === "s3" || svc === "route53" ? "" : ctx.account;
    let resource: string;
    if (NAME_ONLY.has(svc)) {
        resource = ctx.name;
    } else if (svc === "logs" && typeWord === "group") {
        resource = `log-group:${ctx.name}`;
    } else if (COLON_RESOURCES.has(svc)) {
        resource = `${typeWord}:${ctx.name}`;
    } else {
        resource = `${typeWord}/${ctx.name}`;
    }
    return `arn:${ctx.partition}:${svc}:${region}:${account}:${resource}`;
}

function kebab(s: string): string {
    return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}
