// Picks the report the user asked for.
import { ReportFormat } from "../arguments";
import { jsonReport } from "./json-report";
import { junitReport } from "./junit-report";
import { RunReport } from "./run-report";
import { sarifReport, SarifOptions } from "./sarif-report";
import { humanReport } from "./text-report";

export function renderReport(format: ReportFormat, run: RunReport, opts: { colour: boolean; sarif: SarifOptions }): string {
    switch (format) {
        case "json":
            return jsonReport(run);
        case "sarif":
            return sarifReport(run, opts.sarif);
        case "junit":
            return junitReport(run);
        default:
            return humanReport(run, opts.colour);
    }
}
