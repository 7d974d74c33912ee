import { headlineMetrics, summaryMetrics } from '../suites/metrics.ts';
import type { Cell, Metric, Results } from '../suites/results.ts';

/** Put before a value that is a lower bound of what the system does (a client-bound throughput). */
export const LOWER_BOUND_MARK = '≥ ';

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '-';
  if (unit === 'ms') return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value >= 100 ? 0 : 1)} ms`;
  if (unit === 'bytes') return `${(value / 2 ** 20).toFixed(1)} MiB`;
  if (unit === 'us') return value >= 1e6 ? `${(value / 1e6).toFixed(2)} s` : value >= 1000 ? `${(value / 1000).toFixed(2)} ms` : `${value.toFixed(0)} µs`;
  if (Number.isInteger(value)) return `${value} ${unit}`;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(2)} ${unit}`;
}

/** "253 ms [241-270 ms @97.9%] n=10" — the median always with its interval and how many samples back it. */
export function formatMetric(metric: Metric): string {
  const s = metric.stats;
  if (!s) return 'no samples';
  const ci = s.ci ? ` [${formatValue(s.ci.low, metric.unit)} – ${formatValue(s.ci.high, metric.unit)} @${(s.ci.level * 100).toFixed(0)}%]` : '';
  // A client-bound figure is what the load generator reached, not what the system does: never a plain number.
  const bound = metric.lowerBound ? LOWER_BOUND_MARK : '';
  return `${bound}${formatValue(s.median, metric.unit)}${ci} n=${s.n}${metric.flags.length ? ` ⚠ ${metric.flags.join('; ')}` : ''}`;
}

function primaryMetric(cell: Cell): Metric | undefined {
  // A cell without any headline metric leads with its first measured one.
  for (const name of headlineMetrics(cell.suite)) {
    const metric = cell.metrics.find((m) => m.name === name && m.samples.length);
    if (metric) return metric;
  }
  return cell.metrics.find((m) => m.samples.length);
}

function secondaryLine(cell: Cell, primary: Metric): string {
  const parts = summaryMetrics(cell.suite)
    .filter((name) => name !== primary.name)
    .flatMap((name) => cell.metrics.filter((m) => m.name === name && m.stats))
    .map((m) => `${m.name.replace(/_(ms|us|bytes|mib)$/, '')} ${formatValue(m.stats!.median, m.unit)}`);
  const { extra } = cell;
  if (extra && 'stopReasonText' in extra) parts.push(`stopped: ${extra.stopReasonText}`);
  if (extra && 'state' in extra) parts.push(`state ${extra.state}`);
  return parts.length ? `  (${parts.join(', ')})` : '';
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

/** The table printed at the end of a run: medians with confidence intervals, labelled with the accelerator. */
export function formatSummary(results: Results): string {
  const lines: string[] = [];
  if (results.partial) lines.push(`PARTIAL RESULTS (${results.partialReason ?? 'run did not finish'})`);
  const env = results.environment;
  lines.push(`${env.cpuModel}, ${env.cores} cores; accelerator for VMs: ${env.accelerator.kind} (${env.accelerator.reason})`);
  for (const suite of [...new Set(results.cells.map((c) => c.suite))]) {
    const rows = [['workload', 'runner', 'accel', 'status', 'median [CI] n']];
    for (const cell of results.cells.filter((c) => c.suite === suite)) {
      const metric = primaryMetric(cell);
      const value =
        cell.status === 'not-run' || !metric
          ? (cell.reason ?? '')
          : `${metric.name}: ${formatMetric(metric)}${secondaryLine(cell, metric)}` +
            (cell.status !== 'ok' && cell.reason ? `  — ${cell.reason}` : '');
      const accel = cell.label.standIn ? `${cell.label.accelerator.kind} (stand-in)` : cell.label.accelerator.kind;
      rows.push([cell.workload, cell.variant ? `${cell.runner} · ${cell.variant}` : cell.runner, accel, cell.status, value]);
    }
    lines.push('', `== ${suite}`, ...pad(rows));
  }
  return lines.join('\n');
}
