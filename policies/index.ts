// The registry: the pack's policies, in the order Pulumi shows them. index.ts
// builds the pack from this list, and the tests, the fuzz, the bench and the
// docs checks read it, so a new policy is one line here and nothing else
// lists the policies.
import { Policies } from "@pulumi/policy";
import { accessLogDestination } from "./access-log-destination";
import { accessLogDestinationAllowed } from "./access-log-destination-allowed";
import { accessLogFilterMatch } from "./access-log-filter-match";
import { accessLogFormat } from "./access-log-format";
import { accessLogFormatFields } from "./access-log-format-fields";
import { accessLogGroupRetention } from "./access-log-group-retention";
import { accessLogProtocol } from "./access-log-protocol";
import { quickCreateApi } from "./quick-create-api";
import { stageAccessLogging } from "./stage-access-logging";

export const policies: Policies = [
    stageAccessLogging,
    accessLogDestination,
    accessLogDestinationAllowed,
    accessLogFormat,
    accessLogFormatFields,
    quickCreateApi,
    accessLogGroupRetention,
    accessLogProtocol,
    accessLogFilterMatch,
];
