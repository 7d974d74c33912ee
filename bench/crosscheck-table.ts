import type { Cell, Results } from '../suites/results.ts';
import { median } from '../stats/descriptive.ts';
import { formatValue } from '../reports/summary.ts';
import { REFERENCE_TOLERANCE } from '../suites/load/verdict.ts';

/** One row per throughput cell: medians over repetitions of isobench, the reference and their ratio. */
export function crosscheckRows(results: Results): string[][] {
  const rows = [['workload', 'runner', 'isobench', 'reference', 'isobench/ref', 'client µs/op', 'client cores', 'server cores', 'verdict']];
  for (const cell of results.cells.filter((c: Cell) => c.suite === 'throughput')) {
    const rate = cell.metrics[0];
    const values = (name: string) => cell.metrics.find((m) => m.name === name)?.samples ?? [];
    const ref = cell.metrics.find((m) => m.name.startsWith('reference_'));
    const fmt = (v: number, unit: string) => (Number.isFinite(v) ? formatValue(v, unit) : '—');
    const ratio = median(values('vs_reference'));
    const notRun = cell.trials.map((t) => (t.detail?.reference as { ran?: boolean; reason?: string } | undefined)).find((r) => r && !r.ran);
    const verdict =
      cell.status === 'not-run' || !rate
        ? `not run: ${cell.reason ?? ''}`
        : rate.lowerBound
          ? `client-bound: ${rate.flags.filter((f) => f.includes('client-bound')).join('; ')}`
          : Number.isFinite(ratio)
            ? ratio >= 1 - REFERENCE_TOLERANCE
              ? `agrees (within ${REFERENCE_TOLERANCE * 100}% or above)`
              : 'below the reference'
            : `reference not run: ${notRun?.reason ?? 'no value'}`;
    rows.push([
      cell.workload,
      cell.runner,
      rate ? `${rate.lowerBound ? '≥ ' : ''}${fmt(median(rate.samples), rate.unit)}` : '—',
      ref ? fmt(median(ref.samples), ref.unit) : '—',
      Number.isFinite(ratio) ? ratio.toFixed(2) : '—',
      fmt(median(values('client_cpu_us_per_op')), ''),
      fmt(median(values('client_cores')), ''),
      fmt(median(values('server_cores')), ''),
      verdict,
    ]);
  }
  return rows;
}

export function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

