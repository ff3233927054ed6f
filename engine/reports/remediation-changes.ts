// What a remediation changed, property by property, so a report can say
// "set accessLogSettings.format to "…"" instead of only "remediated".
import { escapeControlChars, quote } from "../../lib/quote";
import { isPlainObject } from "../../lib/read-property";
import { secretSig, specialSigKey } from "../resource-model";

export interface PropertyChange {
    /** Dotted path of the property, e.g. `accessLogSettings.format`. */
    property: string;
    /** The new value, quoted and cut to 80 characters; `(removed)` or `[secret]` where that is the truth. */
    value: string;
}

/** Nested objects deeper than this are compared as a whole, which bounds the work on hostile values. */
const maxDepth = 8;

function isSecret(v: unknown): boolean {
    return isPlainObject(v) && v[specialSigKey] === secretSig;
}

function render(v: unknown): string {
    if (v === undefined) {
        return "(removed)";
    }
    if (isSecret(v)) {
        return "[secret]";
    }
    return quote(typeof v === "string" ? v : JSON.stringify(v) ?? String(v));
}

function same(a: unknown, b: unknown): boolean {
    return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The leaf properties that differ between `before` and `after`, in key order. */
export function propertyChanges(before: Record<string, unknown>, after: Record<string, unknown>): PropertyChange[] {
    const out: PropertyChange[] = [];
    const walk = (a: unknown, b: unknown, path: string, depth: number) => {
        if (same(a, b)) {
            return;
        }
        if (depth < maxDepth && isPlainObject(a) && isPlainObject(b) && !isSecret(a) && !isSecret(b)) {
            const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
            for (const k of keys) {
                walk(a[k], b[k], path === "" ? k : `${path}.${k}`, depth + 1);
            }
            return;
        }
        out.push({ property: escapeControlChars(path), value: render(b) });
    };
    walk(before, after, "", 0);
    return out;
}
