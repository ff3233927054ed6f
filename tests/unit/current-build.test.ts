import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compiledRoots, runningScope, staleBuild } from "../current-build";

describe("the stale-build guard of the tests", () => {
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
        fs.writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({ include: ["index.ts", "engine/**/*.ts", "tests/**/*.ts"], exclude: ["tests/fixtures/programs"] }));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    describe("tests run through ts-node: the pack and the engine must be built", () => {
        it("accepts a build newer than every pack and engine source (the tests run from their .ts)", () => {
            assert.strictEqual(staleBuild(root, "pack-and-engine"), undefined);
        });

        it("names a source edited after the build", () => {
            write("engine/reports/text-report.ts", 3000);
            assert.strictEqual(staleBuild(root, "pack-and-engine"), `${path.join("engine", "reports", "text-report.ts")} changed after the last build`);
        });

        it("names a source that was never built", () => {
            write("policies/new-policy.ts", 1000);
            assert.strictEqual(staleBuild(root, "pack-and-engine"), `${path.join("policies", "new-policy.ts")} is not built`);
        });
    });

    describe("tests run compiled from bin/tests/: everything tsconfig.json compiles must be built", () => {
        beforeEach(() => write("bin/tests/unit/x.test.js", 4000));

        it("reads what is compiled from tsconfig.json's include and exclude", () => {
            assert.deepStrictEqual(compiledRoots(root), { include: ["index.ts", "engine", "tests"], exclude: [path.join("tests", "fixtures", "programs")] });
        });

        it("accepts a build newer than every source, tests included", () => {
            assert.strictEqual(staleBuild(root, "everything"), undefined);
        });

        it("names a test edited after the build", () => {
            write("tests/unit/x.test.ts", 5000);
            assert.strictEqual(staleBuild(root, "everything"), `${path.join("tests", "unit", "x.test.ts")} changed after the last build`);
        });

        it("names a test that was never built, and ignores the excluded fixture programs", () => {
            write("tests/fixtures/programs/p/index.ts", 5000);
            assert.strictEqual(staleBuild(root, "everything"), undefined);
            write("tests/unit/y.test.ts", 1000);
            assert.strictEqual(staleBuild(root, "everything"), `${path.join("tests", "unit", "y.test.ts")} is not built`);
        });

        it("names a compiled test whose source is gone (it would still run)", () => {
            write("bin/tests/unit/deleted.test.js", 4000);
            assert.strictEqual(staleBuild(root, "everything"), `${path.join("bin", "tests", "unit", "deleted.test.js")} has no source`);
        });
    });

    it("checks everything when its own module runs from bin/, the pack and the engine otherwise", () => {
        assert.strictEqual(runningScope(root, path.join(root, "bin", "tests")), "everything");
        assert.strictEqual(runningScope(root, path.join(root, "tests")), "pack-and-engine");
        assert.strictEqual(runningScope(root, `${root}-bin`), "pack-and-engine");
    });
});
