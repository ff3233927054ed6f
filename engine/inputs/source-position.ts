// Where a resource is declared, from the two places that record it: the
// `sourcePosition` of a RegisterResourceRequest (a file URI, a line and a
// column, sent by the Node SDK) and the `sourcePosition` string of a resource in
// a `pulumi stack export` (`project:///index.ts#15,15`, or `file:///…` for a
// file outside the project).
import * as fs from "fs";
import * as path from "path";
import { fileURLToPath } from "url";
import { SourceLocation } from "../resource-model";

/** Only code the user wrote counts: a position inside node_modules is a library's, not the program's. */
function inUserCode(file: string): boolean {
    return !/(^|[\\/])node_modules[\\/]/.test(file);
}

function positive(n: unknown): number | undefined {
    return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** From the request's SourcePosition message (uri, line, column); undefined when absent or not a file. */
export function fromRegistration(pos: { getUri(): string; getLine(): number; getColumn(): number } | undefined): SourceLocation | undefined {
    if (pos === undefined) {
        return undefined;
    }
    const line = positive(pos.getLine());
    const uri = pos.getUri();
    if (line === undefined || !uri.startsWith("file:")) {
        return undefined;
    }
    let file: string;
    try {
        file = fileURLToPath(uri);
    } catch {
        return undefined;
    }
    return inUserCode(file) ? { file, line, column: positive(pos.getColumn()) ?? 1 } : undefined;
}

const statePosition = /^(project|file):\/\/([^#]*)#(\d{1,9})(?:,(\d{1,9}))?$/;

/** From a state file's `sourcePosition` string; undefined when absent or malformed (a position is a nicety, never an error). */
export function fromStateFile(value: unknown): SourceLocation | undefined {
    if (typeof value !== "string" || value.length > 4096) {
        return undefined;
    }
    const m = statePosition.exec(value);
    if (m === null) {
        return undefined;
    }
    const line = positive(Number(m[3]));
    if (line === undefined) {
        return undefined;
    }
    const column = positive(Number(m[4])) ?? 1;
    let file: string;
    try {
        file = m[1] === "project" ? decodeURIComponent(m[2].replace(/^\/+/, "")) : fileURLToPath(`file://${m[2]}`);
    } catch {
        return undefined;
    }
    return file !== "" && inUserCode(file) ? { file, line, column } : undefined;
}

/**
 * Whether a file is the program's own code: under the program's root,
 * outside node_modules, and not inside another package. A vendored copy or a
 * `file:` dependency (which Node resolves to its real path) has a
 * package.json of its own between the file and the root.
 */
export function isProgramFile(file: string, root: string, hasPackageJson: (dir: string) => boolean = packageJsonIn): boolean {
    const relative = path.relative(root, file);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative) || !inUserCode(relative)) {
        return false;
    }
    for (let dir = path.dirname(file); dir !== root && dir.startsWith(root); dir = path.dirname(dir)) {
        if (hasPackageJson(dir)) {
            return false;
        }
    }
    return true;
}

const packageJsonCache = new Map<string, boolean>();

function packageJsonIn(dir: string): boolean {
    let known = packageJsonCache.get(dir);
    if (known === undefined) {
        known = fs.existsSync(path.join(dir, "package.json"));
        packageJsonCache.set(dir, known);
    }
    return known;
}

type Position = { getUri(): string; getLine(): number; getColumn(): number };

/**
 * Where the user's own code made a resource: the innermost frame of the
 * registration's stack trace that is a file of the program. For a stage a
 * library component makes, that is the user's call into the library (such as
 * `api.addStage(...)`), not the component's own `new Stage(...)`.
 */
export function fromStackTrace(frames: readonly { getPc(): Position | undefined }[], root: string): SourceLocation | undefined {
    for (const frame of frames.slice(0, 200)) {
        const location = fromRegistration(frame.getPc());
        if (location !== undefined && isProgramFile(location.file, root)) {
            return location;
        }
    }
    return undefined;
}

/**
 * The innermost frame of a JavaScript stack (`new Error().stack`, source-mapped
 * where the program was compiled) that is a file of the program.
 */
export function callerInProgram(stack: string, root: string): SourceLocation | undefined {
    for (const line of stack.split("\n").slice(1, 200)) {
        const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line);
        if (m === null) {
            continue;
        }
        let file = m[1];
        if (file.startsWith("file:")) {
            try {
                file = fileURLToPath(file);
            } catch {
                continue;
            }
        }
        if (path.isAbsolute(file) && isProgramFile(file, root)) {
            return { file, line: Number(m[2]), column: Number(m[3]) };
        }
    }
    return undefined;
}
