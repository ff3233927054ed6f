import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { fixturesDir, stateFixture } from "./helpers";
import { CliRun, cliInProcess } from "./cli-in-process";
import { scopedArgs } from "./policy-scope";

// Issue 15, item 6, through the compiled CLI and the real pack process: a
// stage made inside a component names the component's input that turns its
// logging on (a), and a state file, whose positions are the component's own
// code, locates it by the parent chain in every report format (b). Access
// logging scenarios: policies about something else are disabled.

/** The reports are what these tests check: the CLI's main() runs in this process (cli-in-process.ts). */
function run(args: string[]): Promise<CliRun> {
    return cliInProcess(scopedArgs(args));
}

const state = stateFixture("component-stages.json");
const wsStage = "websocket-api-dev-stage";
const httpStage = "orders-stage";

/** The 1-based line of the state file's entry for a URN. */
function entryLine(urn: string): number {
    return fs.readFileSync(state, "utf8").split("\n").findIndex((l) => l.includes(`"urn": "${urn}"`)) + 1;
}

describe("engine CLI: stages made inside components", function () {
    it("a program: the message names the component's input that turns logging on, at the user's own call", async () => {
        const r = await run(["--format", "json", path.join(fixturesDir, "programs", "component-logging-switch")]);
        assert.strictEqual(r.code, 1, r.stderr);
        const violations = JSON.parse(r.stdout).violations;
        assert.deepStrictEqual(violations.map((v: { policyName: string }) => v.policyName), ["apigatewayv2-stage-access-logging"]);
        const [v] = violations;
        assert.match(v.message, /turn it on with apiGatewayAccessLoggingEnabled: true on component "acme:apigateway:HttpApi" "orders"/);
        assert.strictEqual(v.source.location, "index.ts:3:20");
        assert.deepStrictEqual({ type: v.component.type, name: v.component.name }, { type: "acme:apigateway:HttpApi", name: "orders" });
    });

    describe("a state file: the parent chain, not the component's code", () => {
        it("json: the outermost component under the stack, and its recorded position", async () => {
            const r = await run(["--format", "json", state]);
            assert.strictEqual(r.code, 1, r.stderr);
            const byName = new Map(JSON.parse(r.stdout).violations.map((v: { resourceUrn: string }) => [v.resourceUrn.split("::").pop(), v]));
            const ws = byName.get(wsStage) as { source: { location: string }; component: { type: string; name: string }; message: string };
            assert.strictEqual(ws.source.location, "src/setup-websocket-api.ts:4:17", "not vendor/websocket-api/index.ts:85");
            assert.deepStrictEqual([ws.component.type, ws.component.name], ["acme:platform:Service", "chat"]);
            assert.match(ws.message, /turn it on with apiGatewayAccessLoggingEnabled: true on component "acme:platform:Service" "chat"/);
            const http = byName.get(httpStage) as { source: unknown; component: { name: string } };
            assert.strictEqual(http.source, null, "the component has no recorded position, and the stage's own is the library's");
            assert.strictEqual(http.component.name, "orders");
        });

        it("text: the position and the component beside the resource", async () => {
            const r = await run([state]);
            assert.match(r.stdout, /websocket-api-dev-stage \(src\/setup-websocket-api\.ts:4:17, in component "acme:platform:Service" "chat"\)/);
            assert.match(r.stdout, /orders-stage \(in component "acme:apigateway:HttpApi" "orders"\)/);
            assert.doesNotMatch(r.stdout, /vendor\//);
        });

        it("sarif: the component's position, else the component's entry in the file, and the component as a logical location", async () => {
            const r = await run(["--format", "sarif", state]);
            const results = JSON.parse(r.stdout).runs[0].results as { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations: { fullyQualifiedName: string }[] }[] }[];
            const at = (name: string) => results.find((x) => x.locations[0].logicalLocations[0].fullyQualifiedName.endsWith(`::${name}`))!.locations[0];
            assert.strictEqual(at(wsStage).physicalLocation.artifactLocation.uri, "src/setup-websocket-api.ts");
            assert.strictEqual(at(wsStage).physicalLocation.region.startLine, 4);
            const orders = "urn:pulumi:dev::chat::acme:apigateway:HttpApi::orders";
            assert.strictEqual(at(httpStage).physicalLocation.region.startLine, entryLine(orders));
            assert.ok(at(httpStage).logicalLocations.some((l) => l.fullyQualifiedName === orders));
        });

        it("junit and markdown: the component named on the case and in the row", async () => {
            const junit = (await run(["--format", "junit", state])).stdout;
            assert.match(junit, /file="src\/setup-websocket-api\.ts" line="4"/);
            assert.match(junit, /<property name="component" value="component &quot;acme:apigateway:HttpApi&quot; &quot;orders&quot;"\/>/);
            const markdown = (await run(["--format", "markdown", state])).stdout;
            assert.match(markdown, /\| <code>orders-stage<\/code> \| component <code>acme&#58;apigateway&#58;HttpApi<\/code> <code>orders<\/code> \|/);
            assert.doesNotMatch(markdown, /vendor\//);
        });
    });
});
