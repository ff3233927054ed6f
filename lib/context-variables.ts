// The $context variables API Gateway accepts in HTTP and WebSocket access-log
// formats (AWS documentation, late 2026). The tables are built on first use so
// that starting the pack costs nothing for them.
//
// `$context.resourcePath` is deliberately absent: it is a REST API variable.
// AWS's HTTP API list (http-api-logging-variables, and its source in
// awsdocs/amazon-api-gateway-developer-guide) has `path` and `routeKey`
// instead; the REST list has `resourcePath`. docs/policies.md records the evidence.

export type Protocol = "HTTP" | "WEBSOCKET";

const bothProtocols = [
    "apiId", "authorizer.error", "authorizer.principalId", "domainName", "error.message",
    "error.messageString", "error.responseType", "extendedRequestId", "identity.accountId",
    "identity.caller", "identity.cognitoAuthenticationProvider", "identity.cognitoAuthenticationType",
    "identity.cognitoIdentityId", "identity.cognitoIdentityPoolId", "identity.principalOrgId",
    "identity.sourceIp", "identity.user", "identity.userAgent", "identity.userArn",
    "integration.error", "integration.integrationStatus", "integration.latency",
    "integration.requestId", "integration.status", "integrationLatency", "requestId",
    "requestTime", "requestTimeEpoch", "routeKey", "stage", "status",
];

const httpOnly = [
    "accountId", "awsEndpointRequestId", "awsEndpointRequestId2", "customDomain.basePathMatched",
    "dataProcessed", "domainPrefix", "httpMethod", "identity.clientCert.clientCertPem",
    "identity.clientCert.subjectDN", "identity.clientCert.issuerDN",
    "identity.clientCert.serialNumber", "identity.clientCert.validity.notBefore",
    "identity.clientCert.validity.notAfter", "integrationErrorMessage", "integrationStatus",
    "path", "protocol", "responseLatency", "responseLength",
];

const websocketOnly = [
    "connectedAt", "connectionId", "eventType", "messageId",
    "authorize.error", "authorize.latency", "authorize.status",
    "authenticate.error", "authenticate.latency", "authenticate.status",
    "authorizer.integrationLatency", "authorizer.integrationStatus", "authorizer.latency",
    "authorizer.requestId", "authorizer.status",
    "error.validationErrorString", "identity.apiKey", "identity.apiKeyId",
    "waf.error", "waf.latency", "waf.status",
];

interface Tables {
    both: ReadonlySet<string>;
    http: ReadonlySet<string>;
    websocket: ReadonlySet<string>;
}

let tables: Tables | undefined;

function getTables(): Tables {
    if (tables === undefined) {
        tables = { both: new Set(bothProtocols), http: new Set(httpOnly), websocket: new Set(websocketOnly) };
    }
    return tables;
}

/**
 * Which protocols support a variable (the name after `$context.`):
 * "both", "HTTP", "WEBSOCKET", or undefined when neither does.
 * `authorizer.<property>` is open: Lambda and JWT authorizers put any custom
 * property there. HTTP APIs also expose `authorizer.claims.<claim>`.
 */
export function protocolsOfVariable(name: string): "both" | Protocol | undefined {
    // Checked before the tables: on HTTP, `authorizer.status` is just a key of
    // a Lambda authorizer's context, even though WebSocket defines it too.
    if (name.startsWith("authorizer.claims.")) {
        return name.length > "authorizer.claims.".length ? "HTTP" : undefined;
    }
    if (name.startsWith("authorizer.") && name.length > "authorizer.".length) {
        return "both";
    }
    const t = getTables();
    if (t.both.has(name)) {
        return "both";
    }
    if (t.http.has(name)) {
        return "HTTP";
    }
    if (t.websocket.has(name)) {
        return "WEBSOCKET";
    }
    return undefined;
}

export function isSupportedVariable(name: string, additional: ReadonlySet<string>): boolean {
    return additional.has(name) || protocolsOfVariable(name) !== undefined;
}

/** Every variable name the tables know, for suggestions in messages. */
export function knownVariableNames(): string[] {
    return [...bothProtocols, ...httpOnly, ...websocketOnly];
}

const variableNameShape = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;

/** Whether a config entry looks like a variable name (without `$context.`). */
export function isVariableName(name: string): boolean {
    return name.length <= 256 && variableNameShape.test(name);
}
