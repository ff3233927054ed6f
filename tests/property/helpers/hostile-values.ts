import * as fc from "fast-check";
import { Secret } from "@pulumi/policy";
import { compliantFormat } from "../../fixtures/compliant";

// Arbitraries for hostile property values, as a policy can receive them from
// the engine (unknown sentinels, secrets) or from a careless program (wrong
// types, blank strings, control characters, prototype-named keys, megabyte
// strings), mixed with near-valid ARNs and formats so that generated stages
// get past the first checks and reach the deeper ones.

/** The engine's unknown-value sentinels, one for each type. */
export const unknownSentinels: readonly string[] = [
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
];

export function isUnknownSentinel(value: unknown): boolean {
    return typeof value === "string" && unknownSentinels.includes(value);
}

const MiB = 1024 * 1024;

/**
 * A few fixed strings of 1 MiB, each aimed at one code path. They are built
 * once and drawn with low probability: generating fresh megabyte strings for
 * every case would dominate the run time without finding more.
 */
export const hugeStrings: readonly string[] = [
    "a".repeat(MiB),
    " ".repeat(MiB), // blank
    "$context.".repeat(Math.ceil(MiB / 9)).slice(0, MiB), // a million empty variable names
    `$context.${"a.".repeat(MiB / 2)}`, // one variable name of 1 MiB
    `arn:aws:logs:us-east-1:123456789012:log-group:${"g".repeat(MiB)}`,
    `{"requestId":"$context.requestId","pad":"${"x".repeat(MiB)}"}`, // valid JSON object
    `${"[".repeat(MiB / 2)}$context.requestId`, // deep nesting for JSON.parse
    "\u0000\n\u009b\u007f\u202e\r".repeat(MiB / 6), // control and bidi characters
    `$context.requestId${"\n".repeat(MiB)}`,
];

export const controlChars: readonly string[] = [
    ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
    "\u007f",
    ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i)),
    "\u2028", "\u2029", "\u200b", "\u200e", "\u202e", "\u2066", "\ufeff",
];

const blankStrings = ["", " ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\u3000", "\ufeff", " \t\n "];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Strings a careless or hostile program could put anywhere. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
    { arbitrary: fc.string({ unit: "binary", maxLength: 30 }), weight: 3 },
    { arbitrary: fc.string({ unit: "binary-ascii", maxLength: 30 }), weight: 3 },
    { arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }), weight: 2 },
    { arbitrary: fc.constantFrom(...blankStrings), weight: 3 },
    { arbitrary: fc.string({ unit: fc.constantFrom(...controlChars), minLength: 1, maxLength: 10 }), weight: 2 },
    { arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, fc.constantFrom("a", "é", "😀")), maxLength: 6 }), weight: 1 },
    // Longer than any excerpt a message may quote, so quoting is really tested.
    { arbitrary: fc.string({ unit: "binary", minLength: 81, maxLength: 400 }), weight: 2 },
    { arbitrary: fc.string({ unit: fc.constantFrom("a", "\n", "$context.", "requestId", "\u0085", "\"", "\\"), minLength: 20, maxLength: 120 }), weight: 1 },
    // Sentinels with something around them are ordinary strings, not unknowns.
    { arbitrary: fc.tuple(fc.constantFrom(...unknownSentinels), fc.constantFrom(" ", "x", "\n")).map(([s, c]) => s + c), weight: 1 },
    { arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "$default", "null", "undefined", "NaN"), weight: 1 },
);

export const sentinel: fc.Arbitrary<string> = fc.constantFrom(...unknownSentinels);

export const hugeString: fc.Arbitrary<string> = fc.constantFrom(...hugeStrings);

const numbers: fc.Arbitrary<number> = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -0, 1, 30, 365, 3653, 3654, -1, 1.5, NaN, Infinity, -Infinity, 1e21, Number.MAX_SAFE_INTEGER + 2),
);

// ---- near-valid ARNs ----

const partitionPart = fc.oneof(
    { arbitrary: fc.constantFrom("aws", "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"), weight: 6 },
    { arbitrary: fc.constantFrom("AWS", "", "aws ", "aws-iso-z", "aws-cn\n"), weight: 1 },
    { arbitrary: hostileString, weight: 1 },
);
const servicePart = fc.oneof(
    { arbitrary: fc.constant("logs"), weight: 8 },
    { arbitrary: fc.constantFrom("firehose", "s3", "LOGS", "", "log", "logs "), weight: 2 },
    { arbitrary: hostileString, weight: 1 },
);
const regionPart = fc.oneof(
    { arbitrary: fc.constantFrom("us-east-1", "eu-west-1", "us-east-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1", "ap-southeast-10"), weight: 8 },
    { arbitrary: fc.constantFrom("", "us-east-1a", "us-east", "US-EAST-1", "useast1", `${"a-".repeat(40)}1`, "us-east-1 "), weight: 2 },
    { arbitrary: hostileString, weight: 1 },
);
const accountPart = fc.oneof(
    { arbitrary: fc.constantFrom("123456789012", "210987654321"), weight: 8 },
    { arbitrary: fc.constantFrom("", "12345678901", "1234567890123", "12345678901a", "１２３４５６７８９０１２"), weight: 2 },
    { arbitrary: hostileString, weight: 1 },
);
const resourceTypePart = fc.oneof(
    { arbitrary: fc.constant("log-group"), weight: 8 },
    { arbitrary: fc.constantFrom("log-stream", "loggroup", "", "LOG-GROUP", "destination"), weight: 2 },
);
export const logGroupNames: readonly string[] = ["/aws/apigateway/access", "api-logs", "my_group.#-/x"];
const namePart = fc.oneof(
    { arbitrary: fc.constantFrom(...logGroupNames), weight: 8 },
    { arbitrary: fc.constantFrom("", "has space", "a".repeat(512), "b".repeat(513), "é", "*"), weight: 2 },
    { arbitrary: fc.stringMatching(/^[A-Za-z0-9._\-/#]{1,600}$/), weight: 1 },
    { arbitrary: hostileString, weight: 1 },
);
const tailPart = fc.oneof(
    { arbitrary: fc.constant([] as string[]), weight: 6 },
    { arbitrary: fc.constantFrom(["*"], ["*", "x"], ["log-stream", "s"], [""], ["*", ""]), weight: 2 },
);

/** ARN-shaped strings, mostly valid log-group ARNs, with one or two parts bent. */
export const nearArn: fc.Arbitrary<string> = fc
    .tuple(
        fc.oneof({ arbitrary: fc.constant("arn"), weight: 10 }, { arbitrary: fc.constantFrom("ARN", "", " arn"), weight: 1 }),
        partitionPart, servicePart, regionPart, accountPart, resourceTypePart, namePart, tailPart,
    )
    .map(([arn, partition, service, region, account, type, name, tail]) => [arn, partition, service, region, account, type, name, ...tail].join(":"));

/** A handful of valid ARNs both stages and log groups draw from, so that they meet. */
export const sharedArns: readonly string[] = [
    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/access",
    "arn:aws:logs:us-east-1:123456789012:log-group:api-logs",
    "arn:aws-cn:logs:cn-north-1:123456789012:log-group:my_group.#-/x",
    "arn:aws:logs:eu-west-1:210987654321:log-group:api-logs",
];
export const sharedArn: fc.Arbitrary<string> = fc
    .tuple(fc.constantFrom(...sharedArns), fc.boolean())
    .map(([arn, star]) => (star ? `${arn}:*` : arn));

// ---- near-valid formats ----

const variableNames = [
    "requestId", "extendedRequestId", "identity.sourceIp", "requestTime", "routeKey", "status",
    "httpMethod", "path", "protocol", "responseLength", // HTTP only
    "connectionId", "eventType", "messageId", "identity.apiKey", // WebSocket only
    "authorizer.claims.sub", "authorizer.custom", "authorizer.requestId", "integration.requestId",
    "requestid", "nosuch", "identity.vpceId", "", "requestId.", "a..b", "status_", "é",
];
const variableToken = fc.constantFrom(...variableNames).map((n) => `$context.${n}`);
const formatPunctuation = fc.constantFrom("{", "}", "\"", ":", ",", "[", "]", " ", "\n", "\r", "\u2028", "\u2029", "$context", "$", ".", "\\", "null", "1");

export const recommendedLikeFormat = compliantFormat;

/** Access-log formats: JSON objects, CLF lines, token soup, and those with a break inserted. */
export const nearFormat: fc.Arbitrary<string> = fc.oneof(
    { arbitrary: fc.constantFrom(recommendedLikeFormat, `${recommendedLikeFormat}\n`, `${recommendedLikeFormat}\n\n`, `[${recommendedLikeFormat}]`), weight: 2 },
    {
        arbitrary: fc.dictionary(fc.oneof(fc.constantFrom("requestId", "ip", "status", "__proto__"), fc.string({ maxLength: 6 })),
            fc.oneof(variableToken, fc.string({ maxLength: 8 })), { maxKeys: 8 }).map((o) => JSON.stringify(o)),
        weight: 4,
    },
    {
        arbitrary: fc.dictionary(fc.constantFrom("requestId", "ip", "status", "n"), variableToken, { maxKeys: 6 })
            .map((o) => JSON.stringify(o).replace(/"(\$context\.[A-Za-z0-9_.]*)"/g, "$1")), // bare (unquoted) variables
        weight: 1,
    },
    { arbitrary: fc.array(variableToken, { minLength: 1, maxLength: 8 }).map((v) => v.join(" ")), weight: 2 },
    { arbitrary: fc.array(fc.oneof(variableToken, formatPunctuation, hostileString), { maxLength: 14 }).map((v) => v.join("")), weight: 3 },
    {
        arbitrary: fc.tuple(fc.constantFrom(recommendedLikeFormat), fc.nat(), fc.constantFrom("\n", "\r", "\u2028", "\r\n"))
            .map(([f, at, br]) => f.slice(0, at % f.length) + br + f.slice(at % f.length)),
        weight: 1,
    },
);

// ---- composite values ----

/** Keys seen in generated objects: the meaningful ones, prototype names, and junk. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
    { arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "toString", "value", "4dabf18193072939515e22adb298388d"), weight: 2 },
    { arbitrary: fc.constantFrom("accessLogSettings", "destinationArn", "format", "apiId", "name", "arn", "retentionInDays", "kmsKeyId", "protocolType", "target", "urn"), weight: 2 },
    { arbitrary: hostileString, weight: 1 },
);

/**
 * An object with exactly these own properties. Object.fromEntries defines
 * properties (like JSON.parse does), so "__proto__" and "constructor" become
 * own data properties instead of touching the prototype.
 */
export function ownObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
    return Object.fromEntries(entries);
}

// Weights out of about 300: a megabyte string lands in roughly one case in twenty.
const leaf: fc.Arbitrary<unknown> = fc.oneof(
    { arbitrary: sentinel, weight: 60 },
    { arbitrary: fc.constant(null), weight: 30 },
    { arbitrary: fc.boolean(), weight: 10 },
    { arbitrary: numbers, weight: 30 },
    { arbitrary: hostileString, weight: 80 },
    { arbitrary: nearArn, weight: 30 },
    { arbitrary: nearFormat, weight: 30 },
    { arbitrary: hugeString, weight: 1 },
);

/** Objects parsed from JSON text with prototype-named keys, as the engine's JSON would arrive. */
const jsonParsedObject: fc.Arbitrary<Record<string, unknown>> = fc
    .tuple(fc.constantFrom("__proto__", "constructor"), fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }))
    .map(([key, value, rest]) => {
        const pairs: [string, unknown][] = [[key, value], ...Object.entries(rest)];
        return JSON.parse(`{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`) as Record<string, unknown>;
    });

const tree = fc.letrec((tie) => ({
    value: fc.oneof(
        { depthSize: "small", maxDepth: 4 },
        { arbitrary: leaf, weight: 8 },
        { arbitrary: tie("secret"), weight: 1 },
        { arbitrary: tie("array"), weight: 1 },
        { arbitrary: tie("object"), weight: 2 },
        { arbitrary: jsonParsedObject, weight: 1 },
    ),
    secret: tie("value").map((v) => new Secret(v)),
    array: fc.array(tie("value"), { maxLength: 4 }),
    object: fc.array(fc.tuple(hostileKey, tie("value")), { maxLength: 5 }).map(ownObject),
}));

/** Any value at all: JSON-like data with unknowns and secrets at any depth. */
export const anyValue: fc.Arbitrary<unknown> = tree.value;

/** `v` itself, most of the time; sometimes a secret of it, an unknown, or anything. */
export function sometimes<T>(v: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
    return fc.oneof(
        { arbitrary: v, weight: 8 },
        { arbitrary: v.map((x) => new Secret(x)), weight: 1 },
        { arbitrary: sentinel, weight: 1 },
        { arbitrary: fc.constantFrom(...blankStrings, null), weight: 1 },
        { arbitrary: anyValue, weight: 2 },
    );
}

/** A record whose listed fields are each present or not (unless required), plus junk own keys. */
export function objectWith(fields: Record<string, fc.Arbitrary<unknown>>, required: string[] = []): fc.Arbitrary<Record<string, unknown>> {
    return fc
        .tuple(fc.record(fields, { requiredKeys: required }), fc.array(fc.tuple(hostileKey, anyValue), { maxLength: 2 }))
        .map(([base, extra]) => ownObject([...extra, ...Object.entries(base)]));
}

/** Resource names: ordinary, control characters, very long. */
export const resourceName: fc.Arbitrary<string> = fc.oneof(
    { arbitrary: fc.constantFrom("stage", "api", "logs", "account", "$default", "my-stage"), weight: 4 },
    { arbitrary: hostileString, weight: 3 },
    { arbitrary: fc.string({ unit: "binary", minLength: 200, maxLength: 3000 }), weight: 1 },
);
