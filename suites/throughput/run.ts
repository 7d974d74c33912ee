import type { Trial } from '../../core/cell-schema.ts';
import type { Workload } from '../../fixtures/workloads.ts';
import type { Endpoint, Instance, ServerCpu } from '../../runners/types.ts';
import { buildCell, cellLabel, failedTrial, metricFromTrials } from '../cell.ts';
import { coldStartSettings } from '../cold-start/config.ts';
import { withInstance } from '../instance.ts';
import { describeLoad, describeReference } from '../load/describe.ts';
import { memorySampler } from '../load/memory-sampler.ts';
import type { LoadResult, LoadSpec, LoadTarget } from '../load/protocol.ts';
import { runReference, type ReferenceResult } from '../load/reference.ts';
import { runLoad } from '../load/run-load.ts';
import { clientBoundReasons, connectionNote, loadFlags, RATE_METRIC, throughputMetrics, throughputValues } from '../load/verdict.ts';
import { attempt, measuring } from '../trials.ts';
import type { SuiteContext } from '../types.ts';
import { SUITE, throughputSettings, type ThroughputSettings } from './config.ts';

/** How often the instance's memory is read during the measured phase. */
const MEMORY_SAMPLE_INTERVAL_MS = 500;

/** The load that fits the workload's protocol, aimed at one instance. */
export function loadTarget(workload: Workload, endpoint: Endpoint, settings: ThroughputSettings): LoadTarget {
  const probe = workload.probe;
  switch (probe.kind) {
    case 'http':
      return {
        kind: 'http',
        url: `http://${endpoint.host}:${endpoint.port}${probe.path}`,
        connections: settings.connections,
        pipelining: settings.pipelining,
        expectBody: probe.expectBody,
      };
    case 'redis':
      return { kind: 'redis', host: endpoint.host, port: endpoint.port, clients: settings.clients };
    case 'postgres':
      return { kind: 'postgres', host: endpoint.host, port: endpoint.port, user: probe.user, database: probe.database, clients: settings.clients };
  }
}

/**
 * One repetition: a fresh instance, a warm-up, the measured load with the instance's memory sampled meanwhile,
 * then the instance is stopped. A run in which no operation succeeded is a failed trial; one with errors or
 * non-2xx responses keeps its values and carries flags.
 */
interface Repetition {
  trial: Trial;
  /** Problems of this repetition, for the metrics' flags. */
  flags: string[];
  /** Why its rate is the load generator's limit (empty: the server's). */
  clientBound: string[];
  /** How the server treated connections, for the label. */
  note?: string;
}

/** The server side's CPU over a phase, in cores, from readings at its start and end (undefined when unreadable). */
function serverCpuMeter(instance: Instance) {
  let first: Promise<{ at: number; cpu: ServerCpu } | undefined> | undefined;
  const read = async () => {
    // The time asked for: cpuTime() reads the main counter first and whatever it takes afterwards.
    const at = performance.now();
    const cpu = await instance.cpuTime?.().catch(() => undefined);
    return cpu && { at, cpu };
  };
  return {
    start() {
      first = read();
    },
    async stop(): Promise<{ serverCores?: number; dockerProxyCores?: number }> {
      const [a, b] = [await first, await read()];
      if (!a || !b) return {};
      const ms = b.at - a.at;
      const cores = (aUs?: number, bUs?: number) => (aUs === undefined || bUs === undefined ? undefined : (bUs - aUs) / 1000 / ms);
      const proxy = cores(a.cpu.parts?.dockerProxyUs, b.cpu.parts?.dockerProxyUs);
      return { serverCores: cores(a.cpu.totalUs, b.cpu.totalUs)!, ...(proxy === undefined ? {} : { dockerProxyCores: proxy }) };
    },
  };
}

async function repetition(ctx: SuiteContext, index: number, readyTimeoutMs: number): Promise<Repetition> {
  const settings = throughputSettings(ctx);
  const measure = (startedAt: string) =>
    withInstance(ctx, { readyTimeoutMs }, async (instance): Promise<Repetition> => {
      const target = loadTarget(ctx.workload, instance.endpoint, settings);
      const spec: LoadSpec = { ...target, warmupS: settings.warmupS, durationS: settings.durationS };
      const sampler = memorySampler(instance, MEMORY_SAMPLE_INTERVAL_MS);
      const serverCpu = serverCpuMeter(instance);
      let result: LoadResult;
      let memory: Awaited<ReturnType<typeof sampler.stop>>;
      let server: Awaited<ReturnType<typeof serverCpu.stop>>;
      try {
        result = await runLoad(spec, {
          signal: ctx.signal,
          onMeasuring: () => {
            serverCpu.start();
            sampler.start();
          },
        });
      } finally {
        [memory, server] = await Promise.all([sampler.stop(), serverCpu.stop()]);
      }
      const rate = result.ok / (result.measuredMs / 1000);
      // The same instance, warmed by isobench's own load, with the same connections and duration.
      const reference: ReferenceResult | undefined =
        settings.reference && result.ok > 0 ? await runReference(target, { warmupS: settings.warmupS, durationS: settings.durationS, expectedRate: rate }, ctx.signal) : undefined;
      const aliveAfter = await instance.alive();
      const ranReference = reference?.ran ? reference : undefined;
      const values = throughputValues(result, memory.samples, { ...server, ...(ranReference ? { referencePerS: ranReference.ratePerS } : {}) });
      const flags = loadFlags(result);
      if (memory.error) flags.push(`memory could not be read under load: ${memory.error}`);
      if (reference && !reference.ran) flags.push(`cross-check not run: ${reference.reason}`);
      const clientBound = clientBoundReasons(result, ranReference);
      const { latency, ...summary } = result;
      const detail = { load: summary, latencyHistogram: latency, memoryUnderLoad: memory.samples, flags, clientBound, ...(reference ? { reference } : {}) };
      const phases = { requested: 0, ...instance.phases };
      const note = connectionNote(result);
      // A run whose instance died measured the death, not the platform: it is a failed trial, never a sample.
      if (result.ok === 0 || !aliveAfter) {
        const what = aliveAfter ? 'no operation succeeded under load' : 'the instance was no longer alive after the load';
        const reason = `${what}${flags.length ? `: ${flags.join('; ')}` : ''}`;
        return { trial: failedTrial(index, startedAt, { reason }, { phases, values, detail }), flags: [], clientBound: [] };
      }
      return { trial: { index, warmup: false, ok: true, startedAt, phases, values, detail }, flags, clientBound, ...(note ? { note } : {}) };
    });
  return attempt(ctx, index, measure, (trial) => ({ trial, flags: [], clientBound: [] }));
}

/**
 * R repetitions of a fixed-duration load against the workload, each its own trial and sample.
 * Each repetition gets a fresh instance: repetitions are then independent samples of "this workload on this
 * platform" (boot-to-boot variance included), and no state carries over (the PostgreSQL table's dead rows from
 * updates, Redis keys, sockets in TIME_WAIT on the guest). The boot is outside the measured phase.
 */
export async function runThroughput(ctx: SuiteContext) {
  const settings = throughputSettings(ctx);
  const { readyTimeoutMs } = coldStartSettings(ctx);
  const trials: Trial[] = [];
  const flags: string[] = [];
  const clientBound: string[] = [];
  const connectionNotes = new Set<string>();
  await measuring(ctx, SUITE, settings.repetitions, async () => {
    for (let i = 0; i < settings.repetitions; i++) {
      ctx.progress.step(i + 1, `repetition ${i + 1}/${settings.repetitions} (${settings.durationS} s)`);
      const { trial, flags: trialFlags, clientBound: bound, note } = await repetition(ctx, i, readyTimeoutMs);
      trials.push(trial);
      if (note) connectionNotes.add(note);
      const prefix = settings.repetitions > 1 ? `repetition ${i + 1}: ` : '';
      flags.push(...trialFlags.map((f) => prefix + f));
      clientBound.push(...bound.map((reason) => `${prefix}client-bound (the rate is a lower bound): ${reason}`));
      for (const line of bound) ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}: ${prefix}client-bound: ${line}`);
      if (!trial.ok) ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}: repetition ${i + 1} failed: ${trial.error?.reason}`);
      for (const f of trialFlags) ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}: ${prefix}${f}`);
    }
  });

  // The probe speaks the workload's protocol, so its kind is the kind of load.
  // A rate the load generator capped is a lower bound of the server's, and says so wherever it is shown.
  const rateNames = new Set([RATE_METRIC[ctx.workload.probe.kind].name, 'bytes_per_s']);
  const metrics = throughputMetrics(ctx.workload.probe.kind).map((spec) => {
    if (!rateNames.has(spec.name) || !clientBound.length) return metricFromTrials(spec, trials, flags);
    return { ...metricFromTrials(spec, trials, [...clientBound, ...flags]), lowerBound: true };
  });
  const notes = [
    describeLoad(ctx.workload.probe.kind, settings),
    `${settings.repetitions} repetition(s) of ${settings.durationS} s after a ${settings.warmupS} s warm-up, a fresh instance for each`,
    'load generator: a separate Node.js process on the same host; per repetition its CPU, event loop utilisation and CPU per operation, and the server side\'s CPU (container cgroup / QEMU process) are recorded',
    ...(settings.reference ? [`cross-check: ${describeReference(ctx.workload.probe.kind)} on the same instance after each repetition`] : []),
    `memory under load: peak of instance memory read every ${MEMORY_SAMPLE_INTERVAL_MS} ms during the measured phase`,
    ...connectionNotes,
  ];
  return buildCell(ctx, { label: cellLabel(ctx, undefined, notes), trials, metrics, aborted: ctx.signal.aborted }, SUITE);
}
