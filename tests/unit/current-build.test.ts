import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { staleBuild } from "../current-build";

describe("the stale-build guard of the engine tests", () => {
    let root: string;
    const write = (rel: string, seconds: number) => {
        const file = path.join(root, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, "");
        fs.utimesSync(file, seconds, seconds);
    };
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "current-build-"));
        write("index.ts", 1000);
        write("bin/index.js", 2000);
        write("engine/reports/text-report.ts", 1000);
        write("bin/engine/reports/text-report.js", 2000);
        write("tests/unit/x.test.ts", 3000);
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("accepts a build newer than every source (tests are not compiled sources)", () => {
        assert.strictEqual(staleBuild(root), undefined);
    });

    it("names a source edited after the build", () => {
        write("engine/reports/text-report.ts", 3000);
        assert.strictEqual(staleBuild(root), `${path.join("engine", "reports", "text-report.ts")} changed after the last build`);
    });

    it("names a source that was never built", () => {
        write("policies/new-policy.ts", 1000);
        assert.strictEqual(staleBuild(root), `${path.join("policies", "new-policy.ts")} is not built`);
    });
});
