import { Bench } from 'tinybench';
import { setTimeout as sleep } from 'node:timers/promises';
import { childSignal } from '../../core/child-signal.ts';
import type { Trial } from '../../core/cell-schema.ts';
import { specOf, type MetricSpec } from '../../core/metric-def.ts';
import type { Instance, MemorySample } from '../../runners/types.ts';
import { buildCell, cellLabel, failedTrial, metricFromTrials, trialError } from '../cell.ts';
import type { SuiteContext } from '../types.ts';
import { coldStartSettings, SUITE } from './config.ts';
import { COLD_START_METRICS, PHASES } from './metrics.ts';

const metricSpec = (name: string) => specOf(SUITE, COLD_START_METRICS, name);

/** Phase → metric (ms after `requested`). `ready_ms` is the cold start proper. */
const PHASE_METRICS: ReadonlyArray<readonly [string, MetricSpec]> = PHASES.map((m) => [
  m.phase.name,
  metricSpec(m.name),
]);
const GUEST_UPTIME = metricSpec('guest_uptime_at_init_ms');
/** Host-side memory read once the probe answered (outside the timed window): what each trial's instance cost. */
const MEMORY_METRICS: ReadonlyArray<readonly [keyof MemorySample, MetricSpec]> = [
  ['rssBytes', metricSpec('rss_at_ready_bytes')],
  ['pssBytes', metricSpec('pss_at_ready_bytes')],
  ['peakRssBytes', metricSpec('peak_rss_at_ready_bytes')],
];

function memoryValues(sample: MemorySample): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [key, spec] of MEMORY_METRICS) {
    const value = sample[key];
    if (typeof value === 'number') values[spec.name] = value;
  }
  return values;
}

/** The values of one successful trial; an injected delay (gate self-test only) shifts every phase. */
function trialValues(instance: Instance, delayMs: number): { phases: Record<string, number>; values: Record<string, number> } {
  const phases: Record<string, number> = {};
  const values: Record<string, number> = {};
  for (const [phase, spec] of PHASE_METRICS) {
    const at = instance.phases[phase];
    if (at === undefined) continue;
    phases[phase] = at + delayMs;
    values[spec.name] = at + delayMs;
  }
  if (instance.guestUptimeAtInitS !== undefined) values[GUEST_UPTIME.name] = instance.guestUptimeAtInitS * 1000;
  return { phases: { requested: 0, ...phases }, values };
}

/** W warm-ups, then N trials of start → ready → stop, every phase of every trial kept. */
export async function runColdStart(ctx: SuiteContext) {
  const settings = coldStartSettings(ctx);
  const trials: Trial[] = [];
  let phase: 'warmup' | 'run' = 'warmup';
  let done = 0;
  ctx.progress.begin(
    { suite: SUITE, workload: ctx.workload.name, runner: ctx.runner.name },
    settings.warmups + settings.trials,
  );

  const oneTrial = async (): Promise<number> => {
    const warmup = phase === 'warmup';
    const index = warmup ? done : done - settings.warmups;
    ctx.progress.step(done + 1, warmup ? 'warm-up' : `trial ${index + 1}/${settings.trials}`);
    done++;
    const startedAt = new Date().toISOString();
    let instance: Instance | undefined;
    try {
      if (settings.injectDelayMs) await sleep(settings.injectDelayMs, undefined, { signal: ctx.signal });
      instance = await ctx.runner.start(ctx.workload, { readyTimeoutMs: settings.readyTimeoutMs, signal: ctx.signal });
      const { phases, values } = trialValues(instance, settings.injectDelayMs);
      Object.assign(values, memoryValues(await instance.memory()));
      trials.push({ index, warmup, ok: true, startedAt, phases, values });
      return values.ready_ms!;
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      trials.push(failedTrial(index, startedAt, trialError(error), { warmup }));
      ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}: trial failed: ${trialError(error).reason}`);
      return Number.NaN;
    } finally {
      await instance?.stop();
    }
  };

  // tinybench drives the loop (warm-ups, then exactly N iterations, abortable) and is handed each trial's time to
  // ready through `overriddenDuration`, since the work happens in another process. Its own statistics are not
  // used: a failed trial must be recorded with its reason rather than dropped, and each trial has several phases.
  // tinybench never removes the abort listeners it adds: it gets a signal of this cell's own.
  const cellSignal = childSignal(ctx.signal);
  const bench = new Bench({
    iterations: settings.trials,
    time: 0,
    warmup: settings.warmups > 0,
    warmupIterations: settings.warmups,
    warmupTime: 0,
    signal: cellSignal.signal,
  });
  bench.add(
    `${ctx.workload.name}@${ctx.runner.name}`,
    async () => {
      const readyMs = await oneTrial();
      return { overriddenDuration: Number.isFinite(readyMs) ? readyMs : 0 };
    },
    { beforeAll: (mode) => void (phase = mode ?? 'run') },
  );
  try {
    await bench.run();
  } finally {
    cellSignal.release();
    ctx.progress.end();
  }

  const aborted = ctx.signal.aborted;
  const metrics = [...PHASE_METRICS.map(([, spec]) => spec), GUEST_UPTIME, ...MEMORY_METRICS.map(([, spec]) => spec)]
    .map((spec) => metricFromTrials(spec, trials))
    .filter((m) => m.samples.length > 0 || m.name === 'ready_ms');
  const notes = settings.injectDelayMs ? [`test-only injected delay of ${settings.injectDelayMs} ms before every start`] : [];
  return buildCell(ctx, { label: cellLabel(ctx, undefined, notes), trials, metrics, aborted }, SUITE);
}
