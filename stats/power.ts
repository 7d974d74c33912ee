/**
 * What a gate design can detect, from the normal approximation to the tests it uses. Pure arithmetic: the
 * calibration benchmark (`npm run calibrate-gate`) replays the gate on simulated data to check these numbers.
 */
import { normalUpperQuantile } from './normal.ts';

/** The power at which a minimal detectable effect is stated. */
export const MDE_POWER = 0.9;

/** Asymptotic efficiency of the rank tests (Mann-Whitney, signed-rank) against the t-test on normal data: 3/π. */
const RANK_TEST_EFFICIENCY = 3 / Math.PI;
/** Variance of a sample median over that of the mean, for normal data: π/2. */
const MEDIAN_VARIANCE_FACTOR = Math.PI / 2;

/**
 * The smallest relative change the gate's rule detects with 90% power, given `se`: the standard error, on the log
 * scale, of the mean difference (sd·√(1/n₁+1/n₂) for trials, sd/√k for k rounds). Both halves of the rule must
 * hold: the rank test significant at `alphaPerComparison` (two-sided), and the median change beyond `threshold`;
 * the larger of the two effects each needs for 90% is the answer.
 */
export function minimalDetectableEffect(se: number, alphaPerComparison: number, threshold: number): number {
  const zPower = normalUpperQuantile(1 - MDE_POWER);
  const significant = (normalUpperQuantile(alphaPerComparison / 2) + zPower) * se / Math.sqrt(RANK_TEST_EFFICIENCY);
  const beyondThreshold = Math.log1p(threshold) + zPower * se * Math.sqrt(MEDIAN_VARIANCE_FACTOR);
  return Math.expm1(Math.max(significant, beyondThreshold));
}

/** Smallest two-sided Mann-Whitney p of n₁ against n₂ distinct values: both orderings of total separation. */
export function smallestTrialsP(n1: number, n2: number): number {
  let ways = 1; // C(n1 + n2, n1), built up so that it never overflows before it must
  for (let i = 1; i <= n1; i++) ways = (ways * (n2 + i)) / i;
  return Math.min(1, 2 / ways);
}

/** Smallest two-sided signed-rank p of k rounds: all k of one sign. */
export function smallestRoundsP(rounds: number): number {
  return Math.min(1, 2 / 2 ** rounds);
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
