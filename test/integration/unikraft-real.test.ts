import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../cli/config.ts';
import { stopAll } from '../../core/lifecycle.ts';
import { cachedRootfs } from '../../fixtures/rootfs.ts';
import { WORKLOADS, type Workload } from '../../fixtures/workloads.ts';
import { decideAccelerator } from '../../runners/qemu/accel.ts';
import type { Runner } from '../../runners/index.ts';
import { TrialFailure } from '../../runners/types.ts';
import { createUnikraftRunner } from '../../runners/unikraft/runner.ts';
import { coldStartSuite } from '../../suites/cold-start/index.ts';
import { densitySuite } from '../../suites/density/index.ts';
import { memorySuite } from '../../suites/memory/index.ts';
import { throughputSuite } from '../../suites/throughput/index.ts';
import { bisection, cacheDir, expectNothingLeft, metric, quickConfig, runSuite } from './suites-helpers.ts';

/**
 * Real Unikraft images, opt in: ISOBENCH_UNIKRAFT_IMAGES=DIR, where DIR holds (docs/unikraft.md, "Testing with real
 * images"):
 *   elfloader/elfloader_qemu-x86_64   an app-elfloader kernel (qemu, x86_64): runs the workloads from their rootfs
 *   nginx/nginx_qemu-x86_64           optional: a native nginx (lib-nginx) serving the workload's page on port 8080,
 *   nginx/rootfs.cpio                 from this initrd
 * Such images cannot be built on the test machine (no toolchain, no network), so without the variable this file is
 * reported as skipped, with the reason, and the rest of the suite stands without it.
 */
const IMAGES = process.env.ISOBENCH_UNIKRAFT_IMAGES;
const dir = IMAGES ? resolve(IMAGES) : undefined;
const elfloader = dir && join(dir, 'elfloader', 'elfloader_qemu-x86_64');
const nativeNginx = dir && join(dir, 'nginx', 'nginx_qemu-x86_64');
const haveNativeNginx = Boolean(nativeNginx && existsSync(nativeNginx));
const SKIPPED = 'real Unikraft image tests skipped: set ISOBENCH_UNIKRAFT_IMAGES=DIR (layout in docs/unikraft.md) to run them';
if (!dir) console.warn(SKIPPED);

const LONG = 900_000;
const { 'http-hello': httpHello, nginx, redis, postgres } = WORKLOADS;

function runnerFor(unikraft: NonNullable<NonNullable<ConfigInput['runners']>['unikraft']>) {
  return async () =>
    createUnikraftRunner({
      cacheDir,
      accelerator: await decideAccelerator('auto', cacheDir),
      config: quickConfig({ runners: { unikraft } }).runners.unikraft,
    });
}
const elfloaderRunner = runnerFor({ elfloader });

afterAll(async () => {
  await stopAll();
});

describe.runIf(dir)(`real Unikraft images from ${dir}: app-elfloader with each workload's own rootfs`, () => {
  beforeAll(() => {
    expect(existsSync(elfloader!), `${elfloader} (see the layout at the top of this file)`).toBe(true);
  });

  it.each([httpHello, nginx, redis])(
    'cold start of $name: ready through its own probe, with the same rootfs as the container and the VM',
    async (w: Workload) => {
      const runner = await elfloaderRunner();
      const { cell, progress } = await runSuite(coldStartSuite, runner, w);
      expect(cell.status, `${cell.reason ?? ''}\n${progress.join('\n')}`).toBe('ok');
      // The hash of the tree the container image and the VM's initramfs are made from.
      expect(cell.label.rootfsHash).toBe(cachedRootfs(w, cacheDir)!.hash);
      expect(cell.label.standIn).toBeUndefined();
      expect(cell.label.notes.join('\n')).toMatch(/Unikraft \S+ 0\.\d+\.\d+/);
      const ready = metric(cell, 'ready_ms').samples;
      expect(ready.length).toBe(quickConfig().suite['cold-start'].trials);
      await expectNothingLeft();
    },
    LONG,
  );

  it('PostgreSQL is not run (the run asks availability first), with the reason, and nothing is started', async () => {
    const runner = await elfloaderRunner();
    expect(await runner.availability(postgres)).toMatchObject({ ok: false, reason: expect.stringMatching(/^app-elfloader cannot run postgres: no second process/) });
    await expectNothingLeft();
  });

  it(
    'a workload that forks fails at the console line that says so, not at the probe time-out',
    async () => {
      const forking: Workload = {
        ...nginx,
        rootfs: {
          ...nginx.rootfs,
          files: {
            ...nginx.rootfs.files,
            '/etc/nginx/nginx.conf': { content: nginx.rootfs.files['/etc/nginx/nginx.conf']!.content.replace('master_process off;', '') },
          },
        },
      };
      const runner = await elfloaderRunner();
      await runner.prepare(forking);
      // An hour: only the console line can end this start within the test's own time-out.
      const failure = await runner.start(forking, { readyTimeoutMs: 3_600_000 }).then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(TrialFailure);
      expect((failure as TrialFailure).message).toMatch(/^nginx unikernel: the workload starts a second process \(fork\)/);
      await expectNothingLeft();
    },
    LONG,
  );

  it(
    'memory: idle footprint and the smallest guest memory that serves, found by bisection',
    async () => {
      const runner = await elfloaderRunner();
      const config = quickConfig({ runners: { unikraft: { elfloader } }, suite: { memory: { minMemory: { lowMiB: 8, highMiB: 128 } } } });
      const { cell, progress } = await runSuite(memorySuite, runner, nginx, config);
      expect(cell.status, `${cell.reason ?? ''}\n${progress.join('\n')}`).toBe('ok');
      const extra = bisection(cell);
      expect(extra.minimum).toBeGreaterThan(8);
      expect(extra.minimum).toBeLessThanOrEqual(128);
      // Too little memory is a console line (named with the size given), not a hang.
      const failed = extra.steps.filter((s) => !s.ok);
      expect(failed.length).toBeGreaterThan(0);
      await expectNothingLeft();
    },
    LONG,
  );

  it.each([nginx, redis])(
    'throughput of $name under load, with no errors',
    async (w: Workload) => {
      const runner = await elfloaderRunner();
      const { cell, progress } = await runSuite(throughputSuite, runner, w);
      expect(cell.status, `${cell.reason ?? ''}\n${progress.join('\n')}`).toBe('ok');
      const rate = cell.metrics.find((m) => m.name === 'requests_per_s' || m.name === 'ops_per_s')!;
      expect(rate.samples[0]).toBeGreaterThan(0);
      await expectNothingLeft();
    },
    LONG,
  );
});

/** A density of 20: all up, all answer the sweep, all stopped. */
async function densityOf20(runner: Runner, w: Workload): Promise<void> {
  const config = quickConfig({ suite: { density: { target: 20, concurrency: 4 } } });
  const { cell, progress } = await runSuite(densitySuite, runner, w, config);
  expect(cell.status, `${cell.reason ?? ''}\n${progress.join('\n')}`).toBe('ok');
  expect(metric(cell, 'density_count').samples).toEqual([20]);
  await expectNothingLeft();
}

describe.runIf(dir)(`real Unikraft images from ${dir}: density`, () => {
  it('20 http-hello unikernels on app-elfloader: all up, all answer the sweep, all stopped', async () => densityOf20(await elfloaderRunner(), httpHello), LONG);

  it.runIf(haveNativeNginx)('20 native nginx unikernels at 8 MiB: all up, all answer the sweep, all stopped', async () => {
    const native = runnerFor({ images: { nginx: { kernel: nativeNginx!, initrd: join(dir!, 'nginx', 'rootfs.cpio'), memoryMiB: 8 } } });
    await densityOf20(await native(), nginx);
  }, LONG);
});

describe.skipIf(dir)(SKIPPED, () => {
  it.skip('cold start, memory, throughput and density on real app-elfloader and native nginx images', () => {});
});
