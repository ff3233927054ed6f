import { EngineResource, unknownSentinels } from "../../engine/resource-model";
import {
    accountId, compliantAccount, compliantApi, compliantFormat, compliantLogGroup, compliantNativeLogGroup, compliantNativeStage,
    compliantStage, compliantWebSocketFormat, logGroupArn as arnOf, region,
} from "../fixtures/compliant";
import { resource } from "./helpers";

// Stacks as the engine would hand them to the pack: in a preview, outputs the
// provider computes (ids, ARNs) are unknown, and so is every input bound to
// them; in an update they are known. Each scenario builds a fresh stack.

export const UNKNOWN = unknownSentinels.string;
export { region };
export const account = accountId;

export const T = {
    stage: "aws:apigatewayv2/stage:Stage",
    api: "aws:apigatewayv2/api:Api",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    nativeStage: "aws-native:apigatewayv2:Stage",
    nativeLogGroup: "aws-native:logs:LogGroup",
    account: "aws:apigateway/account:Account",
} as const;

export const goodFormat = compliantFormat;

/** goodFormat plus the connection fields WebSocket stages must log. */
export const goodWebSocketFormat = compliantWebSocketFormat;

export const logGroupArn = (name: string, r = region) => arnOf(name, r);

export type Mode = "preview" | "update";

export interface StageLogging {
    /** Bind destinationArn to this log group's `arn` output (unknown in a preview). */
    logGroup?: EngineResource;
    /** Or a literal destination. */
    destinationArn?: unknown;
    format?: unknown;
    /** Whether to record the accessLogSettings property dependency on the log group. */
    recordDependency?: boolean;
}

export class StackBuilder {
    readonly resources: EngineResource[] = [];
    readonly stackUrn: string;
    private readonly providerRef: string;

    constructor(readonly mode: Mode) {
        const stack = resource("pulumi:pulumi:Stack", "proj-dev", {});
        const provider = resource("pulumi:providers:aws", "default_7_48_0", { region, version: "7.48.0" });
        this.stackUrn = stack.urn;
        this.providerRef = `${provider.urn}::${mode === "update" ? "5a1f3c2e-provider" : UNKNOWN}`;
        this.resources.push(stack, provider);
    }

    /** A value the provider computes: known only in an update. */
    computed<T>(value: T): T | string {
        return this.mode === "update" ? value : UNKNOWN;
    }

    private add(type: string, name: string, inputs: Record<string, unknown>, computedOutputs: Record<string, unknown>, deps: Record<string, string[]> = {}): EngineResource {
        const allDeps = [...new Set(Object.values(deps).flat())];
        const r = resource(type, name, inputs, {
            outputs: { ...inputs, ...computedOutputs },
            parent: this.stackUrn,
            provider: this.providerRef,
            dependencies: allDeps,
            propertyDependencies: deps,
        });
        this.resources.push(r);
        return r;
    }

    /** A log group: the compliant baseline, or exactly `inputs` (with the name) when given. */
    logGroup(name: string, inputs?: Record<string, unknown>): EngineResource {
        const physical = typeof inputs?.name === "string" ? inputs.name : `${name}-1a2b3c4`;
        const at = typeof inputs?.region === "string" ? inputs.region : region;
        return this.add(T.logGroup, name, inputs === undefined ? compliantLogGroup(physical) : { name: physical, ...inputs },
            { arn: this.computed(logGroupArn(physical, at)), id: this.computed(physical) });
    }

    /** An aws-native log group: the compliant baseline, or exactly `inputs` (with the name) when given. */
    nativeLogGroup(name: string, inputs?: Record<string, unknown>): EngineResource {
        return this.add(T.nativeLogGroup, name, inputs === undefined ? compliantNativeLogGroup(name) : { logGroupName: name, ...inputs },
            { arn: this.computed(`${logGroupArn(name)}:*`) });
    }

    api(name: string, protocolType: "HTTP" | "WEBSOCKET", extra: Record<string, unknown> = {}): EngineResource {
        return this.add(T.api, name, { ...compliantApi(`${name}-5d6e7f8`, protocolType), ...extra }, { id: this.computed(`${name}-id`) });
    }

    account(): EngineResource {
        const { cloudwatchRoleArn, ...inputs } = compliantAccount();
        return this.add(T.account, "account", { ...inputs, cloudwatchRoleArn: this.computed(cloudwatchRoleArn) }, {});
    }

    private loggingInputs(logging: StageLogging | undefined): { settings: Record<string, unknown> | undefined; deps: string[] } {
        if (logging === undefined) {
            return { settings: undefined, deps: [] };
        }
        const settings: Record<string, unknown> = {};
        let deps: string[] = [];
        if (logging.logGroup !== undefined) {
            settings.destinationArn = logging.logGroup.outputs.arn;
            if (logging.recordDependency !== false) {
                deps = [logging.logGroup.urn];
            }
        } else if (logging.destinationArn !== undefined) {
            settings.destinationArn = logging.destinationArn;
        }
        if (logging.format !== undefined) {
            settings.format = logging.format;
        }
        return { settings, deps };
    }

    stage(name: string, api: EngineResource, logging: StageLogging | undefined, extra: Record<string, unknown> = {}): EngineResource {
        const { settings, deps } = this.loggingInputs(logging);
        const { accessLogSettings: _settings, ...baseline } = compliantStage(api.outputs.id, undefined);
        const inputs: Record<string, unknown> = { ...baseline, ...extra };
        if (settings !== undefined) {
            inputs.accessLogSettings = settings;
        }
        const propertyDependencies: Record<string, string[]> = { apiId: [api.urn] };
        if (deps.length > 0) {
            propertyDependencies.accessLogSettings = deps;
        }
        return this.add(T.stage, name, inputs, { id: this.computed("$default"), invokeUrl: this.computed(`https://${name}.execute-api.${region}.amazonaws.com`) }, propertyDependencies);
    }

    nativeStage(name: string, api: EngineResource, logging: StageLogging | undefined): EngineResource {
        const { settings, deps } = this.loggingInputs(logging);
        const { accessLogSettings: _settings, ...inputs } = compliantNativeStage(api.outputs.id, undefined);
        if (settings !== undefined) {
            inputs.accessLogSettings = settings;
        }
        const propertyDependencies: Record<string, string[]> = { apiId: [api.urn] };
        if (deps.length > 0) {
            propertyDependencies.accessLogSettings = deps;
        }
        return this.add(T.nativeStage, name, inputs, {}, propertyDependencies);
    }
}

/** A compliant HTTP API: log group with retention, stage bound to its ARN. */
export function compliantHttp(mode: Mode): StackBuilder {
    const s = new StackBuilder(mode);
    const lg = s.logGroup("access-logs");
    const api = s.api("orders", "HTTP");
    s.stage("orders-stage", api, { logGroup: lg, format: goodFormat });
    return s;
}
