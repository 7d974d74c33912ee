import type { Stats } from '../core/cell-schema.ts';

/** Linear-interpolation quantile (R type 7) of sorted values. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Median of unsorted values (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  return quantileSorted([...values].sort((a, b) => a - b), 0.5);
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(n: number, k: number): number {
  let term = Math.pow(0.5, n);
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/**
 * Distribution-free confidence interval of the median from order statistics: [x(k), x(n-k+1)] covers the median
 * with probability 1 - 2 P(B <= k-1), B ~ Binomial(n, 1/2). We take the narrowest such interval whose coverage is
 * at least `level`. Below 6 samples no interval reaches 95%; then [min, max] is given with the coverage it really
 * has (75% for 3 samples), so the reader sees how little 3 trials say.
 */
export function medianInterval(sorted: readonly number[], level = 0.95): Stats['ci'] {
  const n = sorted.length;
  if (n < 2) return null;
  let k = 1;
  while (k + 1 <= Math.floor((n + 1) / 2) && 1 - 2 * binomialHalfCdf(n, k) >= level) k++;
  const coverage = 1 - 2 * binomialHalfCdf(n, k - 1);
  return { level: Number(coverage.toFixed(4)), low: sorted[k - 1]!, high: sorted[n - k]!, method: 'order-statistic (binomial)' };
}

/** Summary statistics of raw samples; null for no samples. */
export function summarize(samples: readonly number[]): Stats | null {
  const n = samples.length;
  if (n === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const stddev = Math.sqrt(variance);
  return {
    n,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    mean,
    median: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    stddev,
    cv: mean !== 0 ? stddev / mean : 0,
    ci: medianInterval(sorted),
  };
}
