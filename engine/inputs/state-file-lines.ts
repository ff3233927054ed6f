// Where each resource's entry starts in a state file, so a SARIF result for a
// resource without a source position can point at its lines in the file.
import * as fs from "fs";

/** URN -> 1-based line of its `"urn": "…"` entry; a file that cannot be read gives an empty map. */
export function resourceLines(file: string): Map<string, number> {
    const lines = new Map<string, number>();
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return lines;
    }
    // One linear pass: JSON string values never hold a raw line break, so each match is on one line.
    const entry = /"urn"\s*:\s*("(?:[^"\\\n]|\\.){0,4096}")/g;
    let line = 1;
    let at = 0;
    for (let m = entry.exec(text); m !== null; m = entry.exec(text)) {
        for (let i = text.indexOf("\n", at); i !== -1 && i < m.index; i = text.indexOf("\n", i + 1)) {
            line++;
        }
        at = m.index;
        let urn: unknown;
        try {
            urn = JSON.parse(m[1]);
        } catch {
            continue;
        }
        if (typeof urn === "string" && !lines.has(urn)) {
            lines.set(urn, line);
        }
    }
    return lines;
}
