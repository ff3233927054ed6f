import { isPlainObject, readProperty, UNKNOWN } from "./read-property";

// Whether an IAM role's trust policy lets API Gateway assume it. The
// account-level CloudWatch Logs role must trust apigateway.amazonaws.com
// (AWS: "Permissions for CloudWatch logging", API Gateway developer guide);
// a role made for another service, such as a Lambda function's, does not.

export type RoleTrust =
    | { kind: "trusted" }
    /** Not known, or not decidable here (a condition, a malformed document): never reported. */
    | { kind: "unknown" }
    | { kind: "untrusted"; services: string[] };

const service = "apigateway.amazonaws.com";

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value.slice(0, 100) : value === undefined ? [] : [value];
}

function allowsAssumeRole(statement: unknown): boolean {
    const effect = readProperty(statement, "Effect");
    if (typeof effect !== "string" || effect.toLowerCase() !== "allow") {
        return false;
    }
    return list(readProperty(statement, "Action")).some((a) => typeof a === "string" && /^(\*|sts:\*|sts:assumerole)$/i.test(a));
}

function documentOf(props: unknown): unknown {
    const raw = readProperty(props, "assumeRolePolicy") ?? readProperty(props, "assumeRolePolicyDocument");
    if (typeof raw !== "string") {
        return raw;
    }
    if (raw.length > 100_000) {
        return UNKNOWN;
    }
    try {
        return JSON.parse(raw) as unknown;
    } catch {
        return UNKNOWN;
    }
}

export function roleTrust(props: unknown): RoleTrust {
    const doc = documentOf(props);
    if (doc === UNKNOWN || !isPlainObject(doc)) {
        return { kind: "unknown" };
    }
    const services: string[] = [];
    const statements = readProperty(doc, "Statement");
    if (statements === UNKNOWN) {
        return { kind: "unknown" };
    }
    for (const statement of list(statements)) {
        if (statement === UNKNOWN || readProperty(statement, "Effect") === UNKNOWN || readProperty(statement, "Action") === UNKNOWN) {
            return { kind: "unknown" };
        }
        if (!allowsAssumeRole(statement)) {
            continue;
        }
        if (readProperty(statement, "Condition") !== undefined || readProperty(statement, "NotPrincipal") !== undefined) {
            return { kind: "unknown" };
        }
        const principal = readProperty(statement, "Principal");
        if (principal === "*" || principal === UNKNOWN || readProperty(principal, "AWS") === "*") {
            return { kind: "trusted" };
        }
        for (const s of list(readProperty(principal, "Service"))) {
            if (s === UNKNOWN) {
                return { kind: "unknown" };
            }
            if (typeof s === "string") {
                if (s.trim().toLowerCase() === service) {
                    return { kind: "trusted" };
                }
                services.push(s);
            }
        }
    }
    return { kind: "untrusted", services: [...new Set(services)].slice(0, 5) };
}
