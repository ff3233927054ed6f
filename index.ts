import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// What Pulumi Cloud shows on the pack's page.
const readme = [
    "# API Gateway V2 access logging",
    "",
    "Checks that every API Gateway V2 (HTTP and WebSocket) stage has access logging AWS accepts:",
    "a CloudWatch Logs log-group destination, a single-line format with a request ID and supported",
    "`$context` variables, structured fields, and a log group in the same stack with a retention period.",
    "It flags quick-create APIs, whose `$default` stage can never log, and it holds during `pulumi preview`.",
    "",
    "Maps to AWS Foundational Security Best Practices **APIGateway.9** and NIST SP 800-53 Rev. 5",
    "AU-3 (content of audit records), AU-11 (audit record retention) and AU-12 (audit record generation).",
    "",
    "Every policy accepts `exemptions`: `[{ \"resources\": [\"<URN or name>\"], \"reason\": \"...\", \"expires\": \"YYYY-MM-DD\" }]`.",
    "An exempted violation is reported as advisory until the date; an exempted resource is never remediated.",
].join("\n");

// Constructing the pack starts its gRPC server; this file does nothing else.
new PolicyPack("aws-apigatewayv2-access-logging", {
    description: "Access logging on AWS API Gateway V2 (HTTP and WebSocket) stages: present, valid, retained, and enforced during preview as well as update.",
    displayName: "AWS API Gateway V2 access logging",
    provider: "aws",
    tags: ["aws", "apigatewayv2", "logging", "audit", "aws-fsbp", "nist-800-53"],
    readme,
    policies,
});
