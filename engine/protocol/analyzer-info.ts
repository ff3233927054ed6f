import type * as analyzerTypes from "@pulumi/pulumi/proto/analyzer_pb";
import { EnforcementLevel, PolicyDescriptor } from "../inputs/config-file";
import { PackError } from "./pack-process";
import { loadProto } from "./proto";

// Translations between the Analyzer protocol's messages and the driver's
// plain types, shared by the session and the benchmark.

export function levelName(level: number): EnforcementLevel {
    const { analyzer } = loadProto();
    switch (level) {
        case analyzer.EnforcementLevel.ADVISORY:
            return "advisory";
        case analyzer.EnforcementLevel.MANDATORY:
            return "mandatory";
        case analyzer.EnforcementLevel.REMEDIATE:
            return "remediate";
        case analyzer.EnforcementLevel.DISABLED:
            return "disabled";
        default:
            throw new PackError(`the policy pack sent an unknown enforcement level ${level}`);
    }
}

export function levelValue(level: EnforcementLevel): number {
    const { analyzer } = loadProto();
    const map: Record<EnforcementLevel, number> = {
        advisory: analyzer.EnforcementLevel.ADVISORY,
        mandatory: analyzer.EnforcementLevel.MANDATORY,
        remediate: analyzer.EnforcementLevel.REMEDIATE,
        disabled: analyzer.EnforcementLevel.DISABLED,
    };
    return map[level];
}

/** A policy as GetAnalyzerInfo describes it. */
export function policyDescriptorOf(p: analyzerTypes.PolicyInfo): PolicyDescriptor {
    const { analyzer } = loadProto();
    const schema = p.getConfigschema();
    const descriptor: PolicyDescriptor = {
        name: p.getName(),
        type: p.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_STACK ? "stack" : "resource",
        enforcementLevel: levelName(p.getEnforcementlevel()),
        description: p.getDescription(),
    };
    if (schema !== undefined) {
        descriptor.configSchema = {
            properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
            required: schema.getRequiredList(),
        };
    }
    return descriptor;
}
