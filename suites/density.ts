import { setTimeout as sleep } from 'node:timers/promises';
import { memAvailableBytes } from '../core/host.ts';
import type { Trial } from '../core/results.ts';
import { probeOnce } from '../fixtures/probes.ts';
import type { Instance, MemorySample } from '../runners/types.ts';
import { buildCell, cellLabel, metricFromTrials, trialError, type MetricSpec } from './cell.ts';
import { ramp, type RampRecord } from './density-ramp.ts';
import { STOP_REASON_TEXT } from './density-rules.ts';
import { processAlive } from '../core/processes.ts';
import type { Suite, SuiteContext } from './types.ts';

const DENSITY_COUNT: MetricSpec = { name: 'density_count', unit: 'instances', direction: 'higher' };
const START_MS: MetricSpec = { name: 'start_ms', unit: 'ms', direction: 'lower' };
const PSS: MetricSpec = { name: 'pss_per_instance_bytes', unit: 'bytes', direction: 'lower' };
const RSS: MetricSpec = { name: 'rss_per_instance_bytes', unit: 'bytes', direction: 'lower' };
const MEM_AVAILABLE_DROP: MetricSpec = { name: 'mem_available_drop_bytes', unit: 'bytes', direction: 'lower' };

/** What each instance showed at full density: its memory then, and whether it answered the liveness sweep. */
interface AtFullDensity {
  memory?: MemorySample;
  memoryError?: string;
  answered?: boolean;
  probeError?: string;
  /** For an instance that did not answer: whether it was still running, and the end of its console or log. */
  alive?: boolean;
  logTail?: string;
}

const LOG_TAIL_LINES = 30;

async function measureAtFullDensity(ctx: SuiteContext, instances: ReadonlyMap<number, Instance>): Promise<Map<number, AtFullDensity>> {
  const seen = new Map<number, AtFullDensity>();
  // Memory first, every instance, then the sweep: the probes' own traffic should not be in the figures.
  for (const [index, instance] of instances) {
    try {
      seen.set(index, { memory: await instance.memory() });
    } catch (error) {
      seen.set(index, { memoryError: (error as Error).message });
    }
  }
  for (const [index, instance] of instances) {
    const entry = seen.get(index)!;
    try {
      await probeOnce(ctx.workload.probe, instance.endpoint, ctx.signal);
      entry.answered = true;
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      entry.answered = false;
      entry.probeError = (error as Error).message;
      entry.alive = await instance.alive();
      entry.logTail = instance.logs().split('\n').slice(-LOG_TAIL_LINES).join('\n');
    }
  }
  return seen;
}

/** Stops every instance, then checks that none is alive and no host process of theirs is left. */
async function stopAndVerify(instances: ReadonlyMap<number, Instance>): Promise<string[]> {
  const all = [...instances.values()];
  const stopped = await Promise.allSettled(all.map((i) => i.stop()));
  const leftovers: string[] = [];
  for (const [n, instance] of all.entries()) {
    const outcome = stopped[n]!;
    if (outcome.status === 'rejected') leftovers.push(`${instance.id}: stop failed: ${String(outcome.reason)}`);
    else if (await instance.alive()) leftovers.push(`${instance.id}: still alive after stop`);
    else if (instance.pid !== undefined && processAlive(instance.pid)) leftovers.push(`${instance.id}: host pid ${instance.pid} still exists`);
  }
  return leftovers;
}

function instanceTrial(record: RampRecord<Instance>, t0: number, atFull: AtFullDensity | undefined): Trial {
  const startedAt = new Date(t0 + record.requestedAtMs).toISOString();
  const detail = {
    requestedAtMs: record.requestedAtMs,
    elapsedMs: record.elapsedMs,
    concurrent: record.concurrent,
    memAvailableBeforeBytes: record.memAvailableBeforeBytes,
    memAvailableAfterBytes: record.memAvailableAfterBytes,
    ...atFull,
  };
  if (!record.instance) {
    const error = trialError(record.error);
    if (record.timedOut) error.reason = `start timed out: ${error.reason}`;
    return { index: record.index, warmup: false, ok: false, startedAt, phases: {}, values: {}, error, detail };
  }
  const phases = { requested: 0, ...record.instance.phases };
  const values: Record<string, number> = {
    [START_MS.name]: record.instance.phases.ready ?? record.elapsedMs,
    [MEM_AVAILABLE_DROP.name]: record.memAvailableBeforeBytes - record.memAvailableAfterBytes,
  };
  if (atFull?.memory) {
    values[PSS.name] = atFull.memory.pssBytes;
    values[RSS.name] = atFull.memory.rssBytes;
  }
  return { index: record.index, warmup: false, ok: true, startedAt, phases, values, detail };
}

/**
 * How many instances of one workload fit on this host: start them (`concurrency` at a time) until the target,
 * the MemAvailable reserve, a start timeout or a failure stops the ramp; then, with all of them running, read
 * each one's memory, check every one still answers its probe, stop them all and verify nothing is left.
 * Trials: one per start (start_ms, memory), then one for the whole (density_count = instances that answered the
 * final sweep).
 */
export const densitySuite: Suite = {
  name: 'density',
  async run(ctx: SuiteContext) {
    const s = ctx.config.suite.density;
    ctx.progress.begin({ suite: 'density', workload: ctx.workload.name, runner: ctx.runner.name }, s.target + 1);
    const t0 = Date.now();
    const memAvailableAtStart = await memAvailableBytes();
    const reserveBytes = Math.round(memAvailableAtStart * s.memoryReserve);
    const instances = new Map<number, Instance>();
    let records: RampRecord<Instance>[] = [];
    let stop: keyof typeof STOP_REASON_TEXT = 'aborted';
    let atFull = new Map<number, AtFullDensity>();
    let memAvailableAtFull: number | undefined;
    let leftovers: string[] = [];
    try {
      const result = await ramp({
        target: s.target,
        concurrency: s.concurrency,
        reserveBytes,
        startTimeoutMs: s.startTimeoutMs,
        signal: ctx.signal,
        memAvailable: memAvailableBytes,
        start: (_index, signal) => ctx.runner.start(ctx.workload, { readyTimeoutMs: s.startTimeoutMs, signal }),
        onRecord: (r) => {
          if (r.instance) instances.set(r.index, r.instance);
          else ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}: start ${r.index + 1} failed: ${trialError(r.error).reason}`);
          ctx.progress.step(Math.min(r.index + 1, s.target), `${instances.size} instances up`);
        },
      });
      records = result.records;
      stop = result.stop;
      if (!ctx.signal.aborted) {
        ctx.progress.step(s.target + 1, `${instances.size} instances: memory and liveness sweep`);
        await sleep(ctx.config.suite.memory.settleMs, undefined, { signal: ctx.signal });
        memAvailableAtFull = await memAvailableBytes();
        atFull = await measureAtFullDensity(ctx, instances);
      }
    } catch (error) {
      if (!ctx.signal.aborted) throw error;
    } finally {
      leftovers = await stopAndVerify(instances);
      ctx.progress.end();
    }
    const memAvailableAfterStop = await memAvailableBytes();

    const instanceTrials = records.map((r) => instanceTrial(r, t0, atFull.get(r.index)));
    const trials = [...instanceTrials];
    const answered = [...atFull.values()].filter((a) => a.answered).length;
    const silent = [...atFull.entries()].filter(([, a]) => a.answered === false).map(([i, a]) => `#${i + 1}: ${a.probeError}`);
    if (!ctx.signal.aborted) {
      trials.push({
        index: records.length,
        warmup: false,
        ok: true,
        startedAt: new Date(t0).toISOString(),
        phases: {},
        values: { [DENSITY_COUNT.name]: answered },
        detail: { sweep: true, started: instances.size, answered, silent },
      });
    }

    const countFlags = [
      ...(silent.length ? [`${silent.length} of ${instances.size} instances did not answer the final liveness sweep: ${silent.join('; ')}`] : []),
      ...(leftovers.length ? [`not everything was stopped: ${leftovers.join('; ')}`] : []),
    ];
    const dropFlags =
      s.concurrency > 1 ? [`starts overlapped (concurrency ${s.concurrency}): each fall of MemAvailable includes its neighbours' starts`] : [];
    const metrics = [
      metricFromTrials(DENSITY_COUNT, trials, countFlags),
      metricFromTrials(START_MS, trials),
      metricFromTrials(PSS, trials),
      metricFromTrials(RSS, trials),
      metricFromTrials(MEM_AVAILABLE_DROP, trials, dropFlags),
    ];
    const pssTotal = [...atFull.values()].reduce((sum, a) => sum + (a.memory?.pssBytes ?? 0), 0);
    const extra = {
      stopReason: stop,
      stopReasonText: STOP_REASON_TEXT[stop],
      target: s.target,
      concurrency: s.concurrency,
      startTimeoutMs: s.startTimeoutMs,
      memoryReserve: s.memoryReserve,
      reserveBytes,
      started: instances.size,
      answered,
      memAvailableAtStartBytes: memAvailableAtStart,
      ...(memAvailableAtFull !== undefined
        ? {
            memAvailableAtFullDensityBytes: memAvailableAtFull,
            memAvailableDropPerInstanceBytes: instances.size ? (memAvailableAtStart - memAvailableAtFull) / instances.size : 0,
          }
        : {}),
      memAvailableAfterStopBytes: memAvailableAfterStop,
      pssTotalBytes: pssTotal,
      /** The start latency and memory of each instance against the number already running. */
      curve: instanceTrials.map((t) => ({
        instance: t.index + 1,
        ok: t.ok,
        startMs: t.values[START_MS.name] ?? null,
        pssBytes: t.values[PSS.name] ?? null,
        memAvailableDropBytes: t.values[MEM_AVAILABLE_DROP.name] ?? null,
      })),
      leftovers,
    };
    const failed = records.find((r) => !r.instance && !ctx.signal.aborted);
    const reason =
      leftovers.length > 0
        ? `instances left after stop: ${leftovers.join('; ')}`
        : failed
          ? `stopped after ${instances.size} instances: ${STOP_REASON_TEXT[stop]}: ${trialError(failed.error).reason}`
          : undefined;
    const notes = [
      `ramp: up to ${s.target} instances, ${s.concurrency} start(s) at a time, each must be ready within ${s.startTimeoutMs} ms; ` +
        `stops before MemAvailable would fall below ${(s.memoryReserve * 100).toFixed(0)}% of its value at the start`,
      'memory per instance read with all instances running (PSS shares what they share); liveness: every instance probed once at the end',
    ];
    return buildCell(
      ctx,
      { label: cellLabel(ctx, undefined, notes), trials, metrics, aborted: ctx.signal.aborted, extra, ...(reason ? { reason } : {}) },
      'density',
    );
  },
};
