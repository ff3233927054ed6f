import { LogGroupArn, normalizeLogGroupArn } from "./log-group-arn";
import { isNonBlankString, readProperty, UNKNOWN } from "./read-property";
import { isLogGroupType } from "./resource-types";

// Finding the log group a stage writes to, among a stack's resources. The
// index is built once per stack check, so matching a stage costs a few map
// look-ups however large the stack is.

/** The parts of a PolicyResource the matcher needs (tests build these directly). */
export interface StackResource {
    type: string;
    urn: string;
    name: string;
    props: Record<string, any>;
    propertyDependencies: Record<string, StackResource[]>;
}

export interface IndexedLogGroup {
    resource: StackResource;
    /** Normalized ARN, UNKNOWN while it is not known, undefined when absent. */
    arn: string | typeof UNKNOWN | undefined;
    name: string | typeof UNKNOWN | undefined;
    region: string | undefined;
}

export type LogGroupMatch =
    | { kind: "matched"; groups: IndexedLogGroup[] }
    | { kind: "none" }
    | { kind: "deferred" };

function readArnLike(value: unknown): string | typeof UNKNOWN | undefined {
    if (value === UNKNOWN) {
        return UNKNOWN;
    }
    return isNonBlankString(value) ? value : undefined;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list === undefined) {
        map.set(key, [value]);
    } else {
        list.push(value);
    }
}

export class LogGroupIndex {
    private readonly groups: IndexedLogGroup[] = [];
    /** Built on first use: only stages whose ARN is unknown, or matches nothing, look log groups up by URN. */
    private byUrnIndex: Map<string, IndexedLogGroup> | undefined;
    private readonly byArn = new Map<string, IndexedLogGroup>();
    /** Log groups whose ARN is not known yet, by name: matched on name alone. */
    private readonly byNameWithoutArn = new Map<string, IndexedLogGroup[]>();

    constructor(resources: readonly StackResource[]) {
        // An index loop: a stack check runs this over every resource, and array iterators allocate.
        for (let i = 0; i < resources.length; i++) {
            const resource = resources[i];
            if (!isLogGroupType(resource.type)) {
                continue;
            }
            const arn = readArnLike(readProperty(resource.props, "arn"));
            const nameKey = resource.type === "aws-native:logs:LogGroup" ? "logGroupName" : "name";
            const name = readArnLike(readProperty(resource.props, nameKey));
            const region = readProperty(resource.props, "region");
            const group: IndexedLogGroup = {
                resource,
                arn: typeof arn === "string" ? normalizeLogGroupArn(arn) : arn,
                name,
                region: typeof region === "string" ? region : undefined,
            };
            this.groups.push(group);
            if (typeof group.arn === "string") {
                // The first log group with an ARN is its match; no list per ARN.
                if (!this.byArn.has(group.arn)) {
                    this.byArn.set(group.arn, group);
                }
            } else if (typeof group.name === "string") {
                pushTo(this.byNameWithoutArn, group.name, group);
            }
        }
    }

    private byUrn(): Map<string, IndexedLogGroup> {
        if (this.byUrnIndex === undefined) {
            this.byUrnIndex = new Map();
            for (const group of this.groups) {
                this.byUrnIndex.set(group.resource.urn, group);
            }
        }
        return this.byUrnIndex;
    }

    get size(): number {
        return this.groups.length;
    }

    /** Log groups among a stage's `accessLogSettings` property dependencies. */
    dependencyGroups(stage: StackResource): IndexedLogGroup[] {
        const deps = readProperty(stage.propertyDependencies, "accessLogSettings");
        if (!Array.isArray(deps)) {
            return [];
        }
        const groups: IndexedLogGroup[] = [];
        for (const dep of deps) {
            const urn = readProperty(dep, "urn");
            const group = typeof urn === "string" ? this.byUrn().get(urn) : undefined;
            if (group !== undefined && !groups.includes(group)) {
                groups.push(group);
            }
        }
        return groups;
    }

    /**
     * The log group a stage writes to.
     * - Known ARN: a log group whose known `arn` is equal (ignoring `:*`); else
     *   one whose ARN is unknown but whose name equals the ARN's name (and
     *   whose region, if set, is the ARN's region); else one the stage depends
     *   on whose ARN and name are both unknown. A log group with a known,
     *   different ARN is never a match, even with the same name.
     * - Unknown ARN (preview): the log groups in the stage's
     *   `propertyDependencies["accessLogSettings"]`; with none, deferred.
     */
    match(stage: StackResource, destination: LogGroupArn | typeof UNKNOWN): LogGroupMatch {
        if (destination === UNKNOWN) {
            const groups = this.dependencyGroups(stage);
            return groups.length > 0 ? { kind: "matched", groups } : { kind: "deferred" };
        }
        const byArn = this.byArn.get(destination.normalized);
        if (byArn !== undefined) {
            return { kind: "matched", groups: [byArn] };
        }
        const byName = (this.byNameWithoutArn.get(destination.name) ?? [])
            .filter((g) => g.region === undefined || g.region === destination.region);
        if (byName.length > 0) {
            return { kind: "matched", groups: [byName[0]] };
        }
        const unresolved = this.dependencyGroups(stage).filter((g) => g.arn === UNKNOWN && g.name === UNKNOWN);
        return unresolved.length > 0 ? { kind: "matched", groups: unresolved } : { kind: "none" };
    }
}
