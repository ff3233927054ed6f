// Child process of figure 8: the floor for analyzing a program, the program
// alone under the SDK's own mocks (pulumi.runtime.setMocks, as a unit test
// runs it), up to its last registration.
//
//   node bin/bench/mocks-floor.js <programDir> <registrations>
//
// Compiles the program's TypeScript as `analyze` does (ts-node, transpile
// only), and exits once the mocks have answered `registrations` resources.
// Prints {"registered": n} on stdout.
import * as fs from "fs";
import * as path from "path";

async function main(argv: readonly string[]): Promise<void> {
    const [dir, countArg] = argv;
    const expected = Number(countArg);
    if (!dir || !(expected > 0)) {
        throw new Error("usage: node bin/bench/mocks-floor.js <programDir> <registrations>");
    }
    const project = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))?.[1] ?? "bench";
    require("ts-node").register({ transpileOnly: true, skipProject: true, compilerOptions: { module: "commonjs", target: "es2020" } });
    const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [dir] }));
    let registered = 0;
    const done = new Promise<void>((resolve) => {
        pulumi.runtime.setMocks({
            newResource: (args: { name: string; inputs: Record<string, unknown> }) => {
                if (++registered === expected) {
                    // The last registration: its answer is the floor's last piece of work.
                    setImmediate(resolve);
                }
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args: { inputs: Record<string, unknown> }) => args.inputs,
        }, project, "bench", true);
    });
    require(path.resolve(dir));
    await done;
    process.stdout.write(`${JSON.stringify({ registered })}\n`);
}

main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e) => {
        process.stderr.write(`mocks-floor: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(2);
    },
);
