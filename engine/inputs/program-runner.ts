// Runs a Pulumi TypeScript program under @pulumi/pulumi's mocks and turns each
// registration into an EngineResource, as the engine would record it.
//
// Isolation: runs happen in this process, one at a time. The Pulumi SDK keeps
// its per-deployment state (settings, monitor, config, stack resource, pending
// registrations) in a store that `withLocalStorage` scopes to one async
// context; the Automation API's inline programs rely on the same mechanism, so
// a fresh store per run resets the runtime cleanly without a child process.
// Modules the program loads from node_modules (@pulumi/aws takes ~1 s) stay
// cached across runs, which is what makes a second run cheap; the program's own
// files are evicted from the module cache before and after each run. Process
// globals that a run must touch (the TypeScript require hook, the resolver
// fallback, cwd, console, uncaught-error listeners) are swapped in for the run
// and restored afterwards, and runs are queued so they never overlap.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import Module = require("module");

import { InputError, toOneLine } from "../errors";
import { EngineResource, secretSig, specialSigKey, unknownSentinels } from "../resource-model";

export type RunMode = "preview" | "update";

const DEFAULT_REGION = "us-east-1";
const MOCK_ACCOUNT = "123456789012";
const RUN_TIMEOUT_MS = 120_000;
const MAX_MESSAGE_CHARS = 300;
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const UNKNOWN = unknownSentinels.string;

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the program in `dir` and returns its resources in registration order:
 * the stack, default providers, then the program's resources.
 */
export async function runProgram(dir: string, opts: { mode: "preview" | "update" }): Promise<EngineResource[]> {
    const mode: RunMode = opts && opts.mode === "update" ? "update" : "preview";
    // Runs share process-wide hooks (require, cwd, console), so they take turns.
    const run = queue.then(() => runOnce(dir, mode));
    queue = run.catch(() => undefined);
    return run;
}

// ---------------------------------------------------------------------------
// Locating the program, its project, stack and config
// ---------------------------------------------------------------------------

interface ProgramLayout {
    /** Directory holding Pulumi.yaml (or the program). */
    root: string;
    /** Directory the program's code is loaded from (Pulumi.yaml `main`). */
    codeDir: string;
    /** What `require` is given, as the language host does. */
    entry: string;
    project: string;
    stack: string;
    config: Record<string, string>;
    hasTsconfig: boolean;
}

function locateProgram(dir: string): ProgramLayout {
    const given = path.resolve(dir);
    let stat: fs.Stats;
    try {
        stat = fs.statSync(given);
    } catch {
        throw new InputError(`program not found: ${quote(dir)} does not exist`);
    }
    const root = stat.isDirectory() ? given : path.dirname(given);
    const yaml = readProjectFile(root);
    const project = projectName(yaml, root);
    let codeDir = root;
    if (stat.isDirectory() && typeof yaml.main === "string" && yaml.main !== "") {
        codeDir = path.resolve(root, yaml.main);
    }
    const entry = stat.isDirectory() ? findEntry(codeDir) : given;
    const stack = pickStack(root);
    const config = readConfig(root, project, stack, yaml);
    const hasTsconfig = fs.existsSync(path.join(codeDir, "tsconfig.json"));
    return { root, codeDir, entry, project, stack, config, hasTsconfig };
}

function readYaml(file: string): any {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(`cannot read ${quote(file)}: ${(e as Error).message}`);
    }
    try {
        // js-yaml is a dependency of @pulumi/pulumi; load it from there rather
        // than relying on npm's hoisting.
        const pulumiRequire = Module.createRequire(require.resolve("@pulumi/pulumi/package.json"));
        return pulumiRequire("js-yaml").load(text) ?? {};
    } catch (e) {
        throw new InputError(`${quote(file)} is not valid YAML: ${firstLine((e as Error).message)}`);
    }
}

function readProjectFile(root: string): Record<string, unknown> {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
    if (!file) {
        return {};
    }
    const doc = readYaml(file);
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        throw new InputError(`${quote(file)} must be a YAML mapping with at least a name`);
    }
    return doc;
}

function projectName(yaml: Record<string, unknown>, root: string): string {
    if (typeof yaml.name === "string" && yaml.name.trim() !== "") {
        return yaml.name.trim();
    }
    return path.basename(root).replace(/[^A-Za-z0-9_.-]/g, "-") || "project";
}

function findEntry(codeDir: string): string {
    const pkgFile = path.join(codeDir, "package.json");
    if (fs.existsSync(pkgFile)) {
        let pkg: any;
        try {
            pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
        } catch (e) {
            throw new InputError(`${quote(pkgFile)} is not valid JSON: ${firstLine((e as Error).message)}`);
        }
        if (pkg && typeof pkg.main === "string" && pkg.main !== "") {
            const main = path.resolve(codeDir, pkg.main);
            if (resolvesToFile(main)) {
                return main;
            }
            throw new InputError(`the program's package.json main ${quote(pkg.main)} does not exist in ${quote(codeDir)}`);
        }
    }
    // Like the language host, prefer index.js when both exist.
    for (const name of ["index.js", "index.ts"]) {
        if (fs.existsSync(path.join(codeDir, name))) {
            return path.join(codeDir, name);
        }
    }
    throw new InputError(`no Pulumi program in ${quote(codeDir)}: expected index.ts, index.js or a package.json "main"`);
}

function resolvesToFile(p: string): boolean {
    return [p, `${p}.ts`, `${p}.js`, path.join(p, "index.ts"), path.join(p, "index.js")].some(
        (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
    );
}

/** The single Pulumi.<stack>.yaml, else `dev` if present, else the first; `dev` when there is none. */
function pickStack(root: string): string {
    const stacks = fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => m[1])
        .sort();
    if (stacks.length === 0 || stacks.includes("dev")) {
        return "dev";
    }
    return stacks[0];
}

function readConfig(root: string, project: string, stack: string, yaml: Record<string, unknown>): Record<string, string> {
    const config: Record<string, string> = {};
    // Project-level defaults first, then the stack file, as the CLI merges them.
    const projectConfig = yaml.config;
    if (projectConfig && typeof projectConfig === "object" && !Array.isArray(projectConfig)) {
        for (const [key, raw] of Object.entries(projectConfig as Record<string, unknown>)) {
            const value = isPlainObject(raw) && ("default" in raw || "value" in raw) ? (raw.value ?? raw.default) : raw;
            setConfigValue(config, project, key, value);
        }
    }
    const stackFile = ["yaml", "yml"].map((e) => path.join(root, `Pulumi.${stack}.${e}`)).find((f) => fs.existsSync(f));
    if (stackFile) {
        const doc = readYaml(stackFile);
        const values = doc && typeof doc === "object" ? doc.config : undefined;
        if (values !== undefined && values !== null && !isPlainObject(values)) {
            throw new InputError(`${quote(stackFile)}: "config" must be a mapping`);
        }
        for (const [key, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
            setConfigValue(config, project, key, value);
        }
    }
    return config;
}

function setConfigValue(config: Record<string, string>, project: string, key: string, value: unknown): void {
    // Encrypted values cannot be decrypted without the stack's secrets
    // provider; leaving them unset makes a program that needs one fail with
    // Pulumi's own "missing required configuration" message.
    if (value === undefined || value === null || (isPlainObject(value) && "secure" in value)) {
        return;
    }
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
}

// ---------------------------------------------------------------------------
// Loading the program's own @pulumi/pulumi and compiling TypeScript
// ---------------------------------------------------------------------------

interface PulumiSdk {
    dir: string;
    runtime: any;
    settings: any;
    state: any;
    rpc: any;
    log: any;
    resproto: any;
    struct: any;
}

/** Resolves from the program first, then from this project's node_modules. */
function resolveModule(request: string, fromDir: string): string | undefined {
    try {
        return require.resolve(request, { paths: [fromDir] });
    } catch {
        try {
            return require.resolve(request);
        } catch {
            return undefined;
        }
    }
}

function loadPulumi(codeDir: string): PulumiSdk {
    const pkg = resolveModule("@pulumi/pulumi/package.json", codeDir);
    if (!pkg) {
        throw new InputError(`cannot find @pulumi/pulumi for the program in ${quote(codeDir)}; run npm install there`);
    }
    const dir = path.dirname(pkg);
    const load = (rel: string) => require(path.join(dir, rel));
    return {
        dir,
        runtime: load("runtime"),
        settings: load("runtime/settings"),
        state: load("runtime/state"),
        rpc: load("runtime/rpc"),
        log: load("log"),
        resproto: load("proto/resource_pb"),
        // The generated protobuf code checks instanceof against its own copy.
        struct: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [dir] })),
    };
}

type Restore = () => void;

/**
 * Compiles the program's .ts files with ts-node (transpile only, CommonJS) for
 * the duration of the run. Files outside node_modules are ours to compile;
 * anything else goes to whatever handler was there before (mocha's ts-node).
 */
function installTypeScriptHook(layout: ProgramLayout, compiled: Set<string>): Restore {
    const tsNode = require("ts-node");
    const tsconfig = path.join(layout.codeDir, "tsconfig.json");
    const compilerOptions = { module: "commonjs", moduleResolution: "node", target: "es2020", sourceMap: true };
    const create = (skipProject: boolean) =>
        tsNode.create({
            cwd: layout.codeDir,
            project: skipProject ? undefined : tsconfig,
            skipProject,
            transpileOnly: true,
            compiler: require.resolve("typescript"),
            compilerOptions,
            // Option errors from a tsconfig written for another TypeScript
            // (unknown options or values, `ignoreDeprecations: "6.0"`, module
            // and resolution pairs we override anyway) do not stop a
            // transpile-only run.
            ignoreDiagnostics: [5023, 5024, 5025, 5101, 5102, 5103, 5107, 5108, 5109, 5110, 6046],
        });
    let service: any;
    try {
        service = create(!layout.hasTsconfig);
    } catch (e) {
        throw new InputError(`cannot use the program's tsconfig.json: ${oneLine(String((e as Error).message ?? e))}`);
    }
    const extensions = (Module as any)._extensions as Record<string, (m: any, filename: string) => void>;
    const previous = extensions[".ts"];
    extensions[".ts"] = function (m: any, filename: string) {
        if (filename.split(path.sep).includes("node_modules") && previous) {
            return previous(m, filename);
        }
        compiled.add(filename);
        m._compile(service.compile(fs.readFileSync(filename, "utf8"), filename), filename);
    };
    return () => {
        if (previous) {
            extensions[".ts"] = previous;
        } else {
            delete extensions[".ts"];
        }
    };
}

/**
 * A program outside this repository may have no node_modules: let its bare
 * `@pulumi/...` imports fall back to this project's copies.
 */
function installResolverFallback(): Restore {
    const mod = Module as any;
    const original = mod._resolveFilename;
    mod._resolveFilename = function (request: string, parent: unknown, isMain: boolean, options: unknown) {
        try {
            return original.call(this, request, parent, isMain, options);
        } catch (e) {
            if ((e as any)?.code === "MODULE_NOT_FOUND" && request.startsWith("@pulumi/")) {
                try {
                    // Resolved as if this file required it. Not `require.resolve`,
                    // which would come back through this very hook.
                    return original.call(this, request, module, false, undefined);
                } catch {
                    // fall through to the original error, which names the requester
                }
            }
            throw e;
        }
    };
    return () => {
        mod._resolveFilename = original;
    };
}

function evictProgramModules(root: string, compiled: Set<string>): void {
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    for (const key of Object.keys(require.cache)) {
        const ownFile = key.startsWith(prefix) && !key.slice(prefix.length).split(path.sep).includes("node_modules");
        if (ownFile || compiled.has(key)) {
            delete require.cache[key];
        }
    }
}

/** Program output would otherwise land in the middle of `--json` on stdout. */
function redirectConsoleToStderr(): Restore {
    const saved = { log: console.log, info: console.info, debug: console.debug };
    console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
    return () => Object.assign(console, saved);
}

/** Collects uncaught errors of the run; other listeners (mocha's) are parked meanwhile. */
function captureUncaughtErrors(errors: unknown[]): Restore {
    const events = ["uncaughtException", "unhandledRejection"] as const;
    const parked = events.map((ev) => process.listeners(ev as any));
    const handler = (err: unknown) => {
        errors.push(err);
    };
    for (const ev of events) {
        process.removeAllListeners(ev);
        process.on(ev as any, handler);
    }
    return () => {
        events.forEach((ev, i) => {
            process.removeListener(ev as any, handler);
            for (const l of parked[i]) {
                process.on(ev as any, l as any);
            }
        });
    };
}

function enableSourceMaps(): Restore {
    const p = process as any;
    const was = p.sourceMapsEnabled === true;
    if (!was && typeof p.setSourceMapsEnabled === "function") {
        p.setSourceMapsEnabled(true);
        return () => p.setSourceMapsEnabled(false);
    }
    return () => undefined;
}

// ---------------------------------------------------------------------------
// One run
// ---------------------------------------------------------------------------

async function runOnce(dir: string, mode: RunMode): Promise<EngineResource[]> {
    const layout = locateProgram(dir);
    const compiled = new Set<string>();
    const errors: unknown[] = [];
    const restores: Restore[] = [];
    const savedCwd = process.cwd();
    evictProgramModules(layout.root, compiled);
    try {
        const sdk = loadPulumi(layout.codeDir);
        restores.push(installResolverFallback());
        restores.push(installTypeScriptHook(layout, compiled));
        restores.push(redirectConsoleToStderr());
        restores.push(captureUncaughtErrors(errors));
        restores.push(enableSourceMaps());
        process.chdir(layout.codeDir);
        const recorder = new Recorder(sdk, layout, mode);
        await withTimeout(
            sdk.state.withLocalStorage(() => execute(sdk, layout, mode, recorder, errors)),
            RUN_TIMEOUT_MS,
            `program ${quote(dir)} did not finish within ${RUN_TIMEOUT_MS / 1000} s`,
        );
        return recorder.resources();
    } catch (e) {
        if (e instanceof InputError) {
            throw e;
        }
        throw new InputError(`Pulumi program ${quote(dir)} failed: ${describeError(e, layout.root)}`);
    } finally {
        process.chdir(savedCwd);
        for (const restore of restores.reverse()) {
            restore();
        }
        evictProgramModules(layout.root, compiled);
    }
}

async function execute(sdk: PulumiSdk, layout: ProgramLayout, mode: RunMode, recorder: Recorder, errors: unknown[]) {
    await sdk.runtime.setMocks(
        { newResource: () => ({ id: undefined, state: {} }), call: () => ({}) },
        layout.project,
        layout.stack,
        mode === "preview",
    );
    sdk.runtime.setAllConfig(layout.config, []);
    recorder.attach(sdk.settings.getMonitor());
    let failure: unknown;
    try {
        await sdk.runtime.runInPulumiStack(async () => {
            // As the language host does: a function export is called and awaited.
            const exported = require(layout.entry);
            return exported instanceof Function ? await exported() : exported;
        });
    } catch (e) {
        failure = e;
    }
    // Registrations still in flight must land before we read the recorder,
    // and must not leak into the next run.
    await sdk.settings.waitForRPCs();
    // A rejection nobody handles (an apply that throws, say) is only reported
    // once the microtask queue drains: give it a few turns while we listen.
    for (let turn = 0; turn < 3; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
    }
    if (failure !== undefined) {
        throw failure;
    }
    if (errors.length > 0) {
        throw errors[0];
    }
    if (sdk.log.hasErrors()) {
        throw new Error("the program logged errors (see stderr)");
    }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        // Not unref'd: a program stuck on a promise that never settles keeps
        // nothing else alive, and the process would just exit with status 0.
        timer = setTimeout(() => reject(new InputError(message)), ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------
// Recording registrations through the mock monitor
// ---------------------------------------------------------------------------

interface Recorded {
    resource: EngineResource;
    /** Came from `Resource.get`, not a registration. */
    read: boolean;
}

/**
 * Stands in for the engine behind the mock monitor: computes engine URNs,
 * applies the provider's Check (autonaming), fabricates outputs, and records
 * what the engine would hand to the analyzers.
 */
class Recorder {
    private readonly entries: Recorded[] = [];
    private readonly byUrn = new Map<string, Recorded>();
    private readonly defaultProviders = new Map<string, string>();
    private readonly apiProtocols = new Map<string, string>();

    constructor(
        private readonly sdk: PulumiSdk,
        private readonly layout: ProgramLayout,
        private readonly mode: RunMode,
    ) {}

    resources(): EngineResource[] {
        // Read resources (`Resource.get`) are not analyzed by the engine and
        // their fabricated state would be pure invention, so they are left out.
        return this.entries.filter((e) => !e.read).map((e) => e.resource);
    }

    attach(monitor: any): void {
        const original = { invoke: monitor.invoke.bind(monitor) };
        monitor.registerResource = (req: any, cb: any) => this.respond(cb, () => this.register(req, monitor));
        monitor.readResource = (req: any, cb: any) => this.respond(cb, () => this.readResource(req, monitor));
        monitor.registerResourceOutputs = (req: any, cb: any) =>
            this.respond(cb, () => {
                const entry = this.byUrn.get(req.getUrn());
                if (entry) {
                    entry.resource.outputs = structToJs(req.getOutputs());
                }
                return {};
            });
        monitor.invoke = (req: any, cb: any) => {
            if (req.getTok() === "pulumi:pulumi:getResource") {
                return original.invoke(req, cb);
            }
            this.respond(cb, () => {
                const resp = new this.sdk.resproto.ResourceInvokeResponse();
                resp.setReturn(this.sdk.struct.Struct.fromJavaScript(this.invokeResult(req.getTok())));
                return resp;
            });
        };
    }

    private respond(cb: (err: unknown, resp?: unknown) => void, work: () => unknown): void {
        let resp: unknown;
        try {
            resp = work();
        } catch (e) {
            cb(e);
            return;
        }
        cb(null, resp);
    }

    private urnFor(parent: string, type: string, name: string): string {
        const parentType = parent ? parent.split("::")[2] : "";
        const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
        return `urn:pulumi:${this.layout.stack}::${this.layout.project}::${qualified}::${name}`;
    }

    private context(type: string, name: string, urn: string, inputs: Record<string, unknown>, providerRef: string): MockContext {
        const native = type.startsWith("aws-native:");
        const providerInputs = this.byUrn.get(providerRef.split("::").slice(0, -1).join("::"))?.resource.inputs ?? {};
        const region =
            knownString(inputs.region) ??
            knownString(providerInputs.region) ??
            (native ? this.layout.config["aws-native:region"] : undefined) ??
            this.layout.config["aws:region"] ??
            DEFAULT_REGION;
        return {
            preview: this.mode === "preview",
            type,
            name,
            urn,
            region,
            account: MOCK_ACCOUNT,
            partition: partitionOf(region),
            apiProtocols: this.apiProtocols,
        };
    }

    private register(req: any, monitor: any): unknown {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const custom: boolean = req.getCustom();
        const urn = this.urnFor(parent, type, name);
        if (this.byUrn.has(urn)) {
            throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
        }
        const isProvider = type.startsWith("pulumi:providers:");
        let providerRef: string = req.getProvider();
        if (custom && !isProvider && providerRef === "") {
            providerRef = this.defaultProvider(type, req.getVersion());
        }
        const raw = structToJs(req.getObject());
        const ctx = this.context(type, name, urn, raw, providerRef);
        let inputs = raw;
        let outputs: Record<string, unknown> = {};
        let id: string | undefined;
        if (custom) {
            inputs = isProvider ? raw : checkInputs(raw, ctx);
            const made = fabricate(inputs, ctx, req.getImportid() || undefined);
            id = made.id;
            outputs = markSecretOutputs(made.outputs, req.getAdditionalsecretoutputsList());
            if (type === "aws:apigatewayv2/api:Api" && id !== undefined) {
                this.apiProtocols.set(id, String(plain(inputs.protocolType) ?? "HTTP"));
            }
        }
        const resource: EngineResource = {
            urn,
            type,
            name,
            inputs,
            outputs,
            ...(parent ? { parent } : {}),
            dependencies: [...req.getDependenciesList()],
            propertyDependencies: propertyDependencies(req),
            ...(custom && providerRef ? { provider: providerRef } : {}),
        };
        this.add({ resource, read: false }, monitor, id);
        return this.response("RegisterResourceResponse", urn, id, outputs);
    }

    private readResource(req: any, monitor: any): unknown {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const urn = this.urnFor(parent, type, name);
        const raw = structToJs(req.getProperties());
        const ctx = { ...this.context(type, name, urn, raw, req.getProvider()), preview: false };
        const made = fabricate(raw, ctx, req.getId());
        const resource: EngineResource = {
            urn,
            type,
            name,
            inputs: raw,
            outputs: made.outputs,
            ...(parent ? { parent } : {}),
            dependencies: [...req.getDependenciesList()],
            propertyDependencies: {},
        };
        this.add({ resource, read: true }, monitor, req.getId());
        const resp = new this.sdk.resproto.ReadResourceResponse();
        resp.setUrn(urn);
        resp.setProperties(this.sdk.struct.Struct.fromJavaScript(made.outputs));
        return resp;
    }

    private add(entry: Recorded, monitor: any, id: string | undefined): void {
        this.entries.push(entry);
        this.byUrn.set(entry.resource.urn, entry);
        // Keeps the mock's own `pulumi:pulumi:getResource` invoke working.
        monitor.resources?.set(entry.resource.urn, { urn: entry.resource.urn, id: id ?? null, state: entry.resource.outputs });
    }

    private response(kind: string, urn: string, id: string | undefined, outputs: Record<string, unknown>): unknown {
        const resp = new this.sdk.resproto[kind]();
        resp.setUrn(urn);
        // An empty id is how the engine says "unknown" during a preview.
        resp.setId(id ?? "");
        resp.setObject(this.sdk.struct.Struct.fromJavaScript(outputs));
        return resp;
    }

    /** The engine creates one default provider per package and version, on first use. */
    private defaultProvider(type: string, version: string): string {
        const pkg = type.split(":")[0];
        const key = `${pkg}@${version}`;
        const existing = this.defaultProviders.get(key);
        if (existing) {
            return existing;
        }
        const name = version ? `default_${version.replace(/[.+-]/g, "_")}` : "default";
        const providerType = `pulumi:providers:${pkg}`;
        const urn = this.urnFor("", providerType, name);
        const inputs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(this.layout.config)) {
            if (k.startsWith(`${pkg}:`)) {
                inputs[k.slice(pkg.length + 1)] = v;
            }
        }
        if (version) {
            inputs.version = version;
        }
        const id = this.mode === "preview" ? UNKNOWN : uuidFrom(urn);
        const ref = `${urn}::${id}`;
        const resource: EngineResource = {
            urn,
            type: providerType,
            name,
            inputs,
            outputs: { ...inputs },
            dependencies: [],
            propertyDependencies: {},
        };
        const entry = { resource, read: false };
        this.entries.push(entry);
        this.byUrn.set(urn, entry);
        this.defaultProviders.set(key, ref);
        return ref;
    }

    private invokeResult(token: string): Record<string, unknown> {
        const region = this.layout.config["aws:region"] ?? DEFAULT_REGION;
        const partition = partitionOf(region);
        switch (token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    accountId: MOCK_ACCOUNT,
                    arn: `arn:${partition}:iam::${MOCK_ACCOUNT}:user/mock`,
                    id: MOCK_ACCOUNT,
                    userId: "AIDAMOCKUSERID000000",
                };
            case "aws:index/getRegion:getRegion":
                return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
            case "aws:index/getPartition:getPartition":
                return { id: partition, partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
            case "aws-native:index:getAccountId":
                return { accountId: MOCK_ACCOUNT };
            case "aws-native:index:getRegion":
                return { region: this.layout.config["aws-native:region"] ?? region };
            case "aws-native:index:getPartition":
                return { partition };
            default:
                return {};
        }
    }
}

function structToJs(s: any): Record<string, unknown> {
    const v = s ? s.toJavaScript() : {};
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function propertyDependencies(req: any): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const map = req.getPropertydependenciesMap();
    for (const [key, deps] of map.entries()) {
        out[key] = [...deps.getUrnsList()];
    }
    return out;
}

function markSecretOutputs(outputs: Record<string, unknown>, keys: string[]): Record<string, unknown> {
    if (keys.length === 0) {
        return outputs;
    }
    const result = { ...outputs };
    for (const k of keys) {
        if (k in result && !isSecretEnvelope(result[k])) {
            result[k] = { [specialSigKey]: secretSig, value: result[k] };
        }
    }
    return result;
}

// ---------------------------------------------------------------------------
// What the providers would do: Check (autonaming) and outputs
// ---------------------------------------------------------------------------

interface MockContext {
    preview: boolean;
    type: string;
    name: string;
    urn: string;
    region: string;
    account: string;
    partition: string;
    /** API id -> protocol type, so a stage's invoke URL uses the right scheme. */
    apiProtocols: Map<string, string>;
}

/** Properties the providers autoname at Check time, in preview as in update. */
const AUTONAMED: Record<string, { prop: string; prefix?: string }> = {
    "aws:cloudwatch/logGroup:LogGroup": { prop: "name", prefix: "namePrefix" },
    "aws:apigatewayv2/api:Api": { prop: "name" },
    "aws:apigatewayv2/stage:Stage": { prop: "name" },
    "aws:apigateway/restApi:RestApi": { prop: "name" },
    "aws:iam/role:Role": { prop: "name", prefix: "namePrefix" },
    "aws:iam/policy:Policy": { prop: "name", prefix: "namePrefix" },
    "aws:iam/rolePolicy:RolePolicy": { prop: "name", prefix: "namePrefix" },
    "aws:lambda/function:Function": { prop: "name" },
    "aws:sqs/queue:Queue": { prop: "name", prefix: "namePrefix" },
    "aws:sns/topic:Topic": { prop: "name", prefix: "namePrefix" },
    "aws:s3/bucket:Bucket": { prop: "bucket", prefix: "bucketPrefix" },
    "aws:s3/bucketV2:BucketV2": { prop: "bucket", prefix: "bucketPrefix" },
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": { prop: "name" },
    "aws-native:logs:LogGroup": { prop: "logGroupName" },
    "aws-native:iam:Role": { prop: "roleName" },
};

/** The provider's Check: inputs plus the autonames it fills in. */
function checkInputs(inputs: Record<string, unknown>, ctx: MockContext): Record<string, unknown> {
    const rule = AUTONAMED[ctx.type];
    if (!rule || inputs[rule.prop] !== undefined || (rule.prefix && inputs[rule.prefix] !== undefined)) {
        return inputs;
    }
    return { ...inputs, [rule.prop]: `${ctx.name}-${hash(ctx.urn, "autoname").slice(0, 7)}` };
}

interface Fabricated {
    /** Undefined while unknown (a create during preview). */
    id: string | undefined;
    outputs: Record<string, unknown>;
}

/** What a provider adds to the checked inputs. */
interface ProviderOutputs {
    /** Known only once the resource exists: unknown in a preview of a create. */
    computed: Record<string, unknown>;
    /** Schema defaults and provider config: known in preview too. */
    defaults: Record<string, unknown>;
}

/**
 * Outputs as the provider would return them: the checked inputs plus computed
 * properties. In preview the computed ones are unknown, as in a real preview of
 * a create; in update they are plausible values derived from the URN's hash.
 */
function fabricate(inputs: Record<string, unknown>, ctx: MockContext, knownId?: string): Fabricated {
    if (ctx.type.startsWith("pulumi:providers:")) {
        // A provider's state is its configuration.
        return { id: ctx.preview ? undefined : uuidFrom(ctx.urn), outputs: { ...inputs } };
    }
    const { computed, defaults } = providerOutputs(inputs, ctx, knownId);
    const unknown = ctx.preview && knownId === undefined;
    const outputs: Record<string, unknown> = { ...inputs };
    for (const [k, v] of Object.entries(defaults)) {
        if (outputs[k] === undefined) {
            outputs[k] = v;
        }
    }
    for (const [k, v] of Object.entries(computed)) {
        if (k !== "id" && outputs[k] === undefined) {
            outputs[k] = unknown ? (isPlainObject(v) ? unknownSentinels.object : UNKNOWN) : v;
        }
    }
    const id = unknown ? undefined : String(knownId ?? computed.id);
    outputs.id = id ?? UNKNOWN;
    return { id, outputs };
}

function providerOutputs(inputs: Record<string, unknown>, ctx: MockContext, knownId?: string): ProviderOutputs {
    const { region, account, partition } = ctx;
    const h = (salt: string) => hash(ctx.urn, salt);
    const str = (k: string) => knownString(inputs[k]);
    const classic = ctx.type.startsWith("aws:");
    // @pulumi/aws v7 gives every regional resource a `region`, defaulted from the provider.
    const defaults: Record<string, unknown> = classic && !ctx.type.startsWith("aws:iam/") ? { region } : {};
    const tagsAll = classic ? { tagsAll: plain(inputs.tags) ?? {} } : {};
    switch (ctx.type) {
        case "aws:cloudwatch/logGroup:LogGroup": {
            const name = str("name") ?? `${str("namePrefix") ?? "terraform-"}${h("prefix").slice(0, 26)}`;
            return {
                computed: {
                    ...tagsAll,
                    id: knownId ?? name,
                    name,
                    arn: `arn:${partition}:logs:${region}:${account}:log-group:${name}`,
                },
                defaults: { ...defaults, retentionInDays: 0, skipDestroy: false, logGroupClass: "STANDARD", kmsKeyId: "" },
            };
        }
        case "aws-native:logs:LogGroup": {
            const name = str("logGroupName") ?? `${ctx.name}-${h("autoname").slice(0, 7)}`;
            return {
                computed: { id: knownId ?? name, logGroupName: name, arn: `arn:${partition}:logs:${region}:${account}:log-group:${name}:*` },
                defaults,
            };
        }
        case "aws:apigatewayv2/api:Api":
        case "aws-native:apigatewayv2:Api": {
            const apiId = knownId ?? apiIdFrom(h("api"));
            const scheme = plain(inputs.protocolType) === "WEBSOCKET" ? "wss" : "https";
            const endpoint = `${scheme}://${apiId}.execute-api.${region}.amazonaws.com`;
            if (!classic) {
                return { computed: { id: apiId, apiId, apiEndpoint: endpoint }, defaults };
            }
            return {
                computed: {
                    ...tagsAll,
                    id: apiId,
                    apiEndpoint: endpoint,
                    arn: `arn:${partition}:apigateway:${region}::/apis/${apiId}`,
                    executionArn: `arn:${partition}:execute-api:${region}:${account}:${apiId}`,
                },
                defaults: {
                    ...defaults,
                    apiKeySelectionExpression: "$request.header.x-api-key",
                    ...(plain(inputs.protocolType) === "HTTP" ? { routeSelectionExpression: "$request.method $request.path" } : {}),
                },
            };
        }
        case "aws:apigatewayv2/stage:Stage": {
            const name = str("name") ?? ctx.name;
            const apiId = str("apiId") ?? "unknown";
            const scheme = ctx.apiProtocols.get(apiId) === "WEBSOCKET" ? "wss" : "https";
            const suffix = name === "$default" ? "" : `/${name}`;
            return {
                computed: {
                    ...tagsAll,
                    id: knownId ?? name,
                    arn: `arn:${partition}:apigateway:${region}::/apis/${apiId}/stages/${name}`,
                    executionArn: `arn:${partition}:execute-api:${region}:${account}:${apiId}/${name}`,
                    invokeUrl: `${scheme}://${apiId}.execute-api.${region}.amazonaws.com${suffix}`,
                },
                defaults: { ...defaults, autoDeploy: false },
            };
        }
        case "aws-native:apigatewayv2:Stage":
            return { computed: { id: knownId ?? str("stageName") ?? ctx.name }, defaults };
        case "aws:iam/role:Role": {
            const name = str("name") ?? `${str("namePrefix") ?? "terraform-"}${h("prefix").slice(0, 26)}`;
            const rolePath = str("path") ?? "/";
            return {
                computed: {
                    ...tagsAll,
                    id: knownId ?? name,
                    name,
                    arn: `arn:${partition}:iam::${account}:role${rolePath}${name}`,
                    uniqueId: `AROA${h("unique").slice(0, 17).toUpperCase()}`,
                    createDate: "2024-01-01T00:00:00Z",
                },
                defaults: { path: "/" },
            };
        }
        case "aws:apigateway/account:Account":
            return { computed: { id: knownId ?? "api-gateway-account" }, defaults };
        default:
            return { computed: genericOutputs(ctx, tagsAll, knownId), defaults };
    }
}

function genericOutputs(ctx: MockContext, tagsAll: Record<string, unknown>, knownId?: string): Record<string, unknown> {
    const id = knownId ?? `${ctx.name}-${hash(ctx.urn, "id").slice(0, 8)}`;
    if (!ctx.type.startsWith("aws:") && !ctx.type.startsWith("aws-native:")) {
        return { id };
    }
    // `aws:sqs/queue:Queue` -> service sqs, kind queue.
    const [, mod = "", kind = ""] = ctx.type.split(":");
    const service = mod.split("/")[0] || "aws";
    return {
        ...tagsAll,
        id,
        arn: `arn:${ctx.partition}:${service}:${ctx.region}:${ctx.account}:${kind.toLowerCase()}/${id}`,
    };
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

function hash(urn: string, salt: string): string {
    return crypto.createHash("sha256").update(`${salt}\0${urn}`).digest("hex");
}

function uuidFrom(urn: string): string {
    const h = hash(urn, "uuid");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** API Gateway ids are 10 characters of [a-z0-9]. */
function apiIdFrom(hex: string): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    let out = "";
    for (let i = 0; i < 10; i++) {
        out += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
    }
    return out;
}

function partitionOf(region: string): string {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isSecretEnvelope(v: unknown): v is Record<string, unknown> {
    return isPlainObject(v) && v[specialSigKey] === secretSig;
}

/** A secret's inner value, or the value itself. */
function plain(v: unknown): unknown {
    return isSecretEnvelope(v) ? v.value : v;
}

function knownString(v: unknown): string | undefined {
    const p = plain(v);
    const sentinels: readonly string[] = Object.values(unknownSentinels);
    return typeof p === "string" && p !== "" && !sentinels.includes(p) ? p : undefined;
}

function oneLine(s: string): string {
    return toOneLine(s, " ");
}

function firstLine(s: string): string {
    return s.split(/\r?\n/)[0].trim();
}

/** Control characters escaped, at most MAX_MESSAGE_CHARS. */
function clip(s: string): string {
    // eslint-disable-next-line no-control-regex
    const escaped = s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
    return escaped.length > MAX_MESSAGE_CHARS ? `${escaped.slice(0, MAX_MESSAGE_CHARS)}...` : escaped;
}

function quote(s: string): string {
    return JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}...` : s);
}

/** One line: the error's message and where in the program it was thrown. */
function describeError(e: unknown, root: string): string {
    if (!(e instanceof Error)) {
        return clip(oneLine(String(e)));
    }
    if (e.name === "TSError") {
        // ts-node's message lists the diagnostics after a header line.
        const diagnostics = e.message.split(/\r?\n/).slice(1).join(" ");
        return clip(`TypeScript error: ${oneLine(diagnostics || e.message)}`);
    }
    // Node's "Require stack" lists our own files too: the first line says it.
    const message = (e as any).code === "MODULE_NOT_FOUND" ? `${firstLine(e.message)} (is it installed for the program?)` : oneLine(e.message || e.name);
    const where = programFrame(e.stack ?? "", root);
    return clip(where ? `${message} (at ${where})` : message);
}

function programFrame(stack: string, root: string): string | undefined {
    for (const line of stack.split("\n").slice(1)) {
        const m = /(?:\(|at )((?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?$/.exec(line.trim());
        if (m && m[1].startsWith(root) && !m[1].includes(`${path.sep}node_modules${path.sep}`)) {
            return `${path.relative(root, m[1])}:${m[2]}`;
        }
    }
    return undefined;
}
