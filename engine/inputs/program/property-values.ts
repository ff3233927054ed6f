// Reading recorded property values: secrets unwrapped, unknowns recognised.
import { isPlainObject } from "../../../lib/read-property";
import { secretSig, specialSigKey, unknownSentinels } from "../../resource-model";

export const UNKNOWN = unknownSentinels.string;

export function isSecretEnvelope(v: unknown): v is Record<string, unknown> {
    return isPlainObject(v) && v[specialSigKey] === secretSig;
}

/** A secret's inner value, or the value itself. */
export function plain(v: unknown): unknown {
    return isSecretEnvelope(v) ? v.value : v;
}

export function knownString(v: unknown): string | undefined {
    const p = plain(v);
    const sentinels: readonly string[] = Object.values(unknownSentinels);
    return typeof p === "string" && p !== "" && !sentinels.includes(p) ? p : undefined;
}
