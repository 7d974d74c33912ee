import { quantileSorted } from '../core/stats.ts';
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
  const sorted = Array.from(ratios.sort());
  const tail = (1 - options.level) / 2;
  return {
    ratio,
    low: quantileSorted(sorted, tail),
    high: quantileSorted(sorted, 1 - tail),
    level: options.level,
    resamples,
    seed: options.seed,
  };
}
