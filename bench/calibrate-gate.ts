/**
 * `npm run calibrate-gate [-- [results.json ...] [--pairs N] [--resamples N] [--seed N]]`: replays the regression gate
 * (compareResults, and compareRounds as `isobench ab` uses it) with the default config on simulated pairs of runs,
 * and prints how often it fails, passes and detects a change. Given results files, every gated cold-start row of those
 * real runs is resampled (with replacement) from its own measured trials; without, lognormal rows with the CVs
 * measured on a shared 2-core host (containers 7-10%, Linux VMs under TCG 9-20%). Rates are what this prints, not
 * what tests assert: the gate's rule is judged by them.
 */
import { parseArgs } from 'node:util';
import { parseConfig } from '../core/config.ts';
import { readResults } from '../core/results-io.ts';
import { RESULTS_SCHEMA_VERSION, type Cell, type Results } from '../core/results.ts';
import { median, summarize } from '../stats/descriptive.ts';
import { AB_DEFAULT_ROUNDS, AB_DEFAULT_TRIALS } from '../core/ab.ts';
import { compareResults, compareRounds, type GateReport } from '../reports/compare.ts';
import { mulberry32 } from '../stats/prng.ts';
import { formatPercent } from '../reports/format.ts';
import { markdownTable } from '../reports/markdown.ts';

const { values, positionals: resultsFiles } = parseArgs({
  allowPositionals: true,
  options: {
    pairs: { type: 'string', default: '1000' },
    resamples: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
  },
});
const pairs = Number(values.pairs);
const resamples = Number(values.resamples);
const config = parseConfig({});
const gates = config.gates;
const TRIALS = config.suite['cold-start'].trials;
const KEY = 'cold-start.ready_ms';
const EFFECTS = [1.1, 1.2, 1.5];
/** Run-to-run level shifts of the `ab` simulation: each run's level is multiplied by e^N(0, σ), σ = 0.2. */
const LEVEL_SHIFT_SD = 0.2;

/** A row of the simulated run: where it is, and how one trial of it is drawn. */
interface RowSource {
  workload: string;
  runner: Cell['runner'];
  label: string;
  draw: (random: () => number) => number;
}

const random = mulberry32(Number(values.seed));
const gaussian = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

async function sources(): Promise<{ rows: RowSource[]; template: Results | null; origin: string }> {
  if (!resultsFiles.length) {
    const lognormal = (runner: Cell['runner'], workload: string, cv: number, medianMs: number): RowSource => {
      const sigma = Math.sqrt(Math.log(1 + cv * cv));
      return { workload, runner, label: `${runner} ${workload}, lognormal CV ${formatPercent(cv)}`, draw: (r) => medianMs * Math.exp(sigma * gaussian(r)) };
    };
    const workloads = ['http-hello', 'nginx', 'redis', 'postgres'];
    return {
      rows: [
        ...[0.07, 0.08, 0.09, 0.1].map((cv, i) => lognormal('container', workloads[i]!, cv, 300 + 100 * i)),
        ...[0.09, 0.12, 0.15, 0.2].map((cv, i) => lognormal('linux-vm', workloads[i]!, cv, 3000 + 500 * i)),
      ],
      template: null,
      origin: 'lognormal rows with the CVs of a shared 2-core host (containers 7-10%, Linux VMs under TCG 9-20%)',
    };
  }
  const runs = await Promise.all(resultsFiles.map(readResults));
  const pooled = new Map<string, { cell: Cell; samples: number[] }>();
  for (const cell of runs.flatMap((r) => r.cells).filter((c) => c.suite === 'cold-start')) {
    const samples = cell.metrics.find((m) => m.name === 'ready_ms')?.samples ?? [];
    if (!samples.length) continue;
    const key = `${cell.workload}|${cell.runner}`;
    pooled.set(key, { cell, samples: [...(pooled.get(key)?.samples ?? []), ...samples] });
  }
  return {
    rows: [...pooled.values()].map(({ cell, samples }) => ({
      workload: cell.workload,
      runner: cell.runner,
      label: `${cell.runner} ${cell.workload}, ${samples.length} real trials, CV ${formatPercent(summarize(samples)!.cv)}`,
      draw: (r) => samples[Math.floor(r() * samples.length)]!,
    })),
    template: runs[0]!,
    origin: `ready_ms trials of ${resultsFiles.join(', ')}, resampled with replacement`,
  };
}

const { rows, template, origin } = await sources();

/** A results file holding `samples[i]` as the ready_ms trials of row i. */
function run(samples: number[][], runId: string): Results {
  const base: Results = template ?? {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId,
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:10:00Z',
    partial: false,
    quick: false,
    environment: {
      hostname: 'simulated', os: 'simulated', kernel: 'simulated', cpuModel: 'simulated', cores: 2, memoryBytes: 2 ** 34,
      memAvailableBytes: 2 ** 34, node: process.version, docker: null, qemu: null,
      accelerator: { kind: 'tcg', reason: 'simulated' }, harness: { version: '0', commit: 'simulated', dirty: false },
    },
    config: { testbed: { name: 'simulated' } },
    cells: [],
  };
  const cells = rows.map((row, i): Cell => ({
    suite: 'cold-start', workload: row.workload, runner: row.runner, status: 'ok', trials: [],
    label: { accelerator: row.runner === 'container' ? { kind: 'none', reason: 'simulated' } : base.environment.accelerator, notes: [] },
    metrics: [{ name: 'ready_ms', unit: 'ms', direction: 'lower', samples: samples[i]!, stats: null, flags: [] }],
  }));
  return { ...base, runId, cells };
}

const draws = (n: number, factor: number, level = 1) => rows.map((row) => Array.from({ length: n }, () => row.draw(random) * factor * level));
const regressedRows = (report: GateReport) => report.rows.filter((r) => r.key === KEY && r.verdict === 'regressed');
const rate = (count: number) => formatPercent(count / pairs);

// Trials design: `isobench gate` / `run --gate`, TRIALS per side.
const aa = { fail: 0, pass: 0, rowFails: rows.map(() => 0), mde: rows.map(() => [] as number[]) };
const detected = EFFECTS.map(() => rows.map(() => 0));
for (let i = 0; i < pairs; i++) {
  const report = compareResults(run(draws(TRIALS, 1), 'a'), run(draws(TRIALS, 1), 'b'), gates, { resamples, seed: i });
  if (report.verdict === 'fail') aa.fail++;
  if (report.verdict === 'pass') aa.pass++;
  report.rows.forEach((r, j) => {
    if (r.verdict === 'regressed') aa.rowFails[j]!++;
    if (r.mde !== null) aa.mde[j]!.push(r.mde);
  });
  EFFECTS.forEach((factor, e) => {
    const slowed = compareResults(run(draws(TRIALS, 1), 'a'), run(draws(TRIALS, factor), 'b'), gates, { resamples, seed: i });
    slowed.rows.forEach((r, j) => void (r.verdict === 'regressed' && detected[e]![j]!++));
  });
}

// `isobench ab`: AB_DEFAULT_ROUNDS rounds of AB_DEFAULT_TRIALS trials, every run at its own level.
const ab = { byRound: 0, pooled: 0, detected: 0 };
for (let i = 0; i < pairs; i++) {
  const side = (factor: number) =>
    Array.from({ length: AB_DEFAULT_ROUNDS }, (_, k) => run(draws(AB_DEFAULT_TRIALS, factor, Math.exp(LEVEL_SHIFT_SD * gaussian(random))), `r${k}`));
  const [a, b] = [side(1), side(1)];
  if (compareRounds(a, b, gates, { resamples, seed: i }).verdict === 'fail') ab.byRound++;
  if (compareResults(mergeForPooled(a), mergeForPooled(b), gates, { resamples, seed: i }).verdict === 'fail') ab.pooled++;
  if (regressedRows(compareRounds(side(1), side(1.5), gates, { resamples, seed: i })).length) ab.detected++;
}
function mergeForPooled(runs: Results[]): Results {
  return run(rows.map((_, j) => runs.flatMap((r) => r.cells[j]!.metrics[0]!.samples)), 'pooled');
}

const out: string[] = [];
out.push(`Gate calibration: ${pairs} simulated pairs per setting; default config (α = ${gates.alpha}, minSamples ${gates.minSamples}, ` +
  `threshold ${formatPercent(gates.metrics[KEY]!.threshold)}), ${TRIALS} trials per side, ${rows.length} gated rows per run (the Holm family).`);
out.push(`Data: ${origin}.`);
out.push('');
out.push(markdownTable(
  ['row', 'A/A regressed', ...EFFECTS.map((f) => `×${f.toFixed(2)} detected`), 'stated MDE (median)'],
  rows.map((row, j) => [row.label, rate(aa.rowFails[j]!), ...EFFECTS.map((_, e) => rate(detected[e]![j]!)), formatPercent(median(aa.mde[j]!), true)]),
));
out.push('');
out.push(markdownTable(['whole run (every row above)', 'rate'], [
  ['A/A pairs that fail the build (exit 1)', rate(aa.fail)],
  ['A/A pairs that pass (exit 0)', rate(aa.pass)],
  [`\`ab\`, ${AB_DEFAULT_ROUNDS} rounds × ${AB_DEFAULT_TRIALS} trials, level shifts e^N(0, ${LEVEL_SHIFT_SD}) per run: A/A false alarms, by round`, rate(ab.byRound)],
  ['the same A/A runs gated on pooled trials (the old `ab`)', rate(ab.pooled)],
  ['`ab` by round: ×1.50 on every row detected (any row)', rate(ab.detected)],
]));
process.stdout.write(`${out.join('\n')}\n`);
