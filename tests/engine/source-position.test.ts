import * as assert from "assert";
import { fromStackTrace, isProgramFile } from "../../engine/inputs/source-position";

// Issue 15, item 6: the user's code, not the library's.
describe("engine/inputs/source-position: the program's own files", () => {
    const root = "/repo/prog";
    const packages = new Set(["/repo/prog/vendor/ws-api", "/repo/prog/libs/shared"]);
    const has = (dir: string): boolean => packages.has(dir);

    it("a file of the program is its own; node_modules, a vendored package and files outside the root are not", () => {
        assert.ok(isProgramFile("/repo/prog/index.ts", root, has));
        assert.ok(isProgramFile("/repo/prog/src/setup.ts", root, has));
        assert.ok(!isProgramFile("/repo/prog/node_modules/x/index.js", root, has));
        assert.ok(!isProgramFile("/repo/prog/vendor/ws-api/index.ts", root, has));
        assert.ok(!isProgramFile("/repo/prog/libs/shared/src/stage.ts", root, has));
        assert.ok(!isProgramFile("/repo/other/index.ts", root, has));
    });

    it("the innermost frame in the program's own files wins over the component's", () => {
        const frame = (file: string, line: number) => ({ getPc: () => ({ getUri: () => `file://${file}`, getLine: () => line, getColumn: () => 3 }) });
        const frames = [frame("/repo/prog/node_modules/@pulumi/pulumi/resource.js", 1), frame(`${process.cwd()}/node_modules/x/index.js`, 2), frame("/repo/other/lib.ts", 9)];
        assert.strictEqual(fromStackTrace(frames, root), undefined);
        const location = fromStackTrace([frame("/repo/other/lib.ts", 85), frame(`${root}/src/setup.ts`, 23), frame(`${root}/index.ts`, 3)], root);
        assert.deepStrictEqual(location, { file: `${root}/src/setup.ts`, line: 23, column: 3 });
    });
});
