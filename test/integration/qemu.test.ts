import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { liveInstances } from '../../core/lifecycle.ts';
import { decideAccelerator, DEBUG_EXIT_DEVICE, kvmDeviceProblem, probeAccelerator, probeBootSector, PROBE_MARKER } from '../../runners/qemu/accel.ts';
import type { QemuSpec } from '../../runners/qemu/args.ts';
import { ConsoleWaitError } from '../../runners/vm/console.ts';
import { launchQemu } from '../../runners/qemu/launch.ts';
import { qemuArgv, scratchDir } from './qemu-helpers.ts';
import { processAlive } from '../../core/processes.ts';

const run = promisify(execFile);

const after = <T>(args: string[], flag: string) => args[args.indexOf(flag) + 1] as T;

const work = scratchDir('qemu');
let bootSector: string;
beforeAll(async () => {
  bootSector = join(work(), 'boot.img');
  await writeFile(bootSector, probeBootSector());
});

/** The probe boot sector under TCG; without the debug-exit device it idles after printing its marker. */
const idleGuest = (name: string): QemuSpec => ({ name, machine: 'pc', accel: 'tcg', cpu: 'max', vcpus: 1, memoryMiB: 16, disks: [bootSector] });

describe('the accelerator probe', () => {
  it('can succeed: its guest boots under TCG and prints the marker', async () => {
    expect(await probeAccelerator('tcg', work())).toEqual({ ok: true });
    expect(liveInstances()).toEqual([]);
  });

  it('decides with a reason, caches the verdict for this kernel and QEMU, and refuses a forced KVM that does not work', async () => {
    const cache = join(work(), 'accel-cache');
    const first = await decideAccelerator('auto', cache);
    const device = await kvmDeviceProblem();
    if (first.kind === 'tcg') {
      // On this testbed /dev/kvm exists but its guests abort: the reason must say which of the two it was.
      expect(first.reason).toMatch(device ? /\/dev\/kvm/ : /^KVM probe guest: (qemu exited: .+|did not print its marker within 5 s)$/);
      await expect(decideAccelerator('kvm', cache)).rejects.toThrow(/^accel: 'kvm' was requested but KVM is not usable here: .+ Set accel to 'auto'/);
    } else {
      expect(first.reason).toBe('KVM probe guest booted and printed its marker');
      expect(await decideAccelerator('kvm', cache)).toMatchObject({ kind: 'kvm' });
    }
    const second = await decideAccelerator('auto', cache);
    expect(second.kind).toBe(first.kind);
    if (!device) expect(second.reason).toMatch(/\(probed .+, cached for this kernel and QEMU\)$/);
    expect(await decideAccelerator('tcg', cache)).toEqual({ kind: 'tcg', reason: "accel: 'tcg' in the config" });
  });
});

describe('launchQemu', () => {
  it('runs a guest with its console, QMP socket, pid file and sandbox, and stops it cleanly through QMP', async () => {
    const qemu = await launchQemu(idleGuest('qemu-it-stop'));
    let pidFile: string, qmp: string;
    try {
      const { at } = await qemu.console.waitFor(new RegExp(PROBE_MARKER), { timeoutMs: 30_000 });
      expect(qemu.console.firstByteAt).toBeGreaterThan(qemu.spawnedAt);
      expect(at).toBeGreaterThanOrEqual(qemu.console.firstByteAt!);
      expect(qemu.console.tail(5)).toContain(PROBE_MARKER);

      const args = qemuArgv(qemu.pid);
      pidFile = after<string>(args, '-pidfile');
      qmp = after<string>(args, '-qmp').replace(/^unix:/, '').replace(/,server=on,wait=off$/, '');
      expect(args).toContain('-sandbox');
      expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(qemu.pid));
      expect(existsSync(qmp)).toBe(true);
      expect(liveInstances()).toContain(`qemu-it-stop (qemu pid ${qemu.pid})`);

      const memory = await qemu.memory();
      expect(memory.rssBytes).toBeGreaterThan(0);
      expect(memory.pssBytes).toBeGreaterThan(0);
      expect(memory.peakRssBytes).toBeGreaterThanOrEqual(memory.rssBytes);
    } catch (error) {
      await qemu.stop();
      throw error;
    }
    await Promise.all([qemu.stop(), qemu.stop()]);
    expect(processAlive(qemu.pid)).toBe(false);
    expect(qemu.running()).toBe(false);
    // An orderly exit on our SIGTERM (QEMU names the sender), not the SIGKILL of the grace period.
    expect(await qemu.exited).toEqual({ code: 0, signal: null });
    expect(qemu.stderr()).toMatch(new RegExp(`terminating on signal 15 from pid ${process.pid}`));
    expect(existsSync(pidFile)).toBe(false);
    expect(existsSync(qmp)).toBe(false);
    expect(liveInstances()).toEqual([]);
    await qemu.stop();
  });

  it('kills a QEMU that does not quit within the grace period', async () => {
    const qemu = await launchQemu({ ...idleGuest('qemu-it-wedged'), graceMs: 500 });
    try {
      await qemu.console.waitFor(new RegExp(PROBE_MARKER), { timeoutMs: 30_000 });
      // A stopped process answers neither QMP nor SIGTERM; only SIGKILL ends it.
      process.kill(qemu.pid, 'SIGSTOP');
    } finally {
      await qemu.stop();
    }
    expect(await qemu.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(processAlive(qemu.pid)).toBe(false);
    expect(liveInstances()).toEqual([]);
  });

  it('rejects a console wait when QEMU exits first, with the exit in the message', async () => {
    const qemu = await launchQemu({ ...idleGuest('qemu-it-exit'), extraArgs: DEBUG_EXIT_DEVICE });
    try {
      const waiting = qemu.console.waitFor(/never printed/, { timeoutMs: 30_000 });
      await expect(waiting).rejects.toBeInstanceOf(ConsoleWaitError);
      await expect(waiting).rejects.toThrow(/^QEMU exited with code 33 before the console printed \/never printed\/$/);
      await expect(waiting).rejects.toMatchObject({ kind: 'exited', consoleTail: expect.stringContaining(PROBE_MARKER) });
    } finally {
      await qemu.stop();
    }
    expect(processAlive(qemu.pid)).toBe(false);
  });

  it('stops the guest when its signal aborts', async () => {
    const controller = new AbortController();
    const qemu = await launchQemu({ ...idleGuest('qemu-it-abort'), signal: controller.signal });
    try {
      await qemu.console.waitFor(new RegExp(PROBE_MARKER), { timeoutMs: 30_000 });
      controller.abort(new Error('interrupted'));
      await qemu.exited;
    } finally {
      await qemu.stop();
    }
    expect(processAlive(qemu.pid)).toBe(false);
    expect(liveInstances()).toEqual([]);
  });

  it('reports QEMU\'s own error when it refuses to start the guest', async () => {
    const qemu = await launchQemu({ ...idleGuest('qemu-it-bad'), extraArgs: ['-device', 'no-such-device'] });
    try {
      const exit = await qemu.exited;
      expect(exit.code).toBe(1);
      expect(qemu.stderr()).toMatch(/'no-such-device' is not a valid device model name/);
    } finally {
      await qemu.stop();
    }
  });

  it('says how to install QEMU when there is none', async () => {
    const module = fileURLToPath(new URL('../../runners/qemu/launch.ts', import.meta.url));
    const script = `import { launchQemu } from ${JSON.stringify(module)};
      launchQemu({ name: 'x', machine: 'pc', accel: 'tcg', cpu: 'max', vcpus: 1, memoryMiB: 16, disks: ['/dev/null'] })
        .then(() => console.log('started'), (e) => console.log(e.message));`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { PATH: work() },
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    expect(stdout.trim()).toBe("qemu-system-x86_64 was not found on PATH: install it with 'apt-get install qemu-system-x86'");
  });
});
