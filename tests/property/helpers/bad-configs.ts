// Configs that must stop a deployment, each with the key and the problem the
// error has to name. Shared by the in-process and the through-the-driver tests.
import { addDays, utcDate } from "../../../lib/exemptions";
import { compliantApi, compliantLogGroup, compliantStage, logGroupArn } from "../../fixtures/compliant";

export interface BadConfig {
    group: string;
    policy: string;
    config: Record<string, unknown>;
    key: string;
    problem: RegExp;
}

export const destination = "apigatewayv2-access-log-destination";
export const format = "apigatewayv2-access-log-format";
export const fields = "apigatewayv2-access-log-format-fields";
export const retention = "apigatewayv2-access-log-group-retention";
export const protocol = "apigatewayv2-access-log-protocol";
export const stageLogging = "apigatewayv2-stage-access-logging";
export const quickCreate = "apigatewayv2-quick-create-api";

const typos: [string, string, string][] = [
    [destination, "allowedAcountIds", "allowedAccountIds"],
    [destination, "allowedregions", "allowedRegions"],
    [destination, "logGroupNamePatern", "logGroupNamePattern"],
    [format, "additionalVariable", "additionalVariables"],
    [fields, "requireJSON", "requireJson"],
    [fields, "requiredVariable", "requiredVariables"],
    [retention, "minimumRetentionDay", "minimumRetentionDays"],
    [retention, "maxRetentionDays", "maximumRetentionDays"],
    [retention, "allowNeverExpires", "allowNeverExpire"],
    [retention, "requireKMSKey", "requireKmsKey"],
    [retention, "allowedExternalLogGroup", "allowedExternalLogGroups"],
    [protocol, "requireCloudwatchRoleInStack", "requireCloudWatchRoleInStack"],
];

const retentionBounds: [string, unknown, RegExp][] = [
    ["minimumRetentionDays", -1, /must be at least 0/],
    ["minimumRetentionDays", -365, /must be at least 0/],
    ["minimumRetentionDays", 1.5, /must be an integer/],
    ["minimumRetentionDays", "30", /must be an integer/],
    ["minimumRetentionDays", 3654, /must be at most 3653/],
    ["minimumRetentionDays", 1e9, /must be at most 3653/],
    ["maximumRetentionDays", -1, /must be at least 1/],
    ["maximumRetentionDays", 0, /must be at least 1/],
    ["maximumRetentionDays", 30.5, /must be an integer/],
    ["maximumRetentionDays", 3654, /must be at most 3653/],
];

const badAccounts = ["12345678901", "1234567890123", "12345678901a", "", " 123456789012", "１２３４５６７８９０１２", "123456789012\n"];
const badRegions = ["US-EAST-1", "useast1", "us-east-1 ", "", "us-east", "us-east-1a", `${"a-".repeat(40)}1`];
const badArnPatterns: [string, RegExp][] = [
    ["arn:aws:logs:us-east-1:12345:log-group:*", /malformed account ID "12345"/],
    ["arn:aws:logs:useast1:123456789012:log-group:*", /malformed region "useast1"/],
    ["arn:awz:logs:us-east-1:123456789012:log-group:*", /unknown partition "awz"/],
    ["arn:aws:logz:us-east-1:123456789012:log-group:*", /service "logs"/],
    ["arn:aws:logs:us-east-1:123456789012:log-stream:x", /must name log groups/],
    ["aws:logs:us-east-1:123456789012:log-group:x", /must start with "arn:"/],
    ["arn:aws:logs:us-east-1:123456789012", /is incomplete/],
    ["arn:aws:logs:us-east-1:123456789012:log-group:has space", /may only contain/],
    ["", /non-empty ARN pattern/],
    [`arn:aws:logs:us-east-1:123456789012:log-group:${"a".repeat(1100)}`, /at most 1024 characters/],
];

// Exemptions may end at most maxExemptionDays (365) after the day of the run, so a good one ends soon after it.
const goodExemption = { resources: ["legacy-stage"], reason: "Partner integration, migrating in Q3", expires: addDays(utcDate(new Date()), 30) };

/** Bad `exemptions` (every policy takes the key): the error names the entry and the problem. */
const badExemptions: [string, unknown, RegExp][] = [
    [stageLogging, { ...goodExemption, reason: undefined }, /entry \[1\] is missing "reason"/],
    [destination, { ...goodExemption, expires: undefined }, /entry \[1\] is missing "expires"/],
    [format, { ...goodExemption, resources: undefined }, /entry \[1\] is missing "resources"/],
    [fields, { ...goodExemption, reason: "legacy" }, /entry \[1\]: "reason" "legacy" is too short/],
    [quickCreate, { ...goodExemption, reason: "  a b c d e f g h i  " }, /entry \[1\]: "reason" .* is too short/],
    [retention, { ...goodExemption, expires: "2030-02-30" }, /entry \[1\]: "expires" "2030-02-30" is not a calendar date/],
    [protocol, { ...goodExemption, expires: "30/06/2030" }, /entry \[1\]: "expires" "30\/06\/2030" is not a calendar date/],
    [stageLogging, { ...goodExemption, expires: "2030-6-30" }, /is not a calendar date/],
    [destination, { ...goodExemption, resources: [] }, /entry \[1\]: "resources" is empty/],
    [format, { ...goodExemption, resources: ["  "] }, /entry \[1\]: "resources" has an empty entry/],
    [fields, { ...goodExemption, approvedBy: "alice" }, /entry \[1\] has an unknown key "approvedBy"/],
    [retention, { ...goodExemption, expiry: "2030-06-30" }, /entry \[1\] has an unknown key "expiry"; did you mean "expires"\?/],
    [protocol, "legacy-stage", /entry \[1\] must be an object/],
    [stageLogging, { ...goodExemption, resources: "legacy-stage" }, /entry \[1\]: "resources" must be a list of strings/],
    [stageLogging, { ...goodExemption, resources: ["legacy-stage", "*"] }, /entry \[1\]: "resources" entry "\*" matches every resource; .*enforcementLevel/],
    [destination, { ...goodExemption, resources: ["urn:pulumi:*"] }, /entry \[1\]: "resources" entry "urn:pulumi:\*" matches every resource/],
    [format, { ...goodExemption, resources: ["*::*"] }, /entry \[1\]: "resources" entry "\*::\*" matches every resource/],
    [retention, { ...goodExemption, expires: "2099-12-31" }, /entry \[1\]: "expires" 2099-12-31 is more than maxExemptionDays \(365\) days away; the latest allowed is \d{4}-\d{2}-\d{2}/],
    [quickCreate, { ...goodExemption, reason: 42 }, /entry \[1\]: "reason" must be a string/],
];

export const badConfigs: BadConfig[] = [
    ...badExemptions.map(([policy, entry, problem]): BadConfig => ({
        group: "exemptions", policy, config: { exemptions: [goodExemption, JSON.parse(JSON.stringify(entry))] }, key: "exemptions", problem,
    })),
    { group: "exemptions", policy: destination, config: { exemptions: { resources: ["x"] } }, key: "exemptions", problem: /must be a list of objects/ },
    { group: "exemptions", policy: protocol, config: { maxExemptionDays: 0 }, key: "maxExemptionDays", problem: /must be at least 1/ },
    { group: "exemptions", policy: quickCreate, config: { maxExemptionDays: "30" }, key: "maxExemptionDays", problem: /must be an integer/ },
    { group: "unknown key", policy: destination, config: { exemption: [] }, key: "exemption", problem: /not a known key; did you mean "exemptions"\?/ },
    ...typos.map(([policy, typo, meant]): BadConfig => ({
        group: "unknown key", policy, config: { [typo]: true }, key: typo,
        problem: new RegExp(`not a known key; did you mean "${meant}"\\?`),
    })),
    { group: "unknown key", policy: retention, config: { colour: "blue" }, key: "colour", problem: /not a known key; valid keys: minimumRetentionDays, maximumRetentionDays/ },
    { group: "unknown key", policy: stageLogging, config: { minimumRetentionDays: 30 }, key: "minimumRetentionDays", problem: /not a known key; valid keys: exemptions, maxExemptionDays$/ },
    { group: "unknown key", policy: quickCreate, config: { target: false }, key: "target", problem: /not a known key; valid keys: exemptions, maxExemptionDays$/ },
    ...["(", "[a-", "*", "a{2,1}", "(?<n>a)(?<n>b)", "\\"].map((pattern): BadConfig => ({
        group: "logGroupNamePattern", policy: destination, config: { logGroupNamePattern: pattern }, key: "logGroupNamePattern", problem: /is not a valid regular expression/,
    })),
    { group: "logGroupNamePattern", policy: destination, config: { logGroupNamePattern: 5 }, key: "logGroupNamePattern", problem: /must be a string/ },
    { group: "retention bounds", policy: retention, config: { minimumRetentionDays: 400, maximumRetentionDays: 30 }, key: "minimumRetentionDays", problem: /\(400\) is greater than maximumRetentionDays \(30\)/ },
    { group: "retention bounds", policy: retention, config: { minimumRetentionDays: 3653, maximumRetentionDays: 3288 }, key: "minimumRetentionDays", problem: /is greater than maximumRetentionDays/ },
    ...retentionBounds.map(([key, value, problem]): BadConfig => ({ group: "retention bounds", policy: retention, config: { [key]: value }, key, problem })),
    ...badAccounts.map((account): BadConfig => ({
        group: "account ID", policy: destination, config: { allowedAccountIds: ["123456789012", account] }, key: "allowedAccountIds", problem: /is not a 12-digit account ID/,
    })),
    ...badRegions.map((region): BadConfig => ({
        group: "region", policy: destination, config: { allowedRegions: [region] }, key: "allowedRegions", problem: /is not an AWS region/,
    })),
    ...badArnPatterns.map(([pattern, problem]): BadConfig => ({
        group: "ARN pattern", policy: retention, config: { allowedExternalLogGroups: [pattern] }, key: "allowedExternalLogGroups", problem,
    })),
    { group: "type", policy: fields, config: { requireJson: "yes" }, key: "requireJson", problem: /must be true or false/ },
    { group: "type", policy: fields, config: { requiredVariables: ["$context.requestId"] }, key: "requiredVariables", problem: /is not a variable name/ },
    { group: "type", policy: fields, config: { requiredVariables: "requestId" }, key: "requiredVariables", problem: /must be a list of strings/ },
    { group: "type", policy: format, config: { additionalVariables: ["identity vpceId"] }, key: "additionalVariables", problem: /is not a variable name/ },
    { group: "type", policy: format, config: { additionalVariables: [5] }, key: "additionalVariables", problem: /must be a list of strings/ },
    { group: "type", policy: destination, config: { allowedAccountIds: "123456789012" }, key: "allowedAccountIds", problem: /must be a list of strings/ },
    { group: "type", policy: protocol, config: { requireCloudWatchRoleInStack: 1 }, key: "requireCloudWatchRoleInStack", problem: /must be true or false/ },
    { group: "type", policy: retention, config: { requireKmsKey: "false" }, key: "requireKmsKey", problem: /must be true or false/ },
];

/** Valid settings for every policy, used to show a failure is about the bad config alone. */
export const validConfigs: Record<string, Record<string, unknown>> = {
    [destination]: { allowedAccountIds: ["123456789012"], allowedRegions: ["us-east-1"], logGroupNamePattern: "^/aws/" },
    [format]: { additionalVariables: ["identity.vpceId"] },
    [fields]: { requireJson: true, requiredVariables: ["requestId"] },
    [retention]: { minimumRetentionDays: 30, maximumRetentionDays: 365, allowNeverExpire: false, requireKmsKey: true, allowedExternalLogGroups: ["arn:aws:logs:*:123456789012:log-group:*"] },
    [protocol]: { requireCloudWatchRoleInStack: false },
    [stageLogging]: {},
    [quickCreate]: {},
};

export const compliantArn = logGroupArn("/aws/apigateway/access");

export const compliantUrns = {
    api: "urn:pulumi:dev::proj::aws:apigatewayv2/api:Api::api",
    logs: "urn:pulumi:dev::proj::aws:cloudwatch/logGroup:LogGroup::logs",
    stage: "urn:pulumi:dev::proj::aws:apigatewayv2/stage:Stage::stage",
};

/** The props of a fully compliant API, log group and stage (the stage links to both), from the baseline. */
export const compliantProps = {
    api: { ...compliantApi("api", "HTTP"), id: "a1b2c3d4e5" },
    // With a KMS key, so validConfigs' requireKmsKey holds.
    logs: { ...compliantLogGroup("/aws/apigateway/access"), arn: compliantArn, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/1" },
    stage: compliantStage("a1b2c3d4e5", compliantArn),
};
