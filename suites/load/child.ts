/**
 * Entry point of the load generator process (forked by run-load.ts). It runs in its own process so that it never
 * shares an event loop with the harness' probes and timers, and so that process.cpuUsage() is the generator's own
 * CPU time (in a worker thread it would be the whole harness').
 */
import { performance } from 'node:perf_hooks';
import { httpLoad } from './http.ts';
import { postgresLoad } from './postgres.ts';
import { redisLoad } from './redis.ts';
import type { PhaseRunner } from './phases.ts';
import type { LoadMessage, LoadResult, LoadSpec } from './protocol.ts';

function send(message: LoadMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

function connect(spec: LoadSpec): Promise<PhaseRunner> | PhaseRunner {
  switch (spec.kind) {
    case 'http':
      return httpLoad(spec);
    case 'redis':
      return redisLoad(spec);
    case 'postgres':
      return postgresLoad(spec);
  }
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const load = await connect(spec);
  try {
    if (spec.warmupS > 0) await load.phase(spec.warmupS * 1000);
    await send({ type: 'measuring' });
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = process.hrtime.bigint();
    const { tally, timeouts, non2xx = 0, bytes = 0, closingResponses } = await load.phase(spec.durationS * 1000);
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    return {
      kind: spec.kind,
      measuredMs: wallMs,
      ok: tally.ok,
      errors: tally.errors + timeouts,
      timeouts,
      non2xx,
      bytes,
      ...(closingResponses !== undefined ? { closingResponses } : {}),
      errorSamples: [...tally.errorSamples],
      latency: tally.latency.toJSON(),
      ...(spec.kind !== 'http' ? { perOp: tally.perOpJSON() } : {}),
      cpu: {
        userUs: cpu.user,
        systemUs: cpu.system,
        wallMs,
        cores: (cpu.user + cpu.system) / 1000 / wallMs,
        eventLoopUtilization: elu.utilization,
      },
    };
  } finally {
    await load.close();
  }
}

// The harness going away (killed, aborted) must not leave a load running.
process.on('disconnect', () => process.exit(0));
process.once('message', (spec: LoadSpec) => {
  run(spec)
    .then((result) => send({ type: 'result', result }))
    .catch((error: unknown) => send({ type: 'error', message: (error as Error)?.message ?? String(error) }))
    .finally(() => process.exit(0));
});
