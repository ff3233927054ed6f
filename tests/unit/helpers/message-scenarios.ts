import {
    awsStage, compliantStack, formatWith, goodFormat, httpApi, logGroup, nativeLogGroup, nativeStage,
    P, replaceIn, unknownSentinels, without, withProp, withPropertyDependencies, wsFormatWith, wsStage,
} from "./fixtures";
import { PolicyConfigs, TestResource } from "./policy-harness";

// One scenario per message path of every policy, shared by the message tests
// (shape, quoting, escaping) and the language tests (fixes per runtime).

export const settings = ["accessLogSettings"];
export const destination = ["accessLogSettings", "destinationArn"];
export const format = ["accessLogSettings", "format"];

export interface Scenario {
    title: string;
    stack: TestResource[];
    configs?: PolicyConfigs;
    /** The (policy, resource) pairs the scenario must produce, so every message path is really exercised. */
    expect: [string, string][];
}

export function changed(...r: TestResource[]): TestResource[] {
    return replaceIn(compliantStack(), ...r);
}

export const noRole = (...r: TestResource[]) => replaceIn(without(compliantStack(), "apigw-account"), ...r);

/** One scenario per message path. */
export function scenarios(): Scenario[] {
    const external = "arn:aws:logs:us-east-1:123456789012:log-group:elsewhere";
    return [
        { title: "stage: no accessLogSettings", stack: changed(withProp(awsStage(), settings, undefined)), expect: [[P.stage, "http-stage"]] },
        { title: "stage: accessLogSettings is a string", stack: changed(withProp(awsStage(), settings, "arn")), expect: [[P.stage, "http-stage"]] },
        { title: "stage: empty format and number destination", stack: changed(withProp(withProp(awsStage(), format, ""), destination, 1)), expect: [[P.stage, "http-stage"]] },
        { title: "stage: aws-native, no settings", stack: changed(withProp(nativeStage(), settings, null)), expect: [[P.stage, "native-stage"]] },
        { title: "destination: firehose", stack: changed(withProp(awsStage(), destination, "arn:aws:firehose:us-east-1:123456789012:deliverystream/x")), expect: [[P.destination, "http-stage"]] },
        {
            title: "destination: account, region and name pattern",
            stack: changed(withProp(awsStage(), destination, "arn:aws:logs:eu-west-1:999999999999:log-group:x")),
            configs: { [P.destinationAllowed]: { allowedAccountIds: ["123456789012"], allowedRegions: ["us-east-1"], logGroupNamePattern: "^/aws/" } },
            // native-access-logs does not match ^/aws/ either.
            expect: [[P.destinationAllowed, "http-stage"], [P.destinationAllowed, "http-stage"], [P.destinationAllowed, "http-stage"], [P.destinationAllowed, "native-stage"], [P.retention, "http-stage"]],
        },
        { title: "format: no request id", stack: changed(withProp(awsStage(), format, `{"ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","routeKey":"$context.routeKey","status":"$context.status"}`)), expect: [[P.format, "http-stage"]] },
        { title: "format: line break", stack: changed(withProp(awsStage(), format, goodFormat.replace(",", ",\n"))), expect: [[P.format, "http-stage"]] },
        { title: "format: unsupported variable", stack: changed(withProp(awsStage(), format, formatWith({ x: "$context.nope" }))), expect: [[P.format, "http-stage"]] },
        { title: "fields: not JSON", stack: changed(withProp(awsStage(), format, "$context.requestId $context.identity.sourceIp $context.requestTime $context.routeKey $context.status")), expect: [[P.fields, "http-stage"]] },
        { title: "fields: missing variables", stack: changed(withProp(awsStage(), format, `{"id":"$context.requestId"}`)), expect: [[P.fields, "http-stage"]] },
        { title: "quick create", stack: changed(withProp(httpApi(), ["target"], "arn:aws:lambda:us-east-1:123456789012:function:f")), expect: [[P.quickCreate, "http-api"]] },
        { title: "retention: not managed", stack: changed(withPropertyDependencies(withProp(awsStage(), destination, external), {})), expect: [[P.retention, "http-stage"]] },
        { title: "retention: forever", stack: changed(withProp(logGroup(), ["retentionInDays"], undefined)), expect: [[P.retention, "http-stage"], [P.retention, "ws-stage"]] },
        { title: "retention: not accepted", stack: changed(withProp(logGroup(), ["retentionInDays"], 45)), expect: [[P.retention, "http-stage"], [P.retention, "ws-stage"]] },
        { title: "retention: not whole", stack: changed(withProp(logGroup(), ["retentionInDays"], 1.5)), expect: [[P.retention, "http-stage"], [P.retention, "ws-stage"]] },
        { title: "retention: too short", stack: changed(withProp(logGroup(), ["retentionInDays"], 7)), expect: [[P.retention, "http-stage"], [P.retention, "ws-stage"]] },
        {
            title: "retention: too long and no KMS key (aws-native)",
            stack: changed(withProp(nativeLogGroup(), ["retentionInDays"], 3653)),
            configs: { [P.retention]: { maximumRetentionDays: 365, requireKmsKey: true } },
            expect: [[P.retention, "http-stage"], [P.retention, "ws-stage"], [P.retention, "native-stage"]],
        },
        {
            title: "retention: log group name unknown",
            stack: changed(withProp(withProp(withProp(logGroup(), ["name"], unknownSentinels.string), ["arn"], unknownSentinels.string), ["retentionInDays"], 7)),
            expect: [[P.retention, "http-stage"], [P.retention, "ws-stage"]],
        },
        { title: "protocol: foreign variable", stack: changed(withProp(wsStage(), format, wsFormatWith({ m: "$context.httpMethod" }))), expect: [[P.protocol, "ws-stage"]] },
        { title: "protocol: no role", stack: noRole(), expect: [[P.protocol, "ws-stage"]] },
    ];
}
