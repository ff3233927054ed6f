const fs = require("fs");
const os = require("os");
const path = require("path");

// Type-checking happens once in `npm run build` (tsc over the whole project);
// mocha only transpiles, which keeps `npm test` fast.
process.env.TS_NODE_TRANSPILE_ONLY = "true";
process.env.TS_NODE_FILES = "false";

// The engine tests start hundreds of Node processes (the CLI, the pack), each
// loading ~900 modules of @pulumi/pulumi and its dependencies; Node 22+ keeps
// their compiled code here between processes and runs, which roughly halves
// that start-up CPU. Node 20 ignores the variable. Workers and every process
// they spawn inherit it.
process.env.NODE_COMPILE_CACHE ??= path.join(os.tmpdir(), "aws-apigatewayv2-access-logging-compile-cache");
require("module").enableCompileCache?.(process.env.NODE_COMPILE_CACHE);

// The driver gives a pack 30 s to print its port; the Pulumi CLI waits without
// a limit. On a loaded machine, with two workers, the packs the tests start can
// take longer to load than that, which is not what any test checks (those of
// the limit itself set their own). Every process the tests start inherits this.
process.env.APIGW_ANALYZE_PACK_START_TIMEOUT ??= "300";

// Mocha adds a config's spec to the files named on the command line, so the
// spec is left out when the command line names test files or folders.
const optionsTakingAPath = new Set(["--config", "--reporter", "-R", "--require", "-r", "--file", "--ignore", "--exclude", "--package"]);
const named = process.argv.slice(2).filter((arg, i, args) =>
    !arg.startsWith("-") && !optionsTakingAPath.has(args[i - 1]) &&
    (/\.(ts|js)$|\*/.test(arg) || (fs.existsSync(arg) && fs.statSync(arg).isDirectory())));

// The default run (`npm test`, `npx mocha`) loads the tests compiled by
// `npm run build` from bin/tests/: ts-node costs each mocha process ~8 s of
// CPU to load TypeScript and transpile the tests and everything they import.
// Naming a .ts file (`npx mocha tests/unit/x.test.ts`) runs it through ts-node,
// without a build; naming a compiled one (bin/tests/...js) runs that.
const compiled = named.every((arg) => arg.startsWith("bin") && !/\.ts$/.test(arg));
const guard = path.join(__dirname, "bin", "tests", "build-guard.js");
if (compiled && !fs.existsSync(guard)) {
    throw new Error("bin/tests/ is not built: run npm run build");
}

module.exports = {
    ...(compiled
        // Every compiled file refuses a bin/ older than its source (tests/build-guard.ts).
        ? { require: [guard], extension: ["js"] }
        : { require: ["ts-node/register"], extension: ["ts"] }),
    ...(named.length > 0 ? {} : { spec: ["bin/tests/**/*.test.js"] }),
    // Two workers, one a core: the suites mostly wait on the processes they
    // start, so one worker leaves a core idle. What made two workers flaky on
    // a loaded machine no longer applies: the packs' start-up limit is raised
    // above, and the ReDoS watchdog bounds a regex's CPU time, not its wall
    // time. `--no-parallel` runs the files one at a time.
    parallel: true,
    jobs: 2,
    timeout: 120000,
    reporter: "dot",
};
