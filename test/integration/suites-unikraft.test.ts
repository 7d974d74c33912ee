import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../../core/lifecycle.ts';
import { WORKLOADS } from '../../fixtures/workloads.ts';
import type { Runner } from '../../runners/index.ts';
import { memorySuite } from '../../suites/memory/index.ts';
import { throughputSuite } from '../../suites/throughput/index.ts';
import { STAND_IN, standInRunner } from './stand-in.ts';
import { bisection, expectNothingLeft, metric, quickConfig, runSuite } from './suites-helpers.ts';

// The suites with the unikraft runner and a stand-in kernel (stand-in.ts): guest memory passed through, the label
// carried into the cell; not Unikraft.
const httpHello = WORKLOADS['http-hello'];
const LONG = 600_000;
let runner: Runner;

beforeAll(async () => {
  runner = await standInRunner();
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
      // The stand-in is the linux-vm guest (about 74 MiB at least under TCG): bounds 64 MiB apart keep it to 8 boots.
      const config = quickConfig({ suite: { memory: { minMemory: { lowMiB: 48, highMiB: 112 } } } });
      const { cell, progress } = await runSuite(memorySuite, runner, httpHello, config);
      expect(cell.status, progress.join('\n')).toBe('ok');
      const extra = bisection(cell);
      expect(extra.minimum).toBeGreaterThan(48);
      expect(extra.minimum).toBeLessThanOrEqual(112);
      // The sizes really reached QEMU: some boots failed, where the image's own 192 MiB is enough.
      expect(extra.steps.some((s) => !s.ok)).toBe(true);
      expect(metric(cell, 'min_memory_mib').samples).toEqual([extra.minimum]);
      await expectNothingLeft();
    },
    LONG,
  );
});
