// CI runs these suites on the machine's Node and again on Node 22 and 24
// (.ci/run). A matrix is only worth something if the pack process really runs
// on the Node under test, not on whatever `node` a child finds first.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PackProcess } from "../../engine/protocol/pack-process";
import { pulumiPackageDir } from "../../engine/protocol/proto";
import { packFixture, repoRoot } from "./helpers";

function readJson(file: string): { engines?: { node?: string } } {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}

describe("Node versions", () => {
    it("declares the same engines.node as the @pulumi/pulumi it depends on", () => {
        const ours = readJson(path.join(repoRoot, "package.json")).engines?.node;
        const sdk = readJson(path.join(pulumiPackageDir(), "package.json")).engines?.node;
        assert.ok(sdk, "@pulumi/pulumi declares engines.node");
        assert.strictEqual(ours, sdk);
    });

    it("starts the pack process on the driver's own Node binary", async function () {
        if (!fs.existsSync("/proc/self/exe")) {
            this.skip();
        }
        const pack = await PackProcess.start({ packDir: packFixture("tiny"), preview: true });
        try {
            const packNode = fs.realpathSync(`/proc/${pack.pid}/exe`);
            assert.strictEqual(packNode, fs.realpathSync(process.execPath));
        } finally {
            await pack.close();
        }
    });

    it("runs on the Node major that CI asked for (CI_NODE_MAJOR)", function () {
        const wanted = process.env.CI_NODE_MAJOR;
        if (!wanted) {
            this.skip();
        }
        assert.strictEqual(process.versions.node.split(".")[0], wanted);
    });
});
