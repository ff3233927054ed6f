import * as assert from "assert";
import { InputError } from "../../engine/errors";
import { PackError, unary } from "../../engine/protocol/pack-process";
import { PolicySession } from "../../engine/protocol/policy-session";
import { loadProto } from "../../engine/protocol/proto";
import { EngineResource } from "../../engine/resource-model";
import { badConfigs, compliantProps, compliantUrns, validConfigs } from "./helpers/bad-configs";
import { repoRoot } from "../repo-root";
import { types } from "./helpers/stack-cases";
import { requireCurrentBuild } from "../current-build";

requireCurrentBuild();

// Misconfiguration through the driver, against the built pack (bin/): every
// bad config stops the run with an error naming the policy, the key and the
// problem. Twice: as the real engine delivers config (it checks only the JSON
// schema and passes unknown keys through, so the pack's own check is what
// stops the deployment), and through PolicySession.configure (the driver's
// own validation first).

function resource(type: string, name: string, urn: string, props: Record<string, unknown>, links: Partial<EngineResource> = {}): EngineResource {
    return { urn, type, name, inputs: props, outputs: props, dependencies: [], propertyDependencies: {}, ...links };
}

const stack: EngineResource[] = [
    resource(types.awsApi, "api", compliantUrns.api, compliantProps.api),
    resource(types.awsLogGroup, "logs", compliantUrns.logs, compliantProps.logs),
    resource(types.awsStage, "stage", compliantUrns.stage, compliantProps.stage, {
        dependencies: [compliantUrns.api, compliantUrns.logs],
        propertyDependencies: { apiId: [compliantUrns.api], accessLogSettings: [compliantUrns.logs] },
    }),
];

/**
 * Configure exactly as the engine would send it: every policy at its level,
 * the given properties as they are. The driver's own validation (which
 * rejects unknown keys before the pack sees them) is bypassed on purpose.
 */
async function configureAsEngine(session: PolicySession, properties: Record<string, Record<string, unknown>>): Promise<void> {
    const { analyzer, struct } = loadProto();
    const req = new analyzer.ConfigureAnalyzerRequest();
    const level: Record<string, number> = {
        advisory: analyzer.EnforcementLevel.ADVISORY,
        mandatory: analyzer.EnforcementLevel.MANDATORY,
        remediate: analyzer.EnforcementLevel.REMEDIATE,
        disabled: analyzer.EnforcementLevel.DISABLED,
    };
    for (const p of session.info.policies) {
        const pc = new analyzer.PolicyConfig();
        pc.setEnforcementlevel(level[p.enforcementLevel]);
        pc.setProperties(struct.Struct.fromJavaScript((properties[p.name] ?? {}) as any));
        req.getPolicyconfigMap().set(p.name, pc);
    }
    // The session keeps its pack process private; a test may reach for it.
    const pack = (session as unknown as { pack: Parameters<typeof unary>[0] }).pack;
    await unary(pack, "Configure", pack.client.configure, req, 30000);
}

async function errorOf(run: () => Promise<unknown>): Promise<Error | undefined> {
    try {
        await run();
        return undefined;
    } catch (e) {
        return e instanceof Error ? e : new Error(String(e));
    }
}

describe("misconfiguration fails closed (through the driver)", function () {
    this.timeout(120000);
    let session: PolicySession;

    before(async () => {
        session = await PolicySession.start({ packDir: repoRoot, preview: true, project: "proj", stack: "dev" });
    });
    after(async () => {
        await session?.close();
    });

    it("the compliant stack passes with a valid config, so each failure below is about the config alone", async () => {
        await configureAsEngine(session, validConfigs);
        const result = await session.analyzeResources(stack);
        assert.deepStrictEqual(result.violations.map((v) => `${v.policyName}: ${v.message}`), []);
    });

    describe("config as the engine delivers it: the pack's error stops the run", () => {
        for (const c of badConfigs) {
            it(`${c.policy} with ${JSON.stringify(c.config).slice(0, 100)}`, async () => {
                await configureAsEngine(session, { [c.policy]: c.config });
                const e = await errorOf(() => session.analyzeResources(stack));
                assert.ok(e instanceof PackError, `expected the pack to fail the run, got ${e === undefined ? "no error" : `${e.name}: ${e.message}`}`);
                assert.ok(!/can't run/.test(e.message), `downgraded to a "can't run" advisory: ${e.message}`);
                assert.ok(e.message.includes(`"${c.policy}"`), `does not name the policy: ${e.message}`);
                assert.ok(e.message.includes(c.key), `does not name the key: ${e.message}`);
                assert.match(e.message, c.problem);
                assert.ok(!/[\r\n]/.test(e.message), `not one line: ${JSON.stringify(e.message)}`);
            });
        }
    });

    describe("config through PolicySession.configure: rejected by the driver or by the pack", () => {
        for (const c of badConfigs) {
            it(`${c.policy} with ${JSON.stringify(c.config).slice(0, 100)}`, async () => {
                const e = await errorOf(async () => {
                    await session.configure({ [c.policy]: c.config });
                    await session.analyzeResources(stack);
                });
                assert.ok(e instanceof InputError || e instanceof PackError, `expected the run to stop, got ${e === undefined ? "no error" : `${e.name}: ${e.message}`}`);
                assert.ok(e.message.includes(c.policy), `does not name the policy: ${e.message}`);
                assert.ok(e.message.includes(c.key), `does not name the key: ${e.message}`);
                assert.ok(!/[\r\n]/.test(e.message), `not one line: ${JSON.stringify(e.message)}`);
            });
        }
    });
});
