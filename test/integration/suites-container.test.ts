import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../../core/lifecycle.ts';
import type { WorkloadName } from '../../cli/config.ts';
import { WORKLOADS } from '../../fixtures/workloads.ts';
import { createContainerRunner } from '../../runners/container/runner.ts';
import { dockerAvailability } from '../../runners/container/docker.ts';
import { densitySuite } from '../../suites/density/index.ts';
import { memorySuite } from '../../suites/memory/index.ts';
import { throughputSuite } from '../../suites/throughput/index.ts';
import { cacheDir, expectDensityAbortStopsAll, expectNothingLeft, metric, ourContainers, quickConfig, runSuite } from './suites-helpers.ts';

const runner = createContainerRunner({ cacheDir });

beforeAll(async () => {
  expect(await dockerAvailability(), 'these tests need a running Docker engine').toMatchObject({ ok: true });
  for (const w of Object.values(WORKLOADS)) await runner.prepare(w);
});

afterAll(async () => {
  // Only reached with something left when a test failed: do not leave it running.
  await stopAll();
});

describe('memory suite on containers (quick)', () => {
  it('records idle RSS and PSS from a fresh container and says why there is no minimum memory', async () => {
    const { cell } = await runSuite(memorySuite, runner, WORKLOADS['http-hello']);
    expect(cell).toMatchObject({ suite: 'memory', runner: 'container', status: 'ok' });
    const rss = metric(cell, 'idle_rss_bytes');
    const pss = metric(cell, 'idle_pss_bytes');
    expect(rss).toMatchObject({ direction: 'lower', unit: 'bytes' });
    expect(rss.samples).toHaveLength(1);
    expect(rss.samples[0]).toBeGreaterThan(0);
    expect(pss.samples[0]).toBeGreaterThan(0);
    expect(pss.samples[0]).toBeLessThanOrEqual(rss.samples[0]!);
    expect(cell.metrics.map((m) => m.name)).not.toContain('min_memory_mib');
    expect(cell.extra?.minMemory).toEqual({ skipped: expect.stringMatching(/not applicable to containers/) });
    await expectNothingLeft();
  });
});

/** The workloads with a reference tool, the rate it cross-checks and the tool. */
const CROSS_CHECKED = [
  ['nginx', 'requests_per_s', 'wrk'],
  ['redis', 'ops_per_s', 'redis-benchmark'],
  ['postgres', 'transactions_per_s', 'pgbench'],
] as const;

type ThroughputRun = ReturnType<typeof runSuite<typeof throughputSuite.name, typeof throughputSuite.extra>>;
const throughputRuns = new Map<WorkloadName, ThroughputRun>();
/**
 * The quick throughput cell of a workload, run once for the file: the reference tool runs after the load, on the
 * same instance, so the suite's own checks and the cross-check's read the same cell (one load, one instance).
 */
function throughputCell(name: WorkloadName): ThroughputRun {
  let running = throughputRuns.get(name);
  if (!running) {
    const reference = CROSS_CHECKED.some(([n]) => n === name);
    running = runSuite(throughputSuite, runner, WORKLOADS[name], quickConfig({ suite: { throughput: { reference } } }));
    throughputRuns.set(name, running);
  }
  return running;
}

describe('throughput cross-check on containers (quick)', () => {
  it.each(CROSS_CHECKED)('%s: the reference tool runs on the same instance and the ratio is recorded', async (name, rateName, tool) => {
    const { cell, progress } = await throughputCell(name);
    expect(cell.status, progress.join('\n')).toBe('ok');
    const reference = (cell.trials[0]!.detail as Record<string, any>).reference;
    expect(reference, JSON.stringify(reference)).toMatchObject({ ran: true, tool });
    const rate = metric(cell, rateName).samples[0]!;
    expect(metric(cell, `reference_${rateName}`).samples).toEqual([reference.ratePerS]);
    expect(metric(cell, 'vs_reference').samples[0]).toBeCloseTo(rate / reference.ratePerS, 9);
    // Either the figures agree, or the rate is shown as a lower bound with the reference's figure as the reason.
    const agrees = rate >= reference.ratePerS * 0.9;
    expect(metric(cell, rateName).lowerBound ?? false).toBe(!agrees);
    if (!agrees) expect(metric(cell, rateName).flags.join('\n')).toMatch(new RegExp(`client-bound .*${tool} reached`));
    expect(cell.label.notes.join('\n')).toMatch(/cross-check: /);
    await expectNothingLeft();
  });
});

describe('throughput suite on containers (quick)', () => {
  it.each(['http-hello', 'nginx'] as const)('%s: requests/s, µs latencies and memory under load, without errors', async (name) => {
    const { cell, progress } = await throughputCell(name);
    expect(cell.status, progress.join('\n')).toBe('ok');
    const rate = metric(cell, 'requests_per_s');
    expect(rate.direction).toBe('higher');
    expect(rate.samples).toHaveLength(1);
    expect(rate.samples[0]).toBeGreaterThan(0);
    const p50 = metric(cell, 'latency_p50_us').samples[0]!;
    const p99 = metric(cell, 'latency_p99_us').samples[0]!;
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p99);
    expect(p99).toBeLessThanOrEqual(metric(cell, 'latency_max_us').samples[0]!);
    expect(metric(cell, 'bytes_per_s').samples[0]).toBeGreaterThan(0);
    expect(metric(cell, 'load_pss_bytes').samples[0]).toBeGreaterThan(0);
    expect(metric(cell, 'errors').samples).toEqual([0]);
    expect(metric(cell, 'non_2xx').samples).toEqual([0]);
    // The raw material of every number is in the trial: histogram, load generator CPU, memory samples.
    const detail = cell.trials[0]!.detail as Record<string, any>;
    expect(detail.latencyHistogram.count).toBe(detail.load.ok);
    // Timed per request with hrtime, not in whole milliseconds.
    expect(Number.isInteger(detail.latencyHistogram.min / 1000)).toBe(false);
    expect(detail.load.cpu.cores).toBeGreaterThan(0);
    // Who did the work: the generator's cost per request and the container's own CPU (its cgroup).
    expect(metric(cell, 'client_cpu_us_per_op').samples[0]).toBeGreaterThan(0);
    expect(metric(cell, 'server_cores').samples[0]).toBeGreaterThan(0);
    expect(detail.memoryUnderLoad.length).toBeGreaterThan(0);
    // lighttpd and nginx keep connections open; each closes one only at its keep-alive limit (1000 requests).
    expect(detail.load.closingResponses).toBeLessThan(detail.latencyHistogram.count / 100);
    await expectNothingLeft();
  });

  it.each([
    ['redis', 'ops_per_s', ['PING', 'SET', 'GET']],
    ['postgres', 'transactions_per_s', ['select1', 'point-read', 'update']],
  ] as const)('%s: %s over the fixed mix, without errors', async (name, rateName, ops) => {
    const { cell, progress } = await throughputCell(name);
    expect(cell.status, progress.join('\n')).toBe('ok');
    expect(metric(cell, rateName).samples[0]).toBeGreaterThan(0);
    expect(metric(cell, 'latency_p50_us').samples[0]).toBeGreaterThan(0);
    expect(metric(cell, 'errors').samples).toEqual([0]);
    const perOp = (cell.trials[0]!.detail as Record<string, any>).load.perOp as Record<string, { ok: number; errors: number }>;
    expect(Object.keys(perOp).sort()).toEqual([...ops].sort());
    for (const op of ops) expect(perOp[op]!.ok).toBeGreaterThan(0);
    await expectNothingLeft();
  });

  it('stops the load generator and the instance when aborted mid-load, and returns what it has', async () => {
    const controller = new AbortController();
    const config = quickConfig({ suite: { throughput: { durationS: 30 } } });
    const running = runSuite(throughputSuite, runner, WORKLOADS.nginx, config, controller.signal);
    // Abort while the load runs: after the warm-up has begun, well before 30 s.
    setTimeout(() => controller.abort(new Error('test interrupt')), 4_000);
    const { cell } = await running;
    expect(cell.status).toBe('partial');
    expect(cell.reason).toBe('interrupted');
    await expectNothingLeft();
  });
});

describe('density suite on containers (quick)', () => {
  // The bench's quick target is 20; every check below holds per instance, and 8 make the same ramp, sweep and stop.
  const DENSITY = 8;

  it(`starts ${DENSITY} http-hello containers, sweeps them, stops them all`, async () => {
    const { cell, progress } = await runSuite(densitySuite, runner, WORKLOADS['http-hello'], quickConfig({ quick: { density: { target: DENSITY } } }));
    expect(cell.status, progress.join('\n')).toBe('ok');
    const extra = cell.extra as Record<string, any>;
    expect(extra).toMatchObject({ stopReason: 'target', started: DENSITY, answered: DENSITY, leftovers: [] });
    expect(metric(cell, 'density_count').samples).toEqual([DENSITY]);
    expect(metric(cell, 'start_ms').samples).toHaveLength(DENSITY);
    expect(metric(cell, 'pss_per_instance_bytes').samples).toHaveLength(DENSITY);
    expect(extra.curve).toHaveLength(DENSITY);
    expect(extra.curve.map((p: { instance: number }) => p.instance)).toEqual([...Array(DENSITY).keys()].map((i) => i + 1));
    for (const point of extra.curve) expect(point.hostCpuBusy).toBeGreaterThanOrEqual(0);
    // The harness's own cost of the sweep and the stop, per instance, for all of them.
    for (const phase of ['sweepMemory', 'sweepLiveness', 'stop']) {
      expect(extra.harnessCost[phase]).toMatchObject({ instances: DENSITY, wallMs: expect.any(Number), harnessCpuMs: expect.any(Number) });
      expect(extra.harnessCost[phase].wallMsPerInstance).toBeCloseTo(extra.harnessCost[phase].wallMs / DENSITY);
    }
    // Every container's memory includes the docker-proxy of its port as a part, found by the one scan of the sweep.
    for (const trial of cell.trials.filter((t) => t.detail?.memory)) {
      expect((trial.detail!.memory as { parts: Record<string, number> }).parts.dockerProxyPssBytes).toBeGreaterThan(0);
    }
    await expectNothingLeft();
  });

  it('stops every container when aborted mid-ramp', async () => {
    // Three containers exist: two ready, one starting at least.
    await expectDensityAbortStopsAll(runner, async () => (await ourContainers()).length >= 3);
  });
});
