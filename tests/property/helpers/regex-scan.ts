import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { repoRoot } from "../../repo-root";

// Finds every regular expression in the pack's source by parsing it, so a
// regex added later is tested without anyone listing it.

export interface FoundRegex {
    /** file:line, relative to the repository root. */
    where: string;
    source: string;
    flags: string;
}

export interface DynamicRegex {
    where: string;
    /** The source text of the expression the RegExp is built from. */
    argument: string;
}


/** .ts files under the given folders (relative to the repository root), plus index.ts. */
export function packSourceFiles(folders: readonly string[]): string[] {
    const files: string[] = [];
    const walk = (dir: string): void => {
        if (!fs.existsSync(dir)) {
            return;
        }
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
                files.push(full);
            }
        }
    };
    for (const folder of folders) {
        walk(path.join(repoRoot, folder));
    }
    const index = path.join(repoRoot, "index.ts");
    if (fs.existsSync(index)) {
        files.push(index);
    }
    return files.sort();
}

function literalText(node: ts.Expression | undefined): string | undefined {
    if (node === undefined) {
        return "";
    }
    return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : undefined;
}

export function scanRegexes(files: readonly string[]): { found: FoundRegex[]; dynamic: DynamicRegex[] } {
    const found: FoundRegex[] = [];
    const dynamic: DynamicRegex[] = [];
    for (const file of files) {
        const text = fs.readFileSync(file, "utf8");
        const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
        const where = (node: ts.Node): string =>
            `${path.relative(repoRoot, file)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
        const visit = (node: ts.Node): void => {
            if (ts.isRegularExpressionLiteral(node)) {
                const lastSlash = node.text.lastIndexOf("/");
                found.push({ where: where(node), source: node.text.slice(1, lastSlash), flags: node.text.slice(lastSlash + 1) });
            } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) &&
                ts.isIdentifier(node.expression) && node.expression.text === "RegExp") {
                const [sourceArg, flagsArg] = node.arguments ?? [];
                const source = literalText(sourceArg);
                const flags = literalText(flagsArg);
                if (source !== undefined && flags !== undefined) {
                    found.push({ where: where(node), source, flags });
                } else {
                    dynamic.push({ where: where(node), argument: sourceArg === undefined ? "" : sourceArg.getText(sf) });
                }
            }
            ts.forEachChild(node, visit);
        };
        visit(sf);
    }
    return { found, dynamic };
}
