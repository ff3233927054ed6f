// `pulumi stack export` files (version 3) -> EngineResource[], read the way
// `pulumi policy analyze --file` reads a snapshot: Analyze sees each live
// resource's inputs, AnalyzeStack sees every live resource's outputs, and
// resources marked `"delete": true` (pending deletion after a
// create-before-replace) are skipped.
//
// Secrets: an encrypted secret ({sig, ciphertext}) cannot be read without the
// stack's secrets provider, so it becomes an unknown value (policies treat it
// as they would during a preview) and the result counts them. A plaintext
// secret from `--show-secrets` ({sig, plaintext: "<JSON>"}) becomes a secret
// envelope around its parsed value.
//
// Links: a `propertyDependencies` entry naming a URN that is not a live
// resource in the file is an error, because the pack resolves a stage's log
// group through it and a dangling entry would silently change the verdict.
// `parent`, `dependencies` and `provider` pointing outside the file are kept
// and counted instead: no policy reads them, the SDK drops unresolved ones,
// and trimmed exports (without the stack or provider resources) are common.
//
// The input file is only ever read.
import { escapeControlChars, quote } from "../../lib/quote";
import { InputError, readInputFile } from "../errors";
import type { EngineResourceOptions, ResourceWithOptions } from "../protocol/marshal";
import { secret, secretSig, specialSigKey, unknownSentinels } from "../resource-model";
import { isPlainObject } from "../../lib/read-property";
import { fromStateFile } from "./source-position";

export const supportedStateVersion = 3;

export interface StateFileResult {
    resources: ResourceWithOptions[];
    /** Encrypted secret values that were read as unknowns. */
    encryptedSecrets: number;
    /** Resources skipped because they are pending deletion. */
    pendingDeletes: number;
    /** parent/dependencies/provider references to resources not in the file. */
    danglingReferences: number;
    /** Project and stack named by the first URN. */
    project?: string;
    stack?: string;
    /** One-line notes for the report (each stated once per file). */
    notes: string[];
}

/** Deeper JSON than this is rejected: no real export comes close. */
const maxDepth = 256;

function kind(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "an array";
    }
    return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export interface ParsedUrn {
    stack: string;
    project: string;
    type: string;
    name: string;
}

/**
 * urn:pulumi:<stack>::<project>::<qualified type>::<name>. The name is what
 * follows the third "::" (the engine's URN.Name()), so a name that itself
 * contains "::" stays whole.
 */
export function parseUrn(urn: string): ParsedUrn | undefined {
    if (!urn.startsWith("urn:pulumi:")) {
        return undefined;
    }
    const parts = urn.slice("urn:pulumi:".length).split("::");
    if (parts.length < 4 || parts[0] === "" || parts[2] === "") {
        return undefined;
    }
    const qualifiedType = parts[2];
    return {
        stack: parts[0],
        project: parts[1],
        type: qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1),
        name: parts.slice(3).join("::"),
    };
}

/** Reads a state file; every problem is one InputError line. Never writes. */
export function readStateFile(file: string): StateFileResult {
    const label = `state file ${quote(file)}`;
    const buf = readInputFile(file, label, "is a directory");
    return parseStateFile(buf, label);
}

function decode(buf: Buffer, label: string): string {
    if (buf.length === 0) {
        throw new InputError(`${label} is empty`);
    }
    if (buf.includes(0)) {
        throw new InputError(`${label} is binary, not a JSON export from \`pulumi stack export\``);
    }
    try {
        return new TextDecoder("utf-8", { fatal: true }).decode(buf).replace(/^\ufeff/, "");
    } catch {
        throw new InputError(`${label} is not UTF-8 text, so it is not a JSON export from \`pulumi stack export\``);
    }
}

function parseJson(text: string, label: string): unknown {
    if (text.trim() === "") {
        throw new InputError(`${label} is empty`);
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        if (e instanceof RangeError) {
            throw new InputError(`${label} nests too deeply to be a state export`);
        }
        const msg = String((e as Error).message);
        if (/end of JSON input|Unterminated string/i.test(msg)) {
            throw new InputError(`${label} is truncated: the JSON ends early (${escapeControlChars(msg).slice(0, 120)})`);
        }
        throw new InputError(`${label} is not valid JSON: ${escapeControlChars(msg).slice(0, 160)}`);
    }
}

export function parseStateFile(input: Buffer | string, label = "state file"): StateFileResult {
    const text = typeof input === "string" ? input.replace(/^\ufeff/, "") : decode(input, label);
    const doc = parseJson(text, label);
    if (!isPlainObject(doc)) {
        throw new InputError(`${label} must hold a JSON object from \`pulumi stack export\`, not ${kind(doc)}`);
    }
    if (!Object.prototype.hasOwnProperty.call(doc, "version")) {
        throw new InputError(`${label} has no "version"; expected a \`pulumi stack export\` file (version ${supportedStateVersion})`);
    }
    if (doc.version !== supportedStateVersion) {
        const shown = typeof doc.version === "number" || typeof doc.version === "string" ? escapeControlChars(String(doc.version)).slice(0, 40) : kind(doc.version);
        throw new InputError(`${label} has version ${shown}; only version ${supportedStateVersion} (what \`pulumi stack export\` writes) is supported`);
    }
    const deployment = doc.deployment;
    if (!isPlainObject(deployment)) {
        throw new InputError(`${label} has no "deployment" object (found ${kind(deployment)})`);
    }
    const rawResources = deployment.resources ?? [];
    if (!Array.isArray(rawResources)) {
        throw new InputError(`${label}: "deployment.resources" must be an array, not ${kind(rawResources)}`);
    }

    const counter = { encrypted: 0 };
    const live: ResourceWithOptions[] = [];
    const liveIndex = new Map<string, number>();
    let pendingDeletes = 0;
    rawResources.forEach((raw, i) => {
        const where = `${label}: resource #${i + 1}`;
        if (!isPlainObject(raw)) {
            throw new InputError(`${where} must be an object, not ${kind(raw)}`);
        }
        if (typeof raw.urn !== "string" || raw.urn === "") {
            throw new InputError(`${where} has no "urn"`);
        }
        const urn = raw.urn;
        const at = `${label}: resource ${quote(urn)}`;
        if (typeof raw.type !== "string" || raw.type === "") {
            throw new InputError(`${at} has no "type"`);
        }
        const parsed = parseUrn(urn);
        if (parsed === undefined) {
            throw new InputError(`${at} has a malformed URN; expected urn:pulumi:<stack>::<project>::<type>::<name>`);
        }
        if (raw.delete === true) {
            pendingDeletes++;
            return;
        }
        if (liveIndex.has(urn)) {
            throw new InputError(`${label}: URN ${quote(urn)} appears more than once among live resources (#${liveIndex.get(urn)! + 1} and #${i + 1})`);
        }
        liveIndex.set(urn, i);
        live.push(toResource(raw, urn, parsed.name, at, counter));
    });

    let dangling = 0;
    for (const r of live) {
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            for (const dep of urns) {
                if (!liveIndex.has(dep)) {
                    throw new InputError(`${label}: resource ${quote(r.urn)} has propertyDependencies[${quote(key)}] naming ${quote(dep)}, which is not a live resource in the file`);
                }
            }
        }
        if (r.parent && !liveIndex.has(r.parent)) {
            dangling++;
        }
        dangling += r.dependencies.filter((d) => !liveIndex.has(d)).length;
        const providerUrn = r.provider ? r.provider.slice(0, Math.max(0, r.provider.lastIndexOf("::"))) : "";
        if (providerUrn && !liveIndex.has(providerUrn)) {
            dangling++;
        }
    }

    const first = live.length > 0 ? parseUrn(live[0].urn) : undefined;
    const notes: string[] = [];
    if (counter.encrypted > 0) {
        notes.push(`${counter.encrypted} encrypted secret ${counter.encrypted === 1 ? "value was" : "values were"} treated as unknown (export with --show-secrets to check them)`);
    }
    if (pendingDeletes > 0) {
        notes.push(`${pendingDeletes} ${pendingDeletes === 1 ? "resource" : "resources"} pending deletion ${pendingDeletes === 1 ? "was" : "were"} skipped`);
    }
    if (dangling > 0) {
        notes.push(`${dangling} parent/dependency/provider ${dangling === 1 ? "reference names a resource" : "references name resources"} not in the file`);
    }
    return {
        resources: live,
        encryptedSecrets: counter.encrypted,
        pendingDeletes,
        danglingReferences: dangling,
        project: first?.project,
        stack: first?.stack,
        notes,
    };
}

function stringList(value: unknown, where: string, field: string): string[] {
    if (value === undefined || value === null) {
        return [];
    }
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        throw new InputError(`${where}: "${field}" must be a list of URN strings`);
    }
    return value as string[];
}

function optionalString(value: unknown, where: string, field: string): string | undefined {
    if (value === undefined || value === null || value === "") {
        return undefined;
    }
    if (typeof value !== "string") {
        throw new InputError(`${where}: "${field}" must be a string, not ${kind(value)}`);
    }
    return value;
}

function propertyMap(value: unknown, where: string, field: string, counter: { encrypted: number }): Record<string, unknown> {
    if (value === undefined || value === null) {
        return {};
    }
    if (!isPlainObject(value)) {
        throw new InputError(`${where}: "${field}" must be an object, not ${kind(value)}`);
    }
    return decodeValue(value, `${where}: ${field}`, counter, 0) as Record<string, unknown>;
}

function toResource(raw: Record<string, unknown>, urn: string, name: string, where: string, counter: { encrypted: number }): ResourceWithOptions {
    const propertyDependencies: Record<string, string[]> = {};
    const pd = raw.propertyDependencies;
    if (pd !== undefined && pd !== null) {
        if (!isPlainObject(pd)) {
            throw new InputError(`${where}: "propertyDependencies" must be an object, not ${kind(pd)}`);
        }
        for (const key of Object.keys(pd)) {
            propertyDependencies[key] = stringList(pd[key], where, `propertyDependencies.${escapeControlChars(key.slice(0, 80))}`);
        }
    }
    const resource: ResourceWithOptions = {
        urn,
        type: raw.type as string,
        name,
        inputs: propertyMap(raw.inputs, where, "inputs", counter),
        outputs: propertyMap(raw.outputs, where, "outputs", counter),
        dependencies: stringList(raw.dependencies, where, "dependencies"),
        propertyDependencies,
    };
    const parent = optionalString(raw.parent, where, "parent");
    if (parent !== undefined) {
        resource.parent = parent;
    }
    const provider = optionalString(raw.provider, where, "provider");
    if (provider !== undefined) {
        resource.provider = provider;
    }
    const source = fromStateFile(raw.sourcePosition);
    if (source !== undefined) {
        resource.source = source;
    }
    const options = readOptions(raw);
    if (options !== undefined) {
        resource.options = options;
    }
    return resource;
}

/** Options the export records; only well-formed ones are carried over (no policy reads them). */
function readOptions(raw: Record<string, unknown>): EngineResourceOptions | undefined {
    const o: EngineResourceOptions = {};
    if (typeof raw.protect === "boolean") {
        o.protect = raw.protect;
    }
    const strings = (v: unknown) => (Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : undefined);
    const ignore = strings(raw.ignoreChanges);
    if (ignore) {
        o.ignoreChanges = ignore;
    }
    const aso = strings(raw.additionalSecretOutputs);
    if (aso) {
        o.additionalSecretOutputs = aso;
    }
    const aliases = strings(raw.aliases);
    if (aliases) {
        o.aliases = aliases;
    }
    if (typeof raw.deleteBeforeReplace === "boolean") {
        o.deleteBeforeReplace = raw.deleteBeforeReplace;
    }
    const ct = raw.customTimeouts;
    if (isPlainObject(ct)) {
        const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
        o.customTimeouts = { create: n(ct.create), update: n(ct.update), delete: n(ct.delete) };
    }
    return Object.keys(o).length > 0 ? o : undefined;
}

/** State-file encoding -> the engine's wire conventions (secrets decoded or unknown). */
function decodeValue(value: unknown, where: string, counter: { encrypted: number }, depth: number): unknown {
    if (depth > maxDepth) {
        throw new InputError(`${where} nests more than ${maxDepth} levels deep`);
    }
    if (Array.isArray(value)) {
        return value.map((v) => decodeValue(v, where, counter, depth + 1));
    }
    if (!isPlainObject(value)) {
        return value;
    }
    if (value[specialSigKey] === secretSig) {
        if (Object.prototype.hasOwnProperty.call(value, "ciphertext")) {
            counter.encrypted++;
            return unknownSentinels.string;
        }
        if (Object.prototype.hasOwnProperty.call(value, "plaintext")) {
            if (typeof value.plaintext !== "string") {
                throw new InputError(`${where} has a plaintext secret whose "plaintext" is not a JSON string`);
            }
            let inner: unknown;
            try {
                inner = JSON.parse(value.plaintext);
            } catch {
                // Never echo it: it is a secret.
                throw new InputError(`${where} has a plaintext secret that is not valid JSON`);
            }
            return secret(decodeValue(inner, where, counter, depth + 1));
        }
        if (Object.prototype.hasOwnProperty.call(value, "value")) {
            return secret(decodeValue(value.value, where, counter, depth + 1));
        }
        throw new InputError(`${where} has a secret with neither "ciphertext" nor "plaintext"`);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
        Object.defineProperty(out, key, { value: decodeValue(value[key], where, counter, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
}
