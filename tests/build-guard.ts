import { staleBuildError } from "./current-build";

// A mocha root hook (`require`d by .mocharc.js when the tests run compiled from
// bin/tests/): every file, not only those that start the pack, refuses a
// bin/ older than its sources, since the tests themselves run from there.
export const mochaHooks = {
    beforeAll(): void {
        const error = staleBuildError();
        if (error !== undefined) {
            throw error;
        }
    },
};
