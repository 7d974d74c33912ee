/**
 * Latency histogram in microseconds with bounded relative error, small enough to keep in results.json with every
 * trial: values are kept to three significant digits (1 µs buckets below 1 ms, 10 µs up to 10 ms, ...), so a
 * quantile read from it is within 1% of the exact one, while a run of millions of requests still needs only a few
 * hundred buckets. min, max, count and sum are exact.
 */
export interface HistogramData {
  unit: 'us';
  count: number;
  sum: number;
  min: number;
  max: number;
  /** [bucket lower bound, count], ascending; a bucket spans [lower, lower + bucketWidth(lower)). */
  buckets: Array<[number, number]>;
}

/** Width of the bucket holding `value` (and of the one starting at its lower bound). */
export function bucketWidth(value: number): number {
  if (value < 1000) return 1;
  return 10 ** (Math.floor(Math.log10(value)) - 2);
}

export function bucketOf(value: number): number {
  const width = bucketWidth(value);
  return Math.floor(value / width) * width;
}

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  record(us: number): void {
    if (!(us >= 0)) return;
    const key = bucketOf(us);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.count++;
    this.sum += us;
    if (us < this.min) this.min = us;
    if (us > this.max) this.max = us;
  }

  toJSON(): HistogramData {
    const buckets = [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
    const empty = this.count === 0;
    return { unit: 'us', count: this.count, sum: this.sum, min: empty ? 0 : this.min, max: empty ? 0 : this.max, buckets };
  }
}

/**
 * The q-quantile (nearest rank: the smallest recorded value with at least q·count values at or below it), as the
 * middle of its bucket clamped to the exact min and max. NaN for an empty histogram.
 */
export function histogramQuantile(h: HistogramData, q: number): number {
  if (h.count === 0) return Number.NaN;
  if (q <= 0) return h.min;
  if (q >= 1) return h.max;
  const rank = Math.ceil(q * h.count);
  let seen = 0;
  for (const [lower, n] of h.buckets) {
    seen += n;
    if (seen >= rank) return Math.min(h.max, Math.max(h.min, lower + bucketWidth(lower) / 2));
  }
  return h.max;
}

export interface LatencySummary {
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
}

export function latencySummary(h: HistogramData): LatencySummary {
  return {
    p50Us: histogramQuantile(h, 0.5),
    p90Us: histogramQuantile(h, 0.9),
    p99Us: histogramQuantile(h, 0.99),
    maxUs: h.count ? h.max : Number.NaN,
    meanUs: h.count ? h.sum / h.count : Number.NaN,
  };
}
