/** Reports (HTML, CSV, Markdown) and the regression gate, over isobench results files. */
import type { Results } from '../suites/results.ts';

export { buildReportModel, type ReportModel, type ModelOptions, type SuiteView, type WorkloadView } from './model.ts';
export type { Lane, MetricView, PhaseMedian, Curve } from './lanes.ts';
export type { RatioView } from './ratios.ts';
export type { SourceView, Notice } from './sources.ts';
export { renderHtml, renderHtmlFromModel } from './html.ts';
export { renderCsv, type CsvReports } from './csv.ts';
export { renderMarkdown, renderMarkdownFromModel } from './markdown.ts';
export { writeReports, REPORT_FILES } from './write.ts';
export {
  compareResults,
  compareRounds,
  GateRefusedError,
  type GateReport,
  type GateRow,
  type Verdict,
  type CompareOptions,
} from './compare.ts';
export { renderGateMarkdown } from './gate-markdown.ts';

/** The JSON report is the results themselves: every raw sample, in the schema everything else reads. */
export function renderJson(results: Results): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}
