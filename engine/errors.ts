/**
 * An error in what the user handed us (a state file, a program, a config file,
 * the command line). The CLI prints its message as one line and exits 2; it
 * never prints a stack trace for it.
 */
export class InputError extends Error {
    readonly exitCode = 2;
    constructor(message: string) {
        // One line, always: a multi-line message would break the report format.
        super(message.replace(/\s*[\r\n]+\s*/g, " ").trim());
        this.name = "InputError";
    }
}

export function isInputError(e: unknown): e is InputError {
    return e instanceof InputError;
}
