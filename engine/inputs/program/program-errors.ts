// One-line descriptions of a program's failures.
import * as fs from "fs";
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
    const message = (e as any).code === "MODULE_NOT_FOUND" ? missingModule(e.message, root) : oneLine(e.message || e.name);
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

/** A relative path that resolves to nothing is a missing file; a bare name is a missing package. */
export function missingModule(message: string, root: string): string {
    const request = /Cannot find module '([^']*)'/.exec(message)?.[1];
    const requester = /Require stack:\s*\n- ([^\n]+)/.exec(message)?.[1];
    if (request === undefined || !(request.startsWith(".") || path.isAbsolute(request))) {
        const reExport = request !== undefined && requester !== undefined && reExports(requester, request);
        const hint = reExport
            ? `; ${path.relative(root, requester)} re-exports from it, which needs no JavaScript if it names only types: run \`npm install\` in the program so that its types are found`
            : "";
        return `${firstLine(message)} (is it installed for the program?)${hint}`;
    }
    const from = requester && requester.startsWith(root) ? ` (imported from ${path.relative(root, requester)})` : "";
    return `no such file: ${quote(request)}${from}, with or without a .ts, .js or /index extension`;
}

/** Whether `file` has `export ... from "<request>"`. */
function reExports(file: string, request: string): boolean {
    try {
        const ts = require("typescript") as typeof import("typescript");
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
        return source.statements.some(
            (st) => ts.isExportDeclaration(st) && st.moduleSpecifier !== undefined && ts.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text === request,
        );
    } catch {
        return false;
    }
}

export interface FailureContext {
    root: string;
    stack?: string;
    secureKeys: readonly string[];
    stackFile?: string;
}

/** What the mocks did that may explain a failure, said next to the error. */
export function failureHints(e: unknown, layout: FailureContext, lookups?: { lookups: Map<string, { fromSchema: boolean }> }): string[] {
    const message = e instanceof Error ? e.message : String(e);
    const hints: string[] = [];
    const configKey = /Missing required configuration variable '([^']+)'/.exec(message)?.[1];
    if (configKey !== undefined && layout.secureKeys.includes(configKey)) {
        const file = layout.stackFile ? path.basename(layout.stackFile) : "the stack's config file";
        hints.push(
            `${quote(configKey)} is set in ${file}, but encrypted (secure:), and the runner cannot decrypt it: ` +
                `supply it with --config-value ${configKey}=VALUE (any placeholder will do unless a policy reads it)`,
        );
    } else if (configKey !== undefined) {
        hints.push(missingConfigHint(configKey, layout));
    }
    if (/Missing required property '/.test(message) && lookups) {
        const empty = [...lookups.lookups].filter(([, v]) => !v.fromSchema).map(([token]) => token);
        if (empty.length > 0) {
            hints.push(`the mocks answered lookup ${empty.map((t) => quote(t)).join(", ")} with an empty result (its package declares no result type)`);
        }
    }
    return hints;
}

/**
 * The SDK's own advice (`pulumi config set`) needs the CLI and a stack, which
 * a user of analyze may have neither of; say where analyze reads config from.
 */
function missingConfigHint(configKey: string, layout: FailureContext): string {
    const supply = `or supply it with --config-value ${configKey}=VALUE`;
    if (layout.stackFile !== undefined) {
        return `analyze reads config from ${path.basename(layout.stackFile)}, which does not set it: add it under config: there, ${supply}`;
    }
    const stack = layout.stack ?? "dev";
    return `the program has no Pulumi.<stack>.yaml, so analyze runs it as stack "${stack}" with no config: add Pulumi.${stack}.yaml with the key under config:, ${supply}`;
}

/** Encrypted config the program may have read as unset. */
export function secureNotes(layout: FailureContext): string[] {
    if (layout.secureKeys.length === 0) {
        return [];
    }
    const keys = layout.secureKeys.map((k) => quote(k)).join(", ");
    return [`encrypted config ${keys} was left unset (the runner cannot decrypt secure: values); supply a value with --config-value KEY=VALUE`];
}

interface PackageJson {
    dependencies?: Record<string, unknown>;
    devDependencies?: Record<string, unknown>;
}

const CHECKED_PACKAGES = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/aws-native"];

/**
 * Packages the program declares at one major version while the runner loaded
 * another: with no node_modules of its own, the program falls back to this
 * repository's copies.
 */
export function versionMismatches(layout: { root: string; codeDir: string }): string[] {
    const pkg = readPackageJson(layout.codeDir) ?? readPackageJson(layout.root);
    if (!pkg) {
        return [];
    }
    const out: string[] = [];
    for (const name of CHECKED_PACKAGES) {
        const range = pkg.dependencies?.[name] ?? pkg.devDependencies?.[name];
        const wanted = typeof range === "string" ? /^(?:[\^~]|>=?)?v?(\d+)/.exec(range.replace(/\s+/g, ""))?.[1] : undefined;
        if (typeof range !== "string" || wanted === undefined) {
            continue;
        }
        const loaded = loadedVersion(name, layout.codeDir);
        if (loaded && loaded.version.split(".")[0] !== wanted && !loaded.own) {
            out.push(`this program declares ${name} ${quote(range)}, but has no node_modules of its own and got this repository's ${loaded.version}; run \`npm install\` in it first`);
        }
    }
    return out;
}

function readPackageJson(dir: string): PackageJson | undefined {
    try {
        const doc = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
        return doc && typeof doc === "object" ? (doc as PackageJson) : undefined;
    } catch {
        return undefined;
    }
}

function loadedVersion(name: string, codeDir: string): { version: string; own: boolean } | undefined {
    let file: string;
    try {
        file = require.resolve(`${name}/package.json`, { paths: [codeDir] });
    } catch {
        try {
            file = require.resolve(`${name}/package.json`);
        } catch {
            return undefined;
        }
    }
    const version = (readPackageJson(path.dirname(file)) as { version?: unknown } | undefined)?.version;
    let ours: string | undefined;
    try {
        ours = require.resolve(`${name}/package.json`);
    } catch {
        ours = undefined;
    }
    const own = file !== ours;
    return typeof version === "string" ? { version, own } : undefined;
}
