import * as assert from "assert";
import {
    analyze, awsStage, clone, compliantStack, httpApi, logGroup, P, replaceIn, unknownSentinels, withProp,
} from "./helpers/fixtures";
import { analyzePack, assertViolations, TestResource } from "./helpers/policy-harness";

// Preview is enforced, not skipped: an unknown value anywhere must neither
// make a policy throw (the harness fails on the SDK's UnknownValueError, which
// would become "can't run policy ... during preview") nor be reported as a
// violation. The exceptions the spec names: a stage with no logging at all,
// and an API whose quick-create target is unknown.

const kinds = ["string", "object", "array", "number", "boolean"] as const;

/** Every property path of a value: objects' keys and array indexes, at every depth. */
function paths(value: unknown, prefix: string[] = []): string[][] {
    if (value === null || typeof value !== "object") {
        return [];
    }
    const out: string[][] = [];
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        const path = [...prefix, key];
        out.push(path, ...paths(child, path));
    }
    return out;
}

function setPath(resource: TestResource, path: readonly string[], value: unknown): TestResource {
    const copy = clone(resource);
    let obj: any = copy.props;
    for (const key of path.slice(0, -1)) {
        obj = obj[key];
    }
    obj[path[path.length - 1]] = value;
    return copy;
}

/** The baseline stack plus a stage with array-valued settings, so unknowns inside arrays are covered too. */
function stackUnderTest(): TestResource[] {
    const stage = withProp(withProp(awsStage(), ["routeSettings"], [{ routeKey: "GET /", throttlingBurstLimit: 10 }]),
        ["tags"], { team: "payments" });
    return replaceIn(compliantStack(), stage);
}

describe("unknown values at every level", () => {
    const stack = stackUnderTest();
    for (const resource of stack) {
        for (const path of paths(resource.props)) {
            it(`${resource.name}: props.${path.join(".")} unknown (every sentinel kind) is deferred, not reported`, async () => {
                for (const kind of kinds) {
                    const changed = replaceIn(stack, setPath(resource, path, unknownSentinels[kind]));
                    const v = await analyze(changed);
                    assertViolations(v, []);
                }
            });
        }
    }

    it("a stack where every property of every resource is unknown reports nothing and throws nothing", async () => {
        const allUnknown = stackUnderTest().map((r) => {
            let copy = r;
            for (const key of Object.keys(r.props)) {
                copy = setPath(copy, [key], unknownSentinels.string);
            }
            return copy;
        });
        assertViolations(await analyze(allUnknown), []);
    });

    it("a stack where every leaf value is unknown reports nothing and throws nothing", async () => {
        const allLeavesUnknown = stackUnderTest().map((r) => {
            let copy = r;
            for (const path of paths(r.props)) {
                let v: any = r.props;
                for (const k of path) {
                    v = v[k];
                }
                if (v === null || typeof v !== "object") {
                    copy = setPath(copy, path, unknownSentinels.string);
                }
            }
            return copy;
        });
        assertViolations(await analyze(allLeavesUnknown), []);
    });

    it("a stage with no logging is still reported when everything else in the stack is unknown", async () => {
        const stack = stackUnderTest().map((r) => {
            if (r.name === "http-stage") {
                return setPath(setPath(withProp(r, ["accessLogSettings"], undefined), ["apiId"], unknownSentinels.string), ["name"], unknownSentinels.string);
            }
            let copy = r;
            for (const key of Object.keys(r.props)) {
                copy = setPath(copy, [key], unknownSentinels.object);
            }
            return copy;
        });
        assertViolations(await analyze(stack), [[P.stage, "http-stage"]]);
    });

    it("an API whose quick-create target is unknown is reported, with everything else unknown too", async () => {
        let api = withProp(httpApi(), ["target"], unknownSentinels.string);
        api = setPath(setPath(api, ["protocolType"], unknownSentinels.string), ["id"], unknownSentinels.string);
        assertViolations(await analyze(replaceIn(compliantStack(), api)), [[P.quickCreate, "http-api"]]);
    });

    it("the harness really catches a policy that reads an unknown through the proxy", async () => {
        const naive = {
            name: "naive", description: "reads props directly", enforcementLevel: "mandatory" as const,
            validateResource: (args: any) => {
                void args.props.accessLogSettings.destinationArn;
            },
        };
        const stage = withProp(awsStage(), ["accessLogSettings", "destinationArn"], unknownSentinels.string);
        await assert.rejects(analyzePack([naive], [stage]), /can't run policy 'naive'/);
    });

    it("the harness really catches a stack policy that reads an unknown through the proxy", async () => {
        const naive = {
            name: "naive-stack", description: "reads props directly", enforcementLevel: "mandatory" as const,
            validateStack: (args: any) => {
                for (const r of args.resources) {
                    void r.props.retentionInDays;
                }
            },
        };
        const stack = replaceIn(compliantStack(), withProp(logGroup(), ["retentionInDays"], unknownSentinels.number));
        await assert.rejects(analyzePack([naive], stack), /can't run policy 'naive-stack'/);
    });
});
