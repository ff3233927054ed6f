import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { requireCurrentBuild } from "../current-build";
import { repoRoot } from "../repo-root";

requireCurrentBuild();

const root = repoRoot;

// What `pulumi policy publish` uploads is `npm pack`'s tarball: it must hold
// exactly what the pack needs to run, and nothing the engine would have to
// type-check or that only the tests and the driver use.
describe("published tarball", () => {
    let files: string[];

    before(function () {
        this.timeout(60000);
        const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
            cwd: root,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        });
        files = (JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path).sort();
    });

    it("contains the compiled entry point, every policy and helper, PulumiPolicy.yaml, package.json and the README", () => {
        const policySources = fs.readdirSync(path.join(root, "policies")).filter((f) => f.endsWith(".ts"));
        const libSources = fs.readdirSync(path.join(root, "lib")).filter((f) => f.endsWith(".ts"));
        const expected = [
            "PulumiPolicy.yaml",
            "README.md",
            "bin/index.js",
            ...policySources.map((f) => `bin/policies/${f.replace(/\.ts$/, ".js")}`),
            ...libSources.map((f) => `bin/lib/${f.replace(/\.ts$/, ".js")}`),
            "package.json",
        ].sort();
        assert.deepStrictEqual(files, expected);
    });

    it("contains no TypeScript sources, tests, engine driver, benchmark or examples", () => {
        const unwanted = files.filter((f) => /\.ts$|^tests\/|^bin\/tests\/|engine\/|bench\/|examples\//.test(f));
        assert.deepStrictEqual(unwanted, []);
    });

    it("points package.json main at compiled JavaScript that exists in the tarball", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        assert.strictEqual(pkg.main, "bin/index.js");
        assert.ok(files.includes(pkg.main));
    });

    it("needs no runtime module but @pulumi/policy and re2js: not @pulumi/aws, which is only a dev dependency", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        assert.ok(!("@pulumi/aws" in (pkg.dependencies ?? {})));
        const requires = files
            .filter((f) => f.endsWith(".js"))
            .flatMap((f) => [...fs.readFileSync(path.join(root, f), "utf8").matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
        const external = [...new Set(requires.filter((r) => !r.startsWith(".")))].sort();
        assert.deepStrictEqual(external, ["@pulumi/policy", "re2js"]);
    });
});
