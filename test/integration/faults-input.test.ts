import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../cli/config.ts';
import { stopAll } from '../../core/lifecycle.ts';
import { WORKLOADS, type Workload } from '../../fixtures/workloads.ts';
import { createContainerRunner } from '../../runners/container/runner.ts';
import { createLinuxVmRunner } from '../../runners/linux-vm/runner.ts';
import { decideAccelerator } from '../../runners/qemu/accel.ts';
import type { Runner } from '../../runners/index.ts';
import { TrialFailure } from '../../runners/types.ts';
import { runCli, runFolders, writeConfig } from './faults-helpers.ts';
import { cacheDir, expectNothingLeft } from './suites-helpers.ts';

// The next port a runner allocates can be forced, to play the race in which another process takes it first.
const forced = vi.hoisted(() => ({ port: undefined as number | undefined }));
vi.mock('../../core/ports.ts', async (original) => {
  const real = await original<typeof import('../../core/ports.ts')>();
  return { ...real, allocatePort: () => (forced.port === undefined ? real.allocatePort() : Promise.resolve(forced.port)) };
});

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'isobench-faults-input-'));
  // An ES module folder, as a testbed's own repository is: the configs `import ... from 'isobench'`.
  await writeFile(join(work, 'package.json'), '{ "type": "module" }\n');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await stopAll();
  await expectNothingLeft();
});

/** Runs `isobench run` for a linux-vm cell with `config`; the run must be refused before it creates anything. */
async function refused(name: string, config: unknown) {
  const out = join(work, `out-${name}`);
  const exit = await runCli(['run', '--runner', 'linux-vm', '--workload', 'http-hello', '--no-install', '--config', await writeConfig(work, config, `${name}.config.ts`), '--out', out]);
  expect(await runFolders(out)).toEqual([]);
  return { ...exit, source: join(work, `${name}.config.ts`) };
}

// Side by side: each is a CLI process refused before it starts anything, its time mostly Node loading isobench.
describe.concurrent('bad input through the real CLI: one line naming the problem and the fix, exit code 2, nothing started', () => {
  it('an unknown config key names the key and what is allowed there', async () => {
    const exit = await refused('unknown-key', { suite: { 'cold-start': { trails: 3 } } });
    expect(exit.status).toBe(2);
    expect(exit.stderr).toBe(
      `isobench: ${exit.source}: unknown key "suite.cold-start.trails"; allowed here: trials, warmups, readyTimeoutMs, injectDelayMs\n`,
    );
  });

  it('impossible values (0 trials, negative memory) name each key and the allowed range', async () => {
    const exit = await refused('impossible', { suite: { 'cold-start': { trials: 0 } }, runners: { 'linux-vm': { memoryMiB: -64 } } });
    expect(exit.status).toBe(2);
    expect(exit.stderr).toContain(`${exit.source}: suite.cold-start.trials: Too small: expected number to be >0`);
    expect(exit.stderr).toContain(`${exit.source}: runners.linux-vm.memoryMiB: Too small: expected number to be >=1`);
  });

  it('a kernel path that does not exist', async () => {
    const exit = await refused('no-kernel', { runners: { 'linux-vm': { kernel: { path: join(work, 'no-vmlinuz'), modulesDir: work } } } });
    expect(exit.status).toBe(2);
    expect(exit.stderr).toBe(
      `isobench: ${exit.source}: guest kernel ${join(work, 'no-vmlinuz')} does not exist: set runners['linux-vm'].kernel to an existing ` +
        "bzImage, or remove it to use Debian's linux-image-cloud-amd64\n",
    );
  });

  it('a corrupt kernel image: no QEMU is started', async () => {
    const junk = join(work, 'junk-vmlinuz');
    await writeFile(junk, Buffer.alloc(64 * 1024, 0x5a));
    const exit = await refused('junk-kernel', { runners: { 'linux-vm': { kernel: { path: junk, modulesDir: work } } } });
    expect(exit.status).toBe(2);
    expect(exit.stderr).toMatch(new RegExp(`^isobench: ${exit.source}: guest kernel ${junk} is not an x86 bzImage \\(no "HdrS" boot header`));
    // Refused before the preflight, the first step that may start a QEMU (the KVM probe).
    expect(exit.stderr).not.toContain('accelerator');
  });

  it('an unknown workload on the command line', async () => {
    const exit = await runCli(['run', '--workload', 'nginx,memcached']);
    expect(exit.status).toBe(2);
    expect(exit.stderr).toMatch(/^isobench: --workload: unknown "memcached"; allowed: http-hello, nginx, redis, postgres\n/);
  });
});

describe('bad input to a runner', () => {
  const w = WORKLOADS['http-hello'];
  let vm: Runner;
  const container = createContainerRunner({ cacheDir });
  beforeAll(async () => {
    vm = createLinuxVmRunner({ cacheDir, accelerator: await decideAccelerator('auto', cacheDir), config: parseConfig({}).runners['linux-vm'] });
    await Promise.all([vm.prepare(w), container.prepare(w)]);
  }, 600_000);

  it('a workload without a probe is refused: ready would mean nothing', async () => {
    const noProbe = { ...w, probe: undefined } as unknown as Workload;
    const failure = await container.start(noProbe, { readyTimeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TrialFailure);
    expect((failure as Error).message).toBe(
      'http-hello container the workload has no readiness probe (probe: undefined): give it one of kind http, redis, postgres ' +
        'in fixtures/workloads.ts; a TCP connect alone is not readiness',
    );
    await expectNothingLeft();
  });

  describe('a host port taken by another process between allocation and start', () => {
    let squatter: Server;
    beforeAll(async () => {
      squatter = createServer();
      await new Promise<void>((resolve) => squatter.listen({ host: '127.0.0.1', port: 0 }, resolve));
      forced.port = (squatter.address() as { port: number }).port;
    });
    afterAll(async () => {
      forced.port = undefined;
      await new Promise((resolve) => squatter.close(resolve));
    });

    it.each([
      ['linux-vm', () => vm],
      ['container', () => container],
    ])('%s: a failed start naming the port, nothing left', async (_name, runner) => {
      const failure = await runner().start(w, { readyTimeoutMs: 30_000 }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TrialFailure);
      expect((failure as Error).message).toContain(`127.0.0.1:${forced.port}`);
      expect((failure as Error).message).toMatch(/already in use|already allocated|Could not set up host forwarding/i);
      await expectNothingLeft();
    });
  });
});
