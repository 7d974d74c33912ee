import { createHash } from 'node:crypto';
import type { SuiteName } from '../suites/index.ts';
import { engineVersion, type EngineVersion } from '../core/environment.ts';
import type { Results } from '../suites/results.ts';
import { ENGINES } from '../runners/index.ts';
import { suiteDescriptor } from '../suites/index.ts';
import { chartJsSource } from './chartjs.ts';
import { chartedMetrics, workloadCharts, type ChartSpec, type ChartTable } from './charts.ts';
import { STAT_COLUMNS, formatLevel, formatValue, statCells } from './format.ts';
import { PAGE_SCRIPT, REPORT_CSS } from './html-assets.ts';
import { phaseRank, type Lane } from './lanes.ts';
import { buildReportModel, type ModelOptions, type ReportModel, type WorkloadView } from './model.ts';
import { formatFactor, type RatioView } from './ratios.ts';
import type { SourceView } from './sources.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside a <script> element: nothing in it may close the element or start a comment. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

type TableCell = string | { html: string } | { num: string };

function table(head: readonly string[], rows: TableCell[][]): string {
  const cell = (c: TableCell) =>
    typeof c === 'string' ? `<td>${escapeHtml(c)}</td>` : 'num' in c ? `<td class="num">${escapeHtml(c.num)}</td>` : `<td>${c.html}</td>`;
  return (
    `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`
  );
}

const status = (lane: Lane) => ({ html: `<span class="status-${lane.status}">${escapeHtml(lane.status)}</span>` });

function metricRows(lanes: readonly Lane[], metrics: readonly string[]): TableCell[][] {
  return metrics.flatMap((name) =>
    lanes.flatMap((lane) => {
      const m = lane.metrics.find((x) => x.name === name);
      if (!m) return [];
      const flags = [...m.flags, ...(lane.status !== 'ok' && lane.reason ? [lane.reason] : [])];
      return [
        [
          lane.name,
          status(lane),
          lane.label,
          name,
          ...statCells(m.stats, m.unit, m.lowerBound).map((num) => ({ num })),
          { html: flags.map((f) => `<span class="flag">${escapeHtml(f)}</span>`).join('<br>') },
        ],
      ];
    }),
  );
}

const METRIC_HEAD = ['runner', 'status', 'how measured', 'metric', ...STAT_COLUMNS, 'flags'];

function phaseTable(lanes: readonly Lane[]): string {
  const withPhases = lanes.filter((l) => l.phases.length);
  const phases = [...new Set(withPhases.flatMap((l) => l.phases.map((p) => p.phase)))].sort((a, b) => phaseRank(a) - phaseRank(b));
  return table(
    ['runner', 'how measured', ...phases.map((p) => `${p} (median)`)],
    withPhases.map((lane) => [
      lane.name,
      lane.label,
      ...phases.map((phase) => {
        const p = lane.phases.find((x) => x.phase === phase);
        return { num: p ? `${formatValue(p.medianMs, 'ms')} (n=${p.n})` : '—' };
      }),
    ]),
  );
}

function curveTable(lanes: readonly Lane[], field: string): string {
  const curves = lanes.flatMap((lane) => lane.curves.filter((c) => c.field === field).map((c) => ({ lane, c })));
  const xs = [...new Set(curves.flatMap(({ c }) => c.points.map((p) => p.x)))].sort((a, b) => a - b);
  const unit = /bytes$/i.test(field) ? 'bytes' : /ms$/i.test(field) ? 'ms' : '';
  const value = (y: number | undefined) => (y === undefined ? '—' : unit ? formatValue(y, unit) : String(y));
  return (
    `<details><summary>every point (${xs.length} counts)</summary>` +
    table(
      ['n-th instance', ...curves.map(({ lane, c }) => (curves.filter((o) => o.lane === lane).length > 1 ? `${lane.name} (${c.from})` : lane.name))],
      xs.map((x) => [{ num: String(x) }, ...curves.map(({ c }) => ({ num: value(c.points.find((p) => p.x === x)?.y) }))]),
    ) +
    `</details>`
  );
}

/** How far each lane got and why it stopped, from the suite's own record of it. */
function countTable(lanes: readonly Lane[], metric: string): string {
  const rows = lanes.flatMap((lane) => {
    const m = lane.metrics.find((x) => x.name === metric);
    if (!m) return [];
    const detail = (pattern: RegExp) => lane.details.find(([key]) => pattern.test(key))?.[1];
    const stop = detail(/^stopReasonText$/) ?? detail(/stop/i) ?? '(not recorded)';
    return [[lane.name, status(lane), lane.label, ...statCells(m.stats, m.unit, m.lowerBound).slice(0, 2).map((num) => ({ num })), stop]];
  });
  return table(['runner', 'status', 'how measured', 'n', 'reached (median)', 'why it stopped'], rows);
}

function chartTable(spec: ChartTable, lanes: readonly Lane[]): string {
  switch (spec.kind) {
    case 'metrics':
      return table(METRIC_HEAD, metricRows(lanes, spec.metrics));
    case 'phases':
      return phaseTable(lanes);
    case 'count':
      return countTable(lanes, spec.metric);
    case 'curves':
      return curveTable(lanes, spec.field);
  }
}

function chartFigure(spec: ChartSpec, workload: WorkloadView): string {
  const under = chartTable(spec.table, workload.lanes);
  return (
    `<figure><figcaption><strong>${escapeHtml(spec.title)}</strong> <span class="caption">${escapeHtml(spec.caption)}</span></figcaption>` +
    `<div class="chart-box" style="height: ${spec.height}px"><canvas id="${escapeHtml(spec.id)}" role="img" aria-label="${escapeHtml(spec.title)}"></canvas></div>` +
    `${under}</figure>`
  );
}

function notMeasured(lanes: readonly Lane[]): string {
  const missing = lanes.filter((l) => l.status !== 'ok');
  if (!missing.length) return '';
  return (
    `<h4>Not run, failed or partial</h4>` +
    table(
      ['runner', 'status', 'why', 'trials ok', 'failed trials'],
      missing.map((lane) => [
        lane.name,
        status(lane),
        lane.reason ?? '(no reason recorded)',
        { num: `${lane.trials.ok} of ${lane.trials.measured}` },
        lane.failures.join('; '),
      ]),
    )
  );
}

/** Ratios of the charted metrics in view; those of the other metrics one click away. */
function ratioTable(ratios: readonly RatioView[]): string {
  return table(
    ['metric', 'better', 'factor', 'interval', 'than', 'reading'],
    ratios.map((r) => [
      r.metric,
      r.better,
      { num: formatFactor(r.factor) },
      { num: r.interval ? `${formatFactor(r.interval.low)} – ${formatFactor(r.interval.high)} @${formatLevel(r.interval.level)}` : '—' },
      r.worse,
      r.text,
    ]),
  );
}

function ratioTables(workload: WorkloadView, charted: ReadonlySet<string>): string {
  const wake = workload.wakeRatios.length ? `<h4>Wake vs cold start</h4>${ratioTable(workload.wakeRatios)}` : '';
  if (!workload.ratios.length) return wake;
  const main = workload.ratios.filter((r) => charted.has(r.metric));
  const rest = workload.ratios.filter((r) => !charted.has(r.metric));
  return (
    wake +
    `<h4>Between runners</h4>` +
    (main.length ? ratioTable(main) : '') +
    (rest.length ? `<details><summary>${rest.length} more ratios, of the other metrics</summary>${ratioTable(rest)}</details>` : '')
  );
}

function detailsTable(lanes: readonly Lane[]): string {
  const rows = lanes.flatMap((lane) => lane.details.map(([key, value]): TableCell[] => [lane.name, key, value]));
  if (!rows.length) return '';
  return `<details><summary>Details recorded by the suite (${rows.length})</summary>${table(['runner', 'key', 'value'], rows)}</details>`;
}

function workloadSection(suite: SuiteName, workload: WorkloadView, charts: ChartSpec[]): string {
  const charted = new Set(chartedMetrics(charts));
  const rest = workload.metricNames.filter((m) => !charted.has(m));
  const allMetrics = rest.length
    ? `<h4>${charted.size ? 'Other metrics' : 'Metrics'}</h4>${table(METRIC_HEAD, metricRows(workload.lanes, rest))}`
    : '';
  return (
    `<section class="workload" id="${escapeHtml(`${suite}--${workload.workload}`)}"><h3>${escapeHtml(workload.workload)}</h3>` +
    charts.map((c) => chartFigure(c, workload)).join('') +
    notMeasured(workload.lanes) +
    ratioTables(workload, charted) +
    allMetrics +
    detailsTable(workload.lanes) +
    `</section>`
  );
}

const describeVersion = (v: EngineVersion | null) => (v ? `${v.version}${v.path ? ` (${v.path})` : ''}` : 'not available');

function environmentTable(sources: readonly SourceView[]): string {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const rows: [string, (s: SourceView) => string][] = [
    ['testbed', (s) => s.testbed],
    ['host', (s) => s.environment.hostname],
    ['CPU', (s) => `${s.environment.cpuModel}, ${s.environment.cores} cores`],
    ['memory', (s) => `${gib(s.environment.memoryBytes)} (${gib(s.environment.memAvailableBytes)} available at start)`],
    ['OS / kernel', (s) => `${s.environment.os} / ${s.environment.kernel}`],
    ['accelerator for VMs', (s) => `${s.environment.accelerator.kind.toUpperCase()}: ${s.environment.accelerator.reason}`],
    ...ENGINES.map((engine): [string, (s: SourceView) => string] => [engine.label, (s) => describeVersion(engineVersion(s.environment, engine))]),
    ['Node.js', (s) => s.environment.node],
    ['isobench', (s) => `${s.environment.harness.version} @ ${s.commit}${s.dirty ? ' (uncommitted changes)' : ''}`],
    ['run', (s) => `${s.runId}: ${s.startedAt} → ${s.finishedAt ?? 'did not finish'}${s.quick ? ' (quick profile)' : ''}`],
  ];
  return table(
    ['', ...sources.map((s) => s.label)],
    rows.map(([name, get]) => [{ html: `<strong>${escapeHtml(name)}</strong>` }, ...sources.map(get)]),
  );
}

function navigation(model: ReportModel): string {
  const items = model.suites.map(
    (s) =>
      `<li><a href="#${s.suite}">${escapeHtml(suiteDescriptor(s.suite).title)}</a>: ` +
      s.workloads.map((w) => `<a href="#${escapeHtml(`${s.suite}--${w.workload}`)}">${escapeHtml(w.workload)}</a>`).join(', ') +
      `</li>`,
  );
  return `<nav><ul>${items.join('')}</ul></nav>`;
}

/** The HTML page of a report model; `results` are embedded as they are, so that every raw sample travels with it. */
export function renderHtmlFromModel(model: ReportModel, results: readonly Results[]): string {
  const charts: ChartSpec[] = [];
  const sections = model.suites.map((s) => {
    const { title, description } = suiteDescriptor(s.suite);
    const body = s.workloads
      .map((w, i) => {
        const specs = workloadCharts(s.suite, w, `chart-${s.suite}-${i}`);
        charts.push(...specs);
        return workloadSection(s.suite, w, specs);
      })
      .join('');
    return `<h2 id="${s.suite}">${escapeHtml(title)}</h2><p class="muted">${escapeHtml(description)}</p>${body}`;
  });
  const chartJs = chartJsSource().replace(/<\/script/gi, '<\\/script');
  const notices = model.notices
    .map((n) => `<p class="notice ${n.level}">${n.level === 'warning' ? '<strong>Read this first:</strong> ' : ''}${escapeHtml(n.text)}</p>`)
    .join('');
  const accelerators = [...new Set(model.sources.map((s) => s.environment.accelerator.kind.toUpperCase()))].join(', ');
  const csp =
    `default-src 'none'; script-src ${sha256(chartJs)} ${sha256(PAGE_SCRIPT)}; ` +
    `style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<title>${escapeHtml(`isobench report: ${model.sources.map((s) => s.label).join(' vs ')}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>isobench report</h1>
<p class="muted">${escapeHtml(`${model.sources.length} results file${model.sources.length > 1 ? 's' : ''}; accelerator for VMs and unikernels: ${accelerators}`)}</p>
${notices}
${environmentTable(model.sources)}
${navigation(model)}
</header>
<main>
${sections.join('\n')}
</main>
<footer>
<h4>How these numbers were computed</h4>
<p>Every statistic is recomputed from the raw samples: one sample per successful, non-warm-up trial; per-second readings within a trial are never pooled. The median's interval is distribution-free (order statistics, binomial): its level is the coverage the sample size allows, so with few trials it is below 95% (3 trials give [min, max] at 75%). p95 interpolates linearly (R type 7); cv is the standard deviation over the mean.</p>
<p>${escapeHtml(`Ratios: ${model.ratioMethod.description}. "Not clearly different" means the interval includes 1×.`)}</p>
<p>The results this page was made from are embedded in it, raw samples included: <code>JSON.parse(document.getElementById('isobench-results').textContent)</code>.</p>
</footer>
<script type="application/json" id="isobench-charts">${scriptJson(charts)}</script>
<script type="application/json" id="isobench-results">${scriptJson(results)}</script>
<script>${chartJs}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** One self-contained HTML file (chart.js inlined, data embedded): opens offline, from a file or an artifact. */
export function renderHtml(results: readonly Results[], options?: ModelOptions): string {
  return renderHtmlFromModel(buildReportModel(results, options), results);
}

