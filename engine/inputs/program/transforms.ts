// New-style transforms (SDK 3.112+), run as the engine runs them.
//
// The SDK does not run `pulumi.runtime.registerResourceTransform` callbacks or
// the `transforms` resource option itself: it serves them from its callbacks
// gRPC service and sends references (a token and the service's address), in
// `RegisterStackTransform` and in each RegisterResourceRequest's `transforms`.
// The engine (pkg/resource/deploy/source_eval.go, RegisterResource) calls them
// before it registers the resource: the resource's own transforms, then each
// ancestor's, from the parent outwards, then the stack transforms, each seeing
// the previous one's result. A transform registered on a component applies to
// all its descendants because the engine remembers each resource's own list.
import * as path from "path";

import { PulumiSdk } from "./module-loading";

/** What a chain of transforms hands back to the registration. */
export interface Transformed {
    props: Record<string, unknown>;
    /** Top-level properties the resource had before the transforms and not after, each with the callback that removed it. */
    removed: { property: string; callback: any }[];
    /** `pulumirpc.TransformResourceOptions` after the last transform. */
    options: any;
}

export class EngineTransforms {
    /** Stack transforms, in registration order. */
    private readonly stack: any[] = [];
    /** Each resource's own `transforms`, kept for its descendants. */
    private readonly own = new Map<string, any[]>();
    private readonly clients = new Map<string, any>();
    private grpc: any;
    private callbackProto: any;
    private callbackServices: any;

    constructor(private readonly sdk: PulumiSdk) {}

    addStackTransform(callback: any): void {
        this.stack.push(callback);
    }

    /** The engine's order for a registration under `parent`: own, ancestors inner to outer, stack. */
    chain(req: any, parentOf: (urn: string) => string | undefined): any[] {
        const chain: any[] = [...ownTransforms(req)];
        for (let current = req.getParent() as string | undefined; current; current = parentOf(current)) {
            chain.push(...(this.own.get(current) ?? []));
        }
        chain.push(...this.stack);
        return chain;
    }

    /** Kept after the registration, as the engine does, so children inherit them. */
    remember(urn: string, req: any): void {
        const mine = ownTransforms(req);
        if (mine.length > 0) {
            this.own.set(urn, mine);
        }
    }

    async run(chain: readonly any[], req: any, props: Record<string, unknown>): Promise<Transformed> {
        let options = initialOptions(this.sdk, req);
        let current = props;
        const removed: Transformed["removed"] = [];
        for (const callback of chain) {
            const request = new this.sdk.resproto.TransformRequest();
            request.setName(req.getName());
            request.setType(req.getType());
            request.setCustom(req.getCustom());
            request.setParent(req.getParent());
            request.setProperties(this.sdk.struct.Struct.fromJavaScript(current));
            request.setOptions(options);
            const bytes = await this.invoke(callback, request.serializeBinary());
            const response = this.sdk.resproto.TransformResponse.deserializeBinary(bytes);
            const next = response.getProperties();
            if (next !== undefined) {
                const after = next.toJavaScript() as Record<string, unknown>;
                for (const key of Object.keys(current)) {
                    if (current[key] !== undefined && current[key] !== null && (after[key] === undefined || after[key] === null)) {
                        removed.push({ property: key, callback });
                    }
                }
                current = after;
            }
            options = response.getOptions() ?? options;
        }
        return { props: current, options, removed: removed.filter((r) => current[r.property] === undefined || current[r.property] === null) };
    }

    /** Closes the clients this run opened. */
    close(): void {
        for (const client of this.clients.values()) {
            client.close();
        }
        this.clients.clear();
    }

    private invoke(callback: any, request: Uint8Array): Promise<Uint8Array> {
        this.grpc ??= require(require.resolve("@grpc/grpc-js", { paths: [this.sdk.dir] }));
        this.callbackProto ??= require(path.join(this.sdk.dir, "proto", "callback_pb"));
        this.callbackServices ??= require(path.join(this.sdk.dir, "proto", "callback_grpc_pb"));
        const target: string = callback.getTarget();
        let client = this.clients.get(target);
        if (client === undefined) {
            client = new this.callbackServices.CallbacksClient(target, this.grpc.credentials.createInsecure());
            this.clients.set(target, client);
        }
        const req = new this.callbackProto.CallbackInvokeRequest();
        req.setToken(callback.getToken());
        req.setRequest(request);
        return new Promise((resolve, reject) => {
            client.invoke(req, (err: any, resp: any) => {
                if (err) {
                    // The SDK wraps the program's exception as "transform failed: …" in the status details.
                    reject(new Error(err.details || err.message));
                } else {
                    resolve(resp.getResponse_asU8());
                }
            });
        });
    }
}

function ownTransforms(req: any): any[] {
    return typeof req.getTransformsList === "function" ? req.getTransformsList() : [];
}

/** The options the engine passes to the first transform, from the request. */
function initialOptions(sdk: PulumiSdk, req: any): any {
    const opts = new sdk.resproto.TransformResourceOptions();
    const copy = (setter: string, getter: string) => {
        if (typeof opts[setter] === "function" && typeof req[getter] === "function") {
            const v = req[getter]();
            if (v !== undefined && v !== null) {
                opts[setter](v);
            }
        }
    };
    copy("setImport", "getImportid");
    copy("setDependsOnList", "getDependenciesList");
    copy("setProtect", "getProtect");
    copy("setIgnoreChangesList", "getIgnorechangesList");
    copy("setReplaceOnChangesList", "getReplaceonchangesList");
    copy("setVersion", "getVersion");
    copy("setAliasesList", "getAliasesList");
    copy("setProvider", "getProvider");
    copy("setCustomTimeouts", "getCustomtimeouts");
    copy("setPluginDownloadUrl", "getPlugindownloadurl");
    copy("setRetainOnDelete", "getRetainondelete");
    copy("setDeletedWith", "getDeletedwith");
    copy("setDeleteBeforeReplace", "getDeletebeforereplace");
    copy("setAdditionalSecretOutputsList", "getAdditionalsecretoutputsList");
    if (typeof req.getProvidersMap === "function" && typeof opts.getProvidersMap === "function") {
        const providers = opts.getProvidersMap();
        for (const [k, v] of req.getProvidersMap().entries()) {
            providers.set(k, v);
        }
    }
    return opts;
}
