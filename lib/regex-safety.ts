// User-supplied regular expressions run inside every preview, and JavaScript's
// engine backtracks: `(a+)+$` can run longer than the age of the universe on
// a 512-character log-group name. Patterns are refused when they have one of
// the shapes behind nearly all catastrophic backtracking:
// - a repeated group that contains a repeat, like (a+)+;
// - a repeated group with alternatives, like (a|ab)*;
// - two repeats in a row, like \w*\w*, which make the work polynomial;
// - more than four repeats in all.
// It is a conservative check: a safe pattern it refuses can always be
// rewritten, and a wrong verdict costs a config error, not a hung preview.

const maxPatternLength = 1000;
const maxRepeats = 4;

interface Group {
    containsRepeat: boolean;
    hasAlternatives: boolean;
    /** Whether the atom before the group was repeated. */
    repeatBefore: boolean;
}

interface Quantifier {
    /** Can match its atom more than once. */
    repeats: boolean;
    end: number;
}

/** Why a pattern is unsafe to run, or undefined when it is fine. */
export function regexSafetyProblem(source: string): string | undefined {
    if (source.length > maxPatternLength) {
        return `is longer than ${maxPatternLength} characters`;
    }
    const groups: Group[] = [];
    let closedGroup: Group | undefined; // set while the previous atom is a group
    let previousRepeated = false; // the atom before the current one was repeated
    let currentRepeatBefore = false; // same, captured when the current atom started
    let repeats = 0;
    const startAtom = (): void => {
        currentRepeatBefore = previousRepeated;
        previousRepeated = false;
        closedGroup = undefined;
    };
    for (let i = 0; i < source.length; i++) {
        const c = source[i];
        const quantifier = quantifierAt(source, i);
        if (quantifier !== undefined) {
            if (quantifier.repeats) {
                repeats++;
                if (closedGroup?.containsRepeat) {
                    return "has a repeated group that contains a repeat (like (a+)+), which can backtrack catastrophically";
                }
                if (closedGroup?.hasAlternatives) {
                    return "has a repeated group with alternatives (like (a|ab)*), which can backtrack catastrophically";
                }
                if (currentRepeatBefore) {
                    return "has two repeats in a row (like \\w*\\w*), which can backtrack catastrophically";
                }
                if (groups.length > 0) {
                    groups[groups.length - 1].containsRepeat = true;
                }
                previousRepeated = true;
            }
            closedGroup = undefined;
            i = quantifier.end - 1;
            continue;
        }
        if (c === "(") {
            startAtom();
            groups.push({ containsRepeat: false, hasAlternatives: false, repeatBefore: currentRepeatBefore });
            previousRepeated = false;
            // Skip the group's ?: ?= ?! ?<name> prefix.
            if (source[i + 1] === "?") {
                i++;
                if (source[i + 1] === "<" && source[i + 2] !== "=" && source[i + 2] !== "!") {
                    const close = source.indexOf(">", i);
                    i = close < 0 ? source.length : close;
                } else {
                    i++;
                    if (source[i] === "<") {
                        i++;
                    }
                }
            }
            continue;
        }
        if (c === ")") {
            const group = groups.pop() ?? { containsRepeat: false, hasAlternatives: false, repeatBefore: false };
            if (groups.length > 0) {
                const parent = groups[groups.length - 1];
                parent.containsRepeat ||= group.containsRepeat;
                parent.hasAlternatives ||= group.hasAlternatives;
            }
            currentRepeatBefore = group.repeatBefore;
            previousRepeated = false;
            closedGroup = group;
            continue;
        }
        if (c === "|") {
            if (groups.length > 0) {
                groups[groups.length - 1].hasAlternatives = true;
            }
            previousRepeated = false;
            closedGroup = undefined;
            continue;
        }
        startAtom();
        if (c === "\\") {
            i++;
        } else if (c === "[") {
            i = endOfClass(source, i);
        }
    }
    if (repeats > maxRepeats) {
        return `has ${repeats} repeats (at most ${maxRepeats} are allowed, to keep matching fast)`;
    }
    return undefined;
}

/** The offset of the `]` closing the class that opens at `start`. */
function endOfClass(source: string, start: number): number {
    let i = start + 1;
    if (source[i] === "^") {
        i++;
    }
    if (source[i] === "]") {
        i++; // a "]" first in a class is literal
    }
    while (i < source.length && source[i] !== "]") {
        if (source[i] === "\\") {
            i++;
        }
        i++;
    }
    return i;
}

function quantifierAt(source: string, i: number): Quantifier | undefined {
    const c = source[i];
    let end = i + 1;
    let repeats: boolean;
    if (c === "*" || c === "+") {
        repeats = true;
    } else if (c === "?") {
        repeats = false;
    } else if (c === "{") {
        const close = source.indexOf("}", i);
        const body = close < 0 ? "" : source.slice(i + 1, close);
        const m = /^(\d{1,9})(,(\d{0,9}))?$/.exec(body);
        if (m === null) {
            return undefined; // a literal "{"
        }
        repeats = m[3] === "" || Number(m[3] ?? m[1]) > 1;
        end = close + 1;
    } else {
        return undefined;
    }
    if (source[end] === "?") {
        end++; // lazy quantifiers backtrack just the same
    }
    return { repeats, end };
}
