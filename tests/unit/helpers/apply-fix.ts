import * as assert from "assert";
import { Fix, FixProperty, FixValue, JsonObject, JsonValue, ResourceSnippet } from "../../../lib/fix-snippets";
import { FixVariant, recordFixes } from "../../../lib/messages";
import { isApiGatewayAccountType } from "../../../lib/resource-types";
import { accountId, clone, region } from "./fixtures";
import { resourceUrn, TestResource, Violation } from "./policy-harness";

// Applies a violation's fix to a test stack from the fix's data model
// (lib/fix-snippets.ts), the way a user pastes it: a snippet with `more`
// changes the named resource's given properties and keeps the rest; one
// without creates (or replaces) the resource; `variable.property` is that
// resource's output, and the property that holds it depends on it. Nothing
// here reads the rendered text.

const fixesByText = new Map<string, readonly FixVariant[]>();

/** Starts recording the fixes the pack builds, keyed by their rendered lines. */
export function startRecordingFixes(): void {
    recordFixes((rendered, variants) => fixesByText.set(rendered, variants));
}

export function stopRecordingFixes(): void {
    recordFixes(undefined);
    fixesByText.clear();
}

/** The fixes of a violation, from the data the pack rendered its Fix lines from. */
export function fixesOf(v: Violation): readonly FixVariant[] {
    const lines = v.message.split("\n").filter((line) => line.startsWith("Fix"));
    const variants = fixesByText.get(lines.join("\n"));
    assert.ok(variants, `no recorded fix for: ${lines.join(" / ").slice(0, 300)}`);
    return variants;
}

/** The fix that holds for the stage's protocol, as the user would pick it. */
export function fixFor(v: Violation, webSocket: boolean): Fix {
    const variants = fixesOf(v);
    if (variants.length === 1) {
        return variants[0].fix;
    }
    const chosen = variants.find((x) => x.when === (webSocket ? "on a WebSocket API" : "on an HTTP API"));
    assert.ok(chosen, `no fix for ${webSocket ? "WebSocket" : "HTTP"} among ${variants.map((x) => x.when).join(", ")}`);
    return chosen.fix;
}

const kmsKeyArn = `arn:aws:kms:${region}:${accountId}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;

interface Scope {
    stack: TestResource[];
    /** Resources the fix binds to variables. */
    bound: Map<string, TestResource>;
    /** The resource the violation is about (a quick-create fix's `api`). */
    target: TestResource;
    placeholders: Readonly<Record<string, string>>;
    /** URNs each top-level property's value came from. */
    deps: Map<string, Set<string>>;
}

function jsonValue(value: JsonValue): unknown {
    if (typeof value === "string") {
        return value;
    }
    if (Array.isArray(value)) {
        return (value as readonly JsonValue[]).map(jsonValue);
    }
    return Object.fromEntries((value as JsonObject).fields.map(([k, v]) => [k, jsonValue(v)]));
}

function outputOf(variable: string, property: string, scope: Scope, topLevel: string): unknown {
    if (variable === "key" && property === "arn") {
        return kmsKeyArn; // A KMS key the user has: the fix names it, it does not create it.
    }
    const resource = scope.bound.get(variable) ?? (variable === "api" ? scope.target : undefined);
    assert.ok(resource, `the fix refers to ${variable}.${property}, which it does not create`);
    const deps = scope.deps.get(topLevel) ?? new Set<string>();
    deps.add(resourceUrn(resource));
    scope.deps.set(topLevel, deps);
    const value = resource.props[property];
    assert.ok(value !== undefined, `${resource.name} has no output ${property}`);
    return value;
}

function evaluate(value: FixValue, existing: unknown, scope: Scope, topLevel: string): unknown {
    switch (value.kind) {
        case "string":
        case "longString":
            return scope.placeholders[value.value] ?? value.value;
        case "number":
        case "boolean":
            return value.value;
        case "output":
            return outputOf(value.variable, value.property, scope, topLevel);
        case "json": {
            assert.ok(!value.more, "an elided JSON format cannot be applied");
            return JSON.stringify(jsonValue({ fields: value.fields }));
        }
        case "args": {
            const base = value.more && existing !== null && typeof existing === "object" ? clone(existing) as Record<string, unknown> : {};
            for (const p of value.properties) {
                base[p.name] = evaluate(p.value, base[p.name], scope, topLevel);
            }
            return base;
        }
    }
}

function setProperties(props: Record<string, unknown>, properties: readonly FixProperty[], scope: Scope): void {
    for (const p of properties) {
        props[p.name] = evaluate(p.value, props[p.name], scope, p.name);
    }
}

/** The outputs a new resource of these types gets from its provider, as the pack reads them. */
function withOutputs(r: TestResource): TestResource {
    const props = r.props;
    switch (r.type) {
        case "aws:cloudwatch/logGroup:LogGroup":
            props.name ??= `${r.name}-1a2b3c4`;
            props.arn = `arn:aws:logs:${region}:${accountId}:log-group:${String(props.name)}`;
            break;
        case "aws-native:logs:LogGroup":
            props.logGroupName ??= `${r.name}-1a2b3c4`;
            props.arn = `arn:aws:logs:${region}:${accountId}:log-group:${String(props.logGroupName)}:*`;
            break;
        case "aws:iam/role:Role":
            props.name ??= `${r.name}-1a2b3c4`;
            props.arn = `arn:aws:iam::${accountId}:role/${String(props.name)}`;
            break;
        default:
            break;
    }
    return r;
}

function isRoleOrAccount(type: string): boolean {
    return isApiGatewayAccountType(type) || type === "aws:iam/role:Role" || type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
}

function applySnippet(snippet: ResourceSnippet, scope: Scope): void {
    const index = scope.stack.findIndex((r) => r.type === snippet.type && r.name === snippet.name);
    scope.deps = new Map();
    let resource: TestResource;
    if (snippet.more) {
        assert.ok(index >= 0, `the fix changes ${snippet.type} "${snippet.name}", which is not in the stack`);
        resource = clone(scope.stack[index]);
        setProperties(resource.props, snippet.properties, scope);
    } else {
        resource = { type: snippet.type, name: snippet.name, props: {} };
        setProperties(resource.props, snippet.properties, scope);
        withOutputs(resource);
    }
    if (scope.deps.size > 0) {
        const propertyDependencies = { ...resource.propertyDependencies };
        for (const [key, urns] of scope.deps) {
            propertyDependencies[key] = [...urns];
        }
        resource.propertyDependencies = propertyDependencies;
        resource.dependencies = [...new Set(Object.values(propertyDependencies).flat())];
    }
    if (index >= 0) {
        scope.stack[index] = resource;
    } else {
        scope.stack.push(resource);
    }
    if (snippet.variable !== undefined) {
        scope.bound.set(snippet.variable, resource);
    }
}

/** Whether the fix's prose asks to leave out the role and account where the stack has them. */
function skipsExistingAccount(fix: Fix): boolean {
    return (fix.before ?? []).some((part) => typeof part === "string" && part.includes("leave out the role and the account"));
}

/** Properties the fix's prose removes: `remove <property> from <quoted resource>`. */
function removals(fix: Fix): { property: string; resource: string }[] {
    const parts = fix.before ?? [];
    const out: { property: string; resource: string }[] = [];
    for (let i = 0; i + 2 < parts.length; i++) {
        const [a, b, c, d] = [parts[i], parts[i + 1], parts[i + 2], parts[i + 3]];
        if (a === "remove " && typeof b === "object" && "property" in b && c === " from " && typeof d === "object" && "quoted" in d) {
            out.push({ property: b.property, resource: d.quoted });
        }
    }
    return out;
}

/** The stack after the fix, applied to the resource the violation names. */
export function applyFix(stack: readonly TestResource[], v: Violation, fix: Fix, placeholders: Readonly<Record<string, string>> = {}): TestResource[] {
    const target = stack.find((r) => resourceUrn(r) === v.urn);
    assert.ok(target, `the violation's resource ${v.urn} is not in the stack`);
    const scope: Scope = { stack: stack.map(clone), bound: new Map(), target, placeholders, deps: new Map() };
    for (const { property, resource } of removals(fix)) {
        const i = scope.stack.findIndex((r) => r.name === resource);
        assert.ok(i >= 0, `the fix removes ${property} from ${resource}, which is not in the stack`);
        delete scope.stack[i].props[property];
    }
    const hasAccount = stack.some((r) => isApiGatewayAccountType(r.type));
    for (const snippet of fix.resources) {
        if (hasAccount && skipsExistingAccount(fix) && isRoleOrAccount(snippet.type)) {
            continue;
        }
        applySnippet(snippet, scope);
    }
    return scope.stack;
}
