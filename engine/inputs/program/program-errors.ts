// One-line descriptions of a program's failures.
import * as path from "path";

import { escapeControlChars, quote as quoteValue } from "../../../lib/quote";
import { toOneLine } from "../../errors";

const MAX_MESSAGE_CHARS = 300;

export function oneLine(s: string): string {
    return toOneLine(s, " ");
}

export function firstLine(s: string): string {
    return s.split(/\r?\n/)[0].trim();
}

/** Control characters escaped, at most MAX_MESSAGE_CHARS. */
export function clip(s: string): string {
    const escaped = escapeControlChars(s);
    return escaped.length > MAX_MESSAGE_CHARS ? `${escaped.slice(0, MAX_MESSAGE_CHARS)}…` : escaped;
}

/** A path or name in an error: longer than a value excerpt, since paths are long. */
export function quote(s: string): string {
    return quoteValue(s, 120);
}

/** One line: the error's message and where in the program it was thrown. */
export function describeError(e: unknown, root: string): string {
    if (!(e instanceof Error)) {
        return clip(oneLine(String(e)));
    }
    if (e.name === "TSError") {
        // ts-node's message lists the diagnostics after a header line.
        const diagnostics = e.message.split(/\r?\n/).slice(1).join(" ");
        return clip(`TypeScript error: ${oneLine(diagnostics || e.message)}`);
    }
    // Node's "Require stack" lists our own files too: the first line says it.
    const message = (e as any).code === "MODULE_NOT_FOUND" ? `${firstLine(e.message)} (is it installed for the program?)` : oneLine(e.message || e.name);
    const where = programFrame(e.stack ?? "", root);
    return clip(where ? `${message} (at ${where})` : message);
}

export function programFrame(stack: string, root: string): string | undefined {
    for (const line of stack.split("\n").slice(1)) {
        const m = /(?:\(|at )((?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?$/.exec(line.trim());
        if (m && m[1].startsWith(root) && !m[1].includes(`${path.sep}node_modules${path.sep}`)) {
            return `${path.relative(root, m[1])}:${m[2]}`;
        }
    }
    return undefined;
}
