// --output FILE: checked before the run, written after it.
import * as fs from "fs";
import * as path from "path";
import { quote } from "../lib/quote";
import { InputError } from "./errors";

/** The output file's directory must exist before anything runs, so a typo does not cost a whole run. */
export function checkOutput(output: string, given: string): void {
    let dir: fs.Stats;
    try {
        dir = fs.statSync(path.dirname(output));
    } catch {
        throw new InputError(`--output ${quote(given)}: the directory ${quote(path.dirname(given))} does not exist`);
    }
    if (!dir.isDirectory() || (fs.existsSync(output) && fs.statSync(output).isDirectory())) {
        throw new InputError(`--output ${quote(given)} must name a file`);
    }
}

export function writeOutput(output: string, given: string, text: string): void {
    try {
        fs.writeFileSync(output, `${text}\n`);
    } catch (e) {
        throw new InputError(`cannot write --output ${quote(given)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
}
