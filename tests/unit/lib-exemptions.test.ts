import * as assert from "assert";
import {
    addDays, daysUntil, Exemption, exemptionProblem, exemptLine, expiresIn, expiresSoon, findExemption, isCalendarDate, matchesResource,
    matchesWildcard, nameOfUrn, namesNothing, utcDate, withExpiredNote,
} from "../../lib/exemptions";

const urn = "urn:pulumi:prod::orders::aws:apigatewayv2/stage:Stage::legacy-stage";
const at = (iso: string) => () => new Date(iso);

function exemption(over: Partial<Exemption> = {}): Exemption {
    return { resources: ["legacy-stage"], reason: "Partner integration, migrating in Q3", expires: "2030-06-30", ...over };
}

describe("lib/exemptions", () => {
    describe("matchesWildcard: * matches any run of characters, everything else only itself", () => {
        const cases: [string, string, boolean][] = [
            ["legacy-stage", "legacy-stage", true],
            ["legacy-*", "legacy-stage", true],
            ["*-stage", "legacy-stage", true],
            ["*", "anything at all", true],
            ["*", "", true],
            ["leg*st*ge", "legacy-stage", true],
            ["legacy-*", "legacy-", true],
            ["legacy-*", "legacy", false],
            ["legacy-stage", "legacy-stage-2", false],
            ["Legacy-stage", "legacy-stage", false],
            ["legacy.stage", "legacyXstage", false],
            ["a*b*c", "aXbYc", true],
            ["a*b*c", "aXcYb", false],
            ["$default", "$default", true],
            ["[a]", "a", false],
        ];
        for (const [pattern, text, expected] of cases) {
            it(`${JSON.stringify(pattern)} ${expected ? "matches" : "does not match"} ${JSON.stringify(text)}`, () => {
                assert.strictEqual(matchesWildcard(pattern, text), expected);
            });
        }

        it("stays fast on patterns with many stars against long text (no exponential backtracking)", () => {
            // A backtracking regex would take astronomically long here; the
            // two-pointer match answers after a few million steps at most.
            assert.strictEqual(matchesWildcard(`${"*a".repeat(30)}b`, "a".repeat(5000)), false);
        });
    });

    describe("nameOfUrn and matchesResource", () => {
        it("takes the name after the third ::, keeping a name that itself contains ::", () => {
            assert.strictEqual(nameOfUrn(urn), "legacy-stage");
            assert.strictEqual(nameOfUrn("urn:pulumi:s::p::t::a::b"), "a::b");
            assert.strictEqual(nameOfUrn("not-a-urn"), "not-a-urn");
        });

        it("matches a full URN (with *) only against the URN, and anything else only against the name", () => {
            assert.ok(matchesResource(urn, urn));
            assert.ok(matchesResource("urn:pulumi:prod::orders::*::legacy-*", urn));
            assert.ok(!matchesResource("urn:pulumi:dev::orders::*", urn));
            assert.ok(matchesResource("legacy-*", urn));
            assert.ok(!matchesResource("orders", urn), "the project is not the name");
            assert.ok(!matchesResource("aws:apigatewayv2/stage:Stage", urn), "the type is not the name");
        });
    });

    describe("isCalendarDate", () => {
        for (const ok of ["2030-06-30", "2028-02-29", "1999-12-31"]) {
            it(`accepts ${ok}`, () => assert.ok(isCalendarDate(ok)));
        }
        for (const bad of ["2030-02-30", "2027-02-29", "2030-13-01", "2030-00-10", "2030-6-30", "30/06/2030", "2030-06-30T00:00:00Z", "", " 2030-06-30"]) {
            it(`rejects ${JSON.stringify(bad)}`, () => assert.ok(!isCalendarDate(bad)));
        }
    });

    describe("exemptionProblem", () => {
        it("accepts a complete exemption", () => {
            assert.strictEqual(exemptionProblem(exemption()), undefined);
        });
        it("requires at least 10 characters that are not white space in the reason", () => {
            assert.match(exemptionProblem(exemption({ reason: "too short" }))!, /"reason" "too short" is too short/);
            assert.match(exemptionProblem(exemption({ reason: "a b c d e f g h i" }))!, /too short/);
            assert.strictEqual(exemptionProblem(exemption({ reason: "a b c d e f g h i j" })), undefined);
        });
        it("requires a calendar date, resources, and no blank resource entry", () => {
            assert.match(exemptionProblem(exemption({ expires: "2030-02-31" }))!, /"expires" "2030-02-31" is not a calendar date/);
            assert.match(exemptionProblem(exemption({ resources: [] }))!, /"resources" is empty/);
            assert.match(exemptionProblem(exemption({ resources: ["ok", " "] }))!, /empty entry/);
        });
        it("quotes a hostile reason briefly, with control characters escaped", () => {
            const problem = exemptionProblem(exemption({ reason: "\u001b[2J" }))!;
            assert.ok(!problem.includes("\u001b"), problem);
        });
    });

    describe("findExemption: the clock is injected, and the exemption holds through its date (UTC)", () => {
        it("holds on the expiry day, up to its last millisecond UTC", () => {
            assert.strictEqual(findExemption([exemption()], urn, at("2030-06-30T23:59:59.999Z"))?.active, true);
        });
        it("has expired from the next day on", () => {
            assert.strictEqual(findExemption([exemption()], urn, at("2030-07-01T00:00:00.000Z"))?.active, false);
        });
        it("matches nothing for another resource, without reading the clock", () => {
            const clock = () => assert.fail("the clock is read only when an exemption matches");
            assert.strictEqual(findExemption([exemption()], urn.replace("legacy-stage", "new-stage"), clock), undefined);
        });
        it("prefers one that holds over one that expired, and the one that holds longest", () => {
            const list = [
                exemption({ expires: "2020-01-01" }),
                exemption({ expires: "2030-01-01" }),
                exemption({ resources: ["legacy-*"], expires: "2031-01-01" }),
            ];
            const match = findExemption(list, urn, at("2026-11-29T10:00:00Z"))!;
            assert.deepStrictEqual([match.index, match.active], [2, true]);
            const expired = findExemption([exemption({ expires: "2020-01-01" }), exemption({ expires: "2021-01-01" })], urn, at("2026-11-29T10:00:00Z"))!;
            assert.deepStrictEqual([expired.index, expired.active], [1, false]);
        });
        it("reads today's date in UTC", () => {
            assert.strictEqual(utcDate(new Date("2030-06-30T23:30:00-05:00")), "2030-07-01");
        });
    });

    describe("messages", () => {
        it("starts an exempted violation with the date and the reason, quoted and cut to 80 characters", () => {
            assert.strictEqual(exemptLine(exemption()), "Exempt until 2030-06-30: \"Partner integration, migrating in Q3\"");
            const long = exemptLine(exemption({ reason: "x".repeat(300) }));
            assert.strictEqual(long, `Exempt until 2030-06-30: "${"x".repeat(80)}…"`);
        });
        it("notes an expired exemption at the end of the first line", () => {
            assert.strictEqual(withExpiredNote("Stage \"a\" is bad.\nFix: do it", exemption({ expires: "2020-01-01" })),
                "Stage \"a\" is bad. (exemption expired 2020-01-01)\nFix: do it");
            assert.strictEqual(withExpiredNote("one line", exemption({ expires: "2020-01-01" })), "one line (exemption expired 2020-01-01)");
        });
    });

    describe("narrow exemptions: a pattern must name something", () => {
        const matchAll = ["*", "**", "***", "urn:pulumi:*", "urn:*", "*::*", "urn:pulumi:*::*::*::*", "*:*", " * "];
        for (const pattern of matchAll) {
            it(`rejects ${JSON.stringify(pattern)}, pointing at the enforcement level`, () => {
                assert.ok(namesNothing(pattern));
                const problem = exemptionProblem(exemption({ resources: ["legacy-stage", pattern] }));
                assert.match(problem ?? "", /^"resources" entry ".*" matches every resource; name the resources to exempt, or set the policy's enforcementLevel to "disabled" to turn the policy off$/);
            });
        }
        const named = ["legacy-*", "*-stage", "urn:pulumi:prod::orders::*::old-*", "urn:pulumi:prod::*", "*urn*", "urn", "pulumi", "a"];
        for (const pattern of named) {
            it(`accepts ${JSON.stringify(pattern)}, which names something`, () => {
                assert.ok(!namesNothing(pattern));
                assert.strictEqual(exemptionProblem(exemption({ resources: [pattern] })), undefined);
            });
        }
    });

    describe("short exemptions: maxExemptionDays from today (UTC)", () => {
        const limits = { today: "2030-06-30", maxDays: 365 };
        it("counts whole days, across month and leap-year ends", () => {
            assert.strictEqual(daysUntil("2030-06-30", "2030-06-30"), 0);
            assert.strictEqual(daysUntil("2030-06-30", "2030-07-07"), 7);
            assert.strictEqual(daysUntil("2030-06-30", "2030-06-29"), -1);
            assert.strictEqual(daysUntil("2028-02-28", "2028-03-01"), 2);
            assert.strictEqual(addDays("2030-06-30", 365), "2031-06-30");
            assert.strictEqual(addDays("2028-02-28", 1), "2028-02-29");
        });
        it("accepts an end date up to exactly today + maxExemptionDays", () => {
            assert.strictEqual(exemptionProblem(exemption({ expires: "2031-06-30" }), limits), undefined);
            assert.strictEqual(exemptionProblem(exemption({ expires: "2030-06-30" }), limits), undefined);
        });
        it("rejects a later one, naming the date and the limit", () => {
            assert.strictEqual(exemptionProblem(exemption({ expires: "2031-07-01" }), limits),
                "\"expires\" 2031-07-01 is more than maxExemptionDays (365) days away; the latest allowed is 2031-06-30: renew the exemption when it runs out instead");
            assert.match(exemptionProblem(exemption({ expires: "2099-12-31" }), { today: "2030-06-30", maxDays: 30 }) ?? "", /maxExemptionDays \(30\).*latest allowed is 2030-07-30/);
        });
        it("without limits (the report's own reading of the config), the date is not judged", () => {
            assert.strictEqual(exemptionProblem(exemption({ expires: "2099-12-31" })), undefined);
        });
        it("warns from 14 days left down to the last day", () => {
            assert.deepStrictEqual([15, 14, 7, 1, 0, -1].map(expiresSoon), [false, true, true, true, true, false]);
            assert.deepStrictEqual([7, 1, 0].map(expiresIn), ["expires in 7 days", "expires in 1 day", "expires today"]);
        });
    });
});
