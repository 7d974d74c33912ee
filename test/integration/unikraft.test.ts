import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../cli/config.ts';
import { liveInstances } from '../../core/lifecycle.ts';
import type { Accelerator } from '../../suites/results.ts';
import { vmInitrd } from '../../fixtures/initramfs.ts';
import { debianCloudKernel } from '../../runners/linux-vm/kernel.ts';
import { buildRootfs } from '../../fixtures/rootfs.ts';
import { checkKernel } from '../../runners/unikraft/image.ts';
import { INIT_MARKER } from '../../fixtures/vm-init.ts';
import { WORKLOADS } from '../../fixtures/workloads.ts';
import { cpuModelFor, decideAccelerator } from '../../runners/qemu/accel.ts';
import { launchQemu } from '../../runners/qemu/launch.ts';
import { TrialFailure, type Instance } from '../../runners/types.ts';
import { createUnikraftRunner } from '../../runners/unikraft/runner.ts';
import { GREETING, multibootElf32, multibootElf64 } from '../tiny-kernels.ts';
import { qemuArgv, scratchDir } from './qemu-helpers.ts';
import { processAlive } from '../../core/processes.ts';

const cacheDir = resolve('.isobench/cache');
const httpHello = WORKLOADS['http-hello'];
const MiB = 1024 * 1024;

const work = scratchDir('unikraft');
let accelerator: Accelerator;
beforeAll(async () => {
  accelerator = await decideAccelerator('auto', cacheDir);
});

const runnerWith = (images: Record<string, unknown>) =>
  createUnikraftRunner({ cacheDir, accelerator, config: parseConfig({ runners: { unikraft: { images } } }).runners.unikraft });

describe('the kernel check agrees with QEMU', () => {
  it('boots what it accepts: the 32-bit multiboot ELF Unikraft builds', async () => {
    const kernel = join(work(), 'tiny_qemu-x86_64');
    writeFileSync(kernel, multibootElf32());
    expect(await checkKernel(kernel)).toBe('multiboot');
    const accel = accelerator.kind === 'kvm' ? 'kvm' : 'tcg';
    const qemu = await launchQemu({ name: 'tiny-multiboot', machine: 'pc', accel, cpu: cpuModelFor(accel), vcpus: 1, memoryMiB: 16, kernel });
    try {
      await qemu.console.waitFor(new RegExp(GREETING.trim()), { timeoutMs: 30_000 });
    } finally {
      await qemu.stop();
    }
    expect(processAlive(qemu.pid)).toBe(false);
  });

  it('refuses what QEMU refuses: the 64-bit debug image, before any QEMU starts', async () => {
    const kernel = join(work(), 'tiny_qemu-x86_64.dbg');
    writeFileSync(kernel, multibootElf64());
    const runner = runnerWith({ 'http-hello': { kernel } });
    const availability = await runner.availability(httpHello);
    expect(availability).toMatchObject({ ok: false, reason: expect.stringMatching(/without the \.dbg suffix/) });
    expect(liveInstances()).toEqual([]);
    await expect(runner.start(httpHello, { readyTimeoutMs: 10_000 })).rejects.toThrow(/is not a bootable kernel image/);

    // QEMU itself, given the same file:
    const accel = accelerator.kind === 'kvm' ? 'kvm' : 'tcg';
    const qemu = await launchQemu({ name: 'tiny-multiboot-64', machine: 'pc', accel, cpu: cpuModelFor(accel), vcpus: 1, memoryMiB: 16, kernel });
    try {
      expect((await qemu.exited).code).not.toBe(0);
      expect(qemu.stderr()).toContain('Cannot load x86-64 image, give a 32bit one');
    } finally {
      await qemu.stop();
    }
  });
});

/**
 * What a real Unikraft guest printed, from the transcripts kept next to the repository (../shared/unikraft): the
 * guest's part only (after SeaBIOS' "Booting from ROM.."), without the NULs of the firmware hand-over and without
 * the line QEMU added when it was stopped.
 */
function guestPartOf(transcript: string): string | undefined {
  const file = resolve('..', 'shared', 'unikraft', transcript);
  if (!existsSync(file)) return undefined;
  const raw = readFileSync(file, 'latin1');
  const guest = raw.slice(raw.indexOf('Booting from ROM..') + 'Booting from ROM..'.length);
  return guest.replace(/\0/g, '').replace(/qemu-system-x86_64: terminating[^\n]*\n?$/, '');
}

// Real failing consoles, replayed over the serial port by a tiny kernel (a stand-in, not Unikraft), so the runner's
// whole failure path runs against real QEMU: it must stop at the problem line, without waiting for the probe's
// time-out (an hour here, far beyond the test's own time-out), give the reason, and leave no QEMU.
describe.each([
  { transcript: 'http-c-m3-too-little-memory.console.txt', memoryMiB: 3, tail: 'ERR:', reason: /: the guest ran out of memory with -m 3 MiB: raise memoryMiB \(runners\.unikraft\.images\.http-hello\.memoryMiB\) \(console: ".*Allocation of virtqueue failed"\)$/ },
  // The replay says what a TCG guest said; on a KVM host the reason names the host's CPU instead of TCG.
  { transcript: 'helloworld-needs-rdseed-tcg.console.txt', memoryMiB: 16, tail: 'ERR:', reason: /: this image needs RDSEED, which (TCG lacks: run on a KVM host|this host's CPU does not offer to the guest: run on a CPU with RDSEED) or rebuild with CONFIG_LIBUKRANDOM disabled or seeded in software \(console: ".*Could not initialize the HWRNG \(-95\)"\)$/ },
  // app-elfloader consoles: nginx never exits after its failed worker spawn, so only the console line can end the wait.
  { transcript: 'elfloader-nginx-master-process-on-hangs.console.txt', memoryMiB: 16, tail: '[alert]', reason: /: the workload starts a second process \(fork\), which Unikraft cannot do: configure it to serve from one process \(nginx: master_process off.*\(console: ".*failed while spawning "worker process".*"\)$/ },
  { transcript: 'elfloader-busybox-static-not-pie.console.txt', memoryMiB: 16, tail: 'ERR:', reason: /: the program is a static executable that is not position-independent, which app-elfloader refuses to load: put a PIE build in the rootfs/ },
  { transcript: 'elfloader-postgres-root-refused.console.txt', memoryMiB: 16, tail: '"root" execution', reason: /: the workload refuses to run as root, and on Unikraft every program runs as uid 0: it cannot run on this image/ },
])('a replayed failing console: $transcript', ({ transcript, memoryMiB, tail, reason }) => {
  const guest = guestPartOf(transcript);
  it.skipIf(guest === undefined)('fails at once with the reason the console gives, and leaves no QEMU', async () => {
    const kernel = join(work(), `replay-${transcript}`);
    writeFileSync(kernel, multibootElf32(guest!));
    const runner = runnerWith({
      'http-hello': { kernel, memoryMiB, standIn: `tiny multiboot kernel replaying ${transcript}` },
    });
    const failure = await runner.start(httpHello, { readyTimeoutMs: 3_600_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TrialFailure);
    expect((failure as TrialFailure).message).toMatch(reason);
    expect((failure as TrialFailure).consoleTail).toContain(tail);
    expect(liveInstances()).toEqual([]);
  });
});

describe('a workload without an image', () => {
  it('is not run, with how to get one', async () => {
    const runner = runnerWith({});
    expect(await runner.availability(httpHello)).toEqual({
      ok: false,
      reason: 'no Unikraft image configured for http-hello',
      fix: expect.stringMatching(/^set runners\.unikraft\.elfloader in bench\.config\.ts to an app-elfloader kernel.*runners\.unikraft\.images\.http-hello/),
    });
    expect(runner.label(httpHello).standIn).toBeUndefined();
  });
});

describe('the shared app-elfloader (runners.unikraft.elfloader)', () => {
  const withElfloader = (images: Record<string, unknown> = {}) => {
    const kernel = join(work(), 'elfloader_qemu-x86_64');
    writeFileSync(kernel, multibootElf32());
    const config = parseConfig({ runners: { unikraft: { elfloader: kernel, images } } }).runners.unikraft;
    return { kernel, runner: createUnikraftRunner({ cacheDir, accelerator, config }) };
  };

  it('serves every workload without an image of its own, from its rootfs', async () => {
    const { kernel, runner } = withElfloader();
    expect(await runner.availability(httpHello)).toEqual({ ok: true });
    const notes = runner.label(httpHello).notes.join('\n');
    expect(notes).toContain(`kernel ${kernel} (multiboot)`);
    expect(notes).toContain('the shared app-elfloader (runners.unikraft.elfloader)');
    expect(notes).toContain('initrd: the workload rootfs');
  });

  it('says ahead, without booting, why it cannot run PostgreSQL', async () => {
    const { runner } = withElfloader();
    const availability = await runner.availability(WORKLOADS.postgres);
    expect(availability).toEqual({
      ok: false,
      reason:
        'app-elfloader cannot run postgres: no second process (clone without CLONE_VM is refused); ' +
        'no System V shared memory (shmget is not implemented); every program runs as uid 0',
      fix: expect.stringContaining('runners.unikraft.images.postgres'),
    });
    expect(liveInstances()).toEqual([]);
  });

  it("leaves a workload's own image in charge", async () => {
    const own = join(work(), 'own_qemu-x86_64');
    writeFileSync(own, multibootElf32());
    const { runner } = withElfloader({ nginx: { kernel: own, memoryMiB: 24 } });
    expect(await runner.availability(WORKLOADS.nginx)).toEqual({ ok: true });
    const label = runner.label(WORKLOADS.nginx);
    expect(label.guestMemoryMiB).toBe(24);
    expect(label.notes.join('\n')).not.toContain('shared app-elfloader');
  });
});

describe('stand-in: Debian cloud kernel + the linux-vm initramfs through the unikraft runner (NOT Unikraft)', () => {
  // No Unikraft image or toolchain can be fetched on this testbed, so a Linux kernel takes the image's place.
  const STAND_IN = 'Debian cloud kernel with the linux-vm initramfs';
  let image: Record<string, unknown>;

  beforeAll(async () => {
    const kernel = await debianCloudKernel(cacheDir);
    const built = await buildRootfs(httpHello, { cacheDir });
    const initrd = await vmInitrd({ built, workload: httpHello, kernel, machine: 'pc', cacheDir });
    image = {
      kernel: kernel.kernel,
      initrd: initrd.path,
      // Linux's own parameters; the runner adds netdev.ip and vfs.fstab, which Linux hands to init and init ignores.
      libParams: ['console=ttyS0', 'quiet', 'panic=-1'],
      memoryMiB: 192,
      standIn: STAND_IN,
    };
  }, 600_000);

  it('boots over the kernel + initrd + command line path and is ready over the port forward', async () => {
    const runner = runnerWith({ 'http-hello': image });
    expect(await runner.availability(httpHello)).toEqual({ ok: true });
    await runner.prepare(httpHello);

    let instance: Instance | undefined;
    try {
      instance = await runner.start(httpHello, { readyTimeoutMs: 120_000, memoryMiB: 160 });
      const pid = instance.pid!;

      // Launched the way kraft launches Unikraft images.
      const argv = qemuArgv(pid);
      const append = argv[argv.indexOf('-append') + 1];
      expect(append).toBe('netdev.ip=10.0.2.15/24:10.0.2.2 vfs.fstab=[ "initrd0:/:extract:::" ] console=ttyS0 quiet panic=-1 --');
      expect(argv[argv.indexOf('-cpu') + 1]).toBe(accelerator.kind === 'kvm' ? 'host,+x2apic,-pmu' : 'qemu64,+pdpe1gb,+rdrand,+rdseed,-vmx,-svm');
      expect(argv[argv.indexOf('-m') + 1]).toBe('160');
      expect(argv).toContain('-initrd');
      expect(argv.find((a) => a.startsWith('virtio-net-pci'))).toBe('virtio-net-pci,netdev=n0,romfile=');
      expect(argv.find((a) => a.startsWith('user,'))).toBe(`user,id=n0,hostfwd=tcp:127.0.0.1:${instance.endpoint.port}-:8080`);

      // Its init ran (the stand-in's marker), and the probe's page came back through the forward.
      expect(instance.logs()).toMatch(INIT_MARKER);
      const page = await fetch(`http://127.0.0.1:${instance.endpoint.port}/index.html`);
      expect(await page.text()).toBe('hello from isobench\n');

      // Phases in order; no banner, because this kernel is not Unikraft.
      const { phases } = instance;
      expect(phases.requested).toBe(0);
      expect(phases.spawned).toBeGreaterThan(0);
      expect(phases.firstOutput).toBeGreaterThanOrEqual(phases.spawned!);
      expect(phases.ready).toBeGreaterThan(phases.firstOutput!);
      expect(phases.banner).toBeUndefined();

      const memory = await instance.memory();
      expect(memory.rssBytes).toBeGreaterThan(0);
      expect(memory.pssBytes).toBeGreaterThan(0);
      expect(memory.peakRssBytes).toBeGreaterThanOrEqual(memory.rssBytes);
      expect(memory.guestMemoryBytes).toBe(160 * MiB);
      expect(await instance.alive()).toBe(true);

      const label = runner.label(httpHello, { memoryMiB: 160 });
      expect(label).toMatchObject({ accelerator, machine: 'pc', guestMemoryMiB: 160, vcpus: 1, standIn: STAND_IN });
      expect(label.notes[0]).toMatch(/^STAND-IN: .*this is not Unikraft and is no Unikraft result$/);
      expect(label.notes.join('\n')).not.toMatch(/Unikraft \S+ \d+\.\d+/);
    } finally {
      await instance?.stop();
    }
    expect(processAlive(instance!.pid!)).toBe(false);
    expect(liveInstances()).toEqual([]);
  });

  it('fails a start that cannot become ready with the reason and the console tail, leaving no QEMU', async () => {
    // Nothing listens on guest port 9: the probe can never succeed. The firmware's lines are on the console by then.
    const runner = runnerWith({ 'http-hello': { ...image, guestPort: 9 } });
    const failure = await runner.start(httpHello, { readyTimeoutMs: 6_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TrialFailure);
    expect((failure as TrialFailure).message).toMatch(
      /^http-hello stand-in \(Debian cloud kernel with the linux-vm initramfs, not Unikraft\): not ready within \d+ ms; last probe error: /,
    );
    expect((failure as TrialFailure).consoleTail).toBeTruthy();
    expect(liveInstances()).toEqual([]);
  });

  it('stops the QEMU it is starting when the start is aborted', async () => {
    const runner = runnerWith({ 'http-hello': image });
    const controller = new AbortController();
    const starting = runner.start(httpHello, { readyTimeoutMs: 120_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('test abort')), 500);
    await expect(starting).rejects.toThrow('test abort');
    expect(liveInstances()).toEqual([]);
  });
});
