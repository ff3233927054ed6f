// Type-checking happens once in `npm run build` (tsc over the whole project);
// mocha only transpiles, which keeps `npm test` fast.
process.env.TS_NODE_TRANSPILE_ONLY = "true";
process.env.TS_NODE_FILES = "false";
module.exports = {
    require: ["ts-node/register"],
    extension: ["ts"],
    spec: ["tests/**/*.test.ts"],
    timeout: 120000,
    reporter: "dot",
};
