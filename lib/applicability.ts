import { readStageLogging, StageLogging } from "./access-log-settings";
import { parseLogGroupArn } from "./log-group-arn";
import { LogGroupIndex, StackResource } from "./log-group-index";
import { UNKNOWN } from "./read-property";
import { awsStage, isStageType, nativeStage } from "./resource-types";

// When a policy did not actually evaluate a stage (or a stack), it says so
// with notApplicable instead of passing it. These are the reasons, one per
// in-between case; lib/governance.ts asks for them only when the policy
// reported nothing.

const stageOwner = "apigatewayv2-stage-access-logging";
const stageTypes = `'${awsStage}' or '${nativeStage}'`;

function unknownUntilUpdate(what: string): string {
    return `${what} is unknown until the update (a preview of a new resource); it is checked then`;
}

/** apigatewayv2-stage-access-logging: evaluated unless a part of accessLogSettings is still unknown. */
export function stageLoggingNotEvaluated(props: unknown): string | undefined {
    const logging = readStageLogging(props);
    if (logging.kind === "unknown") {
        return unknownUntilUpdate("accessLogSettings");
    }
    if (logging.kind === "object") {
        if (logging.destinationArn.kind === "unknown") {
            return unknownUntilUpdate("accessLogSettings.destinationArn");
        }
        if (logging.format.kind === "unknown") {
            return unknownUntilUpdate("accessLogSettings.format");
        }
    }
    return undefined;
}

function fieldNotEvaluated(logging: StageLogging, field: "destinationArn" | "format"): string | undefined {
    if (logging.kind === "unknown") {
        return unknownUntilUpdate("accessLogSettings");
    }
    if (logging.kind !== "object") {
        return `The stage has no access logging to check; ${stageOwner} reports that`;
    }
    const state = logging[field];
    if (state.kind === "unknown") {
        return unknownUntilUpdate(`accessLogSettings.${field}`);
    }
    if (state.kind !== "value") {
        return `The stage has no usable accessLogSettings.${field} to check; ${stageOwner} reports that`;
    }
    return undefined;
}

/** The destination policy: evaluated when the stage has a known destination ARN. */
export function destinationNotEvaluated(props: unknown): string | undefined {
    return fieldNotEvaluated(readStageLogging(props), "destinationArn");
}

/** The format policies: evaluated when the stage has a known format. */
export function formatNotEvaluated(props: unknown): string | undefined {
    return fieldNotEvaluated(readStageLogging(props), "format");
}

/** A stack policy's reason when the stack has no stage at all. */
export const noStageReason = `The stack has no API Gateway V2 stage (${stageTypes})`;

/**
 * apigatewayv2-access-log-group-retention: evaluated when some stage writes to
 * a log-group ARN (known and valid), or to one still unknown but linked to a
 * log group of the stack through its property dependencies.
 */
export function retentionNotEvaluated(resources: readonly StackResource[]): string | undefined {
    let stages = 0;
    let waiting = 0;
    let index: LogGroupIndex | undefined;
    for (const stage of resources) {
        if (!isStageType(stage.type)) {
            continue;
        }
        stages++;
        const logging = readStageLogging(stage.props);
        if (logging.kind !== "object") {
            continue;
        }
        if (logging.destinationArn.kind === "value" && parseLogGroupArn(logging.destinationArn.value).ok) {
            return undefined;
        }
        if (logging.destinationArn.kind === "unknown") {
            index ??= new LogGroupIndex(resources);
            if (index.match(stage, UNKNOWN).kind !== "deferred") {
                return undefined;
            }
            waiting++;
        }
    }
    if (stages === 0) {
        return noStageReason;
    }
    if (waiting > 0) {
        return `Every stage with access logging writes to a log group that is unknown until the update and not linked to one in the stack; it is checked then`;
    }
    return `No stage of the stack writes to a valid log-group ARN; ${stageOwner} and apigatewayv2-access-log-destination report those stages`;
}
