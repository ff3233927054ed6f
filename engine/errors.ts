import * as fs from "fs";

/**
 * An error in what the user handed us (a state file, a program, a config file,
 * the command line). The CLI prints its message as one line and exits 2; it
 * never prints a stack trace for it.
 */
export class InputError extends Error {
    readonly exitCode = 2;
    constructor(message: string) {
        // One line, always: a multi-line message would break the report format.
        super(toOneLine(message, " "));
        this.name = "InputError";
    }
}

export function isInputError(e: unknown): e is InputError {
    return e instanceof InputError;
}

/**
 * Joins the lines of a text with `separator`, trimming each. Split-based,
 * because a single replace that eats the white space around line breaks is
 * quadratic on long runs of white space, and these texts come from user
 * programs and packs.
 */
export function toOneLine(text: string, separator: string): string {
    return text.split(/[\r\n]+/).map((line) => line.trim()).filter((line) => line !== "").join(separator);
}

/**
 * Reads a file the user named. `label` names it in errors ("state file
 * \"x.json\""); `directoryProblem` says why a directory is wrong there.
 */
export function readInputFile(file: string, label: string, directoryProblem: string): Buffer {
    try {
        return fs.readFileSync(file);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
            throw new InputError(`${label} does not exist`);
        }
        if (code === "EISDIR") {
            throw new InputError(`${label} ${directoryProblem}`);
        }
        throw new InputError(`${label} cannot be read: ${code ?? (e as Error).message}`);
    }
}
