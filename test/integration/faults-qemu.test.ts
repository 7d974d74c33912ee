import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../cli/config.ts';
import { stopAll } from '../../core/lifecycle.ts';
import type { Accelerator } from '../../suites/results.ts';
import { WORKLOADS, type Workload } from '../../fixtures/workloads.ts';
import { createLinuxVmRunner } from '../../runners/linux-vm/runner.ts';
import { decideAccelerator } from '../../runners/qemu/accel.ts';
import { coldStartSuite } from '../../suites/cold-start/index.ts';
import { cmdline, descendants, qemuAmong } from './faults-helpers.ts';
import { cacheDir, expectNothingLeft, runSuite } from './suites-helpers.ts';

let accelerator: Accelerator;
beforeAll(async () => {
  accelerator = await decideAccelerator('auto', cacheDir);
}, 600_000);
afterAll(async () => {
  await stopAll();
  await expectNothingLeft();
});

const vmRunner = () => createLinuxVmRunner({ cacheDir, accelerator, config: parseConfig({}).runners['linux-vm'] });
const coldStart = (trials: number, readyTimeoutMs = 120_000) => parseConfig({ suite: { 'cold-start': { trials, warmups: 0, readyTimeoutMs } } });

/** Resolves with the first QEMU guest this test process starts from now on (not a `qemu-system -version` probe). */
async function nextQemu(): Promise<number> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    const guests: number[] = [];
    for (const pid of await qemuAmong(await descendants(process.pid))) if (!/ -version\b/.test(await cmdline(pid))) guests.push(pid);
    const [pid] = guests;
    if (pid) return pid;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no QEMU was started within 120 s');
}

describe('QEMU faults in a cold-start cell', () => {
  it('a QEMU killed in the middle of a trial is a failed trial with the reason, and the next trial runs', async () => {
    const runner = vmRunner();
    const w = WORKLOADS['http-hello'];
    await runner.prepare(w);
    const killing = nextQemu().then(async (pid) => {
      // Mid-boot: the guest is running its BIOS or kernel by now.
      await new Promise((r) => setTimeout(r, 1_500));
      process.kill(pid, 'SIGKILL');
      return pid;
    });
    const { cell, progress } = await runSuite(coldStartSuite, runner, w, coldStart(2));
    const killed = await killing;

    expect(cell.status).toBe('partial');
    expect(cell.trials.map((t) => t.ok)).toEqual([false, true]);
    const reason = cell.trials[0]!.error!.reason;
    expect(reason).toMatch(/^http-hello VM: QEMU was killed by SIGKILL before (init started|the workload was ready)/);
    expect(cell.reason).toBe(`1 of 2 trials failed: ${reason}`);
    expect(progress).toContain(`http-hello on linux-vm: trial failed: ${reason}`);
    expect(cell.metrics.find((m) => m.name === 'ready_ms')!.samples).toHaveLength(1);
    expect(await qemuAmong([killed])).toEqual([]);
    await expectNothingLeft();
  });

  it('a guest that boots but never answers is a failed trial with its console tail, not a hang', async () => {
    const silent: Workload = { ...WORKLOADS['http-hello'], command: ['/bin/busybox', 'sleep', '3600'] };
    const runner = vmRunner();
    await runner.prepare(silent);
    const { cell } = await runSuite(coldStartSuite, runner, silent, coldStart(1, 10_000));

    expect(cell.status).toBe('failed');
    const [trial] = cell.trials;
    expect(trial!.error!.reason).toMatch(/^http-hello VM: (not ready within \d+ ms; last probe error: .+|\d+ ms passed before init started .+)$/);
    // The tail is what explains it: here, a guest whose init ran (its marker) and then nothing answered.
    if (trial!.error!.reason.includes('not ready')) expect(trial!.error!.consoleTail).toMatch(/ISOBENCH-INIT \d/);
    else expect(trial!.error!.consoleTail).toBeTruthy();
    await expectNothingLeft();
  });
});
