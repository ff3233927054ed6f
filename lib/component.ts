import { quote } from "./quote";

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
    const pkg = type.split(":")[0];
    if (type === "pulumi:pulumi:Stack" || pkg === "pulumi" || pkg === "aws" || pkg === "aws-native" || name === "") {
        return undefined;
    }
    return { type, name };
}

/** "It is made inside component acme:x:Api "chat": ..." for a problem line. */
export function componentNote(component: Component): string {
    return `It is made inside component ${quote(component.type)} ${quote(component.name)}: turn access logging on through that component's inputs where it has one, else pass the settings below to the code that makes the stage.`;
}
