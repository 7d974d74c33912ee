import type { Config } from '../core/config.ts';
import type { Trial } from '../core/results.ts';
import type { Workload } from '../fixtures/workloads.ts';
import type { Endpoint } from '../runners/types.ts';
import { buildCell, cellLabel, metricFromTrials, trialError } from './cell.ts';
import { withInstance } from './instance.ts';
import { describeLoad } from './load/describe.ts';
import { memorySampler } from './load/memory-sampler.ts';
import type { LoadResult, LoadSpec, LoadTarget } from './load/protocol.ts';
import { runLoad } from './load/run-load.ts';
import { connectionNote, loadFlags, throughputMetrics, throughputValues } from './load/verdict.ts';
import type { Suite, SuiteContext } from './types.ts';

type ThroughputSettings = Config['suite']['throughput'];

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
  /** How the server treated connections, for the label. */
  note?: string;
}

async function repetition(ctx: SuiteContext, index: number, readyTimeoutMs: number): Promise<Repetition> {
  const settings = ctx.config.suite.throughput;
  const startedAt = new Date().toISOString();
  try {
    return await withInstance(ctx, { readyTimeoutMs }, async (instance) => {
      const target = loadTarget(ctx.workload, instance.endpoint, settings);
      const spec: LoadSpec = { ...target, warmupS: settings.warmupS, durationS: settings.durationS };
      const sampler = memorySampler(instance, MEMORY_SAMPLE_INTERVAL_MS);
      let result: LoadResult;
      let memory: Awaited<ReturnType<typeof sampler.stop>>;
      try {
        result = await runLoad(spec, { signal: ctx.signal, onMeasuring: () => sampler.start() });
      } finally {
        memory = await sampler.stop();
      }
      const aliveAfter = await instance.alive();
      const values = throughputValues(result, memory.samples);
      const flags = loadFlags(result, target.kind === 'http' ? target.pipelining : undefined);
      if (memory.error) flags.push(`memory could not be read under load: ${memory.error}`);
      const { latency, ...summary } = result;
      const detail = { load: summary, latencyHistogram: latency, memoryUnderLoad: memory.samples, flags };
      const phases = { requested: 0, ...instance.phases };
      const note = connectionNote(result);
      // A run whose instance died measured the death, not the platform: it is a failed trial, never a sample.
      if (result.ok === 0 || !aliveAfter) {
        const what = aliveAfter ? 'no operation succeeded under load' : 'the instance was no longer alive after the load';
        const reason = `${what}${flags.length ? `: ${flags.join('; ')}` : ''}`;
        return { trial: { index, warmup: false, ok: false, startedAt, phases, values, error: { reason }, detail }, flags: [] };
      }
      return { trial: { index, warmup: false, ok: true, startedAt, phases, values, detail }, flags, ...(note ? { note } : {}) };
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return { trial: { index, warmup: false, ok: false, startedAt, phases: {}, values: {}, error: trialError(error) }, flags: [] };
  }
}

/**
 * R repetitions of a fixed-duration load against the workload, each its own trial and sample.
 * Each repetition gets a fresh instance: repetitions are then independent samples of "this workload on this
 * platform" (boot-to-boot variance included), and no state carries over (the PostgreSQL table's dead rows from
 * updates, Redis keys, sockets in TIME_WAIT on the guest). The boot is outside the measured phase.
 */
export const throughputSuite: Suite = {
  name: 'throughput',
  async run(ctx: SuiteContext) {
    const settings = ctx.config.suite.throughput;
    const readyTimeoutMs = ctx.config.suite['cold-start'].readyTimeoutMs;
    ctx.progress.begin({ suite: 'throughput', workload: ctx.workload.name, runner: ctx.runner.name }, settings.repetitions);

    const trials: Trial[] = [];
    const flags: string[] = [];
    const connectionNotes = new Set<string>();
    try {
      for (let i = 0; i < settings.repetitions; i++) {
        ctx.progress.step(i + 1, `repetition ${i + 1}/${settings.repetitions} (${settings.durationS} s)`);
        const { trial, flags: trialFlags, note } = await repetition(ctx, i, readyTimeoutMs);
        trials.push(trial);
        if (note) connectionNotes.add(note);
        const prefix = settings.repetitions > 1 ? `repetition ${i + 1}: ` : '';
        flags.push(...trialFlags.map((f) => prefix + f));
        if (!trial.ok) ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}: repetition ${i + 1} failed: ${trial.error?.reason}`);
        for (const f of trialFlags) ctx.progress.log(`${ctx.workload.name} on ${ctx.runner.name}: ${prefix}${f}`);
      }
    } catch (error) {
      if (!ctx.signal.aborted) throw error;
    } finally {
      ctx.progress.end();
    }

    // The probe speaks the workload's protocol, so its kind is the kind of load.
    const metrics = throughputMetrics(ctx.workload.probe.kind).map((spec) => metricFromTrials(spec, trials, flags));
    const notes = [
      describeLoad(ctx.workload.probe.kind, settings),
      `${settings.repetitions} repetition(s) of ${settings.durationS} s after a ${settings.warmupS} s warm-up, a fresh instance for each`,
      'load generator: a separate Node.js process on the same host (its CPU use is recorded per repetition)',
      `memory under load: peak of instance memory read every ${MEMORY_SAMPLE_INTERVAL_MS} ms during the measured phase`,
      ...connectionNotes,
    ];
    return buildCell(ctx, { label: cellLabel(ctx, undefined, notes), trials, metrics, aborted: ctx.signal.aborted }, 'throughput');
  },
};
