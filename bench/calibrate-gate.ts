/**
 * `npm run calibrate-gate [-- [results.json ...] [--trials N] [--alpha A] [--run-to-run S] [--pairs N]
 * [--resamples N] [--seed N]]`: replays the regression gate (compareResults, and compareRounds as `isobench ab` uses
 * it) with the default config on simulated pairs of runs, and prints how often it fails, passes and detects a
 * change. A change is put into one row at a time, the others unchanged, as a real regression usually is. Given
 * results files of one build, each simulated run takes one of those runs at random and resamples every gated
 * cold-start row from that run's own trials: the level shifts between real runs are in the A/A pairs, and their
 * spread (gates.runToRun) is estimated. Without files, lognormal rows with the CVs measured on a shared 2-core host
 * (containers 7-10%, Linux VMs under TCG 9-20%), each run at a level drawn with the configured run-to-run spread.
 * Rates are what this prints, not what tests assert: the gate's rule is judged by them.
 */
import { parseArgs } from 'node:util';
import { parseConfig, WORKLOAD_NAMES, type WorkloadName } from '../cli/config.ts';
import { readResults } from '../suites/results-io.ts';
import { RESULTS_SCHEMA_VERSION, type Cell, type Results } from '../suites/results.ts';
import { median, summarize } from '../stats/descriptive.ts';
import { AB_DEFAULT_ROUNDS, AB_DEFAULT_TRIALS } from '../cli/ab.ts';
import { compareResults, compareRounds, type GateReport } from '../reports/compare.ts';
import { mulberry32 } from '../stats/prng.ts';
import { runToRunSpread } from '../stats/run-to-run.ts';
import { formatPercent } from '../reports/format.ts';
import { markdownTable } from '../reports/markdown.ts';

const { values, positionals: resultsFiles } = parseArgs({
  allowPositionals: true,
  options: {
    trials: { type: 'string' },
    alpha: { type: 'string' },
    'run-to-run': { type: 'string' },
    pairs: { type: 'string', default: '1000' },
    // The interval only decides "shown unchanged", which no rate here counts: a few hundred resamples suffice.
    resamples: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
  },
});
const pairs = Number(values.pairs);
const resamples = Number(values.resamples);
const config = parseConfig({
  ...(values.trials && { suite: { 'cold-start': { trials: Number(values.trials) } } }),
  gates: {
    ...(values.alpha && { alpha: Number(values.alpha) }),
    ...(values['run-to-run'] && { runToRun: Number(values['run-to-run']) }),
  },
});
const gates = config.gates;
const TRIALS = config.suite['cold-start'].trials;
const KEY = 'cold-start.ready_ms';
const EFFECTS = [1.1, 1.2, 1.5];
/** Run-to-run level shifts of the `ab` simulation: each run's level is multiplied by e^N(0, σ), σ = 0.2. */
const LEVEL_SHIFT_SD = 0.2;

/** A row of the simulated run: where it is, and how one trial of it is drawn in a given source run. */
interface RowSource {
  workload: WorkloadName;
  runner: Cell['runner'];
  label: string;
  draw: (random: () => number, run: number) => number;
}

const random = mulberry32(Number(values.seed));
const gaussian = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

async function sources(): Promise<{ rows: RowSource[]; runs: number; levelSd: number; template: Results | null; origin: string; spread: (number | null)[] }> {
  if (!resultsFiles.length) {
    const lognormal = (runner: Cell['runner'], workload: WorkloadName, cv: number, medianMs: number): RowSource => {
      const sigma = Math.sqrt(Math.log(1 + cv * cv));
      return { workload, runner, label: `${runner} ${workload}, lognormal CV ${formatPercent(cv)}`, draw: (r) => medianMs * Math.exp(sigma * gaussian(r)) };
    };
    return {
      rows: [
        ...[0.07, 0.08, 0.09, 0.1].map((cv, i) => lognormal('container', WORKLOAD_NAMES[i]!, cv, 300 + 100 * i)),
        ...[0.09, 0.12, 0.15, 0.2].map((cv, i) => lognormal('linux-vm', WORKLOAD_NAMES[i]!, cv, 3000 + 500 * i)),
      ],
      runs: 1,
      // The level shift between runs that the config allows for, drawn for every simulated run.
      levelSd: gates.runToRun,
      spread: [],
      template: null,
      origin: `lognormal rows with the CVs of a shared 2-core host (containers 7-10%, Linux VMs under TCG 9-20%), ` +
        `each simulated run's level × e^N(0, ${gates.runToRun}) (gates.runToRun)`,
    };
  }
  const runs = await Promise.all(resultsFiles.map(readResults));
  const trialsOf = (run: Results, cell: Cell) =>
    run.cells.find((c) => c.suite === 'cold-start' && c.workload === cell.workload && c.runner === cell.runner)?.metrics.find((m) => m.name === 'ready_ms')?.samples ?? [];
  // Rows measured in every run: a simulated run is one real run resampled.
  const cells = runs[0]!.cells.filter((c) => c.suite === 'cold-start' && runs.every((run) => trialsOf(run, c).length > 1));
  return {
    rows: cells.map((cell) => {
      const perRun = runs.map((run) => trialsOf(run, cell));
      const cvs = perRun.map((samples) => formatPercent(summarize(samples)!.cv)).join(', ');
      return {
        workload: cell.workload,
        runner: cell.runner,
        label: `${cell.runner} ${cell.workload}, ${perRun.map((s) => s.length).join('+')} real trials, CV ${cvs}`,
        draw: (r, run) => perRun[run]![Math.floor(r() * perRun[run]!.length)]!,
      };
    }),
    runs: runs.length,
    levelSd: 0,
    spread: cells.map((cell) => runToRunSpread(runs.map((run) => trialsOf(run, cell)))),
    template: runs[0]!,
    origin: `ready_ms trials of ${resultsFiles.join(', ')}: each simulated run is one of these runs, its trials resampled with replacement`,
  };
}

const { rows, runs, levelSd, template, origin, spread } = await sources();

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
      memAvailableBytes: 2 ** 34, node: process.version, engines: {},
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

/** One simulated run of `n` trials per row from one source run, row `slowed` (if any) multiplied by `factor`. */
function simulatedRun(n: number, slowed = -1, factor = 1, level = 1): Results {
  const source = Math.floor(random() * runs);
  const shifted = level * Math.exp(levelSd * gaussian(random));
  return run(rows.map((row, j) => Array.from({ length: n }, () => row.draw(random, source) * shifted * (j === slowed ? factor : 1))), 'simulated');
}
const regressed = (report: GateReport, j: number) => report.rows.filter((r) => r.key === KEY)[j]!.verdict === 'regressed';
const rate = (count: number) => formatPercent(count / pairs);
const options = (seed: number) => ({ resamples, seed });

// Trials design: `isobench gate` / `run --gate`, TRIALS per side.
const aa = { fail: 0, pass: 0, rowFails: rows.map(() => 0), mde: rows.map(() => [] as number[]) };
const detected = EFFECTS.map(() => rows.map(() => 0));
for (let i = 0; i < pairs; i++) {
  const report = compareResults(simulatedRun(TRIALS), simulatedRun(TRIALS), gates, options(i));
  if (report.verdict === 'fail') aa.fail++;
  if (report.verdict === 'pass') aa.pass++;
  report.rows.forEach((r, j) => {
    if (r.verdict === 'regressed') aa.rowFails[j]!++;
    if (r.mde !== null) aa.mde[j]!.push(r.mde);
  });
  EFFECTS.forEach((factor, e) => rows.forEach((_, j) => {
    if (regressed(compareResults(simulatedRun(TRIALS), simulatedRun(TRIALS, j, factor), gates, options(i)), j)) detected[e]![j]!++;
  }));
}

// `isobench ab`: AB_DEFAULT_ROUNDS rounds of AB_DEFAULT_TRIALS trials. A/A under extra level shifts of every run; the
// changes of one row with only the data's own run-to-run shifts.
const ab = { byRound: 0, pooled: 0, detected: EFFECTS.map(() => 0) };
for (let i = 0; i < pairs; i++) {
  const side = (slowed = -1, factor = 1, shiftSd = 0) =>
    Array.from({ length: AB_DEFAULT_ROUNDS }, () => simulatedRun(AB_DEFAULT_TRIALS, slowed, factor, Math.exp(shiftSd * gaussian(random))));
  const [a, b] = [side(-1, 1, LEVEL_SHIFT_SD), side(-1, 1, LEVEL_SHIFT_SD)];
  if (compareRounds(a, b, gates, options(i)).verdict === 'fail') ab.byRound++;
  if (compareResults(mergeForPooled(a), mergeForPooled(b), { ...gates, runToRun: 0 }, options(i)).verdict === 'fail') ab.pooled++;
  const j = i % rows.length;
  EFFECTS.forEach((factor, e) => void (regressed(compareRounds(side(), side(j, factor), gates, options(i)), j) && ab.detected[e]!++));
}
function mergeForPooled(runs: Results[]): Results {
  return run(rows.map((_, j) => runs.flatMap((r) => r.cells[j]!.metrics[0]!.samples)), 'pooled');
}

const out: string[] = [];
out.push(`Gate calibration: ${pairs} simulated pairs per setting; α = ${gates.alpha}, minSamples ${gates.minSamples}, ` +
  `gates.runToRun ${formatPercent(gates.runToRun)}, ` +
  `threshold ${formatPercent(gates.metrics[KEY]!.threshold)}, ${TRIALS} trials per side, ${rows.length} gated rows per run ` +
  `(the Holm family); a change is put into one row at a time.`);
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
  ...EFFECTS.map((f, e) => [`\`ab\` by round, runs at the data's own levels: ×${f.toFixed(2)} in one row (each row in turn) detected`, rate(ab.detected[e]!)]),
]));
const measured = spread.filter((s) => s !== null);
if (measured.length) {
  out.push('');
  out.push(`Run-to-run spread of these ${runs} runs (between-run SD of the log level, beyond the trials' own noise): ` +
    `${rows.map((row, j) => `${row.runner} ${row.workload} ${spread[j] === null ? '—' : formatPercent(spread[j]!)}`).join(', ')}. ` +
    `The largest, ${formatPercent(Math.max(...measured))}, is a gates.runToRun that covers every row; ` +
    `\`--run-to-run ${Math.max(...measured).toFixed(3)}\` replays the gate with it.`);
}
process.stdout.write(`${out.join('\n')}\n`);
