// Microsoft's SARIF Multitool (the npm package @microsoft/sarif-multitool), as
// the tests run it: `validate` with the SARIF rules and GitHub's own.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface MultitoolFinding {
    level: string;
    ruleId: string;
    text: string;
}

/** The platform binary; npm installs it without its executable bit on some setups (a fresh `npm ci` here), so it is set. */
export function multitoolBinary(): string {
    const pkg = require.resolve(`@microsoft/sarif-multitool-${process.platform}/package.json`);
    const bin = path.join(path.dirname(pkg), process.platform === "win32" ? "Sarif.Multitool.exe" : "Sarif.Multitool");
    const mode = fs.statSync(bin).mode;
    if ((mode & 0o100) === 0) {
        fs.chmodSync(bin, mode | 0o100);
    }
    return bin;
}

/** Runs `validate --rule-kind "Sarif;Gh" --level "Error;Warning"` on the file and returns what it found. */
export function validateSarif(file: string): Promise<MultitoolFinding[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sarif-validate-"));
    const out = path.join(dir, "validation.sarif");
    return new Promise((resolve, reject) => {
        execFile(
            multitoolBinary(),
            ["validate", "--rule-kind", "Sarif;Gh", "--level", "Error;Warning", "--output", out, file],
            // The .NET runtime would otherwise try to write telemetry and caches under HOME.
            { env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" }, maxBuffer: 16 * 1024 * 1024 },
            (err, stdout, stderr) => {
                try {
                    if (!fs.existsSync(out)) {
                        reject(new Error(`the SARIF Multitool wrote no result (${err?.message ?? ""}): ${stdout} ${stderr}`));
                        return;
                    }
                    const log = JSON.parse(fs.readFileSync(out, "utf8"));
                    const results: any[] = log.runs?.[0]?.results ?? [];
                    resolve(results.map((r) => ({
                        level: r.level ?? "warning",
                        ruleId: r.ruleId,
                        text: r.message?.text ?? JSON.stringify(r.message?.arguments ?? []),
                    })));
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            },
        );
    });
}
