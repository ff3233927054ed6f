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

// Mocha adds a config's spec to the files named on the command line; name a
// file (`npx mocha tests/unit/x.test.ts`) and only that file runs.
const named = process.argv.slice(2).filter((arg) => /\.ts$|\*/.test(arg));

module.exports = {
    require: ["ts-node/register"],
    extension: ["ts"],
    ...(named.length > 0 ? {} : { spec: ["tests/**/*.test.ts"] }),
    // Files run one at a time by default. `--parallel` runs them on two
    // workers: quicker on an idle machine, but on a loaded one the CLI's pack
    // misses its 30 s start-up limit and the ReDoS tests their 1 s budget.
    parallel: false,
    jobs: 2,
    timeout: 120000,
    reporter: "dot",
};
