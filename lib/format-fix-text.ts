import { findContextVariables, lineBreakOffset, variableNamesOf } from "./access-log-format";
import { JsonObject, JsonValue } from "./fix-snippets";
import { parseJsonFormat, RepairedFormat } from "./format-repair";
import { quote } from "./quote";

// What a format fix changes, in words, so that the problem line says
// everything the fix does: which variables it adds, removes or replaces, and
// whether it rewrites the format as JSON.

function variablesOf(value: JsonValue, out: Set<string>): void {
    if (typeof value === "string") {
        for (const v of findContextVariables(value)) {
            out.add(v.name);
        }
    } else if (Array.isArray(value)) {
        for (const v of value as readonly JsonValue[]) {
            variablesOf(v, out);
        }
    } else {
        for (const [, v] of (value as JsonObject).fields) {
            variablesOf(v, out);
        }
    }
}

export function repairedVariables(format: RepairedFormat): Set<string> {
    const out = new Set<string>();
    variablesOf(format.kind === "text" ? format.text : { fields: format.fields }, out);
    return out;
}

/** "a, b and c". */
export function andList(items: readonly string[]): string {
    return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function names(list: readonly string[]): string {
    const shown = list.slice(0, 5).map((n) => quote(`$context.${n}`));
    return list.length > 5 ? `${shown.join(", ")} and more` : andList(shown);
}

/** "The fix keeps the format's other fields, adds ..., removes ... and writes it as JSON." */
export function describeFormatRepair(format: string, repaired: RepairedFormat): string {
    const before = variableNamesOf(format);
    const after = repairedVariables(repaired);
    const added = [...after].filter((n) => !before.has(n));
    const removed = [...before].filter((n) => n !== "" && !after.has(n));
    const changes: string[] = [];
    if (added.length > 0) {
        changes.push(`adds ${names(added)}`);
    }
    if (removed.length > 0) {
        changes.push(`removes ${names(removed)}`);
    }
    const wasJson = parseJsonFormat(format) !== undefined;
    if (repaired.kind === "json" && !wasJson) {
        changes.push("writes it as JSON, one field per variable");
    } else if (repaired.kind === "text" && lineBreakOffset(format) >= 0) {
        changes.push("puts it on one line");
    }
    if (changes.length === 0) {
        return "The fix keeps the format as it is otherwise.";
    }
    return `The fix keeps the format's other fields and ${changes.length === 1 ? changes[0] : `${changes.slice(0, -1).join(", ")}, and ${changes[changes.length - 1]}`}.`;
}
