import * as fs from "fs";
import * as path from "path";

/**
 * The repository root: the nearest folder above `from` holding
 * PulumiPolicy.yaml. The tests run from tests/ (ts-node) or compiled from
 * bin/tests/, so paths relative to their own folder would differ between the two.
 */
export function findRepoRoot(from: string = __dirname): string {
    let dir = from;
    while (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
        const up = path.dirname(dir);
        if (up === dir) {
            throw new Error(`repository root (PulumiPolicy.yaml) not found above ${from}`);
        }
        dir = up;
    }
    return dir;
}

export const repoRoot: string = findRepoRoot();
