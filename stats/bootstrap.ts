import { quantileSorted } from './descriptive.ts';
import { mulberry32 } from './prng.ts';

/** Ratio of two medians with a percentile-bootstrap interval. */
export interface RatioInterval {
  /** median(numerator) / median(denominator) of the observed samples. */
  ratio: number;
  low: number;
  high: number;
  level: number;
  resamples: number;
  seed: number;
}

export const DEFAULT_RESAMPLES = 10_000;

/** Median of a sample, sorting it in place (typed arrays sort numerically, without a comparator call). */
function medianOf(sample: Float64Array): number {
  sample.sort();
  const mid = sample.length >> 1;
  return sample.length % 2 ? sample[mid]! : (sample[mid - 1]! + sample[mid]!) / 2;
}

/** Fills `into` with a resample (with replacement) of `from`. */
function resample(from: readonly number[], into: Float64Array, random: () => number): Float64Array {
  for (let i = 0; i < into.length; i++) into[i] = from[Math.floor(random() * from.length)]!;
  return into;
}

/**
 * Percentile-bootstrap interval of median(numerator) / median(denominator): both groups are resampled
 * independently (each trial is one independent sample), `resamples` times, from a seeded generator.
 * Null when either group is empty or the denominator's median is not positive (a ratio would mean nothing).
 */
export function bootstrapRatioOfMedians(
  numerator: readonly number[],
  denominator: readonly number[],
  options: { level: number; seed: number; resamples?: number },
): RatioInterval | null {
  if (!numerator.length || !denominator.length) return null;
  const denominatorMedian = medianOf(Float64Array.from(denominator));
  if (!(denominatorMedian > 0)) return null;
  const ratio = medianOf(Float64Array.from(numerator)) / denominatorMedian;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const random = mulberry32(options.seed);
  const num = new Float64Array(numerator.length);
  const den = new Float64Array(denominator.length);
  const ratios = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    const n = medianOf(resample(numerator, num, random));
    const d = medianOf(resample(denominator, den, random));
    // A resample whose denominator median is 0 has an unbounded ratio: it sorts to the top, as it should.
    ratios[b] = d > 0 ? n / d : Number.POSITIVE_INFINITY;
  }
  const { low, high } = percentileInterval(ratios, options.level);
  return { ratio, low, high, level: options.level, resamples, seed: options.seed };
}

/** The central `level` interval of bootstrap replicates (sorting them in place). */
function percentileInterval(replicates: Float64Array, level: number): { low: number; high: number } {
  const sorted = Array.from(replicates.sort());
  const tail = (1 - level) / 2;
  return { low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail) };
}

/**
 * Percentile-bootstrap interval of the median of one sample (e.g. the per-round log-ratios of an A/B run, each
 * round one independent unit), `resamples` times from a seeded generator. Null for an empty sample.
 */
export function bootstrapMedian(
  values: readonly number[],
  options: { level: number; seed: number; resamples?: number },
): { median: number; low: number; high: number } | null {
  if (!values.length) return null;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const random = mulberry32(options.seed);
  const draw = new Float64Array(values.length);
  const medians = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) medians[b] = medianOf(resample(values, draw, random));
  return { median: medianOf(Float64Array.from(values)), ...percentileInterval(medians, options.level) };
}
