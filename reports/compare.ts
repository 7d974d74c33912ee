import type { RunnerName } from '../runners/index.ts';
import { SUITE_NAMES, type SuiteName } from '../suites/index.ts';
import type { GatesConfig } from './gate-config.ts';
import { engineVersion } from '../core/environment.ts';
import { mergeRuns } from './merge.ts';
import type { Cell, Results } from '../suites/results.ts';
import { median } from '../stats/descriptive.ts';
import { DEFAULT_RESAMPLES, bootstrapMedian, bootstrapRatioOfMedians } from '../stats/bootstrap.ts';
import { holmAdjust } from '../stats/holm.ts';
import { mannWhitneyU } from '../stats/mann-whitney.ts';
import type { OneSidedP } from '../stats/rank-test.ts';
import { driftTest, minimalDetectableEffect, pooledLogSd, standardDeviation } from '../stats/power.ts';
import { seedFor } from '../stats/prng.ts';
import { signedRankTest } from '../stats/signed-rank.ts';
import { ENGINES } from '../runners/index.ts';
import { describeSources, testbedName } from './sources.ts';
import { formatLevel, formatP, formatPercent } from './format.ts';

/**
 * regressed / improved: a significant change whose estimate is beyond the threshold; unchanged: shown so by the
 * equivalence test; not-detected: none of these (no regression found, nothing shown either); not-judged: too few
 * samples, a failed or missing cell, or samples that could never give a significant test.
 */
export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'not-detected' | 'not-judged';

/** What one sample of the test is: a trial (`gate`, `run --gate`), or a round of `isobench ab`. */
export type GateDesign = 'trials' | 'rounds';

/** Which way a one-sided test looks: towards a regression, or towards an improvement. */
export type Direction = 'worse' | 'better';

/** The equivalence test is two one-sided tests at 5%: the 90% interval of the ratio within ±threshold. */
export const EQUIVALENCE_LEVEL = 0.9;

export interface GateRow {
  /** `suite.metric`, as in the config's gates. */
  key: string;
  suite: SuiteName;
  metric: string;
  workload: string;
  runner: RunnerName;
  /** The cell's variant (a wake strategy), where its suite has them. */
  variant?: string;
  direction: 'lower' | 'higher';
  threshold: number;
  unit: string;
  /** Trials of each side (all rounds pooled for `ab`) and their median. */
  baseline: { n: number; median: number | null };
  current: { n: number; median: number | null };
  /** Rounds with samples on both sides (`ab`); null when each trial is a sample. */
  rounds: number | null;
  /** The point estimate of the ratio current/baseline, minus 1: ratio of medians, or the median per-round ratio. */
  change: number | null;
  /** Bootstrap interval of that ratio at EQUIVALENCE_LEVEL: within ±threshold is "unchanged". */
  interval: { low: number; high: number; level: number } | null;
  /**
   * The one-sided test in the direction of the estimate (`worse`: towards a regression); `pAdjusted` is Holm's over
   * the family of that direction. minP: the smallest one-sided p these samples can give at all.
   */
  test: { method: 'mann-whitney' | 'signed-rank'; alternative: Direction; p: number; pAdjusted: number; minP: number } | null;
  /** Log-scale standard deviation of one sample (≈ its CV): of the trials, or of the per-round log-ratios. */
  spread: number | null;
  /** The relative change this row detects with 90% power, at its samples, spread and share of α. */
  mde: number | null;
  verdict: Verdict;
  reason: string;
}

export interface GateSide {
  label: string;
  runId: string;
  commit: string;
  accelerator: string;
  /** A stored results file set against fresh rounds: its own run-to-run level is not in the test (`ab` only). */
  driftExposed: boolean;
}

export interface GateReport {
  verdict: 'pass' | 'fail' | 'inconclusive';
  design: GateDesign;
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
  ...ENGINES.map((engine): [string, (r: Results) => string] => [engine.label, (r) => engineVersion(r.environment, engine)?.version ?? 'none']),
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
const medianOrNull = (samples: readonly number[]) => (samples.length ? median(samples) : null);

function side(runs: readonly Results[], driftExposed: boolean): GateSide {
  const r = runs[0]!;
  return { label: describeSources([r])[0]!.label, runId: runs.map((x) => x.runId).join('+'), commit: r.environment.harness.commit, accelerator: r.environment.accelerator.kind, driftExposed };
}

const cellKey = (c: Pick<Cell, 'workload' | 'runner' | 'variant'>) => `${c.workload}|${c.runner}${c.variant ? `|${c.variant}` : ''}`;

/** The samples of one metric of one cell in every run of a side, run by run (empty where a run lacks them). */
type PerRun = number[][];

/** The statistics of one row before the family is known. */
interface Measured {
  /** Point estimate of current/baseline, kept exact: a ratio equal to 1 + threshold is not beyond it. */
  ratio: number;
  interval: { low: number; high: number; level: number };
  /** One-sided p towards each direction, as the metric's direction defines worse. */
  test: { method: 'mann-whitney' | 'signed-rank'; p: Record<Direction, number>; minP: number };
  spread: number | null;
  /** Standard error of the log change, from which the MDE follows once α's share is known. */
  se: number | null;
  /** Standard deviation of the two sides' level difference that the test allowed for (0: none, or cancelled by rounds). */
  drift: number;
}

/** One gate row as the rule sees it: its description, and its samples or why it cannot be judged. */
type RowDraft = Omit<GateRow, 'change' | 'interval' | 'test' | 'spread' | 'mde' | 'verdict' | 'reason'> & {
  measured: Measured | { notJudged: string };
};

interface MeasureOptions {
  higherIsWorse: boolean;
  minSamples: number;
  /** gates.runToRun: the log-scale spread of a run's level between runs of one build on this testbed. */
  runToRun: number;
  seed: number;
  resamples: number;
}

interface Analysis {
  design: GateDesign;
  /** Measures a row; a string says why it cannot be judged. */
  measure(baseline: PerRun, current: PerRun, how: MeasureOptions): Measured | string;
  /** Rounds with samples on both sides; null when each trial is a sample. */
  rounds(baseline: PerRun, current: PerRun): number | null;
}

/** Each trial one sample: Mann-Whitney on the pooled trials, ratio of medians, bootstrap over trials. */
const BY_TRIAL: Analysis = {
  design: 'trials',
  rounds: () => null,
  measure(baseline, current, { higherIsWorse, minSamples, runToRun, seed, resamples }) {
    const b = baseline.flat();
    const c = current.flat();
    if (b.length < minSamples || c.length < minSamples) return `too few samples: at least ${minSamples} trials per side are needed`;
    const boot = bootstrapRatioOfMedians(c, b, { level: EQUIVALENCE_LEVEL, resamples, seed });
    if (!boot) return 'the baseline median is not positive: no ratio to compare with the threshold';
    const spread = pooledLogSd(b, c);
    const se = spread === null ? null : spread * Math.sqrt(1 / b.length + 1 / c.length);
    // Two runs, each at its own level: a level difference of this spread is no change of the build.
    const drift = Math.SQRT2 * runToRun;
    const rank = mannWhitneyU(c, b);
    const test = drift > 0 && se !== null ? { ...rank, ...atLeast(rank, driftTest(Math.log(boot.ratio), se, drift)) } : rank;
    return {
      ratio: boot.ratio,
      interval: { low: boot.low, high: boot.high, level: EQUIVALENCE_LEVEL },
      test: { method: 'mann-whitney', ...oriented(test, higherIsWorse) },
      spread,
      se,
      drift,
    };
  },
};

/**
 * Each round one sample (`isobench ab`): the log of median(B)/median(A) within a round, so that whatever shifts
 * the host's level between rounds cancels or at least counts as noise, never as signal. A one-run side (a stored
 * file) is set against every round of the other.
 */
const BY_ROUND: Analysis = {
  design: 'rounds',
  rounds: (baseline, current) => roundLogRatios(baseline, current)?.length ?? 0,
  measure(baseline, current, { higherIsWorse, minSamples, seed, resamples }) {
    const ratios = roundLogRatios(baseline, current);
    if (ratios === null) return 'a median is not positive: no ratio to compare with the threshold';
    if (ratios.length < minSamples) return `too few samples: at least ${minSamples} rounds with samples on both sides are needed`;
    const boot = bootstrapMedian(ratios, { level: EQUIVALENCE_LEVEL, resamples, seed })!;
    const spread = standardDeviation(ratios);
    return {
      ratio: Math.exp(boot.median),
      interval: { low: Math.exp(boot.low), high: Math.exp(boot.high), level: EQUIVALENCE_LEVEL },
      test: { method: 'signed-rank', ...oriented(signedRankTest(ratios), higherIsWorse) },
      spread,
      se: spread === null ? null : spread / Math.sqrt(ratios.length),
      drift: 0,
    };
  },
};

/** Both tests must reject: each direction's p is the larger of the two. */
const atLeast = (a: { greater: number; less: number }, b: { greater: number; less: number }) => ({
  greater: Math.max(a.greater, b.greater),
  less: Math.max(a.less, b.less),
});

/** A test of current against baseline, its one-sided p-values named by what they would mean for the metric. */
const oriented = ({ greater, less, minP }: OneSidedP, higherIsWorse: boolean) => ({
  p: { worse: higherIsWorse ? greater : less, better: higherIsWorse ? less : greater },
  minP,
});

/** log(median current / median baseline) of every round with samples on both sides; null if a median is not positive. */
function roundLogRatios(baseline: PerRun, current: PerRun): number[] | null {
  const rounds = Math.max(baseline.length, current.length);
  const at = (runs: PerRun, i: number) => (runs.length === 1 ? runs[0]! : (runs[i] ?? []));
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const b = medianOrNull(at(baseline, i));
    const c = medianOrNull(at(current, i));
    if (b === null || c === null) continue;
    if (!(b > 0 && c > 0)) return null;
    ratios.push(Math.log(c / b));
  }
  return ratios;
}

/**
 * The regression gate over two runs, each trial one sample. A gated metric (`suite.metric` in `gates.metrics`) of
 * a workload×runner measured on both sides is judged by judgeRows' rule. Throws GateRefusedError when the runs are
 * not comparable (accelerator, host).
 */
export function compareResults(
  baseline: Results,
  current: Results,
  gates: GatesConfig,
  options: CompareOptions = {},
): GateReport {
  return compare([baseline], [current], gates, BY_TRIAL, options);
}

/**
 * The gate over the rounds of an A/B comparison (`isobench ab`): `baseline[i]` and `current[i]` measured in round
 * i; a side of one run (a stored file) is set against every round of the other and named drift-exposed.
 */
export function compareRounds(
  baseline: readonly Results[],
  current: readonly Results[],
  gates: GatesConfig,
  options: CompareOptions = {},
): GateReport {
  return compare(baseline, current, gates, BY_ROUND, options);
}

function compare(
  baseRuns: readonly Results[],
  curRuns: readonly Results[],
  gates: GatesConfig,
  analysis: Analysis,
  options: CompareOptions,
): GateReport {
  const environment = checkComparable(baseRuns[0]!, curRuns[0]!);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? GATE_SEED;
  const baseline = mergeRuns(baseRuns);
  const current = mergeRuns(curRuns);
  const notes: string[] = [];
  const drafts: RowDraft[] = [];
  const perRun = (runs: readonly Results[], suite: SuiteName, cell: Cell, metric: string): PerRun =>
    runs.map((r) => r.cells.find((c) => c.suite === suite && cellKey(c) === cellKey(cell))?.metrics.find((m) => m.name === metric)?.samples ?? []);

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
      const b = perRun(baseRuns, suite, base, metric);
      const c = perRun(curRuns, suite, base, metric);
      // A client-bound figure is a lower bound of what the server does: a change in it may be the load generator's.
      const bounded = [bm?.lowerBound && 'baseline', cm?.lowerBound && 'current'].filter(Boolean);
      const measured = bounded.length
        ? `client-bound: the ${bounded.join(' and the ')} figure is a lower bound (the load generator was the bottleneck; see its flags)`
        : analysis.measure(b, c, {
            higherIsWorse: gate.direction === 'lower',
            minSamples: gates.minSamples,
            runToRun: gates.runToRun,
            seed: seedFor(seed, `${key}|${cellKey(base)}`),
            resamples,
          });
      const why = (name: string, cell: Cell | undefined, n: number) =>
        !cell ? `${name}: not measured` : `${name}: ${n} trial${n === 1 ? '' : 's'}${cell.status !== 'ok' ? ` (${cell.status}${cell.reason ? `: ${cell.reason}` : ''})` : ''}`;
      const rounds = analysis.rounds(b, c);
      drafts.push({
        key,
        suite,
        metric,
        workload: base.workload,
        runner: base.runner,
        ...(base.variant && { variant: base.variant }),
        direction: gate.direction,
        threshold: gate.threshold,
        unit: bm?.unit ?? cm?.unit ?? '',
        baseline: { n: b.flat().length, median: medianOrNull(b.flat()) },
        current: { n: c.flat().length, median: medianOrNull(c.flat()) },
        rounds,
        measured:
          typeof measured === 'string'
            ? { notJudged: `${measured} (${why('baseline', base, b.flat().length)}; ${why('current', cur, c.flat().length)}${rounds === null ? '' : `; ${rounds} rounds`})` }
            : measured,
      });
    }
    for (const cur of currentCells.values()) {
      if (!seen.has(cellKey(cur)) && cur.metrics.some((m) => m.name === metric)) {
        notes.push(`${key} ${cur.workload} on ${cur.runner}: measured in the current run only, no baseline`);
      }
    }
  }

  const rows = judgeRows(drafts, gates.alpha);
  const comparisons = drafts.filter((d) => !('notJudged' in d.measured)).length;
  const verdict = rows.some((r) => r.verdict === 'regressed')
    ? 'fail'
    : !rows.length || rows.some((r) => r.verdict === 'not-judged')
      ? 'inconclusive'
      : 'pass';
  if (!rows.length) notes.push('no gated metric was measured in both runs: nothing was compared');
  const [baseDrift, curDrift] = [baseRuns.length === 1 && curRuns.length > 1, curRuns.length === 1 && baseRuns.length > 1];
  for (const [name, exposed] of [['baseline', baseDrift], ['current', curDrift]] as const) {
    if (exposed && analysis.design === 'rounds') {
      notes.push(
        `the ${name} is a stored results file, measured once: drift-exposed. Its own run-to-run level is not in ` +
          `the test, so a shift of the host since it was measured reads as a change; compare two refs for a drift-proof verdict`,
      );
    }
  }
  return {
    verdict,
    design: analysis.design,
    rule: gateRule(analysis.design, gates, resamples, seed, comparisons),
    alpha: gates.alpha,
    minSamples: gates.minSamples,
    resamples,
    seed,
    comparisons,
    baseline: side(baseRuns, baseDrift && analysis.design === 'rounds'),
    current: side(curRuns, curDrift && analysis.design === 'rounds'),
    environment,
    rows,
    notes,
  };
}

/**
 * The decision rule, over every row of one gate run. A row:
 * - regressed (improved) when its one-sided rank test towards worse (better) is significant after Holm's correction
 *   at family-wise α over the rows AND its point estimate of the ratio lies beyond 1 ± threshold in that direction:
 *   a true change of exactly the threshold is therefore caught about half the time, larger ones more often (see
 *   each row's MDE). The two directions are two families, each at α: α bounds the rate of false build failures;
 * - unchanged when the 90% bootstrap interval of the ratio lies within ±threshold (two one-sided tests at 5%);
 * - not judged when it had too few samples, or samples that could never be significant (minP × comparisons ≥ α);
 * - no change detected otherwise: neither a regression nor shown unchanged, which does not fail the gate.
 */
function judgeRows(drafts: readonly RowDraft[], alpha: number): GateRow[] {
  const tested = drafts.filter((d) => !('notJudged' in d.measured));
  const family = (direction: Direction) => holmAdjust(tested.map((d) => (d.measured as Measured).test.p[direction]));
  const adjusted = { worse: family('worse'), better: family('better') };
  const comparisons = tested.length;
  return drafts.map((draft) => {
    const { measured, ...row } = draft;
    if ('notJudged' in measured) {
      return { ...row, change: null, interval: null, test: null, spread: null, mde: null, verdict: 'not-judged', reason: measured.notJudged };
    }
    const higher = row.direction === 'lower' ? 'worse' : 'better';
    const alternative: Direction = measured.ratio >= 1 ? higher : higher === 'worse' ? 'better' : 'worse';
    const test = {
      method: measured.test.method,
      alternative,
      p: measured.test.p[alternative],
      pAdjusted: adjusted[alternative][tested.indexOf(draft)]!,
      minP: measured.test.minP,
    };
    const mde = measured.se === null ? null : minimalDetectableEffect(measured.se, alpha / comparisons, row.threshold, measured.drift);
    const judged = { ...row, change: measured.ratio - 1, interval: measured.interval, test, spread: measured.spread, mde };
    return { ...judged, ...decide(judged, measured.ratio, alpha, comparisons) };
  });
}

/** The verdict of a tested row, by judgeRows' rule. */
function decide(row: Omit<GateRow, 'verdict' | 'reason'>, ratio: number, alpha: number, comparisons: number): { verdict: Verdict; reason: string } {
  const { low, high, level } = row.interval!;
  const test = row.test!;
  const t = row.threshold;
  const beyond = ratio > 1 ? ratio > 1 + t : ratio < 1 - t;
  const significant = test.pAdjusted < alpha;
  const band = `±${(t * 100).toFixed(0)}%`;
  const p = `one-sided towards ${test.alternative}, Holm-adjusted p = ${formatP(test.pAdjusted)} ${significant ? '<' : '≥'} α = ${alpha}`;
  const ci = `${formatLevel(level)} interval ${pct(low - 1)} … ${pct(high - 1)}`;
  if (significant && beyond) {
    return {
      verdict: test.alternative === 'worse' ? 'regressed' : 'improved',
      reason: `${pct(row.change!)} is beyond the ${band} threshold and significant (${p})`,
    };
  }
  if (low >= 1 - t && high <= 1 + t) return { verdict: 'unchanged', reason: `shown unchanged: the ${ci} lies within ${band}` };
  if (test.minP * comparisons >= alpha) {
    return {
      verdict: 'not-judged',
      reason: `these samples can never be significant: the smallest attainable p is ${formatP(test.minP)}, and ` +
        `× ${comparisons} comparisons ≥ α = ${alpha}; take more samples`,
    };
  }
  const mde = row.mde === null ? '' : `; this row detects ${pct(row.mde)} with 90% power`;
  return {
    verdict: 'not-detected',
    reason: significant
      ? `significant (${p}) but ${pct(row.change!)} is within the ${band} threshold; not shown unchanged (${ci})`
      : `not significant (${p}); not shown unchanged (${ci})${mde}`,
  };
}

export function gateRule(design: GateDesign, gates: Pick<GatesConfig, 'alpha' | 'runToRun'>, resamples: number, seed: number, comparisons: number): string {
  const { alpha, runToRun } = gates;
  const unit =
    design === 'trials'
      ? `Each trial is one sample: the one-sided Mann-Whitney U tests on the trials (exact up to 50 in all), and the ` +
        `ratio of medians current/baseline as the estimate` +
        (runToRun > 0
          ? `; the two runs were made at different times, so each run's level may differ by gates.runToRun = ` +
            `${formatPercent(runToRun)} (log-scale SD): a change is significant only if the normal test of the median ` +
            `change against that level difference is too`
          : `; gates.runToRun = 0: the two runs are taken to share one level, and any shift of the host between them reads as a change`)
      : `Each round is one sample: the log-ratio of the medians B/A within the round; the one-sided Wilcoxon ` +
        `signed-rank tests on those, and the median of the per-round ratios as the estimate: the host's level cancels ` +
        `within each round`;
  return (
    `${unit}. A metric regressed (improved) when its test towards worse (better) is significant after Holm's ` +
    `correction over the ${comparisons} comparisons at family-wise α = ${alpha} and the estimate is beyond the ` +
    `threshold in that direction: a change of exactly the threshold is caught about half the time, and a build ` +
    `fails falsely at most α of the time. Shown unchanged: the ` +
    `${formatLevel(EQUIVALENCE_LEVEL)} percentile-bootstrap interval (${resamples.toLocaleString('en-US')} resamples, ` +
    `seed ${seed}) of the ratio lies within ±threshold (equivalence, two one-sided tests at 5%). No regression ` +
    `detected and every row judged: pass. A row with fewer than the minimum samples, or whose samples could never ` +
    `be significant, is not judged: inconclusive (exit 4). MDE: the change a row detects with 90% power at its ` +
    `samples and spread (normal approximation).`
  );
}
