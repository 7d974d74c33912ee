import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll } from '../../core/lifecycle.ts';
import { RUN_BASE } from '../../core/rundir.ts';
import { WORKLOADS } from '../../fixtures/workloads.ts';
import { createContainerRunner } from '../../runners/container/runner.ts';
import { docker } from '../../runners/container/docker.ts';
import type { Instance } from '../../runners/types.ts';
import { leftBy, runCli, running, startNpx } from './faults-helpers.ts';
import { cacheDir, expectNothingLeft } from './suites-helpers.ts';

/** A pid that no process has right now: that of a process that just ended. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

let bystander: Instance;
let sleeper: ReturnType<typeof spawn>;
beforeAll(async () => {
  // A live run's container (this test process is an isobench process that is alive): clean must keep it.
  bystander = await createContainerRunner({ cacheDir }).start(WORKLOADS['http-hello'], { readyTimeoutMs: 60_000 });
  sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
});
afterAll(async () => {
  // Gone only once it has exited: right after the kill it may still be listed as a running child.
  const gone = new Promise((resolve) => sleeper.once('exit', resolve));
  if (sleeper.exitCode === null && sleeper.signalCode === null) sleeper.kill('SIGKILL');
  await gone;
  await stopAll();
  await expectNothingLeft();
});

describe('isobench clean', () => {
  it('removes the QEMU and the container of a run killed with SIGKILL, and nothing else', async () => {
    const held = startNpx(['tsx', 'test/integration/hold-instances.ts']);
    const started = await held.until(() => {
      const line = held.output().stdout.split('\n').find((l) => l.startsWith('{'));
      return line ? (JSON.parse(line) as { pid: number; qemuPid: number; containerId: string }) : undefined;
    }, 150_000);
    process.kill(started.pid, 'SIGKILL');
    await held.exited;
    // Killed hard, the run stopped nothing: its VM and container are still there.
    expect(await running(started.qemuPid)).toBe(true);
    expect(await leftBy(started.pid)).toHaveLength(3); // QEMU, container, run folder

    // A dead run's folder whose pid file names a process that is not its QEMU (a recycled pid): never killed.
    const decoy = join(RUN_BASE, String(await deadPid()));
    await mkdir(decoy, { recursive: true, mode: 0o700 });
    await writeFile(join(decoy, 'linux-vm-http-hello-1.pid'), `${sleeper.pid}\n`);

    const clean = await runCli(['clean']);
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(`killed QEMU pid ${started.qemuPid} (left by isobench process ${started.pid})`);
    expect(clean.stdout).toContain(`removed container ${started.containerId.slice(0, 12)} (http-hello, left by isobench process ${started.pid})`);
    expect(clean.stdout).not.toContain(bystander.id.slice(0, 12));
    expect(clean.stdout).not.toContain(`pid ${sleeper.pid}`);

    await expect.poll(() => running(started.qemuPid)).toBe(false);
    expect(await leftBy(started.pid)).toEqual([]);
    expect(await running(sleeper.pid!)).toBe(true);
    expect(existsSync(decoy)).toBe(false);
    expect((await docker.getContainer(bystander.id).inspect()).State.Running).toBe(true);
    await bystander.stop();
  });
});
