import * as assert from "assert";
import * as fc from "fast-check";
import * as path from "path";
import { distinctVariableNames, findContextVariables, hasRequestIdVariable, jsonShapeOfFormat, lineBreakOffset, substituteVariables } from "../../lib/access-log-format";
import { arnPatternProblem, matchesArnPattern, parseLogGroupArn } from "../../lib/log-group-arn";
import { escapeControlChars, quote } from "../../lib/quote";
import { AttackResult, attackRegexes, processCpuMs } from "./helpers/regex-attack";
import { packSourceFiles, scanRegexes } from "./helpers/regex-scan";
import { loadPolicies, Reported, validateStack } from "./helpers/policy-harness";
import { types } from "./helpers/stack-cases";
import { requireCurrentBuild } from "../current-build";
import { repoRoot } from "../repo-root";

requireCurrentBuild();

// ReDoS: every regex in the pack's source (found by parsing it, so new ones
// are covered), run against 100 KiB inputs built to trigger catastrophic
// backtracking. The bound is a detector, not a performance target: a linear
// regex takes milliseconds on these inputs, a catastrophic one minutes.

const attackSize = 100 * 1024;
const boundMs = 1000;

// RegExps built at run time from a value the test cannot see. Each is listed
// with where its pattern comes from; a new one fails the test until someone
// decides how to cover it. (logGroupNamePattern is not a RegExp: it runs on
// RE2 through lib/name-pattern, and is attacked below.)
const knownDynamic: Record<string, string> = {
    "engine/inputs/config-file.ts new RegExp(s.pattern)": "a \"pattern\" in a policy's own configSchema: the pack's code, not user input",
};

const { found, dynamic } = scanRegexes(packSourceFiles(["lib", "policies", "engine"]));

describe("ReDoS: every regex of the pack on adversarial input", function () {
    this.timeout(600000);

    it("finds the pack's regexes by scanning lib/, policies/ and engine/", () => {
        assert.ok(found.length >= 5, `only ${found.length} regexes found: the scan is broken`);
        assert.ok(found.some((r) => r.where.startsWith("lib/quote.ts")), "the control-character regex of lib/quote.ts was not found");
    });

    it("knows where every dynamically built RegExp gets its pattern", () => {
        const unknown = dynamic
            .map((d) => `${d.where.replace(/:\d+$/, "")} new RegExp(${d.argument})`)
            .filter((key) => knownDynamic[key] === undefined);
        assert.deepStrictEqual(unknown, [], "a RegExp built from a run-time value: add adversarial coverage for it and list it in knownDynamic");
    });

    it("the watchdog still catches a catastrophic regex (it bounds the child's CPU time, so a starved child is not stuck)", async () => {
        const cpu = processCpuMs(process.pid);
        if (cpu !== undefined) {
            assert.ok(cpu > 0 && cpu <= process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000 + 20, `${cpu} ms`);
        }
        const [result] = await attackRegexes([{ source: "^(a+)+$", flags: "" }], attackSize, boundMs);
        assert.notStrictEqual(result.stuckOn, undefined, JSON.stringify(result));
    });

    let results: AttackResult[] = [];
    before(async () => {
        results = await attackRegexes(found, attackSize, boundMs);
    });

    found.forEach((regex, i) => {
        it(`${regex.where} /${regex.source.length > 60 ? `${regex.source.slice(0, 60)}…` : regex.source}/${regex.flags} completes on 100 KiB adversarial inputs`, () => {
            const result = results[i];
            assert.strictEqual(result.stuckOn, undefined,
                `catastrophic backtracking: /${regex.source}/${regex.flags} (${regex.where}) did not finish within ${boundMs} ms on ` +
                `${JSON.stringify(result.stuckOn)} (a run of ${attackSize} characters, then the suffix)`);
            assert.ok(result.inputs > 50, `only ${result.inputs} inputs ran`);
        });
    });
});

// The policy tests logGroupNamePattern against names it has already checked:
// 1-512 characters of A-Z a-z 0-9 . - _ / #. Runs are made of one character
// of each kind, and of the pattern's own characters.
const nameAlphabet = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/#"];
const nameRepresentatives = ["a", "Z", "0", ".", "_", "-", "/", "#"];
const nameSuffixes = ["#", "-", "Z", "0"];
const maxNameLength = 512;
// Any sane pattern takes microseconds on 512 characters; 100 ms means
// polynomial blow-up, paid again for every stage at every preview.
const nameBoundMs = 100;

/** Shapes known to backtrack catastrophically in a backtracking engine. */
const catastrophicShapes = [
    "^(a+)+$", "^(a*)*$", "(a|a)*$", "^(a|aa)+$", "^(\\w|\\d)*$", "^(.*a){12}$", "^([a-z0-9]+-?)+$",
    "^(?:a|a?)+$", "(\\w+\\d+)+#", "^(a|b|ab)*c$", "^([a-z]+)*[0-9]$", "^(\\w|_)+$", "^(a|a)+(b|b)+$",
    "^\\w*\\w*\\w*\\w*\\w*\\w*$", "^(?:[a-z]|[a-m])*$", "^(/|/[a-z]*)*$", "(.*){1,32000}[bc]",
    // Repeats kept apart by something the neighbouring repeats also match: polynomial.
    "^\\w*.\\w*.\\w*.\\w*$", "^.*-.*-.*-.*#$", "^a*.a*.a*.a*$", ".*a.*a.*a.*a$", "^(?:\\w+)?\\w+$",
    "^(\\w+)\\1*$", "^(?=(\\w+))\\1$", "^[^#]*[a-z]?[^#]*[0-9]?[^#]*#$",
];

const atom = fc.constantFrom("a", "\\w", "\\d", ".", "[a-z]", "[a-z0-9]", "-", "/", "[^#]", "\\/");
const quantifier = fc.constantFrom("*", "+", "?", "{2,}", "{1,3}", "*?", "{0,100}");
const patternBody: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
        { depthSize: "small", maxDepth: 3 },
        { arbitrary: atom, weight: 3 },
        { arbitrary: fc.tuple(tie("node"), quantifier).map(([n, q]) => `(?:${n})${q}`), weight: 2 },
        { arbitrary: fc.tuple(tie("node"), tie("node")).map(([a, b]) => `(${a}|${b})`), weight: 2 },
        { arbitrary: fc.tuple(tie("node"), tie("node")).map(([a, b]) => a + b), weight: 1 },
        { arbitrary: fc.tuple(atom, quantifier).map(([a, q]) => a + q), weight: 2 },
    ),
})).node;
const generatedPatterns = fc.sample(fc.tuple(fc.boolean(), patternBody, fc.constantFrom("$", "#$", "")).map(([anchor, body, end]) => `${anchor ? "^" : ""}${body}${end}`), { seed: 5150, numRuns: 60 });

const destinationAllowed = loadPolicies().find((p) => p.name === "apigatewayv2-access-log-destination-allowed");

/** Whether the policy's config accepts the pattern (rather than stopping the deployment with a config error). */
function configAccepts(pattern: string): boolean {
    assert.ok(destinationAllowed !== undefined && "validateStack" in destinationAllowed);
    const stage = {
        type: types.awsStage, name: "stage", urn: "urn:pulumi:dev::proj::aws:apigatewayv2/stage:Stage::stage",
        props: { accessLogSettings: { destinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:logs", format: "$context.requestId" } },
        dependencies: [], propertyDependencies: [],
    };
    const out: Reported[] = [];
    try {
        validateStack(destinationAllowed, [stage], { [destinationAllowed.name]: { logGroupNamePattern: pattern } }, out);
        return true;
    } catch (e) {
        assert.match(String(e), /logGroupNamePattern/);
        return false;
    }
}

describe("ReDoS: logGroupNamePattern, a regex from config", function () {
    this.timeout(600000);
    const patterns = [...new Set([...catastrophicShapes, ...generatedPatterns])];
    const accepted = patterns.filter((p) => configAccepts(p));

    it("the config still accepts ordinary patterns", () => {
        for (const p of ["^/aws/apigateway/", "^[a-z0-9/_-]+$", "-access-logs$", "^(prod|staging)/", "^/aws/vendedlogs/[a-z]+/[a-z0-9-]{1,64}$"]) {
            assert.ok(configAccepts(p), p);
        }
    });

    it(`every pattern the config accepts (${accepted.length} of ${patterns.length} tried) takes under 100 ms on every 512-character log-group name tried`, async () => {
        // A run plus one suffix character: the longest valid name.
        const results = await attackRegexes(accepted.map((source) => ({ source, flags: "" })), maxNameLength - 1, boundMs, {
            alphabet: nameRepresentatives, allowed: nameAlphabet, suffixes: nameSuffixes, slowMs: nameBoundMs,
            // The policy runs these patterns through lib/name-pattern (compiled by `npm run build`).
            matcherModule: path.join(repoRoot, "bin", "lib", "name-pattern.js"),
        });
        const stuck = accepted.flatMap((pattern, i) => {
            const r = results[i];
            const on = r.stuckOn ?? r.slowOn;
            return on === undefined ? [] : [`${JSON.stringify(pattern)} on ${JSON.stringify(on)}${r.stuckOn === undefined ? ` (${r.slowestMs} ms)` : " (hung)"}`];
        });
        assert.deepStrictEqual(stuck, [], `logGroupNamePattern values the config accepts but that take over ${nameBoundMs} ms on a valid log-group name`);
    });
});

describe("the pack's string scanners on 1 MiB inputs", function () {
    this.timeout(30000);
    const MiB = 1024 * 1024;

    it("parseLogGroupArn rejects a 1 MiB ARN by its length", () => {
        const huge = `arn:aws:logs:us-east-1:123456789012:log-group:${"a".repeat(MiB)}`;
        const result = parseLogGroupArn(huge);
        assert.strictEqual(result.ok, false);
        assert.ok(!result.ok && result.reason.length < 200, !result.ok ? result.reason : "");
        assert.strictEqual(parseLogGroupArn(":".repeat(MiB)).ok, false);
        assert.strictEqual(parseLogGroupArn(`arn:${":".repeat(1000)}`).ok, false);
    });

    it("findContextVariables, distinctVariableNames and substituteVariables on a million variables", () => {
        const format = "$context.requestId ".repeat(MiB / 19);
        const vars = findContextVariables(format);
        assert.strictEqual(vars.length, Math.floor(MiB / 19));
        assert.deepStrictEqual(distinctVariableNames(vars), ["requestId"]);
        assert.ok(hasRequestIdVariable(format));
        assert.strictEqual(substituteVariables(format, vars), "1 ".repeat(MiB / 19));
        const empties = findContextVariables("$context.".repeat(MiB / 9));
        assert.deepStrictEqual(distinctVariableNames(empties), [""]);
        const oneName = findContextVariables(`$context.${"a.".repeat(MiB / 2)}`);
        assert.strictEqual(oneName.length, 1);
        assert.strictEqual(oneName[0].name.length, MiB - 1, "a trailing dot is punctuation, not part of the name");
        assert.strictEqual(findContextVariables(`$context.${".".repeat(MiB)}`)[0].name, "");
    });

    it("jsonShapeOfFormat on 1 MiB formats", () => {
        const object = `{"requestId":"$context.requestId","pad":"${"x".repeat(MiB)}"}`;
        assert.strictEqual(jsonShapeOfFormat(object), "object");
        const nested = `${"[".repeat(MiB / 2)}$context.requestId`;
        assert.strictEqual(jsonShapeOfFormat(nested), "invalid");
        const deep = `${"[".repeat(MiB / 2)}${"]".repeat(MiB / 2)}`;
        assert.ok(["array", "invalid"].includes(jsonShapeOfFormat(deep)));
        assert.strictEqual(jsonShapeOfFormat(" ".repeat(MiB)), "invalid");
    });

    it("lineBreakOffset on 1 MiB formats", () => {
        assert.strictEqual(lineBreakOffset(`${"a".repeat(MiB)}\n`), -1);
        assert.strictEqual(lineBreakOffset(`${"a".repeat(MiB)}\r\n`), MiB);
        assert.strictEqual(lineBreakOffset(`${"a".repeat(MiB)}\u2028x`), MiB);
        assert.strictEqual(lineBreakOffset("\n".repeat(MiB)), 0);
    });

    it("quote and escapeControlChars on 1 MiB of control characters", () => {
        const controls = "\u0000\u001b\u009b\u202e\n".repeat(MiB / 5);
        assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(escapeControlChars(controls))); // eslint-disable-line no-control-regex
        assert.ok(quote(controls).length < 600);
    });

    it("matchesArnPattern and arnPatternProblem on the longest patterns and ARNs", () => {
        const arn = `arn:aws:logs:us-east-1:123456789012:log-group:${"a".repeat(970)}`;
        const pattern = `arn:${"*a".repeat(500)}b`;
        assert.strictEqual(matchesArnPattern(pattern, arn), false);
        assert.strictEqual(matchesArnPattern("*".repeat(1024), arn), true);
        assert.ok(arnPatternProblem(`arn:${"*:".repeat(MiB / 2)}`) !== undefined);
    });
});
