import { PolicyPack } from "@pulumi/policy";
import { accessLogDestination } from "./policies/access-log-destination";
import { accessLogFormat } from "./policies/access-log-format";
import { accessLogFormatFields } from "./policies/access-log-format-fields";
import { accessLogGroupRetention } from "./policies/access-log-group-retention";
import { accessLogProtocol } from "./policies/access-log-protocol";
import { quickCreateApi } from "./policies/quick-create-api";
import { stageAccessLogging } from "./policies/stage-access-logging";

// Constructing the pack starts its gRPC server; this file does nothing else.
new PolicyPack("aws-apigatewayv2-access-logging", {
    description: "Access logging on AWS API Gateway V2 (HTTP and WebSocket) stages: present, valid, retained, and enforced during preview as well as update.",
    policies: [
        stageAccessLogging,
        accessLogDestination,
        accessLogFormat,
        accessLogFormatFields,
        quickCreateApi,
        accessLogGroupRetention,
        accessLogProtocol,
    ],
});
