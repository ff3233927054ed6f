// The output shapes of a provider's resources and lookups, read from the
// declaration files its Node SDK ships.
//
// Why the .d.ts files: @pulumi/aws (and aws-native) ship no schema JSON; the
// package's generated TypeScript is the only copy of the provider schema in
// node_modules, and it is the one that matches the version the program
// installed. Each resource class declares its outputs as
// `readonly name: pulumi.Output<T>`, where `T` includes `| undefined` when the
// provider may leave it unset; lookups declare `interface GetXResult`; nested
// object types live in `types/output.d.ts`. Only the files a run needs are
// parsed (TypeScript's parser, no type checking), and each is parsed once per
// process: a resource's own file takes about a millisecond, and a namespace of
// `types/output.d.ts` is cut out by its header line before it is parsed, so
// the 5 MB file is never parsed whole.
import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";

export type Shape =
    | { kind: "string" | "number" | "boolean" | "any" }
    | { kind: "array" | "map"; of: Shape }
    | { kind: "object"; fields: () => readonly Field[]; requiredInputs: () => ReadonlySet<string> | undefined }
    | { kind: "skip" };

export interface Field {
    name: string;
    shape: Shape;
    /** `T | undefined` or `name?:`: the provider may leave it unset. */
    optional: boolean;
}

let tsModule: typeof TS | undefined;
function ts(): typeof TS {
    tsModule ??= require("typescript") as typeof TS;
    return tsModule;
}

const fileCache = new Map<string, TS.SourceFile | undefined>();
const namespaceCache = new Map<string, Map<string, TS.InterfaceDeclaration>>();

/**
 * Where a token's declarations live in its package:
 * `aws:lambda/function:Function` -> `lambda/function.d.ts`,
 * `aws:index/getRegion:getRegion` -> `getRegion.d.ts`,
 * `aws-native:apigatewayv2:Api` -> `apigatewayv2/api.d.ts`.
 */
export function declarationFile(pkgDir: string, token: string): string | undefined {
    const parts = token.split(":");
    if (parts.length !== 3) {
        return undefined;
    }
    const [, mod, member] = parts;
    const [dir, file] = mod.includes("/") ? mod.split("/", 2) : [mod, member.charAt(0).toLowerCase() + member.slice(1)];
    const candidates = [path.join(pkgDir, dir === "index" ? "" : dir, `${file}.d.ts`)];
    return candidates.find((f) => fs.existsSync(f));
}

function parse(file: string): TS.SourceFile | undefined {
    if (!fileCache.has(file)) {
        let source: TS.SourceFile | undefined;
        try {
            source = ts().createSourceFile(file, fs.readFileSync(file, "utf8"), ts().ScriptTarget.Latest, false);
        } catch {
            source = undefined;
        }
        fileCache.set(file, source);
    }
    return fileCache.get(file);
}

const resourceCache = new Map<string, Field[] | undefined>();

/** The outputs a resource class declares, or undefined when the package has no such class. */
export function resourceOutputs(pkgDir: string, token: string): Field[] | undefined {
    const key = `${pkgDir}\0${token}`;
    if (!resourceCache.has(key)) {
        resourceCache.set(key, readResourceOutputs(pkgDir, token));
    }
    return resourceCache.get(key);
}

function readResourceOutputs(pkgDir: string, token: string): Field[] | undefined {
    const file = declarationFile(pkgDir, token);
    const source = file ? parse(file) : undefined;
    const className = token.split(":")[2];
    const cls = source?.statements.find((s): s is TS.ClassDeclaration => ts().isClassDeclaration(s) && s.name?.text === className);
    if (!cls) {
        return undefined;
    }
    const fields: Field[] = [];
    for (const member of cls.members) {
        if (!ts().isPropertyDeclaration(member) || !ts().isIdentifier(member.name) || !member.type || isStatic(member)) {
            continue;
        }
        const inner = outputArgument(member.type);
        if (inner) {
            fields.push(field(pkgDir, member.name.text, inner, false));
        }
    }
    return fields;
}

/** The fields of a lookup's result (`aws:route53/getZone:getZone` -> `GetZoneResult`). */
export function invokeResult(pkgDir: string, token: string): Field[] | undefined {
    const file = declarationFile(pkgDir, token);
    const source = file ? parse(file) : undefined;
    const fn = token.split(":")[2] ?? "";
    const name = `${fn.charAt(0).toUpperCase()}${fn.slice(1)}Result`;
    const decl = source?.statements.find((s): s is TS.InterfaceDeclaration => ts().isInterfaceDeclaration(s) && s.name.text === name);
    return decl ? interfaceFields(pkgDir, decl) : undefined;
}

function isStatic(member: TS.PropertyDeclaration): boolean {
    return (member.modifiers ?? []).some((m) => m.kind === ts().SyntaxKind.StaticKeyword);
}

/** `pulumi.Output<T>` -> T. */
function outputArgument(type: TS.TypeNode): TS.TypeNode | undefined {
    if (!ts().isTypeReferenceNode(type) || !type.typeArguments || type.typeArguments.length !== 1) {
        return undefined;
    }
    const name = type.typeName;
    const text = ts().isQualifiedName(name) ? name.right.text : name.text;
    return text === "Output" ? type.typeArguments[0] : undefined;
}

function field(pkgDir: string, name: string, type: TS.TypeNode, questionMark: boolean): Field {
    const { shape, optional } = shapeOf(pkgDir, type);
    return { name, shape, optional: optional || questionMark };
}

function interfaceFields(pkgDir: string, decl: TS.InterfaceDeclaration): Field[] {
    const fields: Field[] = [];
    for (const member of decl.members) {
        if (ts().isPropertySignature(member) && member.type && (ts().isIdentifier(member.name) || ts().isStringLiteral(member.name))) {
            fields.push(field(pkgDir, member.name.text, member.type, member.questionToken !== undefined));
        }
    }
    return fields;
}

function shapeOf(pkgDir: string, type: TS.TypeNode): { shape: Shape; optional: boolean } {
    const t = ts();
    if (t.isParenthesizedTypeNode(type)) {
        return shapeOf(pkgDir, type.type);
    }
    if (t.isUnionTypeNode(type)) {
        const isUndefined = (n: TS.TypeNode) =>
            n.kind === t.SyntaxKind.UndefinedKeyword || (t.isLiteralTypeNode(n) && n.literal.kind === t.SyntaxKind.NullKeyword);
        const rest = type.types.filter((n) => !isUndefined(n));
        const first = rest.length > 0 ? shapeOf(pkgDir, rest[0]).shape : ({ kind: "skip" } as Shape);
        return { shape: first, optional: rest.length < type.types.length };
    }
    switch (type.kind) {
        case t.SyntaxKind.StringKeyword:
            return { shape: { kind: "string" }, optional: false };
        case t.SyntaxKind.NumberKeyword:
            return { shape: { kind: "number" }, optional: false };
        case t.SyntaxKind.BooleanKeyword:
            return { shape: { kind: "boolean" }, optional: false };
        case t.SyntaxKind.AnyKeyword:
        case t.SyntaxKind.UnknownKeyword:
            return { shape: { kind: "any" }, optional: false };
    }
    if (t.isLiteralTypeNode(type)) {
        return { shape: { kind: t.isNumericLiteral(type.literal) ? "number" : "string" }, optional: false };
    }
    if (t.isArrayTypeNode(type)) {
        return { shape: { kind: "array", of: shapeOf(pkgDir, type.elementType).shape }, optional: false };
    }
    if (t.isTypeLiteralNode(type)) {
        const index = type.members.find((m): m is TS.IndexSignatureDeclaration => t.isIndexSignatureDeclaration(m));
        if (index) {
            return { shape: { kind: "map", of: shapeOf(pkgDir, index.type).shape }, optional: false };
        }
        return { shape: { kind: "any" }, optional: false };
    }
    if (t.isTypeReferenceNode(type)) {
        const parts = qualifiedParts(type.typeName);
        if (parts[0] === "outputs" && parts.length >= 2) {
            const namespaces = parts.slice(1, -1);
            const name = parts[parts.length - 1];
            return {
                shape: {
                    kind: "object",
                    fields: () => outputTypeFields(pkgDir, namespaces, name),
                    requiredInputs: () => requiredInputFields(pkgDir, namespaces, name),
                },
                optional: false,
            };
        }
        if (parts[0] === "enums") {
            // Generated enums are string or number constants; outputs hold the value.
            return { shape: { kind: "string" }, optional: false };
        }
        if (parts[parts.length - 1] === "Record" && type.typeArguments?.length === 2) {
            return { shape: { kind: "map", of: shapeOf(pkgDir, type.typeArguments[1]).shape }, optional: false };
        }
        // Assets, archives and anything else the mocks cannot make up.
        return { shape: { kind: "skip" }, optional: false };
    }
    return { shape: { kind: "skip" }, optional: false };
}

function qualifiedParts(name: TS.EntityName): string[] {
    return ts().isQualifiedName(name) ? [...qualifiedParts(name.left), name.right.text] : [name.text];
}

const outputTypeCache = new Map<string, Field[]>();

/** Fields of `outputs.<ns...>.<name>` from the package's types/output.d.ts (read once: every registration of the type asks). */
function outputTypeFields(pkgDir: string, namespaces: string[], name: string): Field[] {
    const key = `${pkgDir}\0${namespaces.join(".")}\0${name}`;
    let fields = outputTypeCache.get(key);
    if (fields === undefined) {
        const decl = typesNamespace(pkgDir, "output", namespaces).get(name);
        fields = decl ? interfaceFields(pkgDir, decl) : [];
        outputTypeCache.set(key, fields);
    }
    return fields;
}

/**
 * The fields a program must give in the input type of the same name
 * (types/input.d.ts). The others, when the output type always has them, are
 * the ones the provider computes inside an object the program gave.
 */
function requiredInputFields(pkgDir: string, namespaces: string[], name: string): ReadonlySet<string> | undefined {
    const key = `${pkgDir}\0${namespaces.join(".")}\0${name}`;
    if (requiredInputCache.has(key)) {
        return requiredInputCache.get(key);
    }
    const decl = typesNamespace(pkgDir, "input", namespaces).get(name);
    let required: Set<string> | undefined;
    if (decl) {
        required = new Set<string>();
        for (const member of decl.members) {
            if (ts().isPropertySignature(member) && ts().isIdentifier(member.name) && member.questionToken === undefined) {
                required.add(member.name.text);
            }
        }
    }
    requiredInputCache.set(key, required);
    return required;
}

const requiredInputCache = new Map<string, ReadonlySet<string> | undefined>();

function typesNamespace(pkgDir: string, which: "input" | "output", namespaces: string[]): Map<string, TS.InterfaceDeclaration> {
    const key = `${pkgDir}\0${which}\0${namespaces.join(".")}`;
    const cached = namespaceCache.get(key);
    if (cached) {
        return cached;
    }
    const found = new Map<string, TS.InterfaceDeclaration>();
    namespaceCache.set(key, found);
    const text = typesChunk(pkgDir, which, namespaces[0]);
    if (text === undefined) {
        return found;
    }
    const t = ts();
    const source = t.createSourceFile(`${which}-${namespaces[0] ?? "index"}.d.ts`, text, t.ScriptTarget.Latest, false);
    let statements: readonly TS.Statement[] = source.statements;
    for (const ns of namespaces) {
        const mod = statements.find((s): s is TS.ModuleDeclaration => t.isModuleDeclaration(s) && s.name.text === ns);
        const body = mod?.body;
        statements = body && t.isModuleBlock(body) ? body.statements : [];
    }
    for (const s of statements) {
        if (t.isInterfaceDeclaration(s)) {
            found.set(s.name.text, s);
        }
    }
    return found;
}

const typesChunks = new Map<string, string | undefined>();

/**
 * The text of one top-level namespace of types/<which>.d.ts (undefined: the
 * declarations before the first). Only the chunk is kept: decoded from the
 * file's bytes, it holds no reference to the whole 5 MB text, which a run
 * would otherwise keep alive (twice, input and output) for its whole length.
 */
function typesChunk(pkgDir: string, which: "input" | "output", namespace: string | undefined): string | undefined {
    const file = path.join(pkgDir, "types", `${which}.d.ts`);
    const key = `${file}\0${namespace ?? ""}`;
    if (!typesChunks.has(key)) {
        typesChunks.set(key, readTypesChunk(file, namespace));
    }
    return typesChunks.get(key);
}

function readTypesChunk(file: string, namespace: string | undefined): string | undefined {
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(file);
    } catch {
        return undefined;
    }
    const header = "\nexport declare namespace ";
    const start = namespace === undefined ? 0 : bytes.indexOf(`${header}${namespace} {`);
    if (start < 0) {
        return undefined;
    }
    const end = bytes.indexOf(header, start + 1);
    return bytes.toString("utf8", start, end < 0 ? undefined : end);
}
