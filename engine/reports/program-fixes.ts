// Fixes in the program's own code and names.
//
// The pack writes each fix from what the engine sends it, and under the real
// Pulumi CLI that is no source text: its TypeScript fix names resources by
// their Pulumi names, keeps the rest of a changed resource as `...`, and uses
// its own variable names (`api`, `key`) for resources it cannot see declared.
// Only analyze knows where each resource is declared, so the step that puts a
// fix into the program lives here, in the report: the pack's message stays as
// it is (correct on its own), and each TypeScript fix also becomes edits of
// the user's files. A changed resource keeps its own call and every property
// the fix does not name; a new resource is declared right before the
// statement that uses it; the pack's placeholders become the variables the
// program declared; role and account resources the stack already has are left
// out; and where the API's protocol is known, only the fix for it is placed.
import * as fs from "fs";
import type * as TS from "typescript";

import { resourceTypeName, typeParts } from "../../lib/fix-snippets";
import { isApiGatewayAccountType, isApiType, isStageType } from "../../lib/resource-types";
import { toOneLine } from "../errors";
import { EngineResource, FixEdit, ProgramFix, ReplacedExpression, Violation } from "../resource-model";

export type { FixEdit, ProgramFix };

let tsModule: typeof TS | undefined;
function ts(): typeof TS {
    tsModule ??= require("typescript") as typeof TS;
    return tsModule;
}

const fixLine = /^Fix(?: (on (?:an?|the) [^:]{1,60}))?: (.+)$/;

/** The Fix lines of a message: when each holds, and its text. */
export function fixLines(message: string): { when?: string; body: string }[] {
    return message.split("\n").flatMap((line) => {
        const m = fixLine.exec(line);
        return m === null ? [] : [{ ...(m[1] !== undefined ? { when: m[1] } : {}), body: m[2] }];
    });
}

interface FixStatement {
    node: TS.Statement;
    /** `const x = new ...`: x. */
    variable?: string;
    newExpr: TS.NewExpression;
    typeText: string;
    name: string;
    props: TS.ObjectLiteralExpression;
    /** `{ ..., p }`: the resource exists, and keeps what the fix does not name. */
    changes: boolean;
}

function isPlaceholder(p: TS.ObjectLiteralElementLike): boolean {
    const t = ts();
    return t.isSpreadAssignment(p) && (!t.isIdentifier(p.expression) || p.expression.text === "");
}

function hasPlaceholder(node: TS.Node): boolean {
    const t = ts();
    let found = false;
    const visit = (n: TS.Node): void => {
        if (found) {
            return;
        }
        if (t.isObjectLiteralExpression(n) && n.properties.some(isPlaceholder)) {
            found = true;
            return;
        }
        t.forEachChild(n, visit);
    };
    visit(node);
    return found;
}

function statementOf(node: TS.Statement): FixStatement | undefined {
    const t = ts();
    let variable: string | undefined;
    let expr: TS.Expression | undefined;
    if (t.isVariableStatement(node) && node.declarationList.declarations.length === 1) {
        const d = node.declarationList.declarations[0];
        if (t.isIdentifier(d.name)) {
            variable = d.name.text;
            expr = d.initializer;
        }
    } else if (t.isExpressionStatement(node)) {
        expr = node.expression;
    }
    if (expr === undefined || !t.isNewExpression(expr) || expr.arguments === undefined || expr.arguments.length !== 2) {
        return undefined;
    }
    const [nameArg, propsArg] = expr.arguments;
    if (!t.isStringLiteral(nameArg) || !t.isObjectLiteralExpression(propsArg)) {
        return undefined;
    }
    return {
        node, variable, newExpr: expr, typeText: expr.expression.getText(), name: nameArg.text, props: propsArg,
        changes: propsArg.properties.some(isPlaceholder),
    };
}

/** "remove target from "x", then" -> "remove target from "x"". */
function withoutThen(prose: string): string {
    const cut = prose.endsWith("then") ? prose.slice(0, -"then".length).trimEnd() : prose;
    return cut.endsWith(",") ? cut.slice(0, -1) : cut;
}

/** Splits a fix's text into the prose ahead of it and its statements: the first place from which the rest parses as statements. */
export function parseFixCode(body: string): { instructions?: string; code: string; file: TS.SourceFile; statements: FixStatement[] } | undefined {
    const t = ts();
    const starts = [...body.matchAll(/(?:^|(?<=\s))(?:const [A-Za-z_$][\w$]* = )?new [A-Za-z_$][\w$.]*\(/g)].map((m) => m.index ?? 0);
    for (const start of starts.slice(0, 20)) {
        const code = body.slice(start);
        const file = t.createSourceFile("fix.ts", code, t.ScriptTarget.Latest, true);
        const statements = file.statements.map(statementOf);
        if (statements.length > 0 && statements.every((s) => s !== undefined)) {
            const instructions = withoutThen(body.slice(0, start).trim());
            return { ...(instructions !== "" ? { instructions } : {}), code, file, statements: statements as FixStatement[] };
        }
    }
    return undefined;
}

// ---------------------------------------------------------------------------
// The program's files.

interface ProgramFile {
    path: string;
    text: string;
    file: TS.SourceFile;
    /** Every identifier the file declares or uses: names new variables must avoid. */
    identifiers: Set<string>;
}

class ProgramFiles {
    private readonly files = new Map<string, ProgramFile | undefined>();

    get(path: string): ProgramFile | undefined {
        if (!this.files.has(path)) {
            this.files.set(path, this.read(path));
        }
        return this.files.get(path);
    }

    private read(path: string): ProgramFile | undefined {
        if (!/\.[cm]?tsx?$/.test(path)) {
            return undefined;
        }
        let text: string;
        try {
            text = fs.readFileSync(path, "utf8");
        } catch {
            return undefined;
        }
        const t = ts();
        const file = t.createSourceFile(path, text, t.ScriptTarget.Latest, true);
        const identifiers = new Set<string>();
        const visit = (n: TS.Node): void => {
            if (t.isIdentifier(n)) {
                identifiers.add(n.text);
            }
            t.forEachChild(n, visit);
        };
        visit(file);
        return { path, text, file, identifiers };
    }
}

/** A resource's `new ...(...)` call in the program, the statement holding it, and the variable it is bound to. */
interface Declaration {
    pf: ProgramFile;
    newExpr: TS.NewExpression;
    statement: TS.Statement;
    variable?: string;
}

function declarationOf(r: EngineResource | undefined, files: ProgramFiles): Declaration | undefined {
    const t = ts();
    const source = r?.source;
    if (source === undefined) {
        return undefined;
    }
    const pf = files.get(source.file);
    if (pf === undefined || source.line > pf.file.getLineStarts().length) {
        return undefined;
    }
    const pos = pf.file.getPositionOfLineAndCharacter(source.line - 1, source.column - 1);
    let found: TS.NewExpression | undefined;
    const visit = (n: TS.Node): void => {
        if (found !== undefined || pos < n.pos || pos >= n.end) {
            return;
        }
        if (t.isNewExpression(n) && n.getStart(pf.file) === pos) {
            found = n;
            return;
        }
        t.forEachChild(n, visit);
    };
    visit(pf.file);
    // The call at the position must make this resource's type, not a component or a wrapper around it.
    const callee = (found as TS.NewExpression | undefined)?.expression.getText(pf.file).split(".").pop();
    if (found === undefined || r === undefined || callee !== typeParts(r.type).resource) {
        return undefined;
    }
    let statement: TS.Node = found;
    while (!t.isSourceFile(statement.parent) && !t.isBlock(statement.parent) && !t.isModuleBlock(statement.parent)) {
        statement = statement.parent;
        if (statement.parent === undefined) {
            return undefined;
        }
    }
    const parent = found.parent;
    const variable = t.isVariableDeclaration(parent) && t.isIdentifier(parent.name) && parent.initializer === found ? parent.name.text : undefined;
    return { pf, newExpr: found, statement: statement as TS.Statement, ...(variable !== undefined ? { variable } : {}) };
}

/** Whether `decl`'s variable can be used next to `at` (new code goes after `at` only when `at` is `decl`): declared earlier in a block that holds `at`. */
function inScope(decl: Declaration, at: Declaration): boolean {
    if (decl.variable !== undefined && decl.statement === at.statement) {
        return true;
    }
    return decl.variable !== undefined && decl.pf === at.pf && decl.statement.end <= at.statement.getStart(at.pf.file) &&
        decl.statement.parent.pos <= at.statement.pos && at.statement.end <= decl.statement.parent.end;
}

// ---------------------------------------------------------------------------
// Edits.

/** A change of the file's text: [start, end) becomes text. */
interface TextChange {
    start: number;
    end: number;
    text: string;
}

type Renames = ReadonlyMap<string, string>;

/** A node's text from the fix's code, with the placeholders' variables renamed and `{ ..., ` placeholders dropped. */
function printed(node: TS.Node, code: TS.SourceFile, renames: Renames): string {
    const t = ts();
    const changes: TextChange[] = [];
    const visit = (n: TS.Node): void => {
        if (t.isPropertyAccessExpression(n) && t.isIdentifier(n.expression) && renames.has(n.expression.text)) {
            changes.push({ start: n.expression.getStart(code), end: n.expression.end, text: renames.get(n.expression.text) as string });
        }
        if (t.isObjectLiteralExpression(n)) {
            const i = n.properties.findIndex(isPlaceholder);
            if (i >= 0) {
                const p = n.properties[i];
                const next = n.properties[i + 1];
                changes.push({ start: p.getStart(code), end: next !== undefined ? next.getStart(code) : p.end, text: "" });
            }
        }
        t.forEachChild(n, visit);
    };
    visit(node);
    const base = node.getStart(code);
    let text = code.text.slice(base, node.end);
    for (const c of changes.filter((x) => x.start >= base && x.end <= node.end).sort((x, y) => y.start - x.start)) {
        text = text.slice(0, c.start - base) + c.text + text.slice(c.end - base);
    }
    return text.replace(/\{\s+\}/g, "{}");
}

function propertyKey(p: TS.ObjectLiteralElementLike): string | undefined {
    const t = ts();
    if ((t.isPropertyAssignment(p) || t.isShorthandPropertyAssignment(p)) && (t.isIdentifier(p.name) || t.isStringLiteral(p.name))) {
        return p.name.text;
    }
    return undefined;
}

function lineIndent(pf: ProgramFile, pos: number): string {
    const line = pf.file.getLineAndCharacterOfPosition(pos).line;
    const start = pf.file.getLineStarts()[line];
    return /^[ \t]*/.exec(pf.text.slice(start))?.[0] ?? "";
}

/**
 * A value the program works out (a variable, a config read, a component's
 * input, a call) rather than writes down: replacing it with the fix's literal
 * passes, but the user should know the value no longer comes from there.
 */
function isComputed(node: TS.Expression): boolean {
    const t = ts();
    if (t.isParenthesizedExpression(node) || t.isAsExpression(node) || t.isNonNullExpression(node)) {
        return isComputed(node.expression);
    }
    if (t.isPrefixUnaryExpression(node)) {
        return isComputed(node.operand);
    }
    return t.isIdentifier(node) ? node.text !== "undefined" : t.isPropertyAccessExpression(node) || t.isElementAccessExpression(node) || t.isCallExpression(node) || t.isConditionalExpression(node) || t.isBinaryExpression(node);
}

/** A short, single-line excerpt of the program's code for a note. */
function excerpt(code: string): string {
    const line = toOneLine(code, " ");
    return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/**
 * Merges the fix's properties into the user's object literal: a property the
 * fix names is replaced (or merged, where the fix keeps the rest with `...`),
 * a missing one is added after the last; the user's others stay as they are.
 */
function mergeInto(fixObj: TS.ObjectLiteralExpression, userObj: TS.ObjectLiteralExpression, code: TS.SourceFile, pf: ProgramFile, renames: Renames, out: TextChange[], replaced: ReplacedExpression[]): string | undefined {
    const t = ts();
    const added: string[] = [];
    for (const p of fixObj.properties) {
        if (isPlaceholder(p)) {
            continue;
        }
        const key = propertyKey(p);
        if (key === undefined || !t.isPropertyAssignment(p)) {
            return "the fix's code has a property it cannot place";
        }
        const mine = userObj.properties.find((u) => propertyKey(u) === key);
        const value = p.initializer;
        if (t.isObjectLiteralExpression(value) && value.properties.some(isPlaceholder) && mine !== undefined) {
            if (!t.isPropertyAssignment(mine) || !t.isObjectLiteralExpression(mine.initializer)) {
                return `the program sets ${key} to an expression, not an object the fix can add to`;
            }
            const why = mergeInto(value, mine.initializer, code, pf, renames, out, replaced);
            if (why !== undefined) {
                return why;
            }
            continue;
        }
        if (hasPlaceholder(value) && !(t.isObjectLiteralExpression(value) && mine === undefined)) {
            return `the fix shows only part of ${key}`;
        }
        const text = printed(value, code, renames);
        if (mine === undefined) {
            added.push(`${p.name.getText(code)}: ${text}`);
        } else if (t.isPropertyAssignment(mine)) {
            if (isComputed(mine.initializer) && !isComputed(value)) {
                replaced.push({ property: key, was: excerpt(mine.initializer.getText(pf.file)), becomes: text });
            }
            out.push({ start: mine.initializer.getStart(pf.file), end: mine.initializer.end, text });
        } else {
            out.push({ start: mine.getStart(pf.file), end: mine.end, text: `${key}: ${text}` });
        }
    }
    if (added.length > 0) {
        const props = userObj.properties;
        if (props.length === 0) {
            out.push({ start: userObj.getStart(pf.file), end: userObj.end, text: `{ ${added.join(", ")} }` });
        } else {
            const last = props[props.length - 1];
            const multiline = pf.file.getLineAndCharacterOfPosition(last.getStart(pf.file)).line !== pf.file.getLineAndCharacterOfPosition(userObj.getStart(pf.file)).line;
            const comma = props.hasTrailingComma;
            const at = comma ? pf.text.indexOf(",", last.end) + 1 : last.end;
            if (multiline) {
                const indent = lineIndent(pf, last.getStart(pf.file));
                const lines = added.map((x) => `\n${indent}${x}`);
                out.push({ start: at, end: at, text: comma ? lines.map((l) => `${l},`).join("") : `,${lines.join(",")}` });
            } else {
                out.push({ start: at, end: at, text: `${comma ? " " : ", "}${added.join(", ")}` });
            }
        }
    }
    return undefined;
}

/** The changes as whole-line edits: each run of touched lines, rewritten. */
function lineEdits(pf: ProgramFile, changes: readonly TextChange[]): FixEdit[] {
    const sorted = [...changes].sort((a, b) => a.start - b.start);
    const lineOf = (pos: number) => pf.file.getLineAndCharacterOfPosition(pos).line;
    const starts = pf.file.getLineStarts();
    const groups: { first: number; last: number; changes: TextChange[] }[] = [];
    for (const c of sorted) {
        const first = lineOf(c.start);
        const last = lineOf(c.end);
        const g = groups[groups.length - 1];
        if (g !== undefined && first <= g.last + 1) {
            g.last = Math.max(g.last, last);
            g.changes.push(c);
        } else {
            groups.push({ first, last, changes: [c] });
        }
    }
    return groups.map((g) => {
        const from = starts[g.first];
        if (g.changes.every((c) => c.start === from && c.end === from && c.text.endsWith("\n"))) {
            return { file: pf.path, startLine: g.first + 1, endLine: g.first, text: g.changes.map((c) => c.text).join("").replace(/\r?\n$/, "") };
        }
        const lineEnd = g.last + 1 < starts.length ? starts[g.last + 1] - 1 : pf.text.length;
        let text = pf.text.slice(from, lineEnd);
        for (const c of [...g.changes].sort((a, b) => b.start - a.start)) {
            text = text.slice(0, c.start - from) + c.text + text.slice(c.end - from);
        }
        return { file: pf.path, startLine: g.first + 1, endLine: g.last + 1, text: text.replace(/\r$/, "") };
    });
}

// ---------------------------------------------------------------------------
// Putting one fix into the program.

export interface FixContext {
    resources: readonly EngineResource[];
    files: ProgramFiles;
}

export function fixContext(resources: readonly EngineResource[]): FixContext {
    return { resources, files: new ProgramFiles() };
}

function findResource(ctx: FixContext, typeText: string, name: string): EngineResource | undefined {
    return ctx.resources.find((r) => r.name === name && resourceTypeName(r.type, "typescript") === typeText);
}

/** The API a stage belongs to, by the property dependency of its apiId. */
function apiOfStage(ctx: FixContext, stage: EngineResource | undefined): EngineResource | undefined {
    const urns = stage?.propertyDependencies.apiId ?? stage?.dependencies ?? [];
    return ctx.resources.find((r) => urns.includes(r.urn) && isApiType(r.type));
}

/** The protocol of the API of the violation's stage, where the program says it. */
function protocolOf(ctx: FixContext, violation: Violation): "HTTP" | "WEBSOCKET" | undefined {
    const r = ctx.resources.find((x) => x.urn === violation.resourceUrn);
    const api = r !== undefined && isStageType(r.type) ? apiOfStage(ctx, r) : r !== undefined && isApiType(r.type) ? r : undefined;
    const p = api?.inputs.protocolType;
    return p === "HTTP" || p === "WEBSOCKET" ? p : undefined;
}

function conditionHolds(when: string | undefined, protocol: "HTTP" | "WEBSOCKET" | undefined): boolean {
    if (when === undefined || protocol === undefined) {
        return true;
    }
    if (/WebSocket/.test(when)) {
        return protocol === "WEBSOCKET";
    }
    return /HTTP/.test(when) ? protocol === "HTTP" : true;
}

/** The variables a fix uses but does not declare, that the program declares: `api` is the violation's API, `key` the stack's one KMS key. */
function placeholderResource(ctx: FixContext, violation: Violation, variable: string): EngineResource | undefined {
    const r = ctx.resources.find((x) => x.urn === violation.resourceUrn);
    if (variable === "api") {
        return r !== undefined && isApiType(r.type) ? r : apiOfStage(ctx, r);
    }
    if (variable === "key") {
        const keys = ctx.resources.filter((x) => x.type === "aws:kms/key:Key");
        return keys.length === 1 ? keys[0] : undefined;
    }
    return undefined;
}

const roleAndAccountTypes = ["aws.iam.Role", "aws.iam.RolePolicyAttachment", "aws.apigateway.Account", "aws_native.apigateway.Account"];

/**
 * A new resource's name argument. The pack names a stage's log group after
 * the stage; where the program computes the stage's name (a component's
 * `${name}-stage`), the log group's name is computed the same way, so that
 * each instance of the component gets its own.
 */
function nameFor(s: FixStatement, changed: readonly FixStatement[], anchors: ReadonlyMap<FixStatement, Declaration>, pf: ProgramFile): string {
    const t = ts();
    for (const c of changed) {
        const suffix = s.name.startsWith(c.name) ? s.name.slice(c.name.length) : undefined;
        const arg = anchors.get(c)?.newExpr.arguments?.[0];
        if (suffix !== undefined && suffix !== "" && arg !== undefined && t.isTemplateExpression(arg)) {
            return `${arg.getText(pf.file).slice(0, -1)}${suffix.replace(/[`\\$]/g, "\\$&")}\``;
        }
    }
    return JSON.stringify(s.name);
}

/** The fix placed in the program, or why it cannot be. */
function place(ctx: FixContext, violation: Violation, parsed: NonNullable<ReturnType<typeof parseFixCode>>): { edits: FixEdit[]; replaces: ReplacedExpression[] } | { unplaced: string } {
    const t = ts();
    let statements = parsed.statements;
    // The stack has the account-level role already: the fix says to leave its own out.
    if (ctx.resources.some((r) => isApiGatewayAccountType(r.type)) && statements.some((s) => /\.Account$/.test(s.typeText))) {
        statements = statements.filter((s) => !roleAndAccountTypes.includes(s.typeText));
    }
    const changed = statements.filter((s) => s.changes);
    const anchors = new Map<FixStatement, Declaration>();
    for (const s of changed) {
        const decl = declarationOf(findResource(ctx, s.typeText, s.name), ctx.files);
        if (decl === undefined) {
            return { unplaced: `analyze cannot find the program's own call that declares ${s.typeText} "${s.name}"` };
        }
        anchors.set(s, decl);
    }
    const violating = declarationOf(ctx.resources.find((r) => r.urn === violation.resourceUrn), ctx.files);
    // New resources go right before the first changed one, or after the violating resource (they use it).
    const earliest = [...anchors.values()].sort((a, b) => a.statement.pos - b.statement.pos)[0];
    const first = changed.length > 0 ? earliest : violating;
    if (first === undefined) {
        return { unplaced: "analyze cannot find where the program declares the resource" };
    }
    const pf = first.pf;
    if ([...anchors.values()].some((d) => d.pf !== pf)) {
        return { unplaced: "the fix changes resources declared in different files" };
    }
    const declared = new Set(statements.flatMap((s) => (s.variable !== undefined ? [s.variable] : [])));
    const renames = new Map<string, string>();
    for (const s of statements) {
        const visit = (n: TS.Node): void => {
            if (t.isPropertyAccessExpression(n) && t.isIdentifier(n.expression)) {
                const v = n.expression.text;
                if (!declared.has(v) && v !== "JSON" && !renames.has(v)) {
                    const decl = declarationOf(placeholderResource(ctx, violation, v), ctx.files);
                    if (decl?.variable !== undefined && inScope(decl, first)) {
                        renames.set(v, decl.variable);
                    } else if (!pf.identifiers.has(v)) {
                        renames.set(v, "");
                    }
                }
            }
            t.forEachChild(n, visit);
        };
        visit(s.props);
    }
    const missing = [...renames].filter(([, to]) => to === "").map(([from]) => from);
    if (missing.length > 0) {
        return { unplaced: `the fix uses ${missing.join(", ")}, which the program does not declare where the fix goes` };
    }
    // A new variable must not clash with one of the program's.
    for (const v of declared) {
        if (pf.identifiers.has(v)) {
            let n = 2;
            while (pf.identifiers.has(`${v}${n}`)) {
                n++;
            }
            renames.set(v, `${v}${n}`);
        }
    }
    const changes: TextChange[] = [];
    const replaces: ReplacedExpression[] = [];
    for (const s of changed) {
        const decl = anchors.get(s) as Declaration;
        const userProps = decl.newExpr.arguments?.[1];
        if (userProps === undefined || !t.isObjectLiteralExpression(userProps)) {
            return { unplaced: `the program passes ${s.typeText} "${s.name}" its properties as an expression, not an object the fix can add to` };
        }
        const why = mergeInto(s.props, userProps, parsed.file, pf, renames, changes, replaces);
        if (why !== undefined) {
            return { unplaced: why };
        }
    }
    const created = statements.filter((s) => !s.changes);
    if (created.length > 0) {
        // Whole lines, before the changed statement's first line or after the violating one's last.
        const starts = pf.file.getLineStarts();
        const line = changed.length > 0
            ? pf.file.getLineAndCharacterOfPosition(first.statement.getStart(pf.file)).line
            : pf.file.getLineAndCharacterOfPosition(first.statement.end).line + 1;
        const at = line < starts.length ? starts[line] : pf.text.length;
        const indent = lineIndent(pf, first.statement.getStart(pf.file));
        const lines = created.map((s) => {
            const variable = s.variable !== undefined ? renames.get(s.variable) ?? s.variable : undefined;
            const call = `new ${s.typeText}(${nameFor(s, changed, anchors, pf)}, ${printed(s.props, parsed.file, renames)})`;
            return `${indent}${variable !== undefined ? `const ${variable} = ${call};` : `${call};`}\n`;
        });
        changes.push({ start: at, end: at, text: `${at === pf.text.length && !pf.text.endsWith("\n") ? "\n" : ""}${lines.join("")}` });
    }
    if (statements.some((s) => s.typeText.startsWith("aws.")) && !pf.identifiers.has("aws")) {
        changes.push({ start: 0, end: 0, text: 'import * as aws from "@pulumi/aws";\n' });
    }
    return { edits: lineEdits(pf, changes), replaces };
}

/** The violation's TypeScript fixes, each placed in the program where it can be. */
export function programFixes(ctx: FixContext, violation: Violation): ProgramFix[] {
    const protocol = protocolOf(ctx, violation);
    return fixLines(violation.message).flatMap(({ when, body }): ProgramFix[] => {
        const parsed = parseFixCode(body);
        if (parsed === undefined) {
            return [];
        }
        const applies = conditionHolds(when, protocol);
        // Placing the fix leaves out the role and account the stack has already: nothing left to do by hand.
        const todo = parsed.instructions !== undefined && !/^leave out the role and the account where the stack has them already$/.test(parsed.instructions) ? parsed.instructions : undefined;
        const head = { ...(when !== undefined ? { when } : {}), applies, ...(todo !== undefined ? { instructions: todo } : {}), code: parsed.code };
        if (!applies) {
            return [{ ...head, edits: [], unplaced: `the API is ${protocol === "WEBSOCKET" ? "a WebSocket" : "an HTTP"} API` }];
        }
        let placed: { edits: FixEdit[]; replaces: ReplacedExpression[] } | { unplaced: string };
        try {
            placed = place(ctx, violation, parsed);
        } catch {
            // A program analyze cannot read the way it expects is no reason to fail the report.
            placed = { unplaced: "analyze could not read the program's source" };
        }
        if (!("edits" in placed)) {
            return [{ ...head, edits: [], unplaced: placed.unplaced }];
        }
        return [{ ...head, edits: placed.edits, ...(placed.replaces.length > 0 ? { replaces: placed.replaces } : {}) }];
    });
}

/** The note under a placed fix that writes over the program's expression. */
export function replacedNote(r: ReplacedExpression): string {
    return `the fix writes ${r.property}: ${r.becomes} over the program's ${r.was}; pasted as it is, the stack passes. If that value comes from stack config or a component's input, set ${r.becomes} there instead and keep the line, so it stays configurable.`;
}

/** Where an edit goes, for the reports: "after line 7, insert", "line 9 becomes", "lines 8-12 become". */
export function editPlace(e: FixEdit): string {
    if (e.endLine < e.startLine) {
        return `after line ${e.endLine}, insert`;
    }
    return e.startLine === e.endLine ? `line ${e.startLine} becomes` : `lines ${e.startLine}-${e.endLine} become`;
}
