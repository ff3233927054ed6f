import { PolicyComplianceFramework } from "@pulumi/policy";

// The compliance controls the policies implement, as Pulumi Cloud shows them.
// Ids and titles are checked against the primary sources named in docs/governance.md
// ("Governance in Pulumi Cloud").

/** A control of AWS Foundational Security Best Practices (AWS Security Hub). */
export function awsFsbp(reference: string, specification: string): PolicyComplianceFramework {
    return { name: "AWS Foundational Security Best Practices", version: "v1.0.0", reference, specification };
}

/** A control of NIST SP 800-53 Revision 5. */
export function nist80053(reference: string, specification: string): PolicyComplianceFramework {
    return { name: "NIST SP 800-53", version: "Rev. 5", reference, specification };
}
