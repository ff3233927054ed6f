import * as assert from "assert";
import * as fc from "fast-check";
import { Secret } from "@pulumi/policy";
import { canonical, collectStrings, expectedStageVerdict, longestShared, messageProblems, printable } from "./helpers/invariants";
import { AnyPolicy, evaluate, isResourcePolicy, loadPolicies, Outcome, Reported, validateResource } from "./helpers/policy-harness";
import { hugeStrings } from "./helpers/hostile-values";
import { GeneratedResource, isStage, PolicyCase, policyCase, types } from "./helpers/stack-cases";

// Every policy, in-process, over generated stacks of hostile resources. A
// policy that throws takes the user's whole deployment down; one that reads
// junk as compliant fails open. Fixed seed: a failure here replays exactly.

const { serializeProperties } = require("@pulumi/policy/deserialize") as { serializeProperties: (v: unknown) => Promise<unknown> };

const seed = 20251124;
const numRuns = 1000; // two cases a run: 2,000 generated stacks in about 8 s

const stagePolicy = "apigatewayv2-stage-access-logging";
// After remediation these must have nothing left to say about the stage.
const clearedByRemediation = [stagePolicy, "apigatewayv2-access-log-format", "apigatewayv2-access-log-format-fields"];

const stats = { cases: 0, resources: 0, stages: 0, violations: 0, remediations: 0, withMegabyteString: 0, expectedStageReports: 0 };
const violationsByPolicy = new Map<string, number>();

function rawOwn(obj: unknown, key: string): unknown {
    return obj !== null && typeof obj === "object" ? Object.getOwnPropertyDescriptor(obj, key)?.value : undefined;
}

function inputStrings(c: PolicyCase): Set<string> {
    const out = new Set<string>();
    for (const r of c.resources) {
        out.add(r.name);
        out.add(r.urn);
        out.add(r.type);
        collectStrings(r.props, out);
    }
    collectStrings(c.config, out);
    return out;
}

function describeViolation(v: Reported): string {
    return `${v.policy}${v.resourceIndex === undefined ? "" : ` on resource #${v.resourceIndex}`}: ${printable(v.message)}`;
}

function checkMessages(policies: ReadonlyMap<string, AnyPolicy>, c: PolicyCase, outcome: Outcome): void {
    const stageUrns = new Set(c.resources.filter((r) => isStage(r.type)).map((r) => r.urn));
    const filterTypes: readonly string[] = [types.awsMetricFilter, types.awsSubscriptionFilter, types.nativeMetricFilter, types.nativeSubscriptionFilter];
    const filterUrns = new Set(c.resources.filter((r) => filterTypes.includes(r.type)).map((r) => r.urn));
    for (const v of outcome.violations) {
        const policy = policies.get(v.policy);
        assert.ok(policy !== undefined, `violation from unknown policy ${v.policy}`);
        const problems = messageProblems(v.message, policy.description ?? "");
        assert.deepStrictEqual(problems, [], `${describeViolation(v)}\n-> ${problems.join("; ")}`);
        if (v.resourceIndex === undefined) {
            // A filter that cannot match is the filter's defect: filter-match reports it there.
            const owners = v.policy === "apigatewayv2-access-log-filter-match" ? filterUrns : stageUrns;
            assert.ok(v.urn !== undefined && owners.has(v.urn), `stack violation not attributed to a ${owners === stageUrns ? "stage" : "filter"} of the stack: ${describeViolation(v)} (urn ${printable(v.urn)})`);
        }
    }
    const messages = outcome.violations.map((v) => v.message as string);
    const shared = longestShared(messages, inputStrings(c));
    assert.strictEqual(shared, undefined, shared === undefined ? "" :
        `a message repeats more than 80 characters of an input value:\n  message: ${printable(shared.message)}\n  input: ${printable(shared.input)}`);
}

function checkStageVerdicts(c: PolicyCase, outcome: Outcome): void {
    c.resources.forEach((r, i) => {
        if (!isStage(r.type)) {
            return;
        }
        stats.stages++;
        const expected = expectedStageVerdict(r.props);
        if (expected === "report") {
            stats.expectedStageReports++;
        }
        const reported = outcome.violations.filter((v) => v.policy === stagePolicy && v.resourceIndex === i);
        assert.ok(reported.length <= 1, `${stagePolicy} reported stage #${i} ${reported.length} times`);
        assert.strictEqual(reported.length === 1 ? "report" : "no report", expected === "report" ? "report" : "no report",
            `${stagePolicy} on stage #${i} with accessLogSettings ${printable(rawOwn(r.props, "accessLogSettings"))} (expected ${expected}): ${reported.map(describeViolation).join(" | ")}`);
    });
}

async function checkRemediations(policies: readonly AnyPolicy[], c: PolicyCase, outcome: Outcome): Promise<void> {
    for (const rem of outcome.remediations) {
        const r = c.resources[rem.resourceIndex];
        const where = `remediation by ${rem.policy} of resource #${rem.resourceIndex} (${printable(rawOwn(r.props, "accessLogSettings"))})`;
        assert.ok(isStage(r.type), `${where}: remediated a ${r.type}`);
        assert.strictEqual(expectedStageVerdict(r.props), "report", `${where}: remediated a stage that needed nothing`);
        const result = rem.result as Record<string, unknown>;
        assert.ok(result !== null && typeof result === "object" && !Array.isArray(result), `${where}: returned ${printable(result)}`);
        // The SDK serializes the result back to the engine; that must not throw.
        await serializeProperties(result);
        for (const key of Object.keys(r.props)) {
            if (key !== "accessLogSettings") {
                assert.ok(Object.is(rawOwn(result, key), rawOwn(r.props, key)), `${where}: changed ${printable(key)}`);
            }
        }
        const before = rawOwn(r.props, "accessLogSettings");
        const after = rawOwn(result, "accessLogSettings");
        assert.strictEqual(after instanceof Secret, before instanceof Secret, `${where}: secretness of accessLogSettings changed`);
        const inner = (v: unknown): unknown => (v instanceof Secret ? v.value : v);
        assert.ok(Object.is(rawOwn(inner(after), "destinationArn"), rawOwn(inner(before), "destinationArn")), `${where}: destinationArn changed`);
        const remediated: GeneratedResource = { ...r, props: result };
        const left: Reported[] = [];
        for (const p of policies) {
            if (isResourcePolicy(p) && clearedByRemediation.includes(p.name)) {
                validateResource(p, remediated, result, c.config, left, rem.resourceIndex);
            }
        }
        assert.deepStrictEqual(left.map(describeViolation), [], `${where}: violations remain after remediation`);
        stats.remediations++;
    }
}

function fingerprint(outcome: Outcome): string {
    return canonical({
        violations: outcome.violations,
        remediations: outcome.remediations.map((r) => ({ ...r, result: canonical(r.result) })),
    });
}

async function checkCase(policies: readonly AnyPolicy[], byName: ReadonlyMap<string, AnyPolicy>, c: PolicyCase): Promise<Outcome> {
    const outcome = evaluate(policies, c);
    checkMessages(byName, c, outcome);
    checkStageVerdicts(c, outcome);
    await checkRemediations(policies, c, outcome);
    stats.cases++;
    stats.resources += c.resources.length;
    stats.violations += outcome.violations.length;
    for (const v of outcome.violations) {
        violationsByPolicy.set(v.policy, (violationsByPolicy.get(v.policy) ?? 0) + 1);
    }
    if ([...inputStrings(c)].some((s) => s.length >= hugeStrings[0].length)) {
        stats.withMegabyteString++;
    }
    return outcome;
}

describe("policies on hostile input (property-based, in-process)", function () {
    // CPU-bound: on a loaded machine, or beside another worker (--parallel), it can take minutes.
    this.timeout(300000);
    const policies = loadPolicies();
    const byName = new Map(policies.map((p) => [p.name, p]));

    after(() => {
        console.log(`      property run: ${stats.cases} generated cases, ${stats.resources} resources (${stats.stages} stages, ${stats.expectedStageReports} that must be reported), ` +
            `${stats.violations} violations, ${stats.remediations} remediations, ${stats.withMegabyteString} cases with a 1 MiB string`);
        console.log(`      violations by policy: ${policies.map(({ name: n }) => `${n.replace("apigatewayv2-", "")} ${violationsByPolicy.get(n) ?? 0}`).join(", ")}`);
    });

    it("never throws, keeps messages short and safe, reports every broken stage, and is deterministic", async () => {
        await fc.assert(
            fc.asyncProperty(policyCase(), policyCase(), async (a, b) => {
                const inputBefore = canonical(a);
                const first = await checkCase(policies, byName, a);
                // Another stack in between: cached config or compiled patterns must not leak across calls.
                await checkCase(policies, byName, b);
                const again = evaluate(policies, a);
                assert.strictEqual(fingerprint(again), fingerprint(first), "the same stack gave different results the second time");
                assert.strictEqual(canonical(a), inputBefore, "a policy modified the props it was given");
            }),
            {
                seed,
                numRuns,
                reporter: (run) => {
                    if (run.failed) {
                        throw new Error(`property failed after ${run.numRuns} runs and ${run.numShrinks} shrinks (seed ${run.seed}, path "${run.counterexamplePath}"):\n` +
                            `${run.errorInstance instanceof Error ? run.errorInstance.message : String(run.errorInstance)}\n` +
                            `counterexample: ${printable(run.counterexample)}`);
                    }
                },
            },
        );
    });
});
