// What @pulumi/policy's server hands policies, rebuilt for in-process timing
// with the SDK's own code: props deserialized from a protobuf Struct by the
// SDK's deserializer and wrapped in its unknownCheckingProxy; config as the
// engine sends it (each schema property's default).
import { ResourceValidationPolicy, StackValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { loadProto } from "../engine/protocol/proto";

// Internal SDK module, from the very package the pack runs against.
export const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: unknown, keepSecrets: boolean): Record<string, unknown>;
};

/** A stack policy's view of one resource (the fields this pack's policies read). */
export interface SdkResource {
    type: string;
    urn: string;
    name: string;
    props: Record<string, unknown>;
    parent?: SdkResource;
    dependencies: SdkResource[];
    propertyDependencies: Record<string, SdkResource[]>;
}

/** Props as the SDK's server builds them for Analyze and AnalyzeStack. */
export function sdkProps(props: Record<string, unknown>): Record<string, unknown> {
    const { struct } = loadProto();
    return unknownCheckingProxy(deserializeProperties(struct.Struct.fromJavaScript(props as any), false));
}

/** The policy's config with every schema default, as Configure delivers it. */
export function configDefaults(policy: ResourceValidationPolicy | StackValidationPolicy): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (schema !== null && typeof schema === "object" && "default" in schema) {
            out[key] = (schema as { default: unknown }).default;
        }
    }
    return out;
}
