// Outputs of other stacks, for `new pulumi.StackReference(name)`.
//
// The engine reads a referenced stack's outputs from the backend, in preview
// as in update. Without a backend the user may supply them in a JSON file
// keyed by stack name (`--stack-reference-outputs FILE`); otherwise they stay
// unknown in both modes, so the verdicts match and the report says so once.
import * as fs from "fs";

import { InputError } from "../../errors";
import { isPlainObject } from "../../../lib/read-property";
import { quote } from "./program-errors";
import { specialSigKey } from "../../resource-model";

/** The SDK's marker for an Output value on the wire (`specialOutputValueSig` in runtime/rpc). */
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

export type StackOutputs = Record<string, Record<string, unknown>>;

/** Reads the file once, before anything runs: a bad file is one `error:` line. */
export function readStackReferenceOutputs(file: string): StackOutputs {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(`cannot read --stack-reference-outputs file ${quote(file)}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}`);
    }
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new InputError(`--stack-reference-outputs file ${quote(file)} is not JSON: ${(e as Error).message}`);
    }
    if (!isPlainObject(doc)) {
        throw new InputError(`--stack-reference-outputs file ${quote(file)} must be a JSON object keyed by stack name, e.g. {"org/network/prod": {"vpcId": "vpc-1"}}`);
    }
    for (const [stack, outputs] of Object.entries(doc)) {
        if (!isPlainObject(outputs)) {
            throw new InputError(`--stack-reference-outputs file ${quote(file)}: the outputs of stack ${quote(stack)} must be a JSON object`);
        }
    }
    return doc as StackOutputs;
}

/** A value the SDK reads as an unknown Output in an update as in a preview (a plain unknown sentinel becomes undefined there). */
export function unknownOutputValue(): Record<string, unknown> {
    return { [specialSigKey]: OUTPUT_VALUE_SIG };
}

/** Answers each StackReference read and remembers which ones stayed unknown. */
export class StackReferences {
    readonly unknown = new Set<string>();

    constructor(private readonly given: StackOutputs | undefined) {}

    /** The state of the StackReference resource, as the engine's builtin provider returns it. */
    outputs(stack: string): Record<string, unknown> {
        const values = this.given && Object.prototype.hasOwnProperty.call(this.given, stack) ? this.given[stack] : undefined;
        if (values === undefined) {
            this.unknown.add(stack);
            // An output value without a value is unknown to the SDK in an update
            // too; the plain unknown sentinel would become undefined there, and
            // `getOutput` would then throw inside the SDK.
            const unknown = unknownOutputValue();
            return { name: stack, outputs: unknown, secretOutputNames: unknown };
        }
        return { name: stack, outputs: values, secretOutputNames: [] };
    }

    note(): string | undefined {
        if (this.unknown.size === 0) {
            return undefined;
        }
        const names = [...this.unknown].map((s) => quote(s)).join(", ");
        const how = this.given ? "are not in the --stack-reference-outputs file" : "were not supplied (use --stack-reference-outputs FILE)";
        return `the outputs of stack reference ${names} ${how}, so they are unknown, as in a preview of a stack that cannot read them`;
    }
}
