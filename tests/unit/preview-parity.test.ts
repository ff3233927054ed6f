import * as assert from "assert";
import { setClock } from "../../lib/governance";
import { accessLogDestination } from "../../policies/access-log-destination";
import {
    accountId, analyze, httpApi, httpApiId, P, unknownSentinels,
} from "./helpers/fixtures";
import { PolicyConfigs, resourceUrn, TestResource, validateResource, validateStack, violationKeys } from "./helpers/policy-harness";
import { assertMessageShape } from "./helpers/assertions";
import { compliantLogGroup, compliantNativeLogGroup, compliantNativeStage, compliantStage } from "../fixtures/compliant";

// Issue 9, item 1: any violation `up` reports is already reported in preview
// when the values it depends on are known. The destination rules
// (allowedAccountIds, allowedRegions, logGroupNamePattern) are checked by
// apigatewayv2-access-log-destination: on the stage's inputs when its ARN is
// known (Analyze, before the stage is created), and from the log group the
// stage depends on when its ARN is unknown (AnalyzeStack, in a preview).

type Mode = "preview" | "update";

interface GroupSpec {
    name?: string;
    region?: string;
    /** Whether the log group already exists, so its ARN is known even in a preview. */
    exists?: boolean;
    native?: boolean;
    account?: string;
}

/** A stack as the engine hands it over in each mode: an HTTP API, one log group, one stage bound to `logGroup.arn`. */
function stack(mode: Mode, group: GroupSpec = {}): TestResource[] {
    const name = group.name ?? "orders-api-access-logs-fe185dc";
    const region = group.region ?? "us-east-1";
    const arn = `arn:aws:logs:${region}:${group.account ?? accountId}:log-group:${name}${group.native ? ":*" : ""}`;
    const known = mode === "update" || group.exists === true;
    const lgArn = known ? arn : unknownSentinels.string;
    const lg: TestResource = group.native
        ? { type: "aws-native:logs:LogGroup", name: "access-logs", props: { ...compliantNativeLogGroup(name), arn: lgArn } }
        : { type: "aws:cloudwatch/logGroup:LogGroup", name: "access-logs", props: { ...compliantLogGroup(name), region, arn: lgArn } };
    const destinationArn = known ? arn : unknownSentinels.string;
    const stage: TestResource = {
        type: group.native ? "aws-native:apigatewayv2:Stage" : "aws:apigatewayv2/stage:Stage",
        name: "orders-stage",
        props: group.native ? { ...compliantNativeStage(httpApiId, destinationArn), stageName: "$default" } : compliantStage(httpApiId, destinationArn),
        propertyDependencies: { apiId: [resourceUrn(httpApi())], accessLogSettings: [resourceUrn(lg)] },
    };
    return [httpApi(), lg, stage];
}

async function verdicts(mode: Mode, group: GroupSpec, configs: PolicyConfigs): Promise<string[]> {
    return violationKeys(await analyze(stack(mode, group), configs));
}

const readmeDestination = { allowedAccountIds: ["123456789012"], allowedRegions: ["us-east-1", "eu-west-1"], logGroupNamePattern: "^/aws/apigateway/" };

describe("preview and update agree wherever preview knows the facts", () => {
    const cases: [string, GroupSpec, PolicyConfigs, string[]][] = [
        ["a log-group name that misses logGroupNamePattern", {}, { [P.destination]: { logGroupNamePattern: "^/aws/apigateway/" } }, [`${P.destination} @ orders-stage`]],
        ["a name that matches", { name: "/aws/apigateway/orders" }, { [P.destination]: { logGroupNamePattern: "^/aws/apigateway/" } }, []],
        ["a log group whose region is not allowed", { name: "/aws/apigateway/orders", region: "ap-south-1" }, { [P.destination]: { allowedRegions: ["us-east-1"] } }, [`${P.destination} @ orders-stage`]],
        ["an allowed region", { name: "/aws/apigateway/orders", region: "eu-west-1" }, { [P.destination]: readmeDestination }, []],
        ["the docs' sample config, a name and a region both outside it (two violations in both modes)", { region: "ap-south-1" }, { [P.destination]: readmeDestination }, [`${P.destination} @ orders-stage`, `${P.destination} @ orders-stage`]],
        ["an existing log group (ARN known in preview) in an account not allowed", { name: "/aws/apigateway/x", exists: true, account: "210987654321" }, { [P.destination]: { allowedAccountIds: ["123456789012"] } }, [`${P.destination} @ orders-stage`]],
        ["an aws-native log group whose name misses the pattern", { native: true }, { [P.destination]: { logGroupNamePattern: "^/aws/apigateway/" } }, [`${P.destination} @ orders-stage`]],
        ["no destination rules configured", { region: "ap-south-1" }, {}, []],
    ];
    for (const [title, group, configs, expected] of cases) {
        it(`${title}: the same verdicts, from the same policy, in both modes`, async () => {
            const preview = await verdicts("preview", group, configs);
            const update = await verdicts("update", group, configs);
            assert.deepStrictEqual(preview, expected.slice().sort(), "preview");
            assert.deepStrictEqual(update, expected.slice().sort(), "update");
        });
    }

    it("words the preview violation exactly as the update one, on the stage", async () => {
        const configs = { [P.destination]: readmeDestination };
        const preview = await analyze(stack("preview", { region: "ap-south-1" }), configs);
        const update = await analyze(stack("update", { region: "ap-south-1" }), configs);
        assert.deepStrictEqual(preview.map((v) => v.message).sort(), update.map((v) => v.message).sort());
        for (const v of preview) {
            assertMessageShape(v, "orders-stage");
            assert.strictEqual(v.urn, resourceUrn(stack("preview")[2]));
        }
        assert.match(preview.map((v) => v.message).join("\n"), /logs to log group "orders-api-access-logs-fe185dc", whose name does not match logGroupNamePattern "\^\/aws\/apigateway\/"/);
        assert.match(preview.map((v) => v.message).join("\n"), /logs to region ap-south-1, which is not in allowedRegions/);
    });

    it("one owner per run: a known ARN is judged only by the resource check, an unknown one only by the stack check", async () => {
        const config = { logGroupNamePattern: "^/aws/apigateway/" };
        for (const mode of ["preview", "update"] as const) {
            const resources = stack(mode);
            const byResource = (await validateResource(accessLogDestination, resources[2], config)).violations.length;
            const byStack = (await validateStack(accessLogDestination as never, resources, config)).violations.length;
            assert.deepStrictEqual([byResource, byStack], mode === "update" ? [1, 0] : [0, 1], mode);
        }
    });

    it("quotes at most 80 characters of a long log-group name, with control characters escaped", async () => {
        const resources = stack("preview");
        const longName = `orders\u0007${"x".repeat(400)}`;
        resources[1].props = { ...resources[1].props, name: longName };
        const v = await analyze(resources, { [P.destination]: { logGroupNamePattern: "^/aws/apigateway/" } });
        assert.deepStrictEqual(violationKeys(v), [`${P.destination} @ orders-stage`]);
        assertMessageShape(v[0], "orders-stage");
        assert.ok(!v[0].message.includes("x".repeat(81)), v[0].message);
        assert.match(v[0].message, /"orders\\x07x+…"/);
    });

    describe("what the preview cannot know defers, as everywhere else", () => {
        const config = { [P.destination]: readmeDestination };

        it("a log group with an unknown name (namePrefix) and no region", async () => {
            const resources = stack("preview");
            resources[1].props = { namePrefix: "orders-", retentionInDays: 30, name: unknownSentinels.string, region: unknownSentinels.string, arn: unknownSentinels.string };
            assert.deepStrictEqual(violationKeys(await analyze(resources, config)), []);
        });

        it("the account of a new log group (only its ARN carries it)", async () => {
            const resources = stack("preview", { name: "/aws/apigateway/x" });
            assert.deepStrictEqual(violationKeys(await analyze(resources, { [P.destination]: { allowedAccountIds: ["210987654321"] } })), []);
        });

        it("a stage with no property dependency on a log group", async () => {
            const resources = stack("preview");
            resources[2].propertyDependencies = { apiId: [resourceUrn(httpApi())] };
            assert.deepStrictEqual(violationKeys(await analyze(resources, config)), []);
        });

        it("a stage that depends on two log groups (which one its ARN names is not known)", async () => {
            const resources = stack("preview");
            const second: TestResource = { type: "aws:cloudwatch/logGroup:LogGroup", name: "second", props: { name: "/aws/apigateway/y", retentionInDays: 30, arn: unknownSentinels.string } };
            resources.push(second);
            resources[2].propertyDependencies = { ...resources[2].propertyDependencies, accessLogSettings: [resourceUrn(resources[1]), resourceUrn(second)] };
            assert.deepStrictEqual(violationKeys(await analyze(resources, config)), []);
        });

        it("a malformed region on the log group is left to the provider, never quoted", async () => {
            const resources = stack("preview", { region: "Mars\nBase" });
            const v = await analyze(resources, { [P.destination]: { allowedRegions: ["us-east-1"] } });
            assert.deepStrictEqual(violationKeys(v), []);
        });

        it("a destination rule set to disabled is not run in either check", async () => {
            const configs = { [P.destination]: { ...readmeDestination, enforcementLevel: "disabled" } };
            assert.deepStrictEqual(violationKeys(await analyze(stack("preview"), configs)), []);
        });
    });
});

describe("the destination policy's stack check honours exemptions, as its resource check does", () => {
    let restore: () => void = () => undefined;
    before(() => {
        restore = setClock(() => new Date("2030-06-30T12:00:00Z"));
    });
    after(() => restore());
    const reason = "legacy stage, moves to the central log group in Q3";
    const exempt = (expires: string) => ({ ...readmeDestination, exemptions: [{ resources: ["orders-stage"], reason, expires }] });

    for (const mode of ["preview", "update"] as const) {
        it(`${mode}: an exempted stage's violation is reported at advisory, never rejected as config`, async () => {
            const violations = await analyze(stack(mode, { region: "ap-south-1" }), { [P.destination]: exempt("2030-12-31") });
            const mine = violations.filter((v) => v.policy === P.destination);
            assert.strictEqual(mine.length, 2);
            for (const v of mine) {
                assert.strictEqual(v.enforcementLevel, "advisory");
                assert.match(v.message, /^Exempt until 2030-12-31: /);
            }
        });

        it(`${mode}: after the date the violation keeps its level and says the exemption expired`, async () => {
            const violations = await analyze(stack(mode, { region: "ap-south-1" }), { [P.destination]: exempt("2030-01-01") });
            const mine = violations.filter((v) => v.policy === P.destination);
            assert.strictEqual(mine.length, 2);
            for (const v of mine) {
                assert.strictEqual(v.enforcementLevel, "mandatory");
                assert.match(v.message, /\(exemption expired 2030-01-01\)/);
            }
        });
    }

    it("the stack check answers not applicable when no stage's ARN is unknown", async () => {
        const result = await validateStack(accessLogDestination as unknown as Parameters<typeof validateStack>[0], stack("update"), readmeDestination);
        assert.deepStrictEqual(result.violations, []);
        assert.strictEqual(result.notApplicable.length, 1);
        assert.match(result.notApplicable[0].reason ?? "", /No stage's accessLogSettings.destinationArn is unknown/);
    });
});
