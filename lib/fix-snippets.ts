import { escapeControlChars, maxQuotedChars, quote } from "./quote";

// Fix snippets in the language of the user's program. A policy describes its
// fix once, as data (which resource, which properties, which values); this
// module writes it in TypeScript, Python, Go, C#, Java or Pulumi YAML, using
// each SDK's own names (checked against the pulumi-aws and pulumi-aws-native
// SDK sources; see the README's "Messages" section).

export type Language = "typescript" | "python" | "go" | "csharp" | "java" | "yaml";

export const languages: readonly Language[] = ["typescript", "python", "go", "csharp", "java", "yaml"];

/** The stack tag the Pulumi CLI sets on every update to the program's runtime. */
export const runtimeTag = "pulumi:runtime";

const languageOfRuntime: Readonly<Record<string, Language>> = {
    nodejs: "typescript",
    python: "python",
    go: "go",
    dotnet: "csharp",
    java: "java",
    yaml: "yaml",
};

/** The runtimes `pulumi:runtime` can name, as `npm run analyze --runtime` accepts them. */
export const runtimes: readonly string[] = Object.keys(languageOfRuntime);

export function languageOfRuntimeName(runtime: unknown): Language | undefined {
    if (typeof runtime !== "string") {
        return undefined;
    }
    const key = runtime.trim().toLowerCase();
    return Object.prototype.hasOwnProperty.call(languageOfRuntime, key) ? languageOfRuntime[key] : undefined;
}

/**
 * The language to write fixes in, from the stack tags the SDK hands a policy
 * (`args.stackTags`, a read-only Map). A new stack's first preview has no
 * tags, older SDKs pass none, and anything malformed counts as none:
 * TypeScript, the pack's own language, is the default.
 */
export function languageOfStackTags(stackTags: unknown): Language {
    if (stackTags === null || typeof stackTags !== "object") {
        return "typescript";
    }
    try {
        const get = (stackTags as { get?: unknown }).get;
        const value = typeof get === "function" ? (get as (key: string) => unknown).call(stackTags, runtimeTag) : undefined;
        return languageOfRuntimeName(value) ?? "typescript";
    } catch {
        return "typescript";
    }
}

// ---------------------------------------------------------------------------
// What a fix says, independent of language.

/** A JSON value a fix writes with the language's JSON encoder: strings, lists and objects (as ordered fields). */
export type JsonValue = string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
    readonly fields: readonly (readonly [string, JsonValue])[];
}

export type FixValue =
    | { kind: "string"; value: string }
    /** A string written whole, in pieces of at most 80 characters joined by the language's `+`, e.g. a format to keep. */
    | { kind: "longString"; value: string }
    | { kind: "number"; value: number }
    | { kind: "boolean"; value: boolean }
    /** An output of another resource of the program, e.g. `logGroup.arn`. */
    | { kind: "output"; variable: string; property: string }
    /** A JSON object, written with the language's JSON encoder. */
    | { kind: "json"; fields: readonly (readonly [string, JsonValue])[]; more?: boolean }
    /** A nested input object, e.g. `StageAccessLogSettingsArgs`; `more` keeps its other fields. */
    | { kind: "args"; typeName: string; properties: readonly FixProperty[]; more: boolean };

export interface FixProperty {
    /** The property's schema name (camelCase, as in TypeScript). */
    name: string;
    value: FixValue;
}

export interface ResourceSnippet {
    /** The type token, e.g. `aws:apigatewayv2/stage:Stage`. */
    type: string;
    /** The resource's name in the program: user input, so it is quoted to 80 characters. */
    name: string;
    /** A camelCase variable to bind the new resource to, for later snippets to refer to. */
    variable?: string;
    properties: readonly FixProperty[];
    /** The resource's other properties stay as they are (`...`). */
    more: boolean;
}

/** Prose that names properties and resource types, written per language. */
export type TextPart = string | { property: string } | { resourceType: string } | { quoted: string };
export type Text = readonly TextPart[];

export interface Fix {
    /** Prose ahead of the code, such as "remove target from the API, then". */
    before?: Text;
    resources: readonly ResourceSnippet[];
    /** A trailing comment. */
    after?: Text;
}

export const str = (value: string): FixValue => ({ kind: "string", value });
export const num = (value: number): FixValue => ({ kind: "number", value });
export const bool = (value: boolean): FixValue => ({ kind: "boolean", value });
export const output = (variable: string, property: string): FixValue => ({ kind: "output", variable, property });
export const longStr = (value: string): FixValue => ({ kind: "longString", value });
/** A JSON object; with `more`, the object's other fields stay as they are (`...`). */
export const json = (fields: readonly (readonly [string, JsonValue])[], more = false): FixValue => ({ kind: "json", fields, more });
export const jsonObject = (fields: readonly (readonly [string, JsonValue])[]): JsonObject => ({ fields });
export const args = (typeName: string, properties: readonly FixProperty[], more = false): FixValue => ({ kind: "args", typeName, properties, more });
export const prop = (name: string, value: FixValue): FixProperty => ({ name, value });

// ---------------------------------------------------------------------------
// Names.

/**
 * `accessLogSettings` -> `access_log_settings`, `cloudWatchRoleArn` ->
 * `cloud_watch_role_arn`, `HTTPServer` -> `http_server`. One pass, no regex:
 * a regex for the acronym rule backtracks on long capital runs.
 */
export function snakeCase(name: string): string {
    const isUpper = (c: string | undefined) => c !== undefined && c >= "A" && c <= "Z";
    const isLower = (c: string | undefined) => c !== undefined && c >= "a" && c <= "z";
    const isLowerOrDigit = (c: string | undefined) => isLower(c) || (c !== undefined && c >= "0" && c <= "9");
    let out = "";
    for (let i = 0; i < name.length; i++) {
        const c = name[i];
        if (isUpper(c) && i > 0 && (isLowerOrDigit(name[i - 1]) || (isUpper(name[i - 1]) && isLower(name[i + 1])))) {
            out += "_";
        }
        out += c.toLowerCase();
    }
    return out;
}

export function pascalCase(name: string): string {
    return name.length === 0 ? name : name[0].toUpperCase() + name.slice(1);
}

/** One property name as the language's SDK spells it. */
export function propertyName(name: string, lang: Language): string {
    switch (lang) {
        case "python":
            return snakeCase(name);
        case "go":
        case "csharp":
            return pascalCase(name);
        default:
            return name;
    }
}

/** A dotted property path, such as `accessLogSettings.destinationArn`, in the language's names. */
export function propertyPath(path: string, lang: Language): string {
    return path.split(".").map((segment) => propertyName(segment, lang)).join(".");
}

function variableName(variable: string, lang: Language): string {
    return lang === "python" ? snakeCase(variable) : variable;
}

interface TypeParts {
    /** `aws` or `aws-native`. */
    pkg: string;
    /** `apigatewayv2`, `cloudwatch`, `logs`, ... */
    module: string;
    /** `Stage`, `LogGroup`, ... */
    resource: string;
}

/** Splits `aws:apigatewayv2/stage:Stage` and `aws-native:logs:LogGroup`. */
export function typeParts(type: string): TypeParts {
    const [pkg = "", middle = "", resource = ""] = type.split(":");
    return { pkg, module: middle.split("/")[0], resource };
}

// C# namespaces are not derivable from module names: each provider's schema
// lists them (pulumi-aws sdk/dotnet/ApiGatewayV2, CloudWatch, ApiGateway;
// pulumi-aws-native sdk/dotnet/ApiGatewayV2, Logs).
const csharpModule: Readonly<Record<string, string>> = {
    apigatewayv2: "ApiGatewayV2",
    apigateway: "ApiGateway",
    cloudwatch: "CloudWatch",
    logs: "Logs",
    iam: "Iam",
    kms: "Kms",
};

function packageName(pkg: string, lang: Language): string {
    const native = pkg === "aws-native";
    switch (lang) {
        case "typescript":
        case "python":
            return native ? "aws_native" : "aws";
        case "csharp":
            return native ? "AwsNative" : "Aws";
        default:
            return pkg;
    }
}

/** How prose names a resource type: `aws.apigatewayv2.Integration`, `apigatewayv2.Integration`, ... */
export function resourceTypeName(type: string, lang: Language): string {
    const t = typeParts(type);
    switch (lang) {
        case "typescript":
        case "python":
            return `${packageName(t.pkg, lang)}.${t.module}.${t.resource}`;
        case "go":
            return `${t.module}.${t.resource}`;
        case "csharp":
            return `${packageName(t.pkg, lang)}.${csharpModule[t.module] ?? pascalCase(t.module)}.${t.resource}`;
        case "java":
            return t.resource;
        case "yaml":
            return `${t.pkg}:${t.module}:${t.resource}`;
    }
}

// ---------------------------------------------------------------------------
// Literals.

// Beyond what JSON.stringify escapes: C1 controls, line and paragraph
// separators, zero-width and bidirectional marks, which would break the
// one-line message or make it read differently.
function escapeUnsafe(ch: string): string {
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

const unsafeInLiteral = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * A double-quoted string literal valid in every target language (JSON
 * escapes), of at most 80 characters of the value, with "…" when cut.
 */
export function stringLiteral(value: string): string {
    let excerpt = value;
    if (value.length > maxQuotedChars) {
        excerpt = value.slice(0, maxQuotedChars);
        const last = excerpt.charCodeAt(excerpt.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
            excerpt = excerpt.slice(0, -1);
        }
        excerpt += "…";
    }
    return JSON.stringify(excerpt).replace(unsafeInLiteral, escapeUnsafe);
}

function isIdentifier(key: string): boolean {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
}

// ---------------------------------------------------------------------------
// Rendering.

interface Context {
    lang: Language;
    /** The enclosing resource's package and module, for nested args type names. */
    type: TypeParts;
    /** YAML refers to resources by their logical names: variable -> name, for resources of this fix. */
    yamlNames: ReadonlyMap<string, string>;
}

function renderValue(value: FixValue, ctx: Context): string {
    const { lang } = ctx;
    switch (value.kind) {
        case "string":
            return lang === "go" ? `pulumi.String(${stringLiteral(value.value)})` : stringLiteral(value.value);
        case "longString":
            return renderLongString(value.value, lang);
        case "number":
            return lang === "go" ? `pulumi.Int(${value.value})` : String(value.value);
        case "boolean":
            if (lang === "go") {
                return `pulumi.Bool(${value.value})`;
            }
            return lang === "python" ? (value.value ? "True" : "False") : String(value.value);
        case "output":
            return renderOutput(value.variable, value.property, ctx);
        case "json":
            return renderJson(value.fields, lang, value.more === true);
        case "args":
            return renderArgs(value, ctx);
    }
}

function renderOutput(variable: string, property: string, ctx: Context): string {
    const v = variableName(variable, ctx.lang);
    switch (ctx.lang) {
        case "go":
            // The Go SDK exposes a resource's ID as a method, every other output as a field.
            return property === "id" ? `${v}.ID()` : `${v}.${pascalCase(property)}`;
        case "csharp":
            return `${v}.${pascalCase(property)}`;
        case "java":
            return `${v}.${property}()`;
        case "python":
            return `${v}.${snakeCase(property)}`;
        case "yaml": {
            const name = ctx.yamlNames.get(variable);
            return stringLiteral(`\${${name !== undefined && /^[A-Za-z_][\w-]*$/.test(name) ? name : variable}.${property}}`);
        }
        default:
            return `${v}.${property}`;
    }
}

/** Pieces of at most 80 characters, cut after a space where one is near, never inside a surrogate pair. */
export function stringPieces(value: string): string[] {
    const pieces: string[] = [];
    let rest = value;
    while (rest.length > maxQuotedChars) {
        let cut = rest.lastIndexOf(" ", maxQuotedChars - 1) + 1;
        if (cut < maxQuotedChars / 2) {
            cut = maxQuotedChars;
        }
        const code = rest.charCodeAt(cut - 1);
        if (code >= 0xd800 && code <= 0xdbff) {
            cut--;
        }
        pieces.push(rest.slice(0, cut));
        rest = rest.slice(cut);
    }
    pieces.push(rest);
    return pieces;
}

function renderLongString(value: string, lang: Language): string {
    const pieces = stringPieces(value).map(stringLiteral);
    if (lang === "yaml") {
        return pieces.length === 1 ? pieces[0] : `{ fn::join: [ "", [ ${pieces.join(", ")} ] ] }`;
    }
    const joined = pieces.join(" + ");
    return lang === "go" ? `pulumi.String(${joined})` : joined;
}

function jsonKey(key: string, lang: Language): string {
    return (lang === "typescript" || lang === "yaml") && isIdentifier(key) ? key : stringLiteral(key);
}

/** One JSON value as a literal of the language's JSON-encodable values. */
function jsonLiteral(value: JsonValue, lang: Language): string {
    if (typeof value === "string") {
        return stringLiteral(value);
    }
    if (Array.isArray(value)) {
        const items = (value as readonly JsonValue[]).map((v) => jsonLiteral(v, lang));
        switch (lang) {
            case "csharp":
                return `new object[] { ${items.join(", ")} }`;
            case "java":
                return `jsonArray(${items.join(", ")})`;
            default:
                return `[${items.join(", ")}]`;
        }
    }
    const fields = (value as JsonObject).fields;
    switch (lang) {
        case "typescript":
        case "yaml":
            return `{ ${fields.map(([k, v]) => `${jsonKey(k, lang)}: ${jsonLiteral(v, lang)}`).join(", ")} }`;
        case "python":
            // dict(key=...) rather than a dict literal, which would be a JSON text itself: a message must not
            // repeat a user's format, and a format is often exactly such a JSON text.
            return fields.every(([k]) => isIdentifier(k))
                ? `dict(${fields.map(([k, v]) => `${k}=${jsonLiteral(v, lang)}`).join(", ")})`
                : `{${fields.map(([k, v]) => `${stringLiteral(k)}: ${jsonLiteral(v, lang)}`).join(", ")}}`;
        case "go":
            return `{ ${fields.map(([k, v]) => `${JSON.stringify(k)}: ${goJsonText(v)}`).join(", ")} }`;
        case "csharp":
            return `new Dictionary<string, object> { ${fields.map(([k, v]) => `[${stringLiteral(k)}] = ${jsonLiteral(v, lang)}`).join(", ")} }`;
        case "java":
            return `jsonObject(${fields.map(([k, v]) => `jsonProperty(${stringLiteral(k)}, ${jsonLiteral(v, lang)})`).join(", ")})`;
    }
}

/** Go has no one-line JSON encoder call: the JSON text itself, spaced so that it is not the compact text a user's format often is. */
function goJsonText(value: JsonValue): string {
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    if (Array.isArray(value)) {
        return `[${(value as readonly JsonValue[]).map(goJsonText).join(", ")}]`;
    }
    return `{ ${(value as JsonObject).fields.map(([k, v]) => `${JSON.stringify(k)}: ${goJsonText(v)}`).join(", ")} }`;
}

function renderJson(fields: readonly (readonly [string, JsonValue])[], lang: Language, more: boolean): string {
    const whole = jsonLiteral({ fields }, lang);
    // `...` goes right after the object's opening bracket or call: `{ ...`, `dict(...`, `jsonObject(...`.
    const open = /^[^{(]*[{(] ?/.exec(whole)?.[0] ?? "";
    const object = more ? `${open}...${fields.length > 0 ? ", " : ""}${whole.slice(open.length)}` : whole;
    switch (lang) {
        case "typescript":
            return `JSON.stringify(${object})`;
        case "python":
            return `json.dumps(${object})`;
        case "go": {
            const text = object.replace(unsafeInLiteral, escapeUnsafe);
            return text.includes("`") ? `pulumi.String(${stringLiteral(text)})` : `pulumi.String(\`${text}\`)`;
        }
        case "csharp":
            return `JsonSerializer.Serialize(${object})`;
        case "java":
            return `serializeJson(${object})`;
        case "yaml":
            return `{ fn::toJSON: ${object} }`;
    }
}

function renderArgs(value: Extract<FixValue, { kind: "args" }>, ctx: Context): string {
    const { lang } = ctx;
    const pkg = packageName(ctx.type.pkg, lang);
    switch (lang) {
        case "typescript":
        case "yaml":
            return `{ ${entries(value.properties, value.more, ctx, ": ")} }`;
        case "python":
            return `${pkg}.${ctx.type.module}.${value.typeName}Args(${entries(value.properties, value.more, ctx, "=")})`;
        case "go":
            return `&${ctx.type.module}.${value.typeName}Args{${entries(value.properties, value.more, ctx, ": ")}}`;
        case "csharp":
            return `new ${pkg}.${csharpModule[ctx.type.module] ?? pascalCase(ctx.type.module)}.Inputs.${value.typeName}Args { ${entries(value.properties, value.more, ctx, " = ")} }`;
        case "java":
            return javaBuilder(`${value.typeName}Args`, value.properties, value.more, ctx);
    }
}

function entries(properties: readonly FixProperty[], more: boolean, ctx: Context, separator: string): string {
    const parts = properties.map((p) => `${propertyName(p.name, ctx.lang)}${separator}${renderValue(p.value, ctx)}`);
    return (more ? ["...", ...parts] : parts).join(", ");
}

function javaBuilder(className: string, properties: readonly FixProperty[], more: boolean, ctx: Context): string {
    const calls = properties.map((p) => `.${p.name}(${renderValue(p.value, ctx)})`).join("");
    return `${className}.builder()${more ? " ... " : ""}${calls}.build()`;
}

function renderResource(r: ResourceSnippet, ctx: Context): string {
    const { lang } = ctx;
    const t = typeParts(r.type);
    const inner: Context = { ...ctx, type: t };
    const name = stringLiteral(r.name);
    const variable = r.variable === undefined ? undefined : variableName(r.variable, lang);
    switch (lang) {
        case "typescript": {
            const call = `new ${resourceTypeName(r.type, lang)}(${name}, { ${entries(r.properties, r.more, inner, ": ")} })`;
            return variable === undefined ? call : `const ${variable} = ${call}`;
        }
        case "python": {
            const call = `${resourceTypeName(r.type, lang)}(${[name, entries(r.properties, r.more, inner, "=")].filter((s) => s !== "").join(", ")})`;
            return variable === undefined ? call : `${variable} = ${call}`;
        }
        case "go": {
            const call = `${t.module}.New${t.resource}(ctx, ${name}, &${t.module}.${t.resource}Args{${entries(r.properties, r.more, inner, ": ")}})`;
            return variable === undefined ? call : `${variable}, err := ${call}`;
        }
        case "csharp": {
            // The args type spelled out rather than `new()`, so that the line is valid C# of every version (mcs parses it).
            const call = `new ${resourceTypeName(r.type, lang)}(${name}, new ${resourceTypeName(r.type, lang)}Args { ${entries(r.properties, r.more, inner, " = ")} })`;
            return variable === undefined ? call : `var ${variable} = ${call}`;
        }
        case "java": {
            const call = `new ${t.resource}(${name}, ${javaBuilder(`${t.resource}Args`, r.properties, r.more, inner)})`;
            return variable === undefined ? call : `var ${variable} = ${call}`;
        }
        case "yaml":
            return `${name}: { type: ${resourceTypeName(r.type, lang)}, properties: { ${entries(r.properties, r.more, inner, ": ")} } }`;
    }
}

export function renderText(text: Text, lang: Language): string {
    return text.map((part) => {
        if (typeof part === "string") {
            return escapeControlChars(part);
        }
        if ("property" in part) {
            return propertyPath(part.property, lang);
        }
        if ("resourceType" in part) {
            return resourceTypeName(part.resourceType, lang);
        }
        return quote(part.quoted);
    }).join("");
}

function commentPrefix(lang: Language): string {
    return lang === "python" || lang === "yaml" ? "#" : "//";
}

/** The fix as one line of code in the language, with any prose and comment. */
export function renderFix(fix: Fix, lang: Language): string {
    const yamlNames = new Map(fix.resources.filter((r) => r.variable !== undefined).map((r) => [r.variable as string, r.name]));
    const ctx: Context = { lang, type: { pkg: "", module: "", resource: "" }, yamlNames };
    const statements = fix.resources.map((r) => renderResource(r, ctx));
    const code = lang === "yaml" ? `resources: { ${statements.join(", ")} }` : statements.join("; ");
    const before = fix.before === undefined ? "" : `${renderText(fix.before, lang)} `;
    const after = fix.after === undefined ? "" : ` ${commentPrefix(lang)} ${renderText(fix.after, lang)}`;
    return `${before}${code}${after}`;
}
