// Colour for the text report: red for mandatory, yellow for advisory, and
// only where a person is looking.

export interface ColourSettings {
    /** --no-color was given. */
    noColorFlag: boolean;
    /** The report goes to a file (--output), never a terminal. */
    toFile: boolean;
    /** stdout is a terminal. */
    isTTY: boolean;
    env: Readonly<Record<string, string | undefined>>;
}

/**
 * --no-color and files always win. Then, as Node itself decides: FORCE_COLOR
 * (anything but "0" or "false") turns colour on even in a pipe, NO_COLOR
 * (any non-empty value) turns it off, and otherwise a terminal that is not
 * "dumb" gets colour.
 */
export function colourEnabled(s: ColourSettings): boolean {
    if (s.noColorFlag || s.toFile) {
        return false;
    }
    const force = s.env.FORCE_COLOR;
    if (force !== undefined) {
        return force !== "0" && force.toLowerCase() !== "false";
    }
    if (s.env.NO_COLOR !== undefined && s.env.NO_COLOR !== "") {
        return false;
    }
    return s.isTTY && s.env.TERM !== "dumb";
}

export interface Palette {
    mandatory(text: string): string;
    advisory(text: string): string;
}

const red = "\x1b[31m";
const yellow = "\x1b[33m";
const reset = "\x1b[39m";

export function palette(enabled: boolean): Palette {
    if (!enabled) {
        return { mandatory: (t) => t, advisory: (t) => t };
    }
    return { mandatory: (t) => `${red}${t}${reset}`, advisory: (t) => `${yellow}${t}${reset}` };
}
