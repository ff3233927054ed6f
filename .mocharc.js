// Type-checking happens once in `npm run build` (tsc over the whole project);
// mocha only transpiles, which keeps `npm test` fast.
process.env.TS_NODE_TRANSPILE_ONLY = "true";
process.env.TS_NODE_FILES = "false";

// Mocha adds a config's spec to the files named on the command line; name a
// file (`npx mocha tests/unit/x.test.ts`) and only that file runs.
const namesFiles = process.argv.slice(2).some((arg) => /\.ts$|\*/.test(arg));

module.exports = {
    require: ["ts-node/register"],
    extension: ["ts"],
    ...(namesFiles ? {} : { spec: ["tests/**/*.test.ts"] }),
    timeout: 120000,
    reporter: "dot",
};
