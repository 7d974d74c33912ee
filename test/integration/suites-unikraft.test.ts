import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import { stopAll } from '../../core/lifecycle.ts';
import { vmInitrd } from '../../fixtures/initramfs.ts';
import { debianCloudKernel } from '../../fixtures/kernel.ts';
import { buildRootfs } from '../../fixtures/rootfs.ts';
import { WORKLOADS } from '../../fixtures/workloads.ts';
import { decideAccelerator } from '../../runners/qemu/accel.ts';
import type { Runner } from '../../runners/types.ts';
import { createUnikraftRunner } from '../../runners/unikraft.ts';
import { memorySuite } from '../../suites/memory.ts';
import { throughputSuite } from '../../suites/throughput.ts';
import { cacheDir, expectNothingLeft, metric, quickConfig, runSuite } from './suites-helpers.ts';

// No Unikraft image can be built or fetched on this testbed: a Linux kernel with the linux-vm initramfs goes through
// the unikraft runner instead, labelled as a stand-in. This checks the suites with that runner (guest memory passed
// through, the label carried into the cell), not Unikraft.
const STAND_IN = 'Debian cloud kernel with the linux-vm initramfs';
const httpHello = WORKLOADS['http-hello'];
const LONG = 600_000;
let runner: Runner;

beforeAll(async () => {
  const kernel = await debianCloudKernel(cacheDir);
  const built = await buildRootfs(httpHello, { cacheDir });
  const initrd = await vmInitrd({ built, workload: httpHello, kernel, machine: 'pc', cacheDir });
  const image = {
    kernel: kernel.kernel,
    initrd: initrd.path,
    libParams: ['console=ttyS0', 'quiet', 'panic=-1'],
    memoryMiB: 192,
    standIn: STAND_IN,
  };
  runner = createUnikraftRunner({
    cacheDir,
    accelerator: await decideAccelerator('auto', cacheDir),
    config: parseConfig({ runners: { unikraft: { images: { 'http-hello': image } } } }).runners.unikraft,
  });
  await runner.prepare(httpHello);
}, LONG);

afterAll(async () => {
  await stopAll();
});

describe('suites through the unikraft runner (stand-in kernel, not Unikraft)', () => {
  it(
    'throughput: the cell carries the stand-in label next to its numbers',
    async () => {
      const { cell, progress } = await runSuite(throughputSuite, runner, httpHello);
      expect(cell.status, progress.join('\n')).toBe('ok');
      expect(cell.label.standIn).toBe(STAND_IN);
      expect(metric(cell, 'requests_per_s').samples[0]).toBeGreaterThan(0);
      await expectNothingLeft();
    },
    LONG,
  );

  it(
    'memory: the bisection passes each size to the runner and finds a minimum within the bounds',
    async () => {
      const config = quickConfig({ suite: { memory: { minMemory: { lowMiB: 48, highMiB: 192 } } } });
      const { cell, progress } = await runSuite(memorySuite, runner, httpHello, config);
      expect(cell.status, progress.join('\n')).toBe('ok');
      const extra = cell.extra!.minMemory as { minimum: number; steps: Array<{ value: number; ok: boolean }> };
      expect(extra.minimum).toBeGreaterThan(48);
      expect(extra.minimum).toBeLessThanOrEqual(192);
      // The sizes really reached QEMU: some boots failed, with the image's own 192 MiB being enough.
      expect(extra.steps.some((s) => !s.ok)).toBe(true);
      expect(metric(cell, 'min_memory_mib').samples).toEqual([extra.minimum]);
      await expectNothingLeft();
    },
    LONG,
  );
});
