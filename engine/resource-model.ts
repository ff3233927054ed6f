// The in-memory shape every input (state file, program run, test fixture) is
// turned into before the driver marshals it for the pack. Values are plain JSON
// in the engine's own wire conventions: an unknown is one of the engine's
// sentinel strings and a secret is the signature envelope, so marshalling adds
// nothing but the protobuf wrapping.

export const unknownSentinels = {
    boolean: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    asset: "030794c1-ac77-496b-92df-f27374a8bd58",
    archive: "e48ece36-62e2-4504-bad9-02848725956a",
    object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
} as const;

/** The key and value that mark an object as a secret envelope on the wire. */
export const specialSigKey = "4dabf18193072939515e22adb298388d";
export const secretSig = "1b47061264138c4ac30d75fd1eb44270";

export function secret(value: unknown): Record<string, unknown> {
    return { [specialSigKey]: secretSig, value };
}

export interface EngineResource {
    urn: string;
    type: string;
    name: string;
    /** What `Analyze` sees: inputs after the provider's Check. */
    inputs: Record<string, unknown>;
    /** What `AnalyzeStack` sees. */
    outputs: Record<string, unknown>;
    parent?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Provider reference as `<provider URN>::<provider id>`, if any. */
    provider?: string;
    /** Where the program declares it, when known. */
    source?: SourceLocation;
    /** Properties the program set that a transform removed before registration, with where the transform was registered when known. */
    removedByTransform?: RemovedByTransform[];
}

export interface RemovedByTransform {
    property: string;
    transform?: SourceLocation;
}

export interface Violation {
    resourceUrn: string;
    message: string;
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    /** Where the violating resource is declared, when known (added by the CLI, not sent by the pack). */
    source?: SourceLocation;
    /** The outermost component under the stack the resource was made in, if any (added by the CLI). */
    component?: ComponentLabel;
    /**
     * --update only: a stack policy's result that `pulumi up` would never
     * reach, because a mandatory Analyze violation stops the update first.
     */
    notReachedByUp?: boolean;
    /** Properties of the resource a transform removed (added by the CLI). */
    removedByTransform?: RemovedByTransform[];
    /** A program's TypeScript fixes placed in its own files (added by the CLI, engine/reports/program-fixes.ts). */
    programFixes?: ProgramFix[];
}

/** Whole lines `startLine`..`endLine` (1-based, inclusive) of `file` become `text`; an insertion has endLine = startLine - 1. */
export interface FixEdit {
    file: string;
    startLine: number;
    endLine: number;
    text: string;
}

/** One Fix line of a violation, as TypeScript code and as edits of the program. */
export interface ProgramFix {
    /** When the fix holds, as the message says ("on a WebSocket API"); absent for the only fix. */
    when?: string;
    /** False when analyze knows the condition does not hold (the API's protocol is the other one). */
    applies: boolean;
    /** What the fix asks the user to do by hand, ahead of its code. */
    instructions?: string;
    /** The pack's TypeScript code, as in the message. */
    code: string;
    /** The code placed in the program: empty when it could not be (see `unplaced`). */
    edits: FixEdit[];
    /** Why the fix could not be placed in the program. */
    unplaced?: string;
    /**
     * Values the placed fix writes over an expression of the program (a
     * config read, a component's input): pasted, the stack passes, but the
     * value no longer comes from there.
     */
    replaces?: ReplacedExpression[];
}

export interface ReplacedExpression {
    property: string;
    /** The program's expression, at most a short excerpt. */
    was: string;
    /** What the fix writes instead. */
    becomes: string;
}

/**
 * Where a resource is declared. `file` is an absolute path for a program run,
 * or what a state file records (`project:///index.ts` becomes `index.ts`,
 * relative to the project's directory).
 */
export interface SourceLocation {
    file: string;
    line: number;
    column: number;
}

/** A component resource, as reports name it. */
export interface ComponentLabel {
    type: string;
    name: string;
    urn: string;
}

/** A policy that did not apply to a resource (Analyze) or to the stack (AnalyzeStack, resourceUrn ""). */
export interface NotApplicableResult {
    resourceUrn: string;
    policyName: string;
    reason: string;
}
