// Every report format, by name: the one list the --format flag, its usage
// text and the renderer all come from, so a format cannot be half added.
import { jsonReport } from "./json-report";
import { junitReport } from "./junit-report";
import { markdownReport } from "./markdown-report";
import { RunReport } from "./run-report";
import { sarifReport, SarifOptions } from "./sarif-report";
import { humanReport } from "./text-report";

export interface RenderOptions {
    /** Colour in the text report (a terminal only). */
    colour: boolean;
    sarif: SarifOptions;
    /** --junit-not-applicable: not-applicable pairs as skipped JUnit cases. */
    junitNotApplicable: boolean;
}

interface ReportRenderer {
    /** One line for --help. */
    help: string;
    render(run: RunReport, opts: RenderOptions): string;
}

export const reportFormats = {
    text: { help: "for people, like the Policies section of `pulumi preview` (default)", render: (run, opts) => humanReport(run, opts.colour) },
    json: { help: "one object: {violations, remediations, notApplicable, exemptions, summary}", render: (run) => jsonReport(run) },
    sarif: { help: "SARIF 2.1.0, for GitHub code scanning", render: (run, opts) => sarifReport(run, opts.sarif) },
    junit: { help: "JUnit XML, for CI test views", render: (run, opts) => junitReport(run, { notApplicable: opts.junitNotApplicable }) },
    markdown: { help: "for a pull-request comment or $GITHUB_STEP_SUMMARY", render: (run) => markdownReport(run) },
} satisfies Record<string, ReportRenderer>;

export type ReportFormat = keyof typeof reportFormats;

export const formatNames = Object.keys(reportFormats) as ReportFormat[];

export function isReportFormat(name: string): name is ReportFormat {
    return Object.prototype.hasOwnProperty.call(reportFormats, name);
}

export function renderReport(format: ReportFormat, run: RunReport, opts: RenderOptions): string {
    return reportFormats[format].render(run, opts);
}
