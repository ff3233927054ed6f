import * as assert from "assert";
import { UnknownValueError } from "@pulumi/policy";
import { badConfigs, compliantProps, compliantUrns, destination, destinationAllowed, retention, validConfigs } from "./helpers/bad-configs";
import { AnyPolicy, isResourcePolicy, isStackPolicy, loadPolicies, Reported, validateResource, validateStack } from "./helpers/policy-harness";
import { GeneratedResource, PackConfig, types } from "./helpers/stack-cases";

// Misconfiguration fails closed: the engine checks config only against each
// policy's JSON schema and accepts keys it does not declare, so the pack must
// itself reject what would silently weaken a check. In-process: the policy
// throws (which the SDK turns into an error that stops the deployment), and
// the error names the policy, the key and the problem.

const policies = loadPolicies();
const byName = new Map(policies.map((p) => [p.name, p]));

/** A fully compliant stack: a config error must not depend on something else being wrong. */
function compliantStack(): GeneratedResource[] {
    return [
        { type: types.awsApi, name: "api", urn: compliantUrns.api, props: compliantProps.api, dependencies: [], propertyDependencies: [] },
        { type: types.awsLogGroup, name: "logs", urn: compliantUrns.logs, props: compliantProps.logs, dependencies: [], propertyDependencies: [] },
        {
            type: types.awsStage, name: "stage", urn: compliantUrns.stage, props: compliantProps.stage,
            dependencies: [compliantUrns.api, compliantUrns.logs],
            propertyDependencies: [["apiId", [compliantUrns.api]], ["accessLogSettings", [compliantUrns.logs]]],
        },
    ];
}

/** Runs one policy over the compliant stack with the given config for it; returns what it reported. */
function run(policy: AnyPolicy, config: Record<string, unknown>): Reported[] {
    const pack: PackConfig = { [policy.name]: config };
    const stack = compliantStack();
    const out: Reported[] = [];
    if (isStackPolicy(policy)) {
        validateStack(policy, stack, pack, out);
    } else if (isResourcePolicy(policy)) {
        for (const [i, r] of stack.entries()) {
            validateResource(policy, r, r.props, pack, out, i);
        }
    }
    return out;
}

function policy(name: string): AnyPolicy {
    const p = byName.get(name);
    assert.ok(p !== undefined, `policy ${name} not found`);
    return p;
}

/** The policy throws an error naming the policy, the key and the problem, on one line. */
function expectConfigError(name: string, config: Record<string, unknown>, key: string, problem: RegExp): Error {
    let thrown: unknown;
    try {
        run(policy(name), config);
    } catch (e) {
        thrown = e;
    }
    assert.ok(thrown instanceof Error, `${name} accepted ${JSON.stringify(config).slice(0, 200)}`);
    assert.ok(!(thrown instanceof UnknownValueError), "a config error must not look like an unknown value (the SDK would downgrade it to an advisory)");
    const message = thrown.message;
    assert.ok(message.includes(`"${name}"`), `error does not name the policy: ${message}`);
    assert.ok(message.includes(key), `error does not name the key ${key}: ${message}`);
    assert.match(message, problem);
    assert.ok(!/[\r\n]/.test(message), `error is not one line: ${JSON.stringify(message)}`);
    assert.ok(message.length <= 2000, `error is ${message.length} characters`);
    return thrown;
}

describe("misconfiguration fails closed (in-process)", () => {
    it("accepts a valid config for every policy, so the failures below are about the config alone", () => {
        for (const p of policies) {
            assert.deepStrictEqual(run(p, validConfigs[p.name] ?? {}).map((v) => v.message), [], p.name);
        }
    });

    for (const group of [...new Set(badConfigs.map((c) => c.group))]) {
        describe(group, () => {
            for (const c of badConfigs.filter((b) => b.group === group)) {
                it(`${c.policy} rejects ${JSON.stringify(c.config).slice(0, 100)}`, () => {
                    const e = expectConfigError(c.policy, c.config, c.key, c.problem);
                    assert.ok(!/a{81}/.test(e.message), "quotes more than 80 characters of the value");
                });
            }
        });
    }

    it("every policy rejects a misspelled key, whatever the policy (none silently ignores one)", () => {
        for (const p of policies) {
            expectConfigError(p.name, { enforcementLevell: "advisory" }, "enforcementLevell", /not a known key/);
        }
    });

    it("a hostile unknown key is quoted briefly, with control characters escaped", () => {
        const key = `bad\n\u001b[31m${"k".repeat(500)}`;
        const e = expectConfigError(destination, { [key]: 1 }, "bad\\n\\x1b[31m", /not a known key/);
        assert.ok(!e.message.includes("k".repeat(81)), e.message);
    });

    it("a bad config fails every time, also right after a good one (no cached verdict)", () => {
        assert.deepStrictEqual(run(policy(retention), { minimumRetentionDays: 30 }), []);
        expectConfigError(retention, { minimumRetentionDays: -1 }, "minimumRetentionDays", /at least 0/);
        expectConfigError(retention, { minimumRetentionDays: -1 }, "minimumRetentionDays", /at least 0/);
        assert.deepStrictEqual(run(policy(retention), { minimumRetentionDays: 30 }), []);
        expectConfigError(destinationAllowed, { logGroupNamePattern: "(" }, "logGroupNamePattern", /regular expression/);
        assert.deepStrictEqual(run(policy(destinationAllowed), { logGroupNamePattern: "^/aws/" }), []);
        expectConfigError(destinationAllowed, { logGroupNamePattern: "(" }, "logGroupNamePattern", /regular expression/);
    });
});
