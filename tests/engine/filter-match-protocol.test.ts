import * as assert from "assert";
import { AnalyzeResourcesResult, PolicySession } from "../../engine/protocol/policy-session";
import { EngineResource } from "../../engine/resource-model";
import { analyzeChecked, repoRoot, resource, verdicts } from "./helpers";
import { goodFormat, Mode, StackBuilder, UNKNOWN } from "./scenarios";

// apigatewayv2-access-log-filter-match through the Analyzer protocol, on the
// real pack process (bin/index.js): AnalyzeStack carries the filter's outputs
// and its propertyDependencies on the log group, in a preview (the log
// group's name may be unknown) and in an update.

const clf = "$context.identity.sourceIp - - [$context.requestTime] \"$context.httpMethod $context.routeKey $context.protocol\" $context.status $context.responseLength $context.requestId";

/** A metric filter on `group`, bound to its name output (unknown in a preview when `nameKnown` is false). */
function metricFilter(s: StackBuilder, group: EngineResource, pattern: unknown, nameKnown = true): EngineResource {
    const inputs = {
        name: "errors-4xx", pattern, logGroupName: nameKnown ? group.outputs.name : UNKNOWN,
        metricTransformation: { name: "Errors4xx", namespace: "AccessLogs", value: "1" },
    };
    const r = resource("aws:cloudwatch/logMetricFilter:LogMetricFilter", "errors-4xx", inputs, {
        outputs: { ...inputs, id: s.computed("errors-4xx") },
        parent: s.stackUrn,
        dependencies: [group.urn],
        propertyDependencies: { logGroupName: [group.urn] },
    });
    s.resources.push(r);
    return r;
}

function clfStack(mode: Mode, pattern: unknown, nameKnown = true): StackBuilder {
    const s = new StackBuilder(mode);
    const lg = s.logGroup("access-logs");
    s.stage("orders-stage", s.api("orders", "HTTP"), { logGroup: lg, format: clf });
    metricFilter(s, lg, pattern, nameKnown);
    return s;
}

for (const mode of ["preview", "update"] as const) {
    describe(`pack protocol: filters that read the access logs (${mode})`, () => {
        let session: PolicySession;
        before(async () => {
            session = await PolicySession.start({ packDir: repoRoot, preview: mode === "preview", project: "proj", stack: "dev" });
        });
        after(async () => {
            await session.close();
        });
        const analyze = (s: StackBuilder): Promise<AnalyzeResourcesResult> => analyzeChecked(session, s.resources);

        it("a CLF pattern behind a 4xx alarm: reported on the filter, with its JSON pattern, beside the format fix", async () => {
            const r = await analyze(clfStack(mode, "[ip, ..., status=4*, ...]", false));
            assert.deepStrictEqual(verdicts(r.violations), [
                "apigatewayv2-access-log-filter-match@errors-4xx:advisory",
                "apigatewayv2-access-log-format-fields@orders-stage:advisory",
            ]);
            const filter = r.violations.find((v) => v.policyName === "apigatewayv2-access-log-filter-match")!;
            assert.match(filter.message, /Metric filter "errors-4xx" matches the access logs of Stage "orders-stage" today/);
            assert.match(filter.message, /Fix: new aws\.cloudwatch\.LogMetricFilter\("errors-4xx", \{ \.\.\., pattern: "\{ \$\.status = \\"4\*\\" \}" \}\)/);
        });

        it("a filter that already fits a JSON format: nothing", async () => {
            const s = new StackBuilder(mode);
            const lg = s.logGroup("access-logs");
            s.stage("orders-stage", s.api("orders", "HTTP"), { logGroup: lg, format: goodFormat });
            metricFilter(s, lg, "{ $.status = \"4*\" }");
            assert.deepStrictEqual(verdicts((await analyze(s)).violations), []);
        });

        it("an unknown pattern: no verdict from this policy, and no can't-run diagnostic", async () => {
            const r = await analyze(clfStack(mode, UNKNOWN));
            assert.deepStrictEqual(verdicts(r.violations), ["apigatewayv2-access-log-format-fields@orders-stage:advisory"]);
        });
    });
}
