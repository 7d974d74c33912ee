import type { SuiteName } from '../suites/index.ts';
import { metricDef } from '../suites/metrics.ts';
import { bootstrapRatioOfMedians } from '../stats/bootstrap.ts';
import { formatLevel } from './format.ts';
import type { Lane, MetricView } from './lanes.ts';
import { seedFor } from '../stats/prng.ts';

/** How many times one lane beats another on a metric, with a bootstrap interval of that factor. */
export interface RatioView {
  metric: string;
  better: string;
  worse: string;
  /** median(worse) / median(better) for lower-is-better, the inverse for higher-is-better: always ≥ 1. */
  factor: number;
  /** Null when either side has fewer than MIN_SAMPLES_FOR_INTERVAL samples. */
  interval: { low: number; high: number; level: number } | null;
  /** True when the interval excludes 1×: the difference is more than noise. */
  clear: boolean;
  text: string;
}

export interface RatioOptions {
  level: number;
  resamples: number;
  seed: number;
}

/** Below this, a bootstrap of medians only recombines two values: no interval is given. */
export const MIN_SAMPLES_FOR_INTERVAL = 3;

export function formatFactor(factor: number): string {
  return `${factor >= 10 ? factor.toFixed(1) : factor.toFixed(2)}×`;
}

function comparative(suite: SuiteName, metric: MetricView): string {
  return metricDef(suite, metric.name)?.comparative ?? `${metric.direction === 'lower' ? 'lower' : 'higher'} ${metric.name}`;
}

/** The factor between two lanes on one metric, or null when either has no positive median. */
function ratioBetween(suite: SuiteName, a: Lane, b: Lane, metricName: string, options: RatioOptions): RatioView | null {
  const ma = a.metrics.find((m) => m.name === metricName);
  const mb = b.metrics.find((m) => m.name === metricName);
  if (!ma?.stats || !mb?.stats || !(ma.stats.median > 0) || !(mb.stats.median > 0)) return null;
  const aBetter = ma.direction === 'lower' ? ma.stats.median <= mb.stats.median : ma.stats.median >= mb.stats.median;
  const [better, worse] = aBetter ? [a, b] : [b, a];
  const [mBetter, mWorse] = aBetter ? [ma, mb] : [mb, ma];
  // Put the larger value on top so that the factor is ≥ 1 either way.
  const [top, bottom] = ma.direction === 'lower' ? [mWorse, mBetter] : [mBetter, mWorse];
  const factor = top.stats!.median / bottom.stats!.median;
  const enough = Math.min(top.samples.length, bottom.samples.length) >= MIN_SAMPLES_FOR_INTERVAL;
  const boot = enough
    ? bootstrapRatioOfMedians(top.samples, bottom.samples, {
        level: options.level,
        resamples: options.resamples,
        seed: seedFor(options.seed, `${metricName}|${better.name}|${worse.name}`),
      })
    : null;
  const interval = boot ? { low: boot.low, high: boot.high, level: boot.level } : null;
  const clear = interval !== null && interval.low > 1;
  const ci = interval
    ? `${formatLevel(interval.level)} CI ${formatFactor(interval.low)}–${formatFactor(interval.high)}`
    : `fewer than ${MIN_SAMPLES_FOR_INTERVAL} samples, no interval`;
  const verdict = interval && !clear ? '; not clearly different' : '';
  // A factor built on a lower bound is itself only a bound, in a direction that depends on which side it is.
  const bounded = [a, b].filter((_, i) => [ma, mb][i]!.lowerBound).map((lane) => lane.name);
  const bound = bounded.length ? `; ${bounded.join(' and ')}: client-bound, a lower bound, so the factor is uncertain` : '';
  return {
    metric: metricName,
    better: better.name,
    worse: worse.name,
    factor,
    interval,
    clear,
    text:
      factor === 1
        ? `${better.name} and ${worse.name} have the same median ${metricName} (${ci})`
        : `${better.name} is ${formatFactor(factor)} ${comparative(suite, ma)} than ${worse.name} (${ci}${verdict}${bound})`,
  };
}

/** Every pair of lanes of one source, on every metric both measured. */
export function laneRatios(suite: SuiteName, lanes: readonly Lane[], options: RatioOptions): RatioView[] {
  const ratios: RatioView[] = [];
  const metricNames = [...new Set(lanes.flatMap((l) => l.metrics.map((m) => m.name)))];
  for (const metric of metricNames) {
    for (let i = 0; i < lanes.length; i++) {
      for (let j = i + 1; j < lanes.length; j++) {
        if (lanes[i]!.source !== lanes[j]!.source) continue;
        const ratio = ratioBetween(suite, lanes[i]!, lanes[j]!, metric, options);
        if (ratio) ratios.push(ratio);
      }
    }
  }
  return ratios;
}
