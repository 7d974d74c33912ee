/**
 * The throughput cross-check: runs the throughput suite with --reference (wrk, redis-benchmark, pgbench against
 * the same instance after each repetition) and prints isobench's figure next to the reference tool's.
 *   npm run bench:crosscheck -- [--quick] [--runner container,linux-vm] [--workload nginx,redis,postgres] [--out DIR]
 * Defaults: the container and the Linux VM, nginx, redis and postgres. Whatever else is given goes to `isobench run`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseResults, type Cell, type Results } from '../core/results.ts';
import { formatValue } from '../core/summary.ts';
import { REFERENCE_TOLERANCE } from '../suites/load/verdict.ts';

const CLI = fileURLToPath(new URL('../core/cli.ts', import.meta.url));

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};

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

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const args = process.argv.slice(2);
const given = (flag: string) => args.includes(flag);
const runArgs = [
  'run', '--suite', 'throughput', '--reference', '--json',
  ...(given('--runner') ? [] : ['--runner', 'container,linux-vm']),
  ...(given('--workload') ? [] : ['--workload', 'nginx,redis,postgres']),
  ...args,
];
const child = spawn(process.execPath, [...process.execArgv, CLI, ...runArgs], { stdio: ['inherit', 'pipe', 'inherit'] });
let stdout = '';
child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
const code: number = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
if (!stdout.trim()) process.exit(code);
process.stdout.write(`\n${pad(crosscheckRows(parseResults(stdout, 'isobench run --json')))}\n`);
process.exit(code);
