import { bootstrapRatioOfMedians } from '../stats/bootstrap.ts';
import { formatLevel } from './format.ts';
import type { Lane } from './lanes.ts';
import { seedFor } from '../stats/prng.ts';
import { formatFactor, MIN_SAMPLES_FOR_INTERVAL, type RatioOptions, type RatioView } from './ratios.ts';

/**
 * Per wake lane (a strategy on a runner): how many times faster (or slower) its wake is than its own cold start,
 * ratio of medians with a bootstrap interval over both metrics' trials. `beside` names the two metrics (a suite's
 * descriptor: both measured in every trial, the cold start on the trial's fresh instance); none, no rows.
 */
export function wakeVsColdStart(
  lanes: readonly Lane[],
  options: RatioOptions,
  beside: { metric: string; against: string } | undefined,
): RatioView[] {
  if (!beside) return [];
  return lanes.flatMap((lane) => {
    const wake = lane.metrics.find((m) => m.name === beside.metric);
    const cold = lane.metrics.find((m) => m.name === beside.against);
    if (!wake?.stats || !cold?.stats || !(wake.stats.median > 0) || !(cold.stats.median > 0)) return [];
    const wakeFaster = wake.stats.median <= cold.stats.median;
    const [top, bottom] = wakeFaster ? [cold, wake] : [wake, cold];
    const factor = top.stats!.median / bottom.stats!.median;
    const boot =
      Math.min(top.samples.length, bottom.samples.length) >= MIN_SAMPLES_FOR_INTERVAL
        ? bootstrapRatioOfMedians(top.samples, bottom.samples, { ...options, seed: seedFor(options.seed, `wake|${lane.name}`) })
        : null;
    const interval = boot ? { low: boot.low, high: boot.high, level: boot.level } : null;
    const ci = interval
      ? `${formatLevel(interval.level)} CI ${formatFactor(interval.low)}–${formatFactor(interval.high)}${interval.low > 1 ? '' : '; not clearly different'}`
      : `fewer than ${MIN_SAMPLES_FOR_INTERVAL} samples, no interval`;
    const wakeName = `${lane.name} wake`;
    const coldName = `${lane.name} cold start`;
    return [
      {
        metric: 'wake vs cold start',
        better: wakeFaster ? wakeName : coldName,
        worse: wakeFaster ? coldName : wakeName,
        factor,
        interval,
        clear: interval !== null && interval.low > 1,
        text: `${lane.name}: the wake is ${formatFactor(factor)} ${wakeFaster ? 'faster' : 'slower'} than a cold start (${ci})`,
      },
    ];
  });
}
