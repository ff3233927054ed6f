// The format remediation writes: JSON, one line, and only variables that both
// HTTP and WebSocket APIs support, so HTTP APIs accept it. A stage known to be
// WebSocket (from its execution-logging settings) also gets the connection
// fields the protocol policy asks WebSocket stages for.
export const recommendedAccessLogFormat = JSON.stringify({
    requestId: "$context.requestId",
    extendedRequestId: "$context.extendedRequestId",
    ip: "$context.identity.sourceIp",
    userAgent: "$context.identity.userAgent",
    requestTime: "$context.requestTime",
    routeKey: "$context.routeKey",
    status: "$context.status",
    integrationLatency: "$context.integrationLatency",
    errorMessage: "$context.error.message",
});

/**
 * The shortest format fix snippets suggest: JSON with the fields the pack
 * requires by default, all supported by both protocols. Short, because a fix
 * is one line of a message.
 */
export const fixFormatFields: readonly (readonly [string, string])[] = [
    ["requestId", "$context.requestId"],
    ["ip", "$context.identity.sourceIp"],
    ["requestTime", "$context.requestTime"],
    ["routeKey", "$context.routeKey"],
    ["status", "$context.status"],
];

export const recommendedWebSocketAccessLogFormat = JSON.stringify({
    ...JSON.parse(recommendedAccessLogFormat) as Record<string, string>,
    connectionId: "$context.connectionId",
    eventType: "$context.eventType",
});
