import { escapeControlChars } from "./quote";

// Log-group name patterns come from config and run inside every preview, so
// they run on RE2 (re2js), whose matching time is linear in the name: a
// pattern like (a+)+$ cannot hang a deployment as it would with JavaScript's
// backtracking RegExp. re2js is loaded only when a pattern is configured, to
// keep the pack's start-up cheap.

export interface NamePattern {
    /** Whether the pattern matches anywhere in `name`, as RegExp.test does. */
    test(name: string): boolean;
}

const maxPatternLength = 1000;

/** The compiled pattern, or why it cannot be used (a phrase after "which"). */
export function compileNamePattern(source: string): NamePattern | string {
    if (source.length > maxPatternLength) {
        return `is longer than ${maxPatternLength} characters`;
    }
    try {
        const { RE2JS } = require("re2js") as typeof import("re2js");
        return RE2JS.compile(source);
    } catch (e) {
        // re2js's message starts "error parsing regexp: " and names the bad part.
        const text = e instanceof Error ? e.message : "";
        const reason = text.startsWith("error parsing regexp: ") ? text.slice("error parsing regexp: ".length) : text;
        return `is not a valid regular expression (${escapeControlChars(reason.slice(0, 80))}); RE2 syntax: no lookaround or backreferences`;
    }
}
