// Parsing of CloudWatch Logs log-group ARNs, the only destination API Gateway
// V2 accepts for access logs. Every check is a length bound followed by a scan
// without nested quantifiers, so a 100 KiB ARN costs linear time.

export const partitions: readonly string[] = [
    "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
];

// Regions of a non-commercial partition start with a fixed prefix; a region of
// one partition never appears in an ARN of another.
const regionPrefixOfPartition: Record<string, string> = {
    "aws-cn": "cn-",
    "aws-us-gov": "us-gov-",
    "aws-iso": "us-iso-",
    "aws-iso-b": "us-isob-",
    "aws-iso-e": "eu-isoe-",
    "aws-iso-f": "us-isof-",
    "aws-eusc": "eusc-",
};

const maxRegionLength = 32;
const regionShape = /^[a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}$/;
const accountShape = /^\d{12}$/;
const maxLogGroupNameLength = 512;
const logGroupNameShape = /^[A-Za-z0-9._\-/#]+$/;

export function isValidRegion(region: string): boolean {
    return region.length <= maxRegionLength && regionShape.test(region);
}

export function isValidAccountId(account: string): boolean {
    return account.length === 12 && accountShape.test(account);
}

export function isValidLogGroupName(name: string): boolean {
    return name.length >= 1 && name.length <= maxLogGroupNameLength && logGroupNameShape.test(name);
}

const regionPrefixes = Object.entries(regionPrefixOfPartition);

/** The partition a region belongs to, from its prefix. */
export function partitionOfRegion(region: string): string {
    for (const [partition, prefix] of regionPrefixes) {
        if (region.startsWith(prefix)) {
            return partition;
        }
    }
    return "aws";
}

export interface LogGroupArn {
    partition: string;
    region: string;
    account: string;
    name: string;
    /** The ARN without any trailing `:*`: the form two ARNs are compared in. */
    normalized: string;
}

export type ArnParseResult = { ok: true; arn: LogGroupArn } | { ok: false; reason: string };

/** Removes the `:*` suffix CloudFormation and aws-native put on log-group ARNs. */
export function normalizeLogGroupArn(arn: string): string {
    return arn.endsWith(":*") ? arn.slice(0, -2) : arn;
}

// Longer than any valid log-group ARN; the whole ARN is never scanned past it.
const maxArnLength = 1024;

export function parseLogGroupArn(input: string): ArnParseResult {
    if (input.length > maxArnLength) {
        return { ok: false, reason: `it is ${input.length} characters long, longer than any log-group ARN` };
    }
    if (!input.startsWith("arn:")) {
        return {
            ok: false,
            reason: input.includes(":")
                ? "it is not an ARN"
                : "it is not an ARN (a bare log-group name is not accepted; use the log group's ARN)",
        };
    }
    // The fields by their colons, without an array of parts: a stack check
    // parses the ARN of every stage, and each allocation adds to the SDK's heap.
    const c2 = input.indexOf(":", 4);
    const c3 = c2 < 0 ? -1 : input.indexOf(":", c2 + 1);
    const c4 = c3 < 0 ? -1 : input.indexOf(":", c3 + 1);
    const c5 = c4 < 0 ? -1 : input.indexOf(":", c4 + 1);
    if (c5 < 0) {
        return { ok: false, reason: "it is not a complete ARN" };
    }
    const partition = input.slice(4, c2);
    const service = input.slice(c2 + 1, c3);
    const region = input.slice(c3 + 1, c4);
    const account = input.slice(c4 + 1, c5);
    const c6 = input.indexOf(":", c5 + 1);
    const resourceType = c6 < 0 ? input.slice(c5 + 1) : input.slice(c5 + 1, c6);
    if (!partitions.includes(partition)) {
        return { ok: false, reason: `partition ${partition === "" ? "is empty" : "is not one AWS has"}` };
    }
    if (service !== "logs") {
        if (service === "firehose") {
            return { ok: false, reason: "it is a Kinesis Data Firehose stream, which only REST APIs can log to; HTTP and WebSocket APIs need a CloudWatch Logs log group" };
        }
        if (service === "s3") {
            return { ok: false, reason: "it is an S3 ARN; HTTP and WebSocket APIs can only log to a CloudWatch Logs log group" };
        }
        return { ok: false, reason: "it is not a CloudWatch Logs ARN (service must be \"logs\")" };
    }
    if (!isValidRegion(region)) {
        return { ok: false, reason: region === "" ? "the region is empty" : "the region is not a valid AWS region" };
    }
    if (partitionOfRegion(region) !== partition) {
        return { ok: false, reason: `the region does not belong to partition ${partition}` };
    }
    if (!isValidAccountId(account)) {
        return { ok: false, reason: "the account ID is not 12 digits" };
    }
    if (resourceType !== "log-group") {
        return { ok: false, reason: "it does not name a log group (expected \"log-group:NAME\")" };
    }
    if (c6 < 0) {
        return { ok: false, reason: "the log-group name is missing" };
    }
    // NAME, or NAME:* (the suffix CloudFormation and aws-native add); any other colon names something inside the group.
    const c7 = input.indexOf(":", c6 + 1);
    const starred = c7 >= 0 && c7 === input.length - 2 && input.charCodeAt(c7 + 1) === 0x2a;
    if (c7 >= 0 && !starred) {
        return { ok: false, reason: "it names something inside a log group (only \"log-group:NAME\" or \"log-group:NAME:*\" is accepted)" };
    }
    const normalized = starred ? input.slice(0, c7) : input;
    const name = normalized.slice(c6 + 1);
    if (!isValidLogGroupName(name)) {
        return {
            ok: false,
            reason: name.length === 0
                ? "the log-group name is empty"
                : "the log-group name must be 1-512 characters of A-Z a-z 0-9 . - _ / #",
        };
    }
    return { ok: true, arn: { partition, region, account, name, normalized } };
}

/**
 * Whether `arn` (normalized) matches a pattern in which `*` stands for any run
 * of characters. Iterative two-pointer matching: no regex, no exponential
 * backtracking, at most O(pattern × arn) steps for pathological patterns.
 */
export function matchesArnPattern(pattern: string, arn: string): boolean {
    const candidates = pattern.endsWith(":*") ? [pattern, pattern.slice(0, -2)] : [pattern];
    return candidates.some((p) => globMatch(p, arn));
}

function globMatch(pattern: string, text: string): boolean {
    let p = 0;
    let t = 0;
    let starP = -1;
    let starT = 0;
    while (t < text.length) {
        if (p < pattern.length && pattern[p] !== "*" && pattern[p] === text[t]) {
            p++;
            t++;
        } else if (p < pattern.length && pattern[p] === "*") {
            starP = p++;
            starT = t;
        } else if (starP !== -1) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.length && pattern[p] === "*") {
        p++;
    }
    return p === pattern.length;
}

const arnPatternChars = /^[A-Za-z0-9._\-/#:*]+$/;

/**
 * Why an `allowedExternalLogGroups` pattern is malformed, or undefined when it
 * is fine. Fields without `*` must be valid as they stand, so a typo in an
 * account ID cannot silently allow nothing (or everything).
 */
export function arnPatternProblem(pattern: string): string | undefined {
    if (pattern.length === 0 || pattern.length > maxArnLength) {
        return "must be a non-empty ARN pattern of at most 1024 characters";
    }
    if (!arnPatternChars.test(pattern)) {
        return "may only contain the characters of a log-group ARN and *";
    }
    const parts = pattern.split(":");
    if (parts[0] !== "arn") {
        return "must start with \"arn:\"";
    }
    const fixed = (i: number): string | undefined => (i < parts.length && !parts[i].includes("*") ? parts[i] : undefined);
    const partition = fixed(1);
    if (partition !== undefined && !partitions.includes(partition)) {
        return `has an unknown partition "${partition}"`;
    }
    const service = fixed(2);
    if (service !== undefined && service !== "logs") {
        return "must be a CloudWatch Logs ARN (service \"logs\")";
    }
    const region = fixed(3);
    if (region !== undefined && !isValidRegion(region)) {
        return `has a malformed region "${region.slice(0, 32)}"`;
    }
    const account = fixed(4);
    if (account !== undefined && !isValidAccountId(account)) {
        return `has a malformed account ID "${account.slice(0, 32)}" (12 digits expected)`;
    }
    const resourceType = fixed(5);
    if (resourceType !== undefined && resourceType !== "log-group") {
        return "must name log groups (\"log-group:NAME\")";
    }
    if (parts.length < 7 && !parts[parts.length - 1].includes("*")) {
        return "is incomplete: expected arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME, with * anywhere";
    }
    return undefined;
}
