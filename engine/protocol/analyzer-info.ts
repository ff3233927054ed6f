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

export type PolicySeverity = "low" | "medium" | "high" | "critical";

/** What a report says about a policy, beyond what config needs. */
export interface PolicyMetadata {
    name: string;
    displayName: string;
    description: string;
    type: "resource" | "stack";
    severity?: PolicySeverity;
    tags: string[];
    remediationSteps: string;
    url: string;
}

export function severityName(value: number): PolicySeverity | undefined {
    const { analyzer } = loadProto();
    switch (value) {
        case analyzer.PolicySeverity.POLICY_SEVERITY_LOW:
            return "low";
        case analyzer.PolicySeverity.POLICY_SEVERITY_MEDIUM:
            return "medium";
        case analyzer.PolicySeverity.POLICY_SEVERITY_HIGH:
            return "high";
        case analyzer.PolicySeverity.POLICY_SEVERITY_CRITICAL:
            return "critical";
        default:
            return undefined;
    }
}

export function policyMetadataOf(p: analyzerTypes.PolicyInfo): PolicyMetadata {
    const { analyzer } = loadProto();
    const severity = severityName(p.getSeverity());
    return {
        name: p.getName(),
        displayName: p.getDisplayname(),
        description: p.getDescription(),
        type: p.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_STACK ? "stack" : "resource",
        ...(severity !== undefined ? { severity } : {}),
        tags: [...p.getTagsList()],
        remediationSteps: p.getRemediationSteps(),
        url: p.getUrl(),
    };
}
