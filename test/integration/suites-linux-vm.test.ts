import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../../core/lifecycle.ts';
import { WORKLOADS } from '../../fixtures/workloads.ts';
import { createLinuxVmRunner } from '../../runners/linux-vm/runner.ts';
import { decideAccelerator } from '../../runners/qemu/accel.ts';
import type { Runner } from '../../runners/index.ts';
import { densitySuite } from '../../suites/density/index.ts';
import { memorySuite } from '../../suites/memory/index.ts';
import { throughputSuite } from '../../suites/throughput/index.ts';
import { bisection, cacheDir, childProcesses, expectDensityAbortStopsAll, expectNothingLeft, metric, quickConfig, runSuite } from './suites-helpers.ts';

// Under TCG a VM takes seconds to boot and the bisection and the density ramp boot many of them.
const LONG = 900_000;
let runner: Runner;

beforeAll(async () => {
  const config = quickConfig();
  runner = createLinuxVmRunner({
    cacheDir,
    config: config.runners['linux-vm'],
    accelerator: await decideAccelerator('auto', cacheDir),
  });
  const availability = await runner.availability(WORKLOADS['http-hello']);
  expect(availability, 'these tests need qemu-system-x86_64').toMatchObject({ ok: true });
  await runner.prepare(WORKLOADS['http-hello']);
  await runner.prepare(WORKLOADS.nginx);
});

afterAll(async () => {
  await stopAll();
});

describe('memory suite on a Linux VM (quick)', () => {
  it(
    'records the QEMU footprint and bisects the minimum guest memory, keeping every step',
    async () => {
      // Bounds around the known answer (~74 MiB under TCG) keep the bisection to a few boots (64 MiB apart: the upper
      // bound, 6 halvings, the re-check); the bench uses 2-1024.
      const config = quickConfig({ suite: { memory: { minMemory: { lowMiB: 48, highMiB: 112 } } } });
      const { cell, progress } = await runSuite(memorySuite, runner, WORKLOADS['http-hello'], config);
      expect(cell.status, progress.join('\n')).toBe('ok');
      expect(metric(cell, 'idle_rss_bytes').samples[0]).toBeGreaterThan(0);
      expect(metric(cell, 'idle_pss_bytes').samples[0]).toBeGreaterThan(0);
      const min = metric(cell, 'min_memory_mib');
      expect(min.direction).toBe('lower');
      expect(min.samples).toHaveLength(1);
      const found = min.samples[0]!;
      const extra = bisection(cell);
      expect(extra).toMatchObject({ lowMiB: 48, highMiB: 112, requests: 20, minimum: found });
      // The answer worked (twice), and every size tried below the bisection's answer failed, with a reason.
      expect(extra.steps.filter((s) => s.value === found && s.ok).length).toBeGreaterThanOrEqual(1);
      for (const step of extra.steps.filter((s) => s.value < extra.bisected!)) {
        expect(step.ok).toBe(false);
        expect(step.reason).toBeTruthy();
      }
      // The size the runner boots by default is well above the minimum.
      expect(found).toBeLessThan(WORKLOADS['http-hello'].vmMemoryMiB);
      await expectNothingLeft();
    },
    LONG,
  );
});

describe('throughput suite on a Linux VM (quick)', () => {
  it.each(['http-hello', 'nginx'] as const)(
    '%s: requests/s and latencies through the guest, memory sampled under load',
    async (name) => {
      const { cell, progress } = await runSuite(throughputSuite, runner, WORKLOADS[name]);
      expect(cell.status, progress.join('\n')).toBe('ok');
      expect(cell.label.accelerator.kind).not.toBe('none');
      expect(metric(cell, 'requests_per_s').samples[0]).toBeGreaterThan(0);
      expect(metric(cell, 'latency_p99_us').samples[0]).toBeGreaterThan(0);
      expect(metric(cell, 'errors').samples).toEqual([0]);
      // QEMU's memory under load is at least what it held idle for the guest's kernel: more than 0, read several times.
      const detail = cell.trials[0]!.detail as Record<string, any>;
      expect(detail.memoryUnderLoad.length).toBeGreaterThan(1);
      expect(metric(cell, 'load_pss_bytes').samples[0]).toBeGreaterThan(0);
      await expectNothingLeft();
    },
    LONG,
  );
});

describe('density suite on Linux VMs (quick)', () => {
  it(
    'starts 4 http-hello VMs, all answer the final sweep, and no QEMU is left',
    async () => {
      // The bench's quick target is 20 (about 2 min under TCG on 2 cores); 4 exercise the same ramp in CI time.
      const config = quickConfig({ quick: { density: { target: 4 } } });
      const { cell, progress } = await runSuite(densitySuite, runner, WORKLOADS['http-hello'], config);
      const extra = cell.extra as Record<string, any>;
      expect(cell.status, `${cell.reason}\n${progress.join('\n')}`).toBe('ok');
      expect(extra).toMatchObject({ stopReason: 'target', started: 4, answered: 4, leftovers: [] });
      expect(metric(cell, 'density_count').samples).toEqual([4]);
      expect(metric(cell, 'start_ms').samples).toHaveLength(4);
      const pss = metric(cell, 'pss_per_instance_bytes');
      expect(pss.samples).toHaveLength(4);
      expect(extra.pssTotalBytes).toBe(pss.samples.reduce((a, b) => a + b, 0));
      await expectNothingLeft();
    },
    LONG,
  );

  it(
    'stops at the MemAvailable reserve: keeping 95% free leaves room for only a few VMs',
    async () => {
      const config = quickConfig({ suite: { density: { memoryReserve: 0.95 } } });
      const { cell } = await runSuite(densitySuite, runner, WORKLOADS['http-hello'], config);
      const extra = cell.extra as Record<string, any>;
      expect(extra.stopReason).toBe('memory-budget');
      expect(extra.started).toBeLessThan(20);
      expect(cell.status).toBe('ok');
      await expectNothingLeft();
    },
    LONG,
  );

  it(
    'stops every VM, also the one booting, when aborted mid-ramp',
    async () => {
      // Three QEMU processes exist: two ready, one booting at least.
      await expectDensityAbortStopsAll(runner, async () => (await childProcesses()).filter((p) => p.includes('qemu-system')).length >= 3);
    },
    LONG,
  );
});
