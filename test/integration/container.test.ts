import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveInstances, stopAll } from '../../core/lifecycle.ts';
import { ensureImage, extractImage, imageTag, ROOTFS_HASH_LABEL } from '../../fixtures/container-image.ts';
import { elfDependencies, readElf } from '../../fixtures/elf-closure.ts';
import { probeOnce } from '../../fixtures/probes.ts';
import { buildRootfs, hashTree, type BuiltRootfs } from '../../fixtures/rootfs.ts';
import { WORKLOADS, type Workload } from '../../fixtures/workloads.ts';
import { createContainerRunner } from '../../runners/container/runner.ts';
import { docker, dockerAvailability } from '../../runners/container/docker.ts';
import { TrialFailure } from '../../runners/types.ts';
import type { WorkloadName } from '../../cli/config.ts';

// The cache `npm run bench` uses, so the rootfs trees and images built here are not built twice.
const cacheDir = fileURLToPath(new URL('../../.isobench/cache', import.meta.url));
const runner = createContainerRunner({ cacheDir });
const names = Object.keys(WORKLOADS) as WorkloadName[];
const built = new Map<WorkloadName, BuiltRootfs>();
/** What each server writes once it is up. */
const startupLine: Record<WorkloadName, string> = {
  'http-hello': 'server started (lighttpd/',
  nginx: 'getrlimit(RLIMIT_NOFILE)',
  redis: 'Ready to accept connections',
  postgres: 'database system is ready to accept connections',
};

async function ourContainers(): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`isobench.run=${process.pid}`] } });
  return list.map((c) => c.Id);
}

beforeAll(async () => {
  const availability = await dockerAvailability();
  expect(availability, 'these tests need a running Docker engine').toMatchObject({ ok: true });
  for (const name of names) {
    await runner.prepare(WORKLOADS[name]);
    built.set(name, (await buildRootfs(WORKLOADS[name], { cacheDir }))!);
  }
});

afterAll(async () => {
  await stopAll();
  expect(await ourContainers()).toEqual([]);
});

describe.each(names)('%s', (name) => {
  const w = WORKLOADS[name];

  it('has a self-contained rootfs: every ELF finds its libraries and loader inside it', async () => {
    const tree = built.get(name)!.dir;
    const files = (await readdir(tree, { recursive: true })).map((f) => `/${f}`);
    let dynamic = 0;
    for (const file of files) {
      if (!(await lstat(join(tree, file))).isFile() || !(await readElf(join(tree, file)))?.dynamic) continue;
      dynamic++;
      await elfDependencies(tree, file);
    }
    if (name !== 'http-hello') expect(dynamic).toBeGreaterThan(0);
    expect(files.filter((f) => /libLLVM|llvmjit/.test(f))).toEqual([]);
    expect((await lstat(join(tree, 'bin/sh'))).isSymbolicLink()).toBe(true);
  });

  it('is imported as a one-layer image holding exactly the rootfs (same content hash)', async () => {
    const rootfs = built.get(name)!;
    const tag = await ensureImage(docker, rootfs);
    expect(tag).toBe(imageTag(rootfs));
    const info = await docker.getImage(tag).inspect();
    expect(info.Config.Labels?.[ROOTFS_HASH_LABEL]).toBe(rootfs.hash);
    expect(info.RootFS.Layers).toHaveLength(1);

    const work = await mkdtemp(join(tmpdir(), 'isobench-image-test-'));
    try {
      await extractImage(docker, tag, work);
      expect(await hashTree(work)).toBe(rootfs.hash);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('starts, answers its probe, has memory, and is gone after stop', async () => {
    const instance = await runner.start(w, { readyTimeoutMs: 60_000 });
    try {
      expect(liveInstances()).toContain(`container ${name} (${instance.id.slice(0, 12)}, port ${instance.endpoint.port})`);
      const { requested, spawned, ready } = instance.phases;
      expect(requested).toBe(0);
      expect(spawned).toBeGreaterThan(0);
      expect(ready).toBeGreaterThanOrEqual(spawned!);
      await probeOnce(w.probe, instance.endpoint);
      expect(await instance.alive()).toBe(true);

      const info = await docker.getContainer(instance.id).inspect();
      expect(info.Config.Labels).toMatchObject({ isobench: '1', 'isobench.run': String(process.pid), 'isobench.workload': name });
      expect(info.Config.User).toBe(`${w.user.uid}:${w.user.gid}`);
      expect(info.HostConfig.Privileged).toBe(false);
      expect(info.Mounts).toEqual([]);
      expect(info.HostConfig.PortBindings).toEqual({ [`${w.port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: String(instance.endpoint.port) }] });
      expect(instance.pid).toBe(info.State.Pid);

      const memory = await instance.memory();
      expect(memory.rssBytes).toBeGreaterThan(0);
      expect(memory.pssBytes).toBeGreaterThan(0);
      expect(memory.parts?.cgroupBytes).toBeGreaterThan(0);
      expect(memory.parts?.shimRssBytes).toBeGreaterThan(0);
      expect(memory.rssBytes).toBe(memory.parts!.cgroupBytes! + memory.parts!.shimRssBytes!);
      expect(runner.label(w)).toMatchObject({ accelerator: { kind: 'none' }, rootfsHash: built.get(name)!.hash });

      const line = startupLine[name];
      // The log follower delivers asynchronously: give it a bounded number of chances.
      for (let i = 0; !instance.logs().includes(line) && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
      expect(instance.logs()).toContain(line);
    } finally {
      await instance.stop();
    }
    await instance.stop();
    expect(await instance.alive()).toBe(false);
    expect(await ourContainers()).not.toContain(instance.id);
    expect(liveInstances().filter((d) => d.includes(instance.id.slice(0, 12)))).toEqual([]);
  });
});

describe('failures', () => {
  const hello = WORKLOADS['http-hello'];
  const wrongBody: Workload = { ...hello, probe: { ...hello.probe, kind: 'http', path: '/index.html', expectStatus: 200, expectBody: 'not what httpd serves\n' } };

  it('a probe that never succeeds gives a TrialFailure with its reason, and no container is left', async () => {
    const failure = await runner.start(wrongBody, { readyTimeoutMs: 3_000 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TrialFailure);
    expect((failure as TrialFailure).message).toMatch(/^http-hello container not ready within \d+ ms; last probe error: GET .*: body mismatch: expected "not what httpd serves\\n", got "hello from isobench\\n"$/);
    expect(typeof (failure as TrialFailure).consoleTail).toBe('string');
    expect(await ourContainers()).toEqual([]);
    expect(liveInstances()).toEqual([]);
  });

  it('a workload that exits gives a TrialFailure with its exit status and its output, and no container is left', async () => {
    const exits: Workload = { ...hello, command: ['/bin/busybox', 'sh', '-c', 'echo giving up >&2; exit 3'] };
    const failure = await runner.start(exits, { readyTimeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TrialFailure);
    expect((failure as TrialFailure).message).toMatch(/^http-hello container exited with status 3: the instance died before it was ready; last probe error: /);
    expect((failure as TrialFailure).consoleTail).toContain('giving up');
    expect(await ourContainers()).toEqual([]);
  });

  it('aborting a start removes the container and rejects with the abort reason', async () => {
    const controller = new AbortController();
    const starting = runner.start(wrongBody, { readyTimeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('interrupted by the test')), 500);
    await expect(starting).rejects.toThrow('interrupted by the test');
    expect(await ourContainers()).toEqual([]);
    expect(liveInstances()).toEqual([]);
  });
});
