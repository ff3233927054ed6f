import * as assert from "assert";
import { longestShared, maxQuoted } from "./helpers/invariants";

// The property run's check that no message quotes more than maxQuoted
// characters of an input: its positive and negative controls, since a hash
// that missed a window would let every message pass.

describe("longestShared, the check that messages quote inputs briefly", () => {
    const quoted = Array.from({ length: maxQuoted + 1 }, (_, i) => String.fromCharCode(0x41 + (i * 7) % 26)).join("");
    const filler = "x".repeat(1 << 20);

    it("finds a run of maxQuoted + 1 characters anywhere in a megabyte input, and where the message has it", () => {
        const input = `${filler}${quoted}${filler}`;
        const message = `the value "${quoted}" is wrong`;
        // A big input's windows are remembered between calls: a miss first must not hide a later hit.
        assert.strictEqual(longestShared([`the value "${quoted.slice(0, -1)}" is wrong`], [input]), undefined);
        assert.deepStrictEqual(longestShared(["unrelated", message], ["short", input]), { input, message, at: message.indexOf(quoted) });
    });

    it("allows maxQuoted characters, and ignores inputs that share only hash values", () => {
        const input = `${filler}${quoted}${filler}`;
        assert.strictEqual(longestShared([`quotes "${quoted.slice(1)}"`, `quotes "${quoted.slice(0, -1)}"`], [input]), undefined);
        // Non-BMP and high code units hash through the same 32-bit arithmetic.
        const astral = "😀é\uffff".repeat(maxQuoted);
        assert.strictEqual(longestShared([astral.slice(0, maxQuoted + 1)], [astral])?.at, 0);
        assert.strictEqual(longestShared(["a".repeat(maxQuoted + 1)], ["b".repeat(maxQuoted + 1)]), undefined);
    });
});
