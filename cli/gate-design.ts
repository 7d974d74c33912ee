/**
 * Before measuring: can the planned gate ever see a regression? `run --gate` and `ab` refuse a design in which no
 * gated row could ever be significant (the smallest p its samples allow, times the comparisons Holm corrects over,
 * is at least α), naming the trials or rounds that would work, and warn about rows whose minimal detectable
 * effect is more than twice their threshold.
 */
import type { Config, RunnerName, SuiteName } from './config.ts';
import type { Results } from '../suites/results.ts';
import { formatPercent } from '../reports/format.ts';
import { GateRefusedError } from '../reports/compare.ts';
import { logSpread, minimalDetectableEffect, smallestRoundsP, smallestTrialsP } from '../stats/power.ts';
import { workload as workloadNamed } from '../fixtures/workloads.ts';
import { runnerDescriptor } from '../runners/index.ts';
import { suiteDescriptor } from '../suites/index.ts';

export interface GateDesignCheck {
  warnings: string[];
}

interface PlannedRow {
  key: string;
  suite: SuiteName;
  workload: string;
  runner: RunnerName;
  /** The cell's variant where the suite has them (a wake strategy). */
  variant?: string;
  threshold: number;
}

/** The variants a suite measures as cells of their own, per workload and runner. */
const variantsOf = (suite: SuiteName, config: Config): readonly (string | undefined)[] =>
  suiteDescriptor(suite).variants?.(config.suite[suite]) ?? [undefined];

/** Where a suite's samples per cell are set, and how many the config asks for; null where the run decides (density). */
function samplesPerCell(suite: SuiteName, config: Config): { setting: string; n: number } | null {
  const samples = suiteDescriptor(suite).samples;
  return samples ? { setting: samples.setting, n: samples.count(config.suite[suite]) } : null;
}

/** Every gated metric of every cell the run will measure (a runner's cell only where its config lets it measure the workload). */
function plannedRows(config: Config, runners: readonly RunnerName[]): PlannedRow[] {
  return Object.entries(config.gates.metrics).flatMap(([key, gate]) => {
    const suite = key.slice(0, key.indexOf('.')) as SuiteName;
    if (!config.suites.includes(suite)) return [];
    return config.workloads.flatMap((workload) =>
      runners
        .filter((runner) => runnerDescriptor(runner).measures?.(config.runners[runner], workloadNamed(workload)) ?? true)
        .flatMap((runner) => variantsOf(suite, config).map((variant) => ({ key, suite, workload, runner, variant, threshold: gate.threshold }))),
    );
  });
}

const where = (r: PlannedRow) => `${r.key} ${r.workload} on ${r.runner}${r.variant ? ` (${r.variant})` : ''}`;

/** Smallest n in [from, 1000] for which `works(n)`, or null. */
function smallest(from: number, works: (n: number) => boolean): number | null {
  for (let n = from; n <= 1000; n++) if (works(n)) return n;
  return null;
}

/** `run --baseline FILE --gate`: each trial one sample, against the baseline's own trials and spread. */
export function checkTrialsGate(config: Config, runners: readonly RunnerName[], baseline: Results): GateDesignCheck {
  const { alpha, minSamples } = config.gates;
  const drift = Math.SQRT2 * config.gates.runToRun;
  const rows = plannedRows(config, runners).flatMap((row) => {
    const samples = baseline.cells
      .find((c) => c.suite === row.suite && c.workload === row.workload && c.runner === row.runner && c.variant === row.variant)
      ?.metrics.find((m) => m.name === row.key.slice(row.key.indexOf('.') + 1))?.samples;
    const per = samplesPerCell(row.suite, config);
    return samples?.length && per ? [{ ...row, samples, n: per.n, setting: per.setting }] : [];
  });
  const judged = rows.filter((r) => r.samples.length >= minSamples && r.n >= minSamples);
  const m = judged.length;
  const canBeSignificant = (nb: number, n: number, comparisons: number) => smallestTrialsP(nb, n) * comparisons < alpha;
  if (rows.length && !judged.some((r) => canBeSignificant(r.samples.length, r.n, m))) {
    const fixes = [...new Set(rows.map((r) => r.setting))].map((setting) => {
      const ofSetting = rows.filter((r) => r.setting === setting && r.samples.length >= minSamples);
      const n = smallest(minSamples, (k) => ofSetting.some((r) => canBeSignificant(r.samples.length, k, Math.max(m, ofSetting.length))));
      return n === null ? null : `${setting} ${n}`;
    }).filter((fix) => fix !== null);
    const nb = Math.max(...rows.map((r) => r.samples.length));
    throw new GateRefusedError(
      `refusing to measure: no gated metric could ever be significant in this design (${rows.length} rows; ` +
        `${judged.length ? `the smallest attainable p × ${m} comparisons ≥ α = ${alpha}` : `fewer than gates.minSamples = ${minSamples} samples on a side`}); ` +
        (fixes.length
          ? `set ${fixes.join(', ')}`
          : `the baseline has at most ${nb} samples per row: re-measure it with at least ${minSamples}`),
    );
  }
  const warnings: string[] = [];
  const driftLimited: { row: PlannedRow; best: number }[] = [];
  for (const r of rows) {
    if (!judged.includes(r)) {
      warnings.push(`${where(r)}: ${r.samples.length} baseline against ${r.n} planned samples, fewer than gates.minSamples = ${minSamples}: it will not be judged`);
      continue;
    }
    if (!canBeSignificant(r.samples.length, r.n, m)) {
      warnings.push(`${where(r)}: ${r.samples.length} against ${r.n} samples can never be significant over ${m} comparisons: it will not be judged`);
      continue;
    }
    const sd = logSpread(r.samples);
    if (sd === null) continue;
    const mdeAt = (nb: number, n: number) => minimalDetectableEffect(sd * Math.sqrt(1 / nb + 1 / n), alpha / m, r.threshold, drift);
    const mde = mdeAt(r.samples.length, r.n);
    const best = minimalDetectableEffect(0, alpha / m, r.threshold, drift);
    if (best > 2 * r.threshold) {
      driftLimited.push({ row: r, best });
    } else if (mde > 2 * r.threshold) {
      const within = (nb: number, n: number) => mdeAt(nb, n) <= 2 * r.threshold;
      const enough = smallest(r.n + 1, (n) => within(r.samples.length, n));
      const both = smallest(r.n + 1, (n) => within(n, n));
      warnings.push(
        `${where(r)}: with ${r.n} samples against the baseline's ${r.samples.length} (spread ${formatPercent(sd)}) it detects ` +
          `+${formatPercent(mde)} with 90% power, more than twice its ${formatPercent(r.threshold)} threshold; ` +
          (enough !== null
            ? `${r.setting} ${enough} would bring it to ${formatPercent(2 * r.threshold)}`
            : `no number of samples against this baseline would: ${both === null ? 'this spread is too large for any' : `${both} on both sides would`}`),
      );
    }
  }
  if (driftLimited.length) {
    const best = Math.min(...driftLimited.map((d) => d.best));
    warnings.push(
      `${driftLimited.length} gated row${driftLimited.length === 1 ? '' : 's'} (${where(driftLimited[0]!.row)}${driftLimited.length > 1 ? ', …' : ''}) ` +
        `detect at best +${formatPercent(best)} with 90% power however many samples, more than twice the threshold: ` +
        `gates.runToRun = ${formatPercent(config.gates.runToRun)} says runs made at different times differ by that much in ` +
        `level, and a stored baseline was made at another time. \`isobench ab\` alternates the builds round by round, so ` +
        `the level cancels; or measure this testbed's spread (npm run calibrate-gate -- A.json B.json C.json, runs of one build)`,
    );
  }
  return { warnings };
}

/**
 * `isobench ab`: each round one sample. The spread between rounds is only known once measured (each row then
 * states its MDE); what is known before is whether `rounds` can ever give a significant signed-rank test.
 */
export function checkRoundsGate(config: Config, runners: readonly RunnerName[], rounds: number): GateDesignCheck {
  const { alpha, minSamples } = config.gates;
  const m = plannedRows(config, runners).length;
  if (!m) return { warnings: ['no gated metric is measured by these suites, workloads and runners: the gate will have nothing to judge'] };
  const works = (k: number) => k >= minSamples && smallestRoundsP(k) * m < alpha;
  if (!works(rounds)) {
    throw new GateRefusedError(
      `refusing to measure: ${rounds} rounds can never show a regression over ${m} gated comparisons (` +
        (rounds < minSamples ? `fewer than gates.minSamples = ${minSamples}` : `the smallest attainable p, ${smallestRoundsP(rounds).toPrecision(2)}, × ${m} ≥ α = ${alpha}`) +
        `); use --rounds ${smallest(2, (k) => k % 2 === 0 && works(k))}`,
    );
  }
  return { warnings: [] };
}
