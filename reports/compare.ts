import { SUITE_NAMES, type Config, type RunnerName, type SuiteName } from '../core/config.ts';
import type { Cell, Results } from '../core/results.ts';
import { quantileSorted } from '../core/stats.ts';
import { DEFAULT_RESAMPLES, bootstrapRatioOfMedians } from './bootstrap.ts';
import { holmAdjust } from './holm.ts';
import { mannWhitneyU } from './mann-whitney.ts';
import { seedFor } from './prng.ts';
import { describeSources, testbedName } from './sources.ts';
import { formatLevel, formatP, formatPercent } from './format.ts';

export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive';

export interface GateRow {
  /** `suite.metric`, as in the config's gates. */
  key: string;
  suite: SuiteName;
  metric: string;
  workload: string;
  runner: RunnerName;
  direction: 'lower' | 'higher';
  threshold: number;
  unit: string;
  baseline: { n: number; median: number | null };
  current: { n: number; median: number | null };
  /** median(current) / median(baseline) - 1. */
  change: number | null;
  /** Bootstrap interval of median(current) / median(baseline). */
  interval: { low: number; high: number; level: number } | null;
  test: { u: number; p: number; pAdjusted: number; minP: number; method: 'exact' | 'normal' } | null;
  verdict: Verdict;
  reason: string;
}

export interface GateSide {
  label: string;
  runId: string;
  commit: string;
  accelerator: string;
}

export interface GateReport {
  verdict: 'pass' | 'fail' | 'inconclusive';
  /** The decision rule, in words, with its parameters. */
  rule: string;
  alpha: number;
  minSamples: number;
  resamples: number;
  seed: number;
  /** How many comparisons had enough samples for a test: the family Holm corrects over. */
  comparisons: number;
  baseline: GateSide;
  current: GateSide;
  /** Environment fields that must match (they did), and those that differ without refusing the comparison. */
  environment: { matched: string[]; differing: string[] };
  rows: GateRow[];
  /** Gated metrics or cells found on one side only, and other things a reader must know. */
  notes: string[];
}

/** The gate will not compare these two runs: the numbers would reflect the hosts, not the change. */
export class GateRefusedError extends Error {
  override name = 'GateRefusedError';
}

export interface CompareOptions {
  resamples?: number;
  seed?: number;
}

/** Fixed so that a gate verdict is the same every time it is computed from the same two files. */
export const GATE_SEED = 0x9a7e5eed;

/**
 * What must be equal for a comparison to mean something: the accelerator, and what makes the host the same
 * machine (CPU, cores, memory, host kernel, the hypervisor and container engine). The host name is not among
 * them: ephemeral CI runners get a new one every job; the testbed name is how a user says "same machine".
 */
const MUST_MATCH: [string, (r: Results) => string][] = [
  ['testbed', testbedName],
  ['CPU model', (r) => r.environment.cpuModel],
  ['cores', (r) => String(r.environment.cores)],
  ['memory (GiB)', (r) => String(Math.round(r.environment.memoryBytes / 2 ** 30))],
  ['host kernel', (r) => r.environment.kernel],
  ['QEMU', (r) => r.environment.qemu?.version ?? 'none'],
  ['Docker', (r) => r.environment.docker?.version ?? 'none'],
];
/** Reported when they differ, never a reason to refuse. */
const INFORMATIONAL: [string, (r: Results) => string][] = [
  ['host name', (r) => r.environment.hostname],
  ['OS', (r) => r.environment.os],
  ['Node.js', (r) => r.environment.node],
  ['quick profile', (r) => String(r.quick)],
];

function checkComparable(baseline: Results, current: Results): { matched: string[]; differing: string[] } {
  const ba = baseline.environment.accelerator;
  const ca = current.environment.accelerator;
  if (ba.kind !== ca.kind) {
    throw new GateRefusedError(
      `refusing to compare: the baseline ran VMs under ${ba.kind.toUpperCase()} (${ba.reason}) and the current run ` +
        `under ${ca.kind.toUpperCase()} (${ca.reason}); times measured with different accelerators say nothing about the change`,
    );
  }
  const differences = MUST_MATCH.filter(([, get]) => get(baseline) !== get(current)).map(
    ([name, get]) => `${name}: baseline "${get(baseline)}", current "${get(current)}"`,
  );
  if (differences.length) {
    throw new GateRefusedError(
      `refusing to compare runs from different hosts (${differences.join('; ')}); ` +
        `compare runs of one testbed, or re-measure the baseline on this one`,
    );
  }
  return {
    matched: ['accelerator', ...MUST_MATCH.map(([name]) => name)],
    differing: INFORMATIONAL.filter(([, get]) => get(baseline) !== get(current)).map(
      ([name, get]) => `${name}: baseline "${get(baseline)}", current "${get(current)}"`,
    ),
  };
}

const pct = (fraction: number) => formatPercent(fraction, true);
const median = (samples: readonly number[]) =>
  samples.length ? quantileSorted([...samples].sort((a, b) => a - b), 0.5) : null;

type Pending = Omit<GateRow, 'verdict' | 'reason' | 'test'> & {
  test: Omit<NonNullable<GateRow['test']>, 'pAdjusted'> | null;
  verdict?: Verdict;
  reason?: string;
};

function side(r: Results): GateSide {
  return { label: describeSources([r])[0]!.label, runId: r.runId, commit: r.environment.harness.commit, accelerator: r.environment.accelerator.kind };
}

const cellKey = (c: Pick<Cell, 'workload' | 'runner'>) => `${c.workload}|${c.runner}`;

/**
 * The regression gate. A gated metric (`suite.metric` in `gates.metrics`) of a workload×runner measured on both
 * sides is:
 * - regressed (improved) only when BOTH the two-sided Mann-Whitney U test on the trials is significant after
 *   Holm's correction over all comparisons at family-wise α, AND the (1-α) bootstrap interval of the ratio of
 *   medians current/baseline lies wholly beyond 1+threshold in the worse (better) direction; a significant change
 *   smaller than the threshold is not a regression, and a large one that noise could explain is not either;
 * - unchanged when that interval lies wholly within ±threshold;
 * - inconclusive otherwise, and whenever either side has fewer than `minSamples` trials: never a pass.
 * Each trial is one sample. Throws GateRefusedError when the runs are not comparable (accelerator, host).
 */
export function compareResults(
  baseline: Results,
  current: Results,
  gates: Config['gates'],
  options: CompareOptions = {},
): GateReport {
  const environment = checkComparable(baseline, current);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? GATE_SEED;
  const level = 1 - gates.alpha;
  const notes: string[] = [];
  const pending: Pending[] = [];

  for (const [key, gate] of Object.entries(gates.metrics)) {
    const dot = key.indexOf('.');
    const suite = key.slice(0, dot) as SuiteName;
    const metric = key.slice(dot + 1);
    if (dot < 0 || !SUITE_NAMES.includes(suite)) {
      notes.push(`${key}: not a "suite.metric" key with a suite of ${SUITE_NAMES.join(', ')}; not compared`);
      continue;
    }
    const baseCells = baseline.cells.filter((c) => c.suite === suite);
    const currentCells = new Map(current.cells.filter((c) => c.suite === suite).map((c) => [cellKey(c), c]));
    const seen = new Set<string>();
    for (const base of baseCells) {
      seen.add(cellKey(base));
      const cur = currentCells.get(cellKey(base));
      const bm = base.metrics.find((m) => m.name === metric);
      const cm = cur?.metrics.find((m) => m.name === metric);
      if (!bm && !cm) {
        if (base.status !== 'not-run' || (cur && cur.status !== 'not-run')) {
          notes.push(`${key} ${base.workload} on ${base.runner}: no such metric on either side`);
        }
        continue;
      }
      // Lane accelerators: one runner may have been forced to TCG while the host had KVM.
      if (cur && base.label.accelerator.kind !== cur.label.accelerator.kind) {
        throw new GateRefusedError(
          `refusing to compare: ${base.workload} on ${base.runner} ran under ${base.label.accelerator.kind} in the ` +
            `baseline and ${cur.label.accelerator.kind} in the current run`,
        );
      }
      const b = bm?.samples ?? [];
      const c = cm?.samples ?? [];
      const row: Pending = {
        key,
        suite,
        metric,
        workload: base.workload,
        runner: base.runner,
        direction: gate.direction,
        threshold: gate.threshold,
        unit: bm?.unit ?? cm?.unit ?? '',
        baseline: { n: b.length, median: median(b) },
        current: { n: c.length, median: median(c) },
        change: null,
        interval: null,
        test: null,
      };
      pending.push(row);
      if (b.length < gates.minSamples || c.length < gates.minSamples) {
        const why = (name: string, cell: Cell | undefined, n: number) =>
          !cell ? `${name}: not measured` : `${name}: ${n} trial${n === 1 ? '' : 's'}${cell.status !== 'ok' ? ` (${cell.status}${cell.reason ? `: ${cell.reason}` : ''})` : ''}`;
        row.verdict = 'inconclusive';
        row.reason = `too few samples (${why('baseline', base, b.length)}; ${why('current', cur, c.length)}); at least ${gates.minSamples} per side are needed`;
        continue;
      }
      const boot = bootstrapRatioOfMedians(c, b, { level, resamples, seed: seedFor(seed, `${key}|${cellKey(base)}`) });
      if (!boot) {
        row.verdict = 'inconclusive';
        row.reason = 'the baseline median is not positive: no ratio to compare with the threshold';
        continue;
      }
      row.change = boot.ratio - 1;
      row.interval = { low: boot.low, high: boot.high, level };
      row.test = mannWhitneyU(c, b);
    }
    for (const cur of currentCells.values()) {
      if (!seen.has(cellKey(cur)) && cur.metrics.some((m) => m.name === metric)) {
        notes.push(`${key} ${cur.workload} on ${cur.runner}: measured in the current run only, no baseline`);
      }
    }
  }

  const tested = pending.filter((r) => r.test);
  const adjusted = holmAdjust(tested.map((r) => r.test!.p));
  const rows: GateRow[] = pending.map((row) => {
    if (!row.test) return { ...row, test: null, verdict: row.verdict!, reason: row.reason! };
    const test = { ...row.test, pAdjusted: adjusted[tested.indexOf(row)]! };
    return { ...row, test, ...decide(row, test.pAdjusted, test.minP, gates.alpha, tested.length) };
  });

  const verdict = rows.some((r) => r.verdict === 'regressed')
    ? 'fail'
    : !rows.length || rows.some((r) => r.verdict === 'inconclusive')
      ? 'inconclusive'
      : 'pass';
  if (!rows.length) notes.push('no gated metric was measured in both runs: nothing was compared');
  return {
    verdict,
    rule: gateRule(gates.alpha, resamples, seed, tested.length),
    alpha: gates.alpha,
    minSamples: gates.minSamples,
    resamples,
    seed,
    comparisons: tested.length,
    baseline: side(baseline),
    current: side(current),
    environment,
    rows,
    notes,
  };
}

/** The verdict of a tested row, by the rule in compareResults' comment. */
function decide(
  row: Pending,
  pAdjusted: number,
  minP: number,
  alpha: number,
  comparisons: number,
): { verdict: Verdict; reason: string } {
  const { low, high, level } = row.interval!;
  const t = row.threshold;
  const lowerIsBetter = row.direction === 'lower';
  const worseBeyond = lowerIsBetter ? low > 1 + t : high < 1 - t;
  const betterBeyond = lowerIsBetter ? high < 1 - t : low > 1 + t;
  const within = low >= 1 - t && high <= 1 + t;
  const significant = pAdjusted < alpha;
  const ci = `${formatLevel(level)} CI ${pct(low - 1)} … ${pct(high - 1)}`;
  const p = `Holm-adjusted p = ${formatP(pAdjusted)} ${significant ? '<' : '≥'} α = ${alpha}`;
  const band = `±${(t * 100).toFixed(0)}%`;
  if (significant && (worseBeyond || betterBeyond)) {
    return {
      verdict: worseBeyond ? 'regressed' : 'improved',
      reason: `median ${pct(row.change!)} (${ci}) is wholly beyond the ${band} threshold and significant (${p})`,
    };
  }
  if (within) return { verdict: 'unchanged', reason: `the ${ci} lies within ${band}` };
  // minP × comparisons is the Holm bound for the most demanding rank: above α, this many trials cannot convince.
  const power =
    minP * comparisons >= alpha
      ? `; with ${row.baseline.n}+${row.current.n} trials the smallest attainable p is ${formatP(minP)}, too large for ` +
        `α = ${alpha} over ${comparisons} comparisons: run more trials`
      : '';
  return {
    verdict: 'inconclusive',
    reason: significant
      ? `significant (${p}) but the ${ci} reaches across the ${band} threshold: more trials would tell`
      : `the ${ci} reaches beyond ${band} and the difference is not significant (${p})${power}`,
  };
}

export function gateRule(alpha: number, resamples: number, seed: number, comparisons: number): string {
  return (
    `Each trial is one sample. A metric regressed (improved) only when both: the two-sided Mann-Whitney U test ` +
    `(exact with ties up to 50 trials in all, normal approximation beyond) is significant after Holm's correction ` +
    `over the ${comparisons} comparisons at family-wise α = ${alpha}; and the ${formatLevel(1 - alpha)} ` +
    `percentile-bootstrap interval (${resamples.toLocaleString('en-US')} resamples, seed ${seed}) of the ratio of ` +
    `medians current/baseline lies wholly beyond the threshold in the worse (better) direction. Unchanged: that ` +
    `interval lies wholly within ±threshold. Anything else, or fewer than the minimum trials on either side: ` +
    `inconclusive, which is not a pass.`
  );
}
