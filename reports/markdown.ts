import type { Results } from '../suites/results.ts';
import { chartedMetrics, workloadCharts } from './charts.ts';
import { STAT_COLUMNS, statCells } from './format.ts';
import type { Lane } from './lanes.ts';
import { buildReportModel, type ModelOptions, type ReportModel, type SuiteView } from './model.ts';
import type { SourceView } from './sources.ts';

/** Text safe inside a GitHub table cell (or a line of prose): no column breaks, no line breaks, no HTML. */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

export function markdownTable(head: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  return [line(head), `|${head.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

const HEAD = ['workload', 'runner', 'status', 'how measured', 'metric', ...STAT_COLUMNS, 'notes'];

function rows(suite: SuiteView, pick: (workload: string, lane: Lane) => string[]): string[][] {
  return suite.workloads.flatMap((w) =>
    w.lanes.flatMap((lane) => {
      const names = pick(w.workload, lane);
      const notes = (flags: string[] = []) => [...flags, ...(lane.status !== 'ok' && lane.reason ? [lane.reason] : [])].join('; ');
      const measured = lane.metrics.filter((m) => names.includes(m.name));
      if (!measured.length) {
        // A runner that did not run still gets its row: an empty cell would hide that it was skipped, and why.
        return names.length || lane.status !== 'ok' ? [[w.workload, lane.name, lane.status, lane.label, '', ...statCells(null, ''), notes()]] : [];
      }
      return measured.map((m) => [w.workload, lane.name, lane.status, lane.label, m.name, ...statCells(m.stats, m.unit, m.lowerBound), notes(m.flags)]);
    }),
  );
}

function sourceLine(s: SourceView): string {
  const e = s.environment;
  return escapeMarkdownCell(
    `${s.label}: ${e.cpuModel}, ${e.cores} cores, ${(e.memoryBytes / 2 ** 30).toFixed(1)} GiB; ` +
      `accelerator ${e.accelerator.kind.toUpperCase()} (${e.accelerator.reason}); run ${s.runId}${s.quick ? ', quick profile' : ''}`,
  );
}

/** Summary tables for a CI step summary or a PR comment; every metric is in a collapsed section. */
export function renderMarkdownFromModel(model: ReportModel): string {
  const out: string[] = ['## isobench results', ''];
  for (const notice of model.notices) {
    out.push(`> ${notice.level === 'warning' ? '⚠️ **Read this first:** ' : ''}${escapeMarkdownCell(notice.text)}`, '');
  }
  for (const source of model.sources) out.push(`- ${sourceLine(source)}`);
  for (const suite of model.suites) {
    const headline = new Map(
      suite.workloads.map((w) => [w.workload, chartedMetrics(workloadCharts(suite.suite, w, 'md'))] as const),
    );
    const picked = (workload: string) => {
      const names = headline.get(workload) ?? [];
      // No chart for this suite's metrics: lead with all of them.
      return names.length ? names : (suite.workloads.find((w) => w.workload === workload)?.metricNames ?? []);
    };
    out.push('', `### ${suite.suite}`, '', markdownTable(HEAD, rows(suite, picked)));
    const ratios = suite.workloads.flatMap((w) =>
      w.ratios.filter((r) => picked(w.workload).includes(r.metric)).map((r) => `- ${w.workload}: ${r.text}`),
    );
    const wake = suite.workloads.flatMap((w) => w.wakeRatios.map((r) => `- ${w.workload}: ${r.text}`));
    if (ratios.length || wake.length) out.push('', ...wake, ...ratios);
    const others = rows(suite, (w, lane) => lane.metrics.map((m) => m.name).filter((m) => !picked(w).includes(m))).filter(
      (r) => r[4], // rows of lanes without any other metric are already in the table above
    );
    if (others.length) {
      out.push('', `<details><summary>other ${suite.suite} metrics</summary>`, '', markdownTable(HEAD, others), '', '</details>');
    }
  }
  out.push('', `_Medians with distribution-free intervals of the median (level as the sample size allows); ${model.ratioMethod.description}._`, '');
  return out.join('\n');
}

export function renderMarkdown(results: readonly Results[], options?: ModelOptions): string {
  return renderMarkdownFromModel(buildReportModel(results, options));
}
