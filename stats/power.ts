/**
 * What a gate design can detect, from the normal approximation to the tests it uses. Pure arithmetic: the
 * calibration benchmark (`npm run calibrate-gate`) replays the gate on simulated data to check these numbers.
 */
import { normalUpperQuantile, normalUpperTail } from './normal.ts';

/** The power at which a minimal detectable effect is stated. */
export const MDE_POWER = 0.9;

/** Asymptotic efficiency of the rank tests (Mann-Whitney, signed-rank) against the t-test on normal data: 3/π. */
const RANK_TEST_EFFICIENCY = 3 / Math.PI;
/** Variance of a sample median over that of the mean, for normal data: π/2. */
const MEDIAN_VARIANCE_FACTOR = Math.PI / 2;

/** Standard deviation of the log-ratio of two medians: their own sampling error (mean-based `se` × √(π/2)) and the level difference `drift`. */
const medianChangeSd = (se: number, drift: number) => Math.hypot(se * Math.sqrt(MEDIAN_VARIANCE_FACTOR), drift);

/**
 * The smallest relative change the gate's rule detects with 90% power, given `se`: the standard error, on the log
 * scale, of the mean difference (sd·√(1/n₁+1/n₂) for trials, sd/√k for k rounds), and `drift`: the standard
 * deviation of the difference between two runs' levels (√2 × the run-to-run spread; 0 where rounds cancel it).
 * Both halves of the rule must hold: the one-sided tests significant at `alphaPerComparison` (the rank test, and
 * with drift also the normal test of the median change against it), and the median change beyond `threshold`;
 * the larger of the effects each needs for 90% is the answer.
 */
export function minimalDetectableEffect(se: number, alphaPerComparison: number, threshold: number, drift = 0): number {
  const zPower = normalUpperQuantile(1 - MDE_POWER);
  const zAlpha = normalUpperQuantile(alphaPerComparison);
  const medianSe = medianChangeSd(se, drift);
  const significant = Math.max((zAlpha + zPower) * se / Math.sqrt(RANK_TEST_EFFICIENCY), drift > 0 ? (zAlpha + zPower) * medianSe : 0);
  const beyondThreshold = Math.log1p(threshold) + zPower * medianSe;
  return Math.expm1(Math.max(significant, beyondThreshold));
}

/**
 * One-sided p-values of a median change `logRatio` (log of current/baseline) whose sampling error is `se` (the
 * log-ratio of medians' own, √(π/2)·sd·√(1/n₁+1/n₂)), against two runs' level difference of standard deviation
 * `drift`: how surprising the change is if it were only the host's level moving between the runs.
 */
export function driftTest(logRatio: number, se: number, drift: number): { greater: number; less: number } {
  const sd = medianChangeSd(se, drift);
  return { greater: normalUpperTail(logRatio / sd), less: normalUpperTail(-logRatio / sd) };
}

/** Smallest one-sided Mann-Whitney p of n₁ against n₂ distinct values: one side wholly above the other. */
export function smallestTrialsP(n1: number, n2: number): number {
  let ways = 1; // C(n1 + n2, n1), built up so that it never overflows before it must
  for (let i = 1; i <= n1; i++) ways = (ways * (n2 + i)) / i;
  return 1 / ways;
}

/** Smallest one-sided signed-rank p of k rounds: all k of one sign. */
export function smallestRoundsP(rounds: number): number {
  return 1 / 2 ** rounds;
}

/** Sample standard deviation; null for fewer than 2 values. */
export function standardDeviation(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  return Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
}

/** Standard deviation of the logs (≈ the CV); null for fewer than 2 values or any that is not positive. */
export function logSpread(values: readonly number[]): number | null {
  return values.some((v) => !(v > 0)) ? null : standardDeviation(values.map(Math.log));
}

/** The pooled log-scale standard deviation of two samples: the scale on which their ratio is a difference. */
export function pooledLogSd(a: readonly number[], b: readonly number[]): number | null {
  const sa = logSpread(a);
  const sb = logSpread(b);
  if (sa === null || sb === null) return null;
  return Math.sqrt(((a.length - 1) * sa ** 2 + (b.length - 1) * sb ** 2) / (a.length + b.length - 2));
}
