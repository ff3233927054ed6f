import { Language, pascalCase } from "./fix-snippets";
import { quote } from "./quote";
import { rawOwnEntries } from "./read-property";

// The component a resource was made in, from its parent's URN
// (`urn:pulumi:STACK::PROJECT::TYPE$...$TYPE::NAME`): where the user's lever
// is the component's call, not a `new Stage(...)` inside its code.

export interface Component {
    type: string;
    name: string;
}

/** The parent component, when the parent is one (not the stack, a provider or another provider resource). */
export function componentOf(parentUrn: unknown): Component | undefined {
    if (typeof parentUrn !== "string" || parentUrn.length > 4096 || !parentUrn.startsWith("urn:pulumi:")) {
        return undefined;
    }
    const parts = parentUrn.split("::");
    if (parts.length < 4) {
        return undefined;
    }
    const chain = parts[2];
    const type = chain.slice(chain.lastIndexOf("$") + 1);
    const name = parts.slice(3).join("::");
    if (!mayBeComponentType(type) || name === "") {
        return undefined;
    }
    return { type, name };
}

/**
 * False for a type that is surely not a component (a provider's resource or
 * Pulumi's own), checked on the type alone: every resource of a stack passes
 * here, and parsing each URN would cost every Analyze call.
 */
export function mayBeComponentType(type: unknown): boolean {
    return typeof type === "string" && !type.startsWith("aws:") && !type.startsWith("aws-native:") && !type.startsWith("pulumi:");
}

// Names that plainly say "access logging on/off", compared lower-case without
// separators: `apiGatewayAccessLoggingEnabled`, `enable_access_logs`,
// `accessLogging`. A name that only says "logging" counts only when no input
// says "access log": it may mean execution or function logs.
const accessLogSwitch = /^(enable)?(apigateway|apigw|api|stage|http|websocket)?accesslog(s|ging)?(enabled)?$/;
const loggingSwitch = /^(enable)?(apigateway|apigw|api|stage)?log(s|ging)?(enabled)?$/;

function switchKeys(props: unknown, pattern: RegExp): [string, unknown][] {
    return rawOwnEntries(props).filter(([key]) => key.length <= 100 && pattern.test(key.toLowerCase().replace(/[^a-z0-9]/g, "")));
}

/**
 * The one input of a component that plainly turns access logging on, when it
 * is set to false; undefined when there is none, several, or it is not a
 * plain `false` (true, unknown, secret, not a boolean). Absent inputs never
 * reach the engine, so they cannot be named.
 */
export function loggingSwitchOf(props: unknown): string | undefined {
    let candidates = switchKeys(props, accessLogSwitch);
    if (candidates.length === 0) {
        candidates = switchKeys(props, loggingSwitch);
    }
    return candidates.length === 1 && candidates[0][1] === false ? candidates[0][0] : undefined;
}

interface SeenComponent {
    parent: string | undefined;
    loggingSwitch: string | undefined;
}

// The engine analyzes a component before its children (a child's
// registration waits for its parent's URN), in the same pack process, and only
// Analyze carries a component's inputs (AnalyzeStack gets its registered
// outputs). So the stage's own policy, which owns the defect, can name the
// component's input by remembering components as they pass. Bounded: a stack
// with more components than this loses the names, never a verdict.
const maxRemembered = 10_000;
const seen = new Map<string, SeenComponent>();

/** Notes a resource that is not AWS's: its parent and its logging switch, if it has either. */
export function rememberComponent(urn: unknown, parentUrn: unknown, props: unknown): void {
    // componentOf reads a resource's own URN as it reads a parent's: its type and name.
    if (typeof urn !== "string" || componentOf(urn) === undefined) {
        return;
    }
    const parent = componentOf(parentUrn) !== undefined ? (parentUrn as string) : undefined;
    const loggingSwitch = loggingSwitchOf(props);
    if (parent === undefined && loggingSwitch === undefined) {
        seen.delete(urn);
        return;
    }
    if (seen.size >= maxRemembered && !seen.has(urn)) {
        seen.clear();
    }
    seen.set(urn, { parent, loggingSwitch });
}

/** Forgets every component (tests). */
export function forgetComponents(): void {
    seen.clear();
}

export interface ComponentSwitch {
    component: Component;
    input: string;
}

/** The outermost component above a resource whose input turns access logging off, as remembered. */
export function loggingSwitchAbove(parentUrn: unknown): ComponentSwitch | undefined {
    let found: ComponentSwitch | undefined;
    let urn = typeof parentUrn === "string" ? parentUrn : undefined;
    for (let depth = 0; urn !== undefined && depth < 100; depth++) {
        const entry = seen.get(urn);
        const component = componentOf(urn);
        if (entry === undefined || component === undefined) {
            break;
        }
        if (entry.loggingSwitch !== undefined) {
            found = { component, input: entry.loggingSwitch };
        }
        urn = entry.parent;
    }
    return found;
}

/** `apiGatewayAccessLoggingEnabled: true` as the program's language passes a component's input. */
export function switchOn(input: string, lang: Language): string {
    switch (lang) {
        case "python":
            return `${input}=True`;
        case "go":
            return `${pascalCase(input)}: pulumi.Bool(true)`;
        case "csharp":
            return `${pascalCase(input)} = true`;
        case "java":
            return `.${input}(true)`;
        default:
            return `${input}: true`;
    }
}

/** "It is made inside component acme:x:Api "chat": ..." for a problem line. */
export function componentNote(component: Component, lever?: ComponentSwitch, lang: Language = "typescript"): string {
    const made = `It is made inside component ${quote(component.type)} ${quote(component.name)}`;
    if (lever !== undefined) {
        return `${made}: turn it on with ${switchOn(lever.input, lang)} on component ${quote(lever.component.type)} ${quote(lever.component.name)} (its input ${lever.input} is false); the settings below are what the stage needs.`;
    }
    return `${made}: turn access logging on through that component's inputs where it has one, else pass the settings below to the code that makes the stage.`;
}
