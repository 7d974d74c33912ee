import { setTimeout as sleep } from 'node:timers/promises';
import type { Trial } from '../../core/cell-schema.ts';
import { specOf } from '../../core/metric-def.ts';
import { buildCell, cellLabel, metricFromTrials } from '../cell.ts';
import { coldStartSettings } from '../cold-start/config.ts';
import { withInstance } from '../instance.ts';
import { attempt, measuring } from '../trials.ts';
import type { SuiteContext } from '../types.ts';
import { memorySettings, SUITE } from './config.ts';
import type { memoryExtra } from './extra.ts';
import { MEMORY_METRICS } from './metrics.ts';
import { MIN_MEMORY_CRITERION, minMemoryFlags, minMemoryTrial, type MinMemoryExtra } from './min-memory.ts';

const IDLE_RSS = specOf(SUITE, MEMORY_METRICS, 'idle_rss_bytes');
const IDLE_PSS = specOf(SUITE, MEMORY_METRICS, 'idle_pss_bytes');
const MIN_MEMORY = specOf(SUITE, MEMORY_METRICS, 'min_memory_mib');

/**
 * One idle sample: a fresh instance, `settleMs` after ready, its host-side memory as the runner measures it
 * (container: cgroup usage + shim; VM/unikernel: QEMU RSS and PSS). A fresh instance per sample makes the samples
 * independent: what varies from boot to boot (page cache, guest allocator layout) shows in the spread instead of
 * one boot's footprint being read N times.
 */
async function idleTrial(ctx: SuiteContext, index: number, readyTimeoutMs: number): Promise<Trial> {
  const { settleMs } = memorySettings(ctx);
  return attempt<Trial>(
    ctx,
    index,
    (startedAt) =>
      withInstance(ctx, { readyTimeoutMs }, async (instance) => {
        await sleep(settleMs, undefined, { signal: ctx.signal });
        const sample = await instance.memory();
        return {
          index,
          warmup: false,
          ok: true,
          startedAt,
          phases: { requested: 0, ...instance.phases },
          values: { [IDLE_RSS.name]: sample.rssBytes, [IDLE_PSS.name]: sample.pssBytes },
          detail: { memory: sample, settleMs },
        };
      }),
    (failed) => failed,
  );
}

/** Attempts a bisection over [low, high] takes, its confirmation included: for the progress estimate. */
const bisectionSteps = (low: number, high: number) => Math.ceil(Math.log2(high - low + 1)) + 2;

/**
 * Idle footprint (RSS and PSS, `samples` fresh instances) and, for VMs and unikernels, the minimum guest memory.
 * The footprint under load is measured by the throughput suite (`load_pss_bytes`), during its load.
 */
export async function runMemory(ctx: SuiteContext) {
  const settings = memorySettings(ctx);
  const { readyTimeoutMs } = coldStartSettings(ctx);
  const bisect = settings.minMemory.enabled && ctx.runner.fixedMemory === undefined;
  const { lowMiB, highMiB, requests } = settings.minMemory;
  const trials: Trial[] = [];
  const skipped = ctx.runner.fixedMemory ?? 'disabled in the config (suite.memory.minMemory.enabled)';
  let minMemory: MinMemoryExtra = { skipped: bisect ? 'interrupted before the bisection finished' : skipped };
  let step = 0;
  await measuring(ctx, SUITE, settings.samples + (bisect ? bisectionSteps(lowMiB, highMiB) : 0), async () => {
    for (let i = 0; i < settings.samples; i++) {
      ctx.progress.step(++step, `idle sample ${i + 1}/${settings.samples}`);
      const trial = await idleTrial(ctx, i, readyTimeoutMs);
      if (!trial.ok) ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}: idle sample failed: ${trial.error?.reason}`);
      trials.push(trial);
    }
    if (bisect) {
      const { trial, extra } = await minMemoryTrial(ctx, settings.minMemory, settings.samples, readyTimeoutMs, (size) =>
        ctx.progress.step(++step, `minimum memory: trying ${size} MiB`),
      );
      trials.push(trial);
      minMemory = extra;
      if (!trial.ok) ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}: ${trial.error?.reason}`);
    }
  });

  const metrics = [metricFromTrials(IDLE_RSS, trials), metricFromTrials(IDLE_PSS, trials)];
  if (bisect) metrics.push(metricFromTrials(MIN_MEMORY, trials, minMemoryFlags(minMemory)));
  const notes = [
    `idle: a fresh instance per sample, memory read ${settings.settleMs} ms after ready`,
    bisect
      ? `minimum memory: bisection over ${lowMiB}..${highMiB} MiB (1 MiB resolution; the answer must work twice in a row); ` +
        `a size works when the guest ${MIN_MEMORY_CRITERION(requests)}`
      : `minimum memory: ${skipped}`,
  ];
  return buildCell<typeof SUITE, typeof memoryExtra>(
    ctx,
    { label: cellLabel(ctx, undefined, notes), trials, metrics, aborted: ctx.signal.aborted, extra: { minMemory } },
    SUITE,
  );
}
