import * as assert from "assert";
import { PolicyConfigError } from "../../../lib/policy-config";
import { unknownSentinels } from "../../../engine/resource-model";
import { Violation } from "./policy-harness";

/**
 * Awaits a policy run that must fail on its config: a PolicyConfigError whose
 * one-line message names the policy, the key and the problem.
 */
export async function assertConfigError(run: Promise<unknown>, policy: string, key: string, problem: RegExp): Promise<void> {
    await assert.rejects(run, (e: unknown) => {
        assert.ok(e instanceof PolicyConfigError, `expected a PolicyConfigError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        assert.ok(e.message.includes(`"${policy}"`), `message names the policy: ${e.message}`);
        assert.ok(e.message.includes(`"${key}"`), `message names the key ${key}: ${e.message}`);
        assert.match(e.message, problem);
        assert.ok(!/[\r\n]/.test(e.message), `one line: ${JSON.stringify(e.message)}`);
        return true;
    });
}

const sentinelValues: readonly string[] = Object.values(unknownSentinels);

// Any C0/C1 control, DEL, or line/paragraph separator left raw in a message.
// eslint-disable-next-line no-control-regex
const rawControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The message rules of the spec: one line naming the problem, then one
 * "Fix:" line, or one for each protocol where the policy cannot know it; no raw unknown sentinel, no "undefined", no raw control
 * characters; the resource named (as the pack quotes it).
 */
export function assertMessageShape(v: Violation, resourceName?: string): void {
    const lines = v.message.split("\n");
    assert.ok(lines.length === 2 || lines.length === 3, `two lines (problem, fix), or three (a fix per protocol), got ${lines.length}: ${JSON.stringify(v.message.slice(0, 300))}`);
    assert.ok(lines[0].trim().length > 0, "the problem line is not empty");
    if (lines.length === 2) {
        assert.ok(lines[1].startsWith("Fix: ") && lines[1].length > "Fix: ".length, `second line is a fix: ${JSON.stringify(lines[1].slice(0, 100))}`);
    } else {
        assert.ok(lines[1].startsWith("Fix on an HTTP API: "), `second line is the HTTP fix: ${JSON.stringify(lines[1].slice(0, 100))}`);
        assert.ok(lines[2].startsWith("Fix on a WebSocket API: "), `third line is the WebSocket fix: ${JSON.stringify(lines[2].slice(0, 100))}`);
    }
    for (const s of sentinelValues) {
        assert.ok(!v.message.includes(s), `raw unknown sentinel ${s} in: ${v.message.slice(0, 200)}`);
    }
    assert.ok(!/\bundefined\b/.test(v.message), `"undefined" in: ${v.message.slice(0, 200)}`);
    assert.ok(!/\[object Object\]|\bNaN\b|Symbol\(/.test(v.message), `a stringified non-string in: ${v.message.slice(0, 200)}`);
    assert.ok(!rawControl.test(v.message), `raw control character in: ${JSON.stringify(v.message.slice(0, 300))}`);
    if (resourceName !== undefined) {
        assert.ok(lines[0].includes(resourceName), `the problem line names ${JSON.stringify(resourceName)}: ${lines[0].slice(0, 200)}`);
    }
}

/** No run of more than `max` consecutive characters of `value` appears in `message`. */
export function assertQuotesAtMost(message: string, value: string, max = 80): void {
    const window = max + 1;
    if (value.length < window) {
        return;
    }
    for (let i = 0; i + window <= value.length; i++) {
        const piece = value.slice(i, i + window);
        if (message.includes(piece)) {
            assert.fail(`message repeats more than ${max} characters of an input value (at offset ${i}): ${message.slice(0, 200)}`);
        }
    }
}
