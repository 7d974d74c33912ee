import { setTimeout as sleep } from 'node:timers/promises';
import { forEachBounded } from '../../core/bounded.ts';
import type { Trial } from '../../core/cell-schema.ts';
import { hostCpuTimes, measureCost, type WorkCost } from '../../core/cpu-load.ts';
import { firstFew, shorten } from '../../core/first-few.ts';
import { specOf } from '../../core/metric-def.ts';
import { memAvailableBytes } from '../../core/procmem.ts';
import { withPromptPriority, type PriorityNote } from '../../core/priority.ts';
import { probeOnce } from '../../fixtures/probes.ts';
import { createHostScan } from '../../runners/host-scan.ts';
import { ENGINE_CONCURRENCY } from '../../runners/index.ts';
import type { Instance, MemorySample } from '../../runners/types.ts';
import { buildCell, cellLabel, failedTrial, metricFromTrials, trialError } from '../cell.ts';
import { memorySettings } from '../memory/config.ts';
import type { SuiteContext } from '../types.ts';
import { densitySettings, SUITE } from './config.ts';
import type { DensityExtra, densityExtra } from './extra.ts';
import { DENSITY_METRICS } from './metrics.ts';
import { ramp, type RampRecord } from './ramp.ts';
import { STOP_REASON_TEXT } from './rules.ts';
import { leftoverReason, stopAndVerify, type StopReport } from './stop.ts';

const metricSpec = (name: string) => specOf(SUITE, DENSITY_METRICS, name);
const DENSITY_COUNT = metricSpec('density_count');
const START_MS = metricSpec('start_ms');
const PSS = metricSpec('pss_per_instance_bytes');
const RSS = metricSpec('rss_per_instance_bytes');
const MEM_AVAILABLE_DROP = metricSpec('mem_available_drop_bytes');

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

/** What the sweep at full density saw, and what each of its two passes cost the harness. */
interface Sweep {
  seen: Map<number, AtFullDensity>;
  memoryCost: WorkCost;
  livenessCost: WorkCost;
}

/**
 * Readings and probes under way at once in the sweep. Each probe goes to its own instance (through its own
 * docker-proxy or QEMU), so one slow answer need not hold up the others; each reading is a few /proc files, whose
 * hops through libuv's pool wait for CPU on a host that hundreds of TCG guests saturate: one at a time, 479
 * readings took 39 s here, and 263 silent guests at 2 s each would take 9 minutes.
 */
const SWEEP_CONCURRENCY = 64;

async function measureAtFullDensity(ctx: SuiteContext, instances: ReadonlyMap<number, Instance>): Promise<Sweep> {
  const seen = new Map<number, AtFullDensity>();
  // Memory first, every instance, then the sweep: the probes' own traffic should not be in the figures. One host
  // scan for all of them: what every reading needs from all of /proc is read once.
  const scan = createHostScan();
  const { cost: memoryCost } = await measureCost(() =>
    forEachBounded([...instances], SWEEP_CONCURRENCY, async ([index, instance]) => {
      try {
        seen.set(index, { memory: await instance.memory(scan) });
      } catch (error) {
        seen.set(index, { memoryError: (error as Error).message });
      }
    }),
  );
  const { cost: livenessCost } = await measureCost(() => probeAll(ctx, instances, seen));
  return { seen, memoryCost, livenessCost };
}

/** One probe per instance, in `seen`; for one that does not answer, whether it still runs and its last output. */
async function probeAll(ctx: SuiteContext, instances: ReadonlyMap<number, Instance>, seen: Map<number, AtFullDensity>): Promise<void> {
  await forEachBounded([...instances], SWEEP_CONCURRENCY, async ([index, instance]) => {
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
  });
}

/** What a phase of the harness's own work cost, in all and per instance it handled. */
function costPerInstance(cost: WorkCost, instances: number) {
  const per = (x: number) => (instances ? x / instances : 0);
  return { instances, ...cost, wallMsPerInstance: per(cost.wallMs), harnessCpuMsPerInstance: per(cost.harnessCpuMs) };
}

function instanceTrial(record: RampRecord<Instance>, t0: number, atFull: AtFullDensity | undefined): Trial {
  const startedAt = new Date(t0 + record.requestedAtMs).toISOString();
  const detail = {
    requestedAtMs: record.requestedAtMs,
    elapsedMs: record.elapsedMs,
    concurrent: record.concurrent,
    ...(record.hostCpuBusy !== undefined && { hostCpuBusy: record.hostCpuBusy }),
    memAvailableBeforeBytes: record.memAvailableBeforeBytes,
    memAvailableAfterBytes: record.memAvailableAfterBytes,
    ...atFull,
  };
  if (!record.instance) {
    const error = trialError(record.error);
    if (record.timedOut) error.reason = `start timed out: ${error.reason}`;
    return failedTrial(record.index, startedAt, error, { detail });
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
export async function runDensity(ctx: SuiteContext) {
  const s = densitySettings(ctx);
  ctx.progress.begin({ suite: SUITE, workload: ctx.workload.name, runner: ctx.runner.name }, s.target + 2);
  const t0 = Date.now();
  const memAvailableAtStart = await memAvailableBytes();
  const reserveBytes = Math.round(memAvailableAtStart * s.memoryReserve);
  const instances = new Map<number, Instance>();
  let records: RampRecord<Instance>[] = [];
  let stop: keyof typeof STOP_REASON_TEXT = 'aborted';
  let atFull = new Map<number, AtFullDensity>();
  let memAvailableAtFull: number | undefined;
  let stopReport: StopReport = { leftovers: [] };
  let sweep: Sweep | undefined;
  let stopCost: WorkCost | undefined;
  // The ramp runs at the harness's own priority (its starts compete with the guests as they would); the sweep and
  // the stop, harness work that waits on nothing but CPU, at a raised one.
  let priority: PriorityNote | undefined;
  // The engine's bound holds for the starts as for the stops: more at a time would only queue inside it.
  const engineBound = ENGINE_CONCURRENCY[ctx.runner.name];
  const concurrency = Math.min(s.concurrency, engineBound);
  let settled = 0;
  try {
    const result = await ramp({
      target: s.target,
      concurrency,
      reserveBytes,
      startTimeoutMs: s.startTimeoutMs,
      signal: ctx.signal,
      memAvailable: memAvailableBytes,
      cpuTimes: hostCpuTimes,
      start: (_index, signal) => ctx.runner.start(ctx.workload, { readyTimeoutMs: s.startTimeoutMs, signal }),
      onRecord: (r) => {
        if (r.instance) instances.set(r.index, r.instance);
        else ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}: start ${r.index + 1} failed: ${trialError(r.error).reason}`);
        // Counted in completion order: starts finish out of index order when several are under way.
        ctx.progress.step(++settled, `${instances.size} instances up`);
      },
    });
    records = result.records;
    stop = result.stop;
    if (!ctx.signal.aborted) {
      ctx.progress.step(s.target + 1, `${instances.size} instances: memory and liveness sweep`);
      await sleep(memorySettings(ctx).settleMs, undefined, { signal: ctx.signal });
      memAvailableAtFull = await memAvailableBytes();
      ({ result: sweep, priority } = await withPromptPriority(() => measureAtFullDensity(ctx, instances)));
      atFull = sweep.seen;
    }
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
  } finally {
    ctx.progress.step(s.target + 2, `stopping ${instances.size} instances, ${engineBound} at a time`);
    const stopped = await withPromptPriority(() => measureCost(() => stopAndVerify([...instances.values()], ctx.runner, engineBound)));
    stopReport = stopped.result.result;
    stopCost = stopped.result.cost;
    priority ??= stopped.priority;
    ctx.progress.end();
  }
  const { leftovers } = stopReport;
  const memAvailableAfterStop = await memAvailableBytes();

  const instanceTrials = records.map((r) => instanceTrial(r, t0, atFull.get(r.index)));
  const trials = [...instanceTrials];
  const answered = [...atFull.values()].filter((a) => a.answered).length;
  const silent = [...atFull.entries()].filter(([, a]) => a.answered === false).map(([i, a]) => `#${i + 1}: ${a.probeError}`);
  const unmeasured = [...atFull.entries()].filter(([, a]) => a.memoryError !== undefined).map(([i, a]) => `#${i + 1}: ${a.memoryError}`);
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
    ...(silent.length ? [`${silent.length} of ${instances.size} instances did not answer the final liveness sweep: ${firstFew(silent)}`] : []),
    ...(leftovers.length ? [leftoverReason(leftovers, instances.size)] : []),
    ...(stopReport.unverified ? [stopReport.unverified] : []),
  ];
  const dropFlags =
    concurrency > 1 ? [`starts overlapped (concurrency ${concurrency}): each fall of MemAvailable includes its neighbours' starts`] : [];
  const metrics = [
    metricFromTrials(DENSITY_COUNT, trials, countFlags),
    metricFromTrials(START_MS, trials),
    metricFromTrials(PSS, trials),
    metricFromTrials(RSS, trials),
    metricFromTrials(MEM_AVAILABLE_DROP, trials, dropFlags),
  ];
  const pssTotal = [...atFull.values()].reduce((sum, a) => sum + (a.memory?.pssBytes ?? 0), 0);
  const extra: DensityExtra = {
    stopReason: stop,
    stopReasonText: STOP_REASON_TEXT[stop],
    target: s.target,
    concurrency,
    ...(concurrency < s.concurrency && { configuredConcurrency: s.concurrency }),
    stopConcurrency: engineBound,
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
    /**
     * The start latency and memory of each instance against the number already running, with how busy the host
     * CPU was during its start (0 to 1): a curve bending from CPU saturation shows it there.
     */
    curve: records.map((r, n) => {
      const t = instanceTrials[n]!;
      return {
        instance: t.index + 1,
        ok: t.ok,
        startMs: t.values[START_MS.name] ?? null,
        pssBytes: t.values[PSS.name] ?? null,
        memAvailableDropBytes: t.values[MEM_AVAILABLE_DROP.name] ?? null,
        hostCpuBusy: r.hostCpuBusy ?? null,
      };
    }),
    /** What the harness itself spent on the sweep (memory of all, then one probe each) and on stopping them all. */
    harnessCost: {
      ...(sweep && {
        sweepMemory: costPerInstance(sweep.memoryCost, instances.size),
        sweepLiveness: costPerInstance(sweep.livenessCost, instances.size),
      }),
      ...(stopCost && { stop: costPerInstance(stopCost, instances.size) }),
    },
    silent,
    unmeasured,
    leftovers,
    ...(stopReport.unverified && { leftoversUnverified: stopReport.unverified }),
  };
  const failed = records.find((r) => !r.instance && !ctx.signal.aborted);
  const reason =
    leftovers.length > 0
      ? leftoverReason(leftovers, instances.size)
      : failed
        ? `stopped after ${instances.size} instances: ${STOP_REASON_TEXT[stop]}: ${shorten(trialError(failed.error).reason)}`
        : undefined;
  const notes = [
    `ramp: up to ${s.target} instances, ${concurrency} start(s) at a time` +
      (concurrency < s.concurrency ? ` (${s.concurrency} configured; ${engineBound} is the ${ctx.runner.name} engine's bound)` : '') +
      `, each must be ready within ${s.startTimeoutMs} ms; ` +
      `stops before MemAvailable would fall below ${(s.memoryReserve * 100).toFixed(0)}% of its value at the start`,
    `memory per instance read with all instances running (PSS shares what they share); liveness: every instance probed once at the end, ${SWEEP_CONCURRENCY} at a time`,
    `stop: ${engineBound} at a time, each attempt bounded and retried, then verified through the platform's own list and /proc; ` +
      "extra.harnessCost: the harness's wall time and CPU for the sweep and the stop, per instance; extra.curve: host CPU busy share during each start",
    ...(priority ? [`sweep and stop: ${priority.text}; the ramp at the harness's usual priority`] : []),
  ];
  return buildCell<typeof SUITE, typeof densityExtra>(
    ctx,
    { label: cellLabel(ctx, undefined, notes), trials, metrics, aborted: ctx.signal.aborted, extra, ...(reason ? { reason } : {}) },
    SUITE,
  );
}
