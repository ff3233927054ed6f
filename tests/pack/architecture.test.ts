import * as assert from "assert";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import * as ts from "typescript";
import { repoRoot } from "../repo-root";

// docs/architecture.md is the map a new engineer reads first. Its import table
// is the rule; this test reads the table (not a copy of it) and checks every
// import of every .ts file against it, so the map and the code cannot drift.

const architecture = fs.readFileSync(path.join(repoRoot, "docs", "architecture.md"), "utf8");

interface Rule {
    /** Imports allowed at run time (folders end in "/"). */
    values: string[];
    /** Imports allowed only as `import type`. */
    types: string[];
}

interface Import {
    specifier: string;
    typeOnly: boolean;
    line: number;
}

const pathsIn = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** The "Which folder may import which" table: folder or file -> what it may import. */
export function readRules(doc: string): Map<string, Rule> {
    const start = doc.indexOf("\n## Which folder may import which\n");
    assert.ok(start >= 0, "docs/architecture.md has the import rules section");
    const rules = new Map<string, Rule>();
    for (const line of doc.slice(start, doc.indexOf("\n## ", start + 1)).split("\n")) {
        const m = /^\| `([^`]+)` \| (.*) \|$/.exec(line);
        if (m) {
            const [values, types = ""] = m[2].split("types only:");
            rules.set(m[1], { values: pathsIn(values), types: pathsIn(types) });
        }
    }
    return rules;
}

const covers = (entry: string, file: string): boolean => (entry.endsWith("/") ? file.startsWith(entry) : file === entry);

/** The rule of the most specific row that covers the file, if any. */
export function ruleFor(rules: Map<string, Rule>, file: string): Rule | undefined {
    const key = [...rules.keys()].filter((k) => covers(k, file)).sort((a, b) => b.length - a.length)[0];
    return key === undefined ? undefined : rules.get(key);
}

/** Every module a file names: import and export declarations, require() and import(). */
export function importsOf(fileName: string, text: string): Import[] {
    const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2020, true);
    const found: Import[] = [];
    const add = (node: ts.Node, specifier: ts.Expression | undefined, typeOnly: boolean) => {
        if (specifier && ts.isStringLiteralLike(specifier)) {
            found.push({ specifier: specifier.text, typeOnly, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
        }
    };
    const visit = (node: ts.Node): void => {
        if (ts.isImportDeclaration(node)) {
            const clause = node.importClause;
            const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
            const typeOnly = clause !== undefined && (clause.isTypeOnly ||
                (clause.name === undefined && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)));
            add(node, node.moduleSpecifier, typeOnly);
        } else if (ts.isExportDeclaration(node)) {
            add(node, node.moduleSpecifier, node.isTypeOnly);
        } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
            add(node, node.moduleReference.expression, node.isTypeOnly);
        } else if (ts.isCallExpression(node) && node.arguments.length === 1 &&
            ((ts.isIdentifier(node.expression) && node.expression.text === "require") || node.expression.kind === ts.SyntaxKind.ImportKeyword)) {
            add(node, node.arguments[0], false);
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
            add(node, node.argument.literal, true);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

/** The repository path a relative specifier names (as the file it resolves to), else undefined. */
function resolveRelative(fromFile: string, specifier: string): string | undefined {
    const base = path.resolve(repoRoot, path.dirname(fromFile), specifier);
    const candidate = [`${base}.ts`, path.join(base, "index.ts"), base].find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
    return path.relative(repoRoot, candidate ?? `${base}.ts`).split(path.sep).join("/");
}

const packFiles = (file: string) => file === "index.ts" || file.startsWith("policies/") || file.startsWith("lib/");
const packageName = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

/** What breaks the rules in one file's imports, one line per import. */
export function importViolations(rules: Map<string, Rule>, file: string, imports: Import[], packDependencies: readonly string[]): string[] {
    const rule = ruleFor(rules, file);
    const problems: string[] = [];
    for (const imp of imports) {
        if (!imp.specifier.startsWith(".")) {
            const name = packageName(imp.specifier.replace(/^node:/, ""));
            if (packFiles(file) && !imp.typeOnly && !builtinModules.includes(name) && !packDependencies.includes(name)) {
                problems.push(`${file}:${imp.line} imports ${imp.specifier}, which is not a dependency of the published pack`);
            }
            continue;
        }
        if (rule === undefined) {
            continue;
        }
        const target = resolveRelative(file, imp.specifier)!;
        const allowed = [...rule.values, ...(imp.typeOnly ? rule.types : [])];
        if (!allowed.some((entry) => covers(entry, target))) {
            const typesNote = rule.types.some((entry) => covers(entry, target)) ? " (allowed only as `import type`)" : "";
            problems.push(`${file}:${imp.line} imports ${target}${typesNote}, against docs/architecture.md`);
        }
    }
    return problems;
}

function tsFiles(dir: string): string[] {
    return fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = dir === "." ? e.name : `${dir}/${e.name}`;
        if (e.isDirectory()) {
            return ["node_modules", "bin", ".git"].includes(e.name) || e.name.startsWith(".") ? [] : tsFiles(rel);
        }
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [rel] : [];
    });
}

describe("docs/architecture.md matches the code", () => {
    const rules = readRules(architecture);
    const dependencies = Object.keys(JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).dependencies ?? {});

    it("states a rule for the pack and each step of the engine", () => {
        for (const key of ["index.ts", "policies/", "lib/", "engine/", "engine/inputs/", "engine/protocol/", "engine/reports/"]) {
            assert.ok(rules.has(key), `no rule for ${key}`);
        }
    });

    it("every folder and file it names exists", () => {
        const exists = (p: string) => fs.existsSync(path.join(repoRoot, p));
        const isPath = (p: string) => /^[a-z][\w.-]*(\/[\w.-]+)*\/?$/i.test(p) && (p.includes("/") || p.endsWith(".ts"));
        const prose = architecture.replace(/```[\s\S]*?```/g, "");
        const named = pathsIn(prose).filter(isPath);
        for (const p of named) {
            assert.ok(exists(p), `docs/architecture.md names ${p}, which does not exist`);
        }
        // The diagram names a file by its folder's last step: "engine/inputs/ ... program/ ... state-file.ts".
        let folder = "";
        let inDiagram = 0;
        for (const fence of architecture.matchAll(/```[^\n]*\n([\s\S]*?)```/g)) {
            for (const m of fence[1].matchAll(/[a-z][\w/.-]*\.ts\b|[a-z][\w.-]*(?:\/[\w.-]+)*\//gi)) {
                const p = m[0];
                assert.ok(exists(p) || exists(folder + p), `docs/architecture.md's diagram names ${p} (in ${folder || "the root"}), which does not exist`);
                if (p.endsWith("/") && exists(p)) {
                    folder = p;
                }
                inDiagram++;
            }
        }
        assert.ok(named.length >= 15 && inDiagram >= 15, `paths found: ${named.length} in the text, ${inDiagram} in the diagram`);
    });

    it("no file imports against its rules, and the pack imports only its dependencies", () => {
        const files = tsFiles(".");
        assert.ok(files.some((f) => f.startsWith("engine/inputs/program/")) && files.includes("index.ts"));
        const problems = files.flatMap((file) => importViolations(rules, file, importsOf(file, fs.readFileSync(path.join(repoRoot, file), "utf8")), dependencies));
        assert.deepStrictEqual(problems, []);
    });

    it("the check catches what the rules forbid", () => {
        const imp = (specifier: string, typeOnly = false): Import => ({ specifier, typeOnly, line: 1 });
        const check = (file: string, i: Import) => importViolations(rules, file, [i], dependencies);
        assert.strictEqual(check("policies/quick-create-api.ts", imp("../engine/cli")).length, 1, "a policy importing the engine");
        assert.strictEqual(check("lib/quote.ts", imp("../policies/quick-create-api")).length, 1, "lib importing a policy");
        assert.strictEqual(check("policies/quick-create-api.ts", imp("./stage-access-logging")).length, 1, "a policy importing another");
        assert.strictEqual(check("engine/cli.ts", imp("../policies/quick-create-api")).length, 1, "the engine importing a policy");
        assert.strictEqual(check("engine/inputs/state-file.ts", imp("../reports/run-report")).length, 1, "an input importing a report's code");
        assert.deepStrictEqual(check("engine/inputs/state-file.ts", imp("../reports/run-report", true)), [], "an input naming a report's type");
        assert.strictEqual(check("lib/quote.ts", imp("@pulumi/aws")).length, 1, "the pack loading @pulumi/aws");
        assert.deepStrictEqual(check("lib/quote.ts", imp("fs")), [], "a Node built-in");
        assert.deepStrictEqual(importsOf("x.ts", "import type { A } from \"./a\";\nimport { type B } from \"./b\";\nimport { C } from \"./c\";\nconst d = require(\"./d\");\n")
            .map((i) => `${i.specifier}:${i.typeOnly}`), ["./a:true", "./b:true", "./c:false", "./d:false"]);
    });
});
