import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../suites/results-io.ts';
import { cmdline, descendants, leftBy, qemuAmong, running, runFolders, startCli, startProcess } from './faults-helpers.ts';

// Interrupting a real `npm run bench` (node bin/isobench.js run) while a Linux VM boots under QEMU.

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'isobench-faults-interrupt-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const VM_RUN = ['run', '--runner', 'linux-vm', '--workload', 'http-hello', '--quick'];

/** Starts a run and waits until the progress line `step` is shown and a QEMU of it exists; returns them. */
async function runUntil(out: string, step: RegExp) {
  const cli = startCli([...VM_RUN, '--out', out]);
  const qemu = await cli.until(async () => {
    if (!step.test(cli.output().stderr)) return undefined;
    const [pid] = await qemuAmong(await descendants(cli.pid));
    return pid;
  }, 120_000);
  // The isobench process itself: the one whose run folder holds the QEMU's pid file.
  const harness = Number(/\/isobench-run\/(\d+)\//.exec(await cmdline(qemu))![1]);
  return { cli, qemu, harness };
}

async function onlyResults(out: string) {
  const [folder] = await runFolders(out);
  expect(folder, `a run folder in ${out}`).toBeDefined();
  return readResults(join(folder!, 'results.json'));
}

describe('interrupting a run', () => {
  it('Ctrl-C during a VM trial stops the VM, keeps the warm-up measured before it, and exits 130', async () => {
    const out = join(work, 'sigint');
    const { cli, qemu, harness } = await runUntil(out, /trial 1\/3/);
    // What Ctrl-C does: SIGINT to the whole foreground process group (isobench and its QEMU here; under
    // `npm run bench` npm too, which forwards it to isobench once more a moment later: the echo sent next).
    process.kill(-cli.pid, 'SIGINT');
    process.kill(cli.pid, 'SIGINT');
    const exit = await cli.exited;

    expect(exit.status, exit.stderr).toBe(130);
    expect(exit.stderr).toContain('SIGINT: stopping every instance and writing the partial results');
    // The echo is the same Ctrl-C, not a second press: the run still winds down and writes everything.
    expect(exit.stderr).not.toContain('SIGINT again:');
    const results = await onlyResults(out);
    expect(results.partial).toBe(true);
    expect(results.partialReason).toBe('interrupted by SIGINT');
    expect(results.finishedAt).not.toBeNull();
    expect(results.cells).toHaveLength(1);
    const [cell] = results.cells;
    expect(cell).toMatchObject({ suite: 'cold-start', workload: 'http-hello', runner: 'linux-vm', status: 'partial', reason: 'interrupted' });
    // The warm-up finished before the signal: it is in the results.
    expect(cell!.trials.filter((t) => t.warmup && t.ok)).toHaveLength(1);

    expect(await running(qemu)).toBe(false);
    expect(await leftBy(harness)).toEqual([]);
  });

  it('an uncaught error while a VM boots stops it, writes the partial results with the error, and exits 70', async () => {
    const out = join(work, 'uncaught');
    // Without npx in between, the process started is isobench itself.
    const harness = startProcess(process.execPath, ['--import', 'tsx', '--import', './test/integration/inject-uncaught.ts', 'cli/main.ts', ...VM_RUN, '--out', out]);
    const exit = await harness.exited;

    expect(exit.status, exit.stderr).toBe(70);
    expect(exit.stderr).toContain(
      'uncaught error (injected by the test: a bug in a callback): stopping every instance and writing the partial results',
    );
    // The stack, once, at the end.
    expect(exit.stderr).toMatch(/\nisobench: Error: injected by the test: a bug in a callback\n +at .*inject-uncaught\.ts/);
    const results = await onlyResults(out);
    expect(results.partial).toBe(true);
    expect(results.partialReason).toBe('injected by the test: a bug in a callback');
    expect(await leftBy(harness.pid)).toEqual([]);
  });

  it('SIGTERM to the isobench process alone stops the VM still booting itself, and exits 143', async () => {
    const out = join(work, 'sigterm');
    const { cli, qemu, harness } = await runUntil(out, /warm-up \(1\//);
    // Only isobench gets the signal: QEMU is stopped by isobench or not at all.
    process.kill(harness, 'SIGTERM');
    const exit = await cli.exited;

    expect(exit.status, exit.stderr).toBe(143);
    const results = await onlyResults(out);
    expect(results.partial).toBe(true);
    expect(results.partialReason).toBe('interrupted by SIGTERM');
    expect(results.cells.map((c) => c.status)).toEqual(['partial']);
    expect(await running(qemu)).toBe(false);
    expect(await leftBy(harness)).toEqual([]);
  });
});
