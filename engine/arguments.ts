// The command line of `npm run analyze`: its usage text and its parser.
import { runtimes } from "../lib/fix-snippets";
import { nearest } from "../lib/policy-config";
import { quote } from "../lib/quote";
import { InputError } from "./errors";
import { formatNames, isReportFormat, ReportFormat, reportFormats } from "./reports/render-report";

const helpColumn = 18;

/** The --format lines of the usage text, one per format, from the formats themselves. */
function formatHelp(): string[] {
    const width = Math.max(...formatNames.map((n) => n.length)) + 2;
    return [
        "  --format F      the report; one of:",
        ...formatNames.map((name) => `${" ".repeat(helpColumn)}${name.padEnd(width)}${reportFormats[name].help}`),
    ];
}

export const usage = [
    `usage: npm run -s analyze -- [--format ${formatNames.join("|")}] [--output FILE] [--no-color] [--preview|--update] [--config FILE] [--policy-pack DIR]`,
    "                             [--junit-not-applicable] [--stack-reference-outputs FILE] [--config-value KEY=VALUE]... [--runtime LANG]",
    "                             [--state FILE] [--account-id ID] [--stack NAME] [--organization NAME] [--strict] [PATH...]",
    "",
    "  PATH            a `pulumi stack export` file, or a Pulumi TypeScript program directory (one with",
    "                  Pulumi.yaml); default: the program in the directory you ran the command in (in the",
    "                  pack's own folder: every program under examples/). Relative paths, here and in",
    "                  --config, --policy-pack and --output, start from the directory you ran the command in",
    "  --preview       analyze as `pulumi preview` does: outputs not yet known stay unknown (default)",
    "  --update        analyze as `pulumi up` does: programs get plausible outputs",
    "  --config FILE   policy config JSON, as for `pulumi preview --policy-pack-config`",
    "                  (--policy-pack-config FILE is the same)",
    "  --policy-pack DIR  the policy pack to run (default: this repository)",
    ...formatHelp(),
    "  --json          the same as --format json",
    "  --output FILE   write the report to FILE instead of stdout (never coloured)",
    "  --no-color      no colour in the text report (also NO_COLOR; FORCE_COLOR forces it)",
    "  --junit-not-applicable  in the JUnit report, also the pairs of policy and resource the",
    "                  policy did not apply to, as skipped cases (default: only their count)",
    "  --stack-reference-outputs FILE  outputs of the stacks programs reference, as JSON keyed by",
    "                  stack name: {\"org/proj/stack\": {\"key\": value}} (otherwise they are unknown)",
    "  --config-value KEY=VALUE  a program config value, e.g. for an encrypted (secure:) one; repeatable",
    "  --stack NAME    analyze each program as stack NAME, with its Pulumi.NAME.yaml (as `pulumi -s NAME`);",
    "                  default: every stack that has a Pulumi.<stack>.yaml, each reported under its name",
    "                  (`dev` when there is none)",
    "  --organization NAME  what pulumi.getOrganization() returns (default: $PULUMI_ORGANIZATION, else",
    "                  `organization`, as for a stack on a DIY backend)",
    "  --strict        exit 1 when a stage is unchecked: a value that decides its verdict is unknown here",
    "                  (a StackReference output, a lookup) though the Pulumi engine would know it",
    `  --runtime LANG  the program language behind the state files (${runtimes.join(", ")}): the`,
    "                  pulumi:runtime stack tag, which picks the language of fixes (default: none,",
    "                  so TypeScript); programs are TypeScript and always run as nodejs",
    // Program runs against a deployed stack, and the account their ARNs name.
    "  --state FILE    with a program: the `pulumi stack export` of its deployed stack; resources whose",
    "                  inputs match keep the export's outputs, as in a preview of that stack",
    "  --account-id ID the 12-digit AWS account in ARNs a program's lookups and resources get",
    "                  (default 123456789012, a placeholder)",
    "",
    "exit codes: 0 no mandatory violation, 1 a mandatory violation (or, with --strict, an unchecked stage),",
    "            2 usage, input, config or pack error",
].join("\n");

export type { ReportFormat };

export interface CliOptions {
    format: ReportFormat;
    /** Where the report goes instead of stdout. */
    output?: string;
    /** --no-color was given. */
    noColor: boolean;
    /** --junit-not-applicable was given. */
    junitNotApplicable: boolean;
    mode: "preview" | "update";
    config?: string;
    packDir?: string;
    stackReferenceOutputs?: string;
    configValues: Record<string, string>;
    /** The `pulumi:runtime` tag for state files. */
    runtime?: string;
    /** The stack programs are analyzed as (`--stack`); otherwise each of their stacks. */
    stack?: string;
    /** What `pulumi.getOrganization()` returns (`--organization`). */
    organization?: string;
    /** An unchecked stage fails the run (`--strict`). */
    strict: boolean;
    /** `--state FILE`: the deployed stack a program is compared with. */
    state?: string;
    /** `--account-id`: the account in ARNs programs get. */
    accountId?: string;
    paths: string[];
    help: boolean;
}

const flags = ["--json", "--format", "--output", "--no-color", "--junit-not-applicable", "--preview", "--update", "--config", "--policy-pack-config", "--policy-pack", "--stack-reference-outputs", "--config-value", "--runtime", "--help", "--state", "--account-id", "--stack", "--organization", "--strict"];

function formatValue(value: string): ReportFormat {
    if (!isReportFormat(value)) {
        const near = nearest(value.toLowerCase(), formatNames);
        throw new InputError(`--format ${quote(value)} is not a report format; use one of ${formatNames.join(", ")}${near ? ` (did you mean ${near}?)` : ""}`);
    }
    return value;
}

function runtimeValue(value: string): string {
    if (!runtimes.includes(value)) {
        const near = nearest(value.toLowerCase(), runtimes);
        throw new InputError(`--runtime ${quote(value)} is not a Pulumi runtime; use one of ${runtimes.join(", ")}${near ? ` (did you mean ${near}?)` : ""}`);
    }
    return value;
}

/** Stack and organization names as Pulumi allows them: letters, digits, `-`, `_` and `.`. */
function nameValue(flag: string, value: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(value)) {
        throw new InputError(`${flag} ${quote(value)} is not a name: use letters, digits, -, _ and . only`);
    }
    return value;
}

export function parseArgs(argv: readonly string[]): CliOptions {
    const opts: CliOptions = { format: "text", noColor: false, junitNotApplicable: false, mode: "preview", paths: [], help: false, configValues: {}, strict: false };
    let formatFlag: string | undefined;
    const setFormat = (flag: string, format: ReportFormat) => {
        if (formatFlag !== undefined && opts.format !== format) {
            throw new InputError(`${formatFlag} and ${flag} ask for different report formats`);
        }
        formatFlag = flag;
        opts.format = format;
    };
    let modeFlag: string | undefined;
    const setMode = (flag: string, mode: "preview" | "update") => {
        if (modeFlag !== undefined && modeFlag !== flag) {
            throw new InputError(`${modeFlag} and ${flag} cannot be used together`);
        }
        modeFlag = flag;
        opts.mode = mode;
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--") {
            opts.paths.push(...argv.slice(i + 1));
            break;
        }
        if (!arg.startsWith("-") || arg === "-") {
            opts.paths.push(arg);
            continue;
        }
        const eq = arg.indexOf("=");
        const name = eq > 0 ? arg.slice(0, eq) : arg;
        const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
        const value = (): string => {
            if (inline !== undefined) {
                if (inline === "") {
                    throw new InputError(`${name} needs a value`);
                }
                return inline;
            }
            const next = argv[i + 1];
            if (next === undefined || next === "" || (next.startsWith("--") && next.length > 2)) {
                throw new InputError(`${name} needs a value`);
            }
            i++;
            return next;
        };
        const noValue = () => {
            if (inline !== undefined) {
                throw new InputError(`${name} takes no value`);
            }
        };
        switch (name) {
            case "--json":
                noValue();
                setFormat("--json", "json");
                break;
            case "--format": {
                const format = formatValue(value());
                setFormat(`--format ${format}`, format);
                break;
            }
            case "--output":
                if (opts.output !== undefined) {
                    throw new InputError("--output may be given only once");
                }
                opts.output = value();
                break;
            case "--no-color":
            case "--no-colour":
                noValue();
                opts.noColor = true;
                break;
            case "--junit-not-applicable":
                noValue();
                opts.junitNotApplicable = true;
                break;
            case "--preview":
                noValue();
                setMode("--preview", "preview");
                break;
            case "--update":
                noValue();
                setMode("--update", "update");
                break;
            // The Pulumi CLI's own name for it, so a command copied from `pulumi preview` works.
            case "--config":
            case "--policy-pack-config":
                if (opts.config !== undefined) {
                    throw new InputError("--config may be given only once (--policy-pack-config is the same flag)");
                }
                opts.config = value();
                break;
            case "--policy-pack":
                opts.packDir = value();
                break;
            case "--stack-reference-outputs":
                if (opts.stackReferenceOutputs !== undefined) {
                    throw new InputError("--stack-reference-outputs may be given only once");
                }
                opts.stackReferenceOutputs = value();
                break;
            case "--runtime":
                if (opts.runtime !== undefined) {
                    throw new InputError("--runtime may be given only once");
                }
                opts.runtime = runtimeValue(value());
                break;
            case "--stack":
                if (opts.stack !== undefined) {
                    throw new InputError("--stack may be given only once");
                }
                opts.stack = nameValue("--stack", value());
                break;
            case "--organization":
                if (opts.organization !== undefined) {
                    throw new InputError("--organization may be given only once");
                }
                opts.organization = nameValue("--organization", value());
                break;
            case "--strict":
                noValue();
                opts.strict = true;
                break;
            case "--config-value": {
                const [key, val] = configPair(value());
                opts.configValues[key] = val;
                break;
            }
            case "--state":
                if (opts.state !== undefined) {
                    throw new InputError("--state may be given only once");
                }
                opts.state = value();
                break;
            case "--account-id": {
                const id = value();
                if (!/^\d{12}$/.test(id)) {
                    throw new InputError(`--account-id ${quote(id)} is not an AWS account id: it must be 12 digits, e.g. 123456789012`);
                }
                opts.accountId = id;
                break;
            }
            case "--help":
            case "-h":
                opts.help = true;
                break;
            default: {
                const near = nearest(name, flags);
                throw new InputError(`unknown option ${quote(name)}${near ? `; did you mean ${near}?` : ""} (see --help)`);
            }
        }
    }
    if (opts.junitNotApplicable && opts.format !== "junit") {
        throw new InputError("--junit-not-applicable applies to --format junit only");
    }
    for (const p of opts.paths) {
        if (p === "") {
            throw new InputError("an empty PATH was given");
        }
    }
    return opts;
}

/** `KEY=VALUE`, where KEY is `name` or `namespace:name` as in `pulumi config set`. */
export function configPair(arg: string): [string, string] {
    const eq = arg.indexOf("=");
    const key = eq > 0 ? arg.slice(0, eq) : "";
    if (!/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.:-]+)?$/.test(key)) {
        throw new InputError(`--config-value needs KEY=VALUE with a config key such as dbPassword or aws:region, not ${quote(arg)}`);
    }
    return [key, arg.slice(eq + 1)];
}
