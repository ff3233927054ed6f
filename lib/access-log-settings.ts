import { describeType, isPlainObject, readProperty, UNKNOWN } from "./read-property";

// How every policy sees a stage's `accessLogSettings`. Classifying it in one
// place keeps ownership clean: the stage policy reports anything that is not a
// present value, and the other policies look only at present values.

export type FieldState =
    | { kind: "unknown" }
    | { kind: "missing" }
    | { kind: "blank" }
    | { kind: "malformed"; type: string }
    | { kind: "value"; value: string };

export type StageLogging =
    | { kind: "unknown" }
    | { kind: "missing" }
    | { kind: "malformed"; type: string }
    | { kind: "object"; destinationArn: FieldState; format: FieldState };

export function readField(obj: unknown, key: string): FieldState {
    const value = readProperty(obj, key);
    if (value === UNKNOWN) {
        return { kind: "unknown" };
    }
    if (value === undefined || value === null) {
        return { kind: "missing" };
    }
    if (typeof value !== "string") {
        return { kind: "malformed", type: describeType(value) };
    }
    return value.trim() === "" ? { kind: "blank" } : { kind: "value", value };
}

export function readStageLogging(props: unknown): StageLogging {
    const settings = readProperty(props, "accessLogSettings");
    if (settings === UNKNOWN) {
        return { kind: "unknown" };
    }
    if (settings === undefined || settings === null) {
        return { kind: "missing" };
    }
    if (!isPlainObject(settings)) {
        return { kind: "malformed", type: describeType(settings) };
    }
    return {
        kind: "object",
        destinationArn: readField(settings, "destinationArn"),
        format: readField(settings, "format"),
    };
}

// The stack checks visit every stage of the stack once per policy, and what
// they allocate adds young-generation collections in the SDK's large heap:
// these two read what they need without building a StageLogging.

/** The stage's accessLogSettings when it is an object, else undefined. */
function settingsObject(props: unknown): Record<string, unknown> | undefined {
    const settings = readProperty(props, "accessLogSettings");
    return isPlainObject(settings) ? settings : undefined;
}

/**
 * The destination ARN when accessLogSettings is an object whose destinationArn
 * is a non-blank string (the string) or unknown (UNKNOWN); else undefined. The
 * same as readStageLogging's "object" with a destinationArn of kind "value" or "unknown".
 */
export function stageDestination(props: unknown): string | typeof UNKNOWN | undefined {
    const value = readProperty(settingsObject(props), "destinationArn");
    return value === UNKNOWN ? UNKNOWN : typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** The format when accessLogSettings is an object with a known, non-blank format: knownFormat(readStageLogging(props)). */
export function stageFormat(props: unknown): string | undefined {
    const value = readProperty(settingsObject(props), "format");
    return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** The destination ARN when it is present and known, else undefined. */
export function knownDestination(logging: StageLogging): string | undefined {
    return logging.kind === "object" && logging.destinationArn.kind === "value" ? logging.destinationArn.value : undefined;
}

/** The format when it is present and known, else undefined. */
export function knownFormat(logging: StageLogging): string | undefined {
    return logging.kind === "object" && logging.format.kind === "value" ? logging.format.value : undefined;
}

/**
 * WebSocket when the stage turns on execution logging (`loggingLevel` ERROR
 * or INFO, or `dataTraceEnabled`), which only WebSocket stages support;
 * undefined otherwise. Resource policies and the remediation never see the
 * API, and this is the one sign of the protocol a stage's own inputs carry.
 */
export function protocolOfStageSettings(props: unknown): "WEBSOCKET" | undefined {
    const routeSettings = readProperty(props, "routeSettings");
    const all = [readProperty(props, "defaultRouteSettings"), ...(Array.isArray(routeSettings) ? routeSettings.slice(0, 100) : [])];
    for (const settings of all) {
        const level = readProperty(settings, "loggingLevel");
        if ((typeof level === "string" && /^(ERROR|INFO)$/i.test(level.trim())) || readProperty(settings, "dataTraceEnabled") === true) {
            return "WEBSOCKET";
        }
    }
    return undefined;
}
