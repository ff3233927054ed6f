import * as assert from "assert";
import { main, workerAfterRegistrations } from "../../engine/cli";
import { StreamingAnalysis } from "../../engine/protocol/streaming-analysis";
import { tempPrograms } from "./helpers";

// A program past workerAfterRegistrations: the CLI sends its requests from a
// worker thread (StreamingAnalysis.useWorker), and the report is what the
// program's resources call for, whichever thread sent them.
describe("engine CLI: a program large enough for the analysis worker thread", function () {
    this.timeout(300_000);
    const programs = tempPrograms("large-program-");
    after(() => programs.removeAll());

    it("reports every resource's verdict, with the requests sent from the worker", async () => {
        const apis = Math.ceil(workerAfterRegistrations / 4) + 5;
        const dir = programs.make({
            "Pulumi.yaml": "name: large\nruntime: nodejs\n",
            "index.ts": [
                'import * as aws from "@pulumi/aws";',
                "const format = JSON.stringify({ requestId: \"$context.requestId\", ip: \"$context.identity.sourceIp\", requestTime: \"$context.requestTime\", routeKey: \"$context.routeKey\", status: \"$context.status\", protocol: \"$context.protocol\", responseLength: \"$context.responseLength\" });",
                `for (let i = 0; i < ${apis}; i++) {`,
                "    const api = new aws.apigatewayv2.Api(`api-${i}`, { protocolType: \"HTTP\" });",
                // Every 25th log group keeps its logs forever: the retention policy's mandatory violation, on the stage that logs there.
                "    const logs = new aws.cloudwatch.LogGroup(`logs-${i}`, i % 25 === 3 ? {} : { retentionInDays: 30 });",
                // Every 40th stage logs nothing.
                "    new aws.apigatewayv2.Stage(`stage-${i}`, { apiId: api.id, name: \"$default\", autoDeploy: true,",
                "        ...(i % 40 === 5 ? {} : { accessLogSettings: { destinationArn: logs.arn, format } }) });",
                "    new aws.s3.Bucket(`assets-${i}`, {});",
                "}",
                "",
            ].join("\n"),
        });
        const original = StreamingAnalysis.prototype.useWorker;
        let workers = 0;
        StreamingAnalysis.prototype.useWorker = function (this: StreamingAnalysis) {
            workers++;
            return original.call(this);
        };
        let report: any;
        let code: number;
        try {
            const r = await main(["--json", dir]);
            code = r.code;
            report = JSON.parse(r.stdout);
        } finally {
            StreamingAnalysis.prototype.useWorker = original;
        }
        assert.strictEqual(workers, 1);
        assert.strictEqual(code, 1);
        const expected = [
            ...Array.from({ length: apis }, (_, i) => i).filter((i) => i % 25 === 3).map((i) => `apigatewayv2-access-log-group-retention stage-${i}`),
            ...Array.from({ length: apis }, (_, i) => i).filter((i) => i % 40 === 5).map((i) => `apigatewayv2-stage-access-logging stage-${i}`),
        ].sort();
        const mandatory = report.violations
            .filter((v: any) => v.enforcementLevel === "mandatory")
            .map((v: any) => `${v.policyName} ${v.resourceUrn.split("::").pop()}`)
            .sort();
        assert.deepStrictEqual(mandatory, expected);
    });
});
