// SARIF 2.1.0, for GitHub code scanning and the other tools that read it: one
// rule per policy, one result per violation, located where the program
// declares the resource (or, for a state file without positions, at the
// resource's entry in the file), with the URN as a logical location.
import { createHash } from "crypto";
import * as path from "path";
import { pathToFileURL } from "url";
import { PolicySeverity } from "../protocol/analyzer-info";
import { expiresIn, expiryWarningDays } from "../../lib/exemptions";
import { quote } from "../../lib/quote";
import { Violation } from "../resource-model";
import { activeExemptionOf, ExemptionUsage } from "./exemptions";
import { hasSeveralStacks } from "./input-label";
import { InputReport, RunReport } from "./run-report";

/** GitHub's bands: low 0.1-3.9, medium 4.0-6.9, high 7.0-8.9, critical 9.0-10.0. */
const securitySeverity: Record<PolicySeverity, string> = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" };

export const crossGuardUri = "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/";

export interface SarifOptions {
    /** Directory that relative artifact URIs start from: the repository root, else the working directory. */
    baseDir: string;
    /** Per state file (absolute path), the line of each resource's entry. */
    resourceLines: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** `ApiGatewayV2StageAccessLogging` from `apigatewayv2-stage-access-logging`: SARIF wants a readable identifier. */
export function ruleName(policyName: string): string {
    return policyName.split(/[^A-Za-z0-9]+/).filter((w) => w !== "").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

function sentence(text: string): string {
    const t = text.trim();
    return t === "" || /[.!?]$/.test(t) ? t : `${t}.`;
}

function artifactUri(file: string, opts: SarifOptions): { uri: string; uriBaseId?: string } {
    const rel = path.relative(opts.baseDir, file);
    if (rel.startsWith("..") || path.isAbsolute(rel)) {
        return { uri: pathToFileURL(file).href };
    }
    return { uri: rel.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
}

function location(v: Pick<Violation, "resourceUrn" | "source" | "component">, input: InputReport, opts: SarifOptions): Record<string, unknown> {
    const logicalLocations = [
        { fullyQualifiedName: v.resourceUrn === "" ? "(stack)" : v.resourceUrn, kind: "resource" },
        ...(v.component !== undefined ? [{ fullyQualifiedName: v.component.urn, kind: "module" }] : []),
    ];
    let file: string | undefined;
    let region: { startLine: number; startColumn?: number } | undefined;
    if (v.source !== undefined) {
        const base = input.kind === "program" ? input.absolutePath : path.dirname(input.absolutePath);
        // A state file records project-relative paths; the project's directory is unknown, so they stay as recorded.
        file = path.isAbsolute(v.source.file) ? v.source.file : undefined;
        if (file === undefined && input.kind === "program") {
            file = path.join(base, v.source.file);
        }
        if (file === undefined) {
            const uri = v.source.file.split(/[\\/]/).map(encodeURIComponent).join("/");
            return { physicalLocation: { artifactLocation: { uri }, region: { startLine: v.source.line, startColumn: v.source.column } }, logicalLocations };
        }
        region = { startLine: v.source.line, startColumn: v.source.column };
    } else if (input.kind === "state") {
        file = input.absolutePath;
        // A resource made inside a component points at the outermost component's entry: the user's own call.
        const line = opts.resourceLines.get(input.absolutePath)?.get(v.component?.urn ?? v.resourceUrn);
        region = { startLine: line ?? 1 };
    } else {
        file = path.join(input.absolutePath, "Pulumi.yaml");
        region = { startLine: 1 };
    }
    return { physicalLocation: { artifactLocation: artifactUri(file, opts), region }, logicalLocations };
}

/**
 * What the violation says is wrong, without what an exemption added: the
 * first line of the policy's own message. Two defects of one policy on one
 * resource (two missing fields, a wrong account and a wrong region) differ
 * here, and a violation keeps it when it is exempted or its exemption expires.
 */
export function defectOf(message: string, policyDescription: string): string {
    const lines = message.split(/\r?\n/).filter((l) => l.trim() !== "");
    // The pack's message: the policy's description, then the problem; an exempted one starts with "Exempt until …".
    const own = lines.filter((l, i) => !(i <= 1 && (l.startsWith("Exempt until ") || (policyDescription !== "" && l.trim() === policyDescription.trim()))));
    return (own[0] ?? lines[0] ?? "").replace(/ \(exemption expired \d{4}-\d{2}-\d{2}\)/, "").trim();
}

function hash(parts: readonly string[]): string {
    return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 32);
}

/** Stable across runs and line moves: the input as named, the policy, the resource and the defect, not the position. */
export function fingerprint(v: Violation, input: InputReport, policyDescription = ""): string {
    return hash([input.path, v.policyName, v.resourceUrn, defectOf(v.message, policyDescription)]);
}

/** GitHub's way of saying "accepted, not open": the exemption and its reason. */
function suppressions(e: ExemptionUsage): { suppressions: Record<string, string>[] } {
    return { suppressions: [{ kind: "external", status: "accepted", justification: `${e.reason} (${e.policyName} exemptions[${e.index}], until ${e.expires})` }] };
}

/** The note that an exemption a violation relies on runs out soon. */
function expiryNote(v: Violation, e: ExemptionUsage, input: InputReport): string {
    const resource = v.resourceUrn.split("::").pop() ?? v.resourceUrn;
    return `The exemption of ${quote(resource)} from ${v.policyName} (exemptions[${e.index}]: ${quote(e.reason)}) ${expiresIn(e.daysLeft)}, ` +
        `after ${e.expires}; from then on its violation counts again (${input.path}). Fix the resource, or renew the exemption with a new date.`;
}

function stackProperty(input: InputReport): { stack?: string } {
    return input.stack !== undefined ? { stack: input.stack } : {};
}

export function sarifReport(report: RunReport, opts: SarifOptions): string {
    const ruleIndex = new Map(report.policies.map((p, i) => [p.name, i]));
    const rules = report.policies.map((p) => {
        const help = p.remediationSteps.trim() !== "" ? p.remediationSteps.trim() : sentence(p.description);
        return {
            id: p.name,
            name: ruleName(p.name),
            shortDescription: { text: sentence(p.displayName !== "" ? p.displayName : p.description) },
            fullDescription: { text: sentence(p.description) },
            help: { text: help },
            ...(p.url !== "" ? { helpUri: p.url } : {}),
            defaultConfiguration: { level: p.enforcementLevel === "mandatory" || p.enforcementLevel === "remediate" ? "error" : p.enforcementLevel === "disabled" ? "none" : "warning", enabled: p.enforcementLevel !== "disabled" },
            properties: {
                ...(p.severity !== undefined ? { "security-severity": securitySeverity[p.severity] } : {}),
                tags: [...new Set(["security", ...p.tags])],
                precision: "very-high",
                "problem.severity": p.severity === "low" ? "recommendation" : p.enforcementLevel === "mandatory" ? "error" : "warning",
            },
        };
    });
    const descriptions = new Map(report.policies.map((p) => [p.name, p.description]));
    const exemptions = report.exemptions ?? [];
    // With several stacks (a program's dev and prod), GitHub would show two alike alerts on one line: each says its stack.
    const severalStacks = hasSeveralStacks(report.inputs);
    const inStack = (input: InputReport) => (severalStacks && input.stack !== undefined ? `Stack ${input.stack}: ` : "");
    const results = report.inputs.flatMap((input) => input.violations.flatMap((v) => {
        const exemption = activeExemptionOf(exemptions, v);
        const rule = ruleIndex.has(v.policyName) ? { ruleIndex: ruleIndex.get(v.policyName) } : {};
        const result = {
            ruleId: v.policyName,
            ...rule,
            level: v.enforcementLevel === "mandatory" ? "error" : "warning",
            message: { text: inStack(input) + (v.message.trim() === "" ? `${v.policyName} reported ${v.resourceUrn || "the stack"}.` : v.message) },
            locations: [location(v, input, opts)],
            partialFingerprints: { "crossguardResourcePolicy/v1": fingerprint(v, input, descriptions.get(v.policyName)) },
            ...(exemption !== undefined ? suppressions(exemption) : {}),
            properties: { enforcementLevel: v.enforcementLevel, input: input.path, ...stackProperty(input) },
        };
        if (exemption === undefined || exemption.daysLeft > expiryWarningDays) {
            return [result];
        }
        const note = {
            ruleId: v.policyName,
            ...rule,
            level: "note",
            message: { text: expiryNote(v, exemption, input) },
            locations: result.locations,
            partialFingerprints: { "crossguardExemptionExpiring/v1": hash([input.path, v.policyName, v.resourceUrn, String(exemption.index), exemption.expires]) },
            properties: { input: input.path, exemption: `exemptions[${exemption.index}]`, expires: exemption.expires, daysLeft: exemption.daysLeft },
        };
        return [result, note];
    }));
    // An unchecked stage is a note: nothing failed, and nothing passed either.
    const notes = report.inputs.flatMap((input) => (input.unchecked ?? []).map((u) => ({
        ruleId: u.policyName,
        ...(ruleIndex.has(u.policyName) ? { ruleIndex: ruleIndex.get(u.policyName) } : {}),
        level: "note",
        message: { text: `${inStack(input)}Unchecked: ${u.reason}.` },
        locations: [location(u, input, opts)],
        partialFingerprints: { "crossguardUnchecked/v1": hash([input.path, u.policyName, u.resourceUrn]) },
        properties: { unchecked: true, input: input.path, ...stackProperty(input) },
    })));
    const sarif = {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [{
            tool: {
                driver: {
                    name: report.policyPackName,
                    version: report.policyPackVersion,
                    informationUri: report.policyPackUri ?? crossGuardUri,
                    rules,
                },
            },
            originalUriBaseIds: { "%SRCROOT%": { uri: `${pathToFileURL(opts.baseDir).href.replace(/\/?$/, "/")}` } },
            results: [...results, ...notes],
            columnKind: "utf16CodeUnits",
        }],
    };
    return JSON.stringify(sarif, null, 2);
}
