// What a SARIF report needs to know about its surroundings: where relative
// paths start, each state file's resource lines, and the pack's homepage.
import * as fs from "fs";
import * as path from "path";
import { ReportFormat } from "./render-report";
import { InputSpec } from "../inputs/resolve-inputs";
import { resourceLines } from "../inputs/state-file-lines";

/** Package.json's homepage (or repository URL) of the pack, for the SARIF tool's information URI. */
export function packHomepage(packDir: string): string | undefined {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8"));
        const url = typeof pkg.homepage === "string" ? pkg.homepage : typeof pkg.repository?.url === "string" ? pkg.repository.url : undefined;
        return url !== undefined && /^https?:\/\//.test(url) ? url : undefined;
    } catch {
        return undefined;
    }
}

/** The nearest directory at or above `dir` holding .git: where GitHub resolves SARIF paths from. */
export function repositoryRoot(dir: string): string | undefined {
    for (let d = dir; ; d = path.dirname(d)) {
        if (fs.existsSync(path.join(d, ".git"))) {
            return d;
        }
        if (path.dirname(d) === d) {
            return undefined;
        }
    }
}

export function stateFileLines(format: ReportFormat, inputs: readonly InputSpec[]): Map<string, Map<string, number>> {
    const lines = new Map<string, Map<string, number>>();
    if (format === "sarif") {
        for (const input of inputs.filter((i) => i.kind === "state")) {
            lines.set(input.path, resourceLines(input.path));
        }
    }
    return lines;
}
