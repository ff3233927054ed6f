/** The most characters of any user value a message may repeat. */
export const maxQuotedChars = 80;

// C0 and C1 controls, DEL, line and paragraph separators, zero-width and
// bidirectional formatting characters: anything that could break a one-line
// message or make it read differently from what it contains.
// eslint-disable-next-line no-control-regex
const unsafeChars = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

function escapeChar(ch: string): string {
    switch (ch) {
        case "\n":
            return "\\n";
        case "\r":
            return "\\r";
        case "\t":
            return "\\t";
        default: {
            const code = ch.charCodeAt(0);
            return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
        }
    }
}

/** Escapes characters that must never appear raw in a message. */
export function escapeControlChars(text: string): string {
    return text.replace(unsafeChars, escapeChar);
}

/**
 * A short, safe excerpt of a user value: at most `maxQuotedChars` characters
 * of it, control characters escaped, in double quotes, with "…" when cut.
 */
export function quote(value: string, max: number = maxQuotedChars): string {
    let excerpt = value;
    let cut = false;
    if (value.length > max) {
        excerpt = value.slice(0, max);
        // Never leave half a surrogate pair at the cut.
        const last = excerpt.charCodeAt(excerpt.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
            excerpt = excerpt.slice(0, -1);
        }
        cut = true;
    }
    return `"${escapeControlChars(excerpt)}${cut ? "…" : ""}"`;
}

/** A list of quoted excerpts, at most `limit` of them, then "and N more". */
export function quoteList(values: readonly string[], limit = 5): string {
    const shown = values.slice(0, limit).map((v) => quote(v));
    const rest = values.length - shown.length;
    return rest > 0 ? `${shown.join(", ")} and ${rest} more` : shown.join(", ");
}
