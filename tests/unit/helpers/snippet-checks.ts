import { spawnSync } from "child_process";
import * as path from "path";
import { Language } from "../../../lib/fix-snippets";
import { repoRoot } from "../../repo-root";

// Checks that a rendered fix is well-formed code: brackets balance in every
// language, Pulumi YAML parses (js-yaml, YAML 1.2), Python parses (python3's
// own parser, when python3 is installed).

const yaml = require("js-yaml") as { load(text: string): unknown };

const closing: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** Undefined when (), [] and {} balance outside string literals and comments; else what is wrong. */
export function unbalanced(text: string, lang: Language): string | undefined {
    const stack: string[] = [];
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === "\"") {
            i++;
            while (i < text.length && text[i] !== "\"") {
                i += text[i] === "\\" ? 2 : 1;
            }
            if (i >= text.length) {
                return `unterminated string literal`;
            }
            continue;
        }
        if (ch === "`" && lang === "go") {
            const end = text.indexOf("`", i + 1);
            if (end < 0) {
                return "unterminated raw string";
            }
            i = end;
            continue;
        }
        const comment = (lang === "python" || lang === "yaml") ? ch === "#" && text[i - 1] === " " : ch === "/" && text[i + 1] === "/";
        if (comment) {
            break;
        }
        if (ch === "(" || ch === "[" || ch === "{") {
            stack.push(ch);
        } else if (ch in closing) {
            if (stack.pop() !== closing[ch]) {
                return `unexpected ${ch} at ${i}`;
            }
        }
    }
    return stack.length === 0 ? undefined : `unclosed ${stack.join("")}`;
}

/** The code of a fix line, without any leading prose ("remove target ..., then "). */
export function codeOf(fixText: string): string {
    const at = fixText.indexOf(", then ");
    return at < 0 ? fixText : fixText.slice(at + ", then ".length);
}

/** The `resources:` mapping of a YAML fix line. */
export function parseYamlFix(fixText: string): Record<string, { type: unknown; properties: unknown }> {
    const code = codeOf(fixText);
    if (!code.startsWith("resources: {")) {
        throw new Error(`not a YAML resources block: ${code.slice(0, 100)}`);
    }
    const doc = yaml.load(code) as { resources?: Record<string, { type: unknown; properties: unknown }> };
    if (doc === null || typeof doc !== "object" || doc.resources === undefined) {
        throw new Error(`no resources in: ${code.slice(0, 100)}`);
    }
    return doc.resources;
}

/** Undefined when every line parses as Python; "no python3" when it cannot be checked; else the error. */
export function checkPythonSyntax(fixTexts: readonly string[]): string | undefined {
    const script = "import ast, json, sys\nfor line in json.load(sys.stdin):\n    ast.parse(line)\n";
    const run = spawnSync("python3", ["-c", script], { input: JSON.stringify(fixTexts.map(codeOf)), encoding: "utf8" });
    if (run.error !== undefined) {
        return "no python3";
    }
    return run.status === 0 ? undefined : run.stderr.trim().split("\n").slice(-3).join(" | ");
}

// `...` stands for "the properties the resource already has"; the parsers
// below get the code with it removed, which must then be valid as it stands.
function withoutElision(code: string): string {
    return code.replace(/\.\.\., /g, "").replace(/ \.\.\. /g, "");
}

/** Undefined when every line parses as TypeScript (the compiler's own parser); else the errors. */
export function checkTypeScriptSyntax(fixTexts: readonly string[]): string | undefined {
    const ts = require("typescript") as typeof import("typescript");
    const problems: string[] = [];
    for (const text of fixTexts) {
        const out = ts.transpileModule(withoutElision(codeOf(text)), { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2020 } });
        for (const d of out.diagnostics ?? []) {
            problems.push(`${ts.flattenDiagnosticMessageText(d.messageText, " ")} in: ${text.slice(0, 200)}`);
        }
    }
    return problems.length === 0 ? undefined : problems.join(" | ");
}

/** Undefined when every line parses as Java statements (javac's parser); "no java" when it cannot be checked; else the errors. */
export function checkJavaSyntax(fixTexts: readonly string[]): string | undefined {
    const checker = path.join(repoRoot, "tests", "unit", "helpers", "java", "ParseCheck.java");
    const run = spawnSync("java", [checker], { input: fixTexts.map((t) => withoutElision(codeOf(t))).join("\n"), encoding: "utf8" });
    if (run.error !== undefined) {
        return "no java";
    }
    return run.status === 0 ? undefined : `${run.stdout}${run.stderr}`.trim().split("\n").slice(0, 5).join(" | ");
}

/**
 * Undefined when every line parses as Go statements (gofmt's parser, no type
 * checking); "no gofmt" when it cannot be checked; else the errors. `ctx` and
 * the SDK packages are left unresolved: gofmt checks syntax only.
 */
export function checkGoSyntax(fixTexts: readonly string[]): string | undefined {
    const body = fixTexts.map((t, i) => `func f${i}() {\n${withoutElision(codeOf(t))}\n}`).join("\n");
    const run = spawnSync("gofmt", ["-e"], { input: `package main\n${body}\n`, encoding: "utf8" });
    if (run.error !== undefined) {
        return "no gofmt";
    }
    return run.status === 0 ? undefined : run.stderr.trim().split("\n").slice(0, 5).join(" | ");
}

/** Undefined when every line parses as C# statements (mcs --parse); "no mcs" when it cannot be checked; else the errors. */
export function checkCSharpSyntax(fixTexts: readonly string[]): string | undefined {
    const fs = require("fs") as typeof import("fs");
    const os = require("os") as typeof import("os");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "csharp-fix-"));
    try {
        const file = path.join(dir, "Fix.cs");
        // The statement's `;` on a line of its own: a fix may end in a comment.
        const body = fixTexts.map((t, i) => `    void M${i}() {\n${withoutElision(codeOf(t))}\n;\n    }`).join("\n");
        fs.writeFileSync(file, `class Fixes {\n${body}\n}\n`);
        const run = spawnSync("mcs", ["--parse", file], { encoding: "utf8" });
        if (run.error !== undefined) {
            return "no mcs";
        }
        return run.status === 0 ? undefined : `${run.stdout}${run.stderr}`.trim().split("\n").slice(0, 5).join(" | ");
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
