import { FixProperty } from "./fix-snippets";

// What the stage policies require of every stage besides its access log
// settings, as fix data. The quick-create fix writes a whole new stage (it
// cannot keep properties the user never wrote), and the tests' compliant stages
// (tests/fixtures/compliant.ts) are built from the same list, so a stage policy
// that checks something new puts its compliant value here, once: the fixtures
// then pass it, and the quick-create fix writes it without being edited.
// tests/unit/fixes-pass.test.ts applies that fix and runs the whole registry
// over the result, so a value left out fails there.
//
// The access log settings are not here: their destination is the log group
// the fix creates and their format depends on the stage's protocol, and the
// logging policies' own fix builders (lib/messages.ts) make both.
//
// A value here must be a constant (string, number, boolean, or `args` of
// them): the fixtures turn it into plain inputs. Nested `args` name the SDK's
// input type, which differs between providers (aws-native calls a stage's
// default route settings `StageRouteSettings`), hence the stage type.

/** The properties every new stage of `stageType` needs to pass the stage policies, beyond accessLogSettings. */
export function stageBaseline(_stageType: string): readonly FixProperty[] {
    return [];
}
