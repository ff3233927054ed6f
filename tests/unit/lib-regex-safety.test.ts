import * as assert from "assert";
import { regexSafetyProblem } from "../../lib/regex-safety";

describe("lib/regex-safety regexSafetyProblem", () => {
    const refused: [string, RegExp][] = [
        ["(a+)+$", /repeated group that contains a repeat/],
        ["^(a*)*b", /repeated group that contains a repeat/],
        ["((ab)*)+", /repeated group that contains a repeat/],
        ["(a{1,})+", /repeated group that contains a repeat/],
        ["(?:\\w+\\s?)*$", /repeated group that contains a repeat/],
        ["(.*a){10}", /repeated group that contains a repeat/],
        ["(.*){1,32000}[bc]", /repeated group that contains a repeat/],
        ["(a|a)*$", /repeated group with alternatives/],
        ["^(a|aa)+$", /repeated group with alternatives/],
        ["^(?:[a-z]|[a-m])*$", /repeated group with alternatives/],
        ["^\\w*\\w*$", /two repeats in a row/],
        ["(x+x+)+y", /two repeats in a row|contains a repeat/],
        ["^[a-z]+[0-9]*$", /two repeats in a row/],
        ["^a+-b+-c+-d+-e+$", /5 repeats/],
    ];
    for (const [pattern, reason] of refused) {
        it(`refuses ${pattern}`, () => {
            assert.match(regexSafetyProblem(pattern) ?? "(accepted)", reason);
        });
    }

    const accepted = ["", "^/aws/apigateway/", "^[a-z0-9/_-]+$", "(prod|staging)-api", "^(/[a-z]+)?$", "a{2,5}b", "[(+)]+",
        "\\(a+\\)", "(ab)+", "^(foo)?bar*$", "x{", "-access-logs$", "^/aws/vendedlogs/[a-z]+/[a-z0-9-]{1,64}$", "^(?<env>prod|dev)/"];
    for (const pattern of accepted) {
        it(`accepts ${JSON.stringify(pattern)}`, () => {
            assert.strictEqual(regexSafetyProblem(pattern), undefined);
        });
    }

    it("refuses patterns longer than 1000 characters", () => {
        assert.match(regexSafetyProblem("a".repeat(1001)) ?? "", /longer than 1000/);
    });
});
