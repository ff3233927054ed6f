// How reports name the place a resource is declared.
import * as path from "path";
import { InputReport } from "./run-report";
import { componentOf } from "../../lib/component";
import { quote } from "../../lib/quote";
import { ComponentLabel, EngineResource, SourceLocation } from "../resource-model";

/** The source file relative to `base`, with forward slashes; the path as recorded when it is not absolute (state files). */
export function relativeSource(source: SourceLocation, base: string): string {
    if (!path.isAbsolute(source.file)) {
        return source.file.split(path.sep).join("/");
    }
    return path.relative(base, source.file).split(path.sep).join("/");
}

/** The source file relative to the program's directory (or the state file's, for an absolute path it records). */
export function sourceFile(source: SourceLocation, input: InputReport): string {
    return relativeSource(source, input.kind === "program" ? input.absolutePath : path.dirname(input.absolutePath));
}

/** `index.ts:15:15`, relative to the program's directory. */
export function sourceLabel(source: SourceLocation, input: InputReport): string {
    return `${sourceFile(source, input)}:${source.line}:${source.column}`;
}

/**
 * The outermost component under the stack that a resource was made in: the
 * user's own call, where a library's component makes the stage. Walks the
 * parent chain through the input's resources.
 */
export function outermostComponent(resource: EngineResource | undefined, byUrn: ReadonlyMap<string, EngineResource>): ComponentLabel | undefined {
    let found: ComponentLabel | undefined;
    let parent = resource?.parent;
    for (let depth = 0; parent !== undefined && depth < 100; depth++) {
        const component = componentOf(parent);
        if (component === undefined) {
            break;
        }
        found = { ...component, urn: parent };
        parent = byUrn.get(parent)?.parent;
    }
    return found;
}

/** `component "acme:x:Api" "orders"`. */
export function componentLabel(component: ComponentLabel): string {
    return `component ${quote(component.type)} ${quote(component.name)}`;
}
