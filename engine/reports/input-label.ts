// How the reports people read name an input. The path as the user gave it,
// except the current directory: "." (from `npm --prefix PACK run analyze -- .`)
// says nothing in a CI summary, so it is named by its folder. JSON and SARIF
// keep the path as given, for tools.
import * as path from "path";
import { InputReport } from "./run-report";

export function inputLabel(input: Pick<InputReport, "path" | "absolutePath">): string {
    return /^\.[\\/]?$/.test(input.path) ? path.basename(input.absolutePath) || input.path : input.path;
}

/** Whether the run's inputs were analyzed as more than one stack (then each row or note names its stack). */
export function hasSeveralStacks(inputs: readonly Pick<InputReport, "stack">[]): boolean {
    return new Set(inputs.map((i) => i.stack)).size > 1;
}
