import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type ConfigInput } from '../../cli/config.ts';
import { liveInstances } from '../../core/lifecycle.ts';
import type { Accelerator } from '../../suites/results.ts';
import { ensureImage, extractImage } from '../../fixtures/container-image.ts';
import { vmInitrd } from '../../fixtures/initramfs.ts';
import { debianCloudKernel } from '../../runners/linux-vm/kernel.ts';
import { probeOnce } from '../../fixtures/probes.ts';
import { buildRootfs, hashTree } from '../../fixtures/rootfs.ts';
import { WORKLOADS, type Workload } from '../../fixtures/workloads.ts';
import { docker, dockerAvailability } from '../../runners/container/docker.ts';
import { createLinuxVmRunner } from '../../runners/linux-vm/runner.ts';
import { decideAccelerator } from '../../runners/qemu/accel.ts';
import { TrialFailure, type Instance } from '../../runners/types.ts';
import { scratchDir } from './qemu-helpers.ts';
import { processAlive } from '../../core/processes.ts';

const run = promisify(execFile);
const cacheDir = fileURLToPath(new URL('../../.isobench/cache', import.meta.url));
const MiB = 1024 * 1024;

const work = scratchDir('linux-vm');
let accelerator: Accelerator;
beforeAll(async () => {
  accelerator = await decideAccelerator('auto', cacheDir);
}, 600_000);

const runnerWith = (vm: NonNullable<ConfigInput['runners']>['linux-vm'] = {}) =>
  createLinuxVmRunner({ cacheDir, accelerator, config: parseConfig({ runners: { 'linux-vm': vm } }).runners['linux-vm'] });

describe.each(['http-hello', 'nginx'] as const)('%s as a Linux VM', (name) => {
  const w = WORKLOADS[name];
  let runner: ReturnType<typeof runnerWith>;

  beforeAll(async () => {
    runner = runnerWith();
    await runner.prepare(w);
  }, 600_000);

  it('boots, is reached over the port forward, measures its phases and memory, and leaves nothing after stop', async () => {
    let instance: Instance | undefined;
    try {
      instance = await runner.start(w, { readyTimeoutMs: 120_000 });
      const pid = instance.pid!;
      expect(liveInstances()).toContain(`linux-vm-${name} (qemu pid ${pid})`);
      const { requested, spawned, firstOutput, kernelInit, ready } = instance.phases;
      expect(requested).toBe(0);
      expect(spawned).toBeGreaterThan(0);
      expect(firstOutput).toBeGreaterThan(spawned!);
      expect(kernelInit).toBeGreaterThan(firstOutput!);
      expect(ready).toBeGreaterThan(kernelInit!);
      expect(instance.guestUptimeAtInitS).toBeGreaterThan(0);
      expect(instance.logs()).toMatch(/ISOBENCH-INIT \d+\.\d+\n/);

      const response = await fetch(`http://127.0.0.1:${instance.endpoint.port}/index.html`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('hello from isobench\n');

      const memory = await instance.memory();
      expect(memory.guestMemoryBytes).toBe(w.vmMemoryMiB * MiB);
      expect(memory.rssBytes).toBeGreaterThan(0);
      expect(memory.pssBytes).toBeGreaterThan(0);
      expect(memory.peakRssBytes).toBeGreaterThanOrEqual(memory.rssBytes);
      expect(await instance.alive()).toBe(true);

      const label = runner.label(w);
      expect(label).toMatchObject({ accelerator, machine: 'pc', guestMemoryMiB: w.vmMemoryMiB, vcpus: 1 });
      expect(label.rootfsHash).toMatch(/^[0-9a-f]{64}$/);
      expect(label.notes.join('\n')).toMatch(/kernel 6\.\d+\.\d+-\d+-cloud-amd64, command line "console=ttyS0 quiet panic=-1"/);

      await instance.stop();
      expect(processAlive(pid)).toBe(false);
      expect(await instance.alive()).toBe(false);
      expect(liveInstances()).toEqual([]);
      await expect(probeOnce(w.probe, instance.endpoint)).rejects.toThrow();
    } finally {
      await instance?.stop();
    }
  });
});

describe('what the VM boots', () => {
  const w = WORKLOADS['http-hello'];

  it('is byte for byte the rootfs the container image is made from', async () => {
    const built = await buildRootfs(w, { cacheDir });
    const kernel = await debianCloudKernel(cacheDir);
    const initrd = await vmInitrd({ built, workload: w, kernel, machine: 'pc', cacheDir });

    // The initrd begins with the rootfs archive, unchanged.
    const whole = readFileSync(initrd.path);
    expect(whole.subarray(0, initrd.rootfsBytes).equals(readFileSync(initrd.rootfsCpio))).toBe(true);
    expect(whole.length).toBe(initrd.rootfsBytes + initrd.layerBytes);
    expect(initrd.modules).toEqual(expect.arrayContaining(['virtio_pci', 'virtio_net']));
    expect(initrd.modules.indexOf('virtio')).toBeLessThan(initrd.modules.indexOf('virtio_net'));

    // GNU cpio stops at the first trailer: it unpacks exactly the rootfs part of the initrd.
    const unpacked = join(work(), 'initrd-rootfs');
    await mkdir(unpacked);
    await run('sh', ['-c', `cpio -idm --quiet --no-absolute-filenames < '${initrd.path}'`], { cwd: unpacked });
    expect(await hashTree(unpacked)).toBe(built.hash);

    const availability = await dockerAvailability();
    if (!availability.ok) {
      console.warn(`container side of the comparison skipped: ${availability.reason}`);
      return;
    }
    const fromImage = join(work(), 'image-rootfs');
    await mkdir(fromImage);
    await extractImage(docker, await ensureImage(docker, built), fromImage);
    expect(await hashTree(fromImage)).toBe(built.hash);
  });
});

describe('failures', () => {
  it('a guest whose command exits at once is a failed trial with its console, not a hang', async () => {
    const w: Workload = { ...WORKLOADS['http-hello'], command: ['/bin/busybox', 'sh', '-c', 'echo isobench-test-exits; exit 3'] };
    const runner = runnerWith();
    const failure = await runner.start(w, { readyTimeoutMs: 120_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TrialFailure);
    expect((failure as TrialFailure).message).toBe("http-hello VM: the workload's command exited with status 3 (the VM powered off)");
    expect((failure as TrialFailure).consoleTail).toMatch(/isobench-test-exits\nISOBENCH-EXIT 3/);
    expect(liveInstances()).toEqual([]);
  });

  it('an aborted start stops its QEMU and rejects with the abort reason', async () => {
    const controller = new AbortController();
    const starting = runnerWith().start(WORKLOADS['http-hello'], { readyTimeoutMs: 120_000, signal: controller.signal });
    // Abort while the guest boots: by then the QEMU exists and is tracked.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [booting] = liveInstances();
    expect(booting).toMatch(/^linux-vm-http-hello \(qemu pid \d+\)$/);
    controller.abort(new Error('interrupted by the test'));
    await expect(starting).rejects.toThrow('interrupted by the test');
    expect(processAlive(Number(/pid (\d+)/.exec(booting!)![1]))).toBe(false);
    expect(liveInstances()).toEqual([]);
  });

  it('a missing kernel is one clear error before any QEMU starts', async () => {
    const runner = runnerWith({ kernel: { path: join(work(), 'no-vmlinuz'), modulesDir: work() } });
    const w = WORKLOADS['http-hello'];
    await expect(runner.prepare(w)).rejects.toThrow(
      new RegExp(`^guest kernel ${join(work(), 'no-vmlinuz')} does not exist: set runners\\['linux-vm'\\]\\.kernel to an existing bzImage`),
    );
    await expect(runner.start(w, { readyTimeoutMs: 10_000 })).rejects.toThrow(/does not exist/);
    expect(liveInstances()).toEqual([]);
  });

  it('a corrupt kernel is one clear error before any QEMU starts', async () => {
    const kernel = join(work(), 'corrupt-vmlinuz');
    const real = await open((await debianCloudKernel(cacheDir)).kernel, 'r');
    try {
      // A truncated download: the first 512 bytes of a real bzImage, before its boot header.
      const head = Buffer.alloc(512);
      await real.read(head, 0, 512, 0);
      await writeFile(kernel, head);
    } finally {
      await real.close();
    }
    const runner = runnerWith({ kernel: { path: kernel, modulesDir: work() } });
    await expect(runner.prepare(WORKLOADS['http-hello'])).rejects.toThrow(
      /is not an x86 bzImage \(no "HdrS" boot header at offset 0x202; truncated, compressed or not a kernel\)/,
    );
    expect(liveInstances()).toEqual([]);
  });

  it('Debian\'s kernel on microvm is not run, with the reason', async () => {
    const availability = await runnerWith({ machine: 'microvm' }).availability(WORKLOADS['http-hello']);
    expect(availability).toMatchObject({ ok: false, reason: expect.stringMatching(/microvm/), fix: expect.stringMatching(/machine to 'pc'/) });
  });
});
