import { readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../cli/config.ts';
import type { WakeStrategy } from '../../suites/wake/config.ts';
import { stopAll } from '../../core/lifecycle.ts';
import { removeRunDir, runDir } from '../../core/rundir.ts';
import { WORKLOADS, type Workload } from '../../fixtures/workloads.ts';
import { createContainerRunner } from '../../runners/container/runner.ts';
import { createLinuxVmRunner } from '../../runners/linux-vm/runner.ts';
import { decideAccelerator } from '../../runners/qemu/accel.ts';
import type { Runner, RunnerName } from '../../runners/index.ts';
import { TrialFailure } from '../../runners/types.ts';
import { WakeProxy } from '../../suites/wake/proxy.ts';
import { exchange, stateCheck } from '../../suites/wake/state.ts';
import { wakeSuite } from '../../suites/wake/index.ts';
import type { CellOf } from '../../core/cell-schema.ts';
import { STAND_IN, standInRunner } from './stand-in.ts';
import { cacheDir, childProcesses, expectNothingLeft, metric, quickConfig, runSuite } from './suites-helpers.ts';

// Real Docker and real QEMU (TCG here). Few trials: these check what each strategy does (state kept or lost, memory
// at zero, nothing left), not how fast; timings are the bench's.
const LONG = 900_000;
const httpHello = WORKLOADS['http-hello'];
const { redis } = WORKLOADS;

const wakeConfig = (trials: number, strategies?: WakeStrategy[]) => quickConfig({ quick: { wake: { trials, idleMs: 0, ...(strategies && { strategies }) } } });

async function snapshotFiles(): Promise<string[]> {
  return (await readdir(runDir())).filter((f) => f.endsWith('.snapshot'));
}

/** Whether a QEMU of this process is loading a snapshot (its command line, read whole, has -incoming). */
async function restoring(): Promise<boolean> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
    if ((await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0').includes('-incoming')) return true;
  }
  return false;
}

async function expectNothingLeftOfWake(): Promise<void> {
  await expectNothingLeft();
  expect(await snapshotFiles()).toEqual([]);
}

type WakeCell = CellOf<typeof wakeSuite.name, RunnerName, typeof wakeSuite.extra>;

function byStrategy(cells: WakeCell[]): Record<string, WakeCell> {
  expect(cells.map((c) => c.variant)).toEqual(['pause', 'snapshot', 'restart']);
  return Object.fromEntries(cells.map((c) => [c.variant!, c]));
}

const values = (cell: WakeCell, name: string) => metric(cell, name).samples;

/** What every platform's pause and restart rows must show, whatever their speed. */
function expectPauseAndRestart(cells: Record<string, WakeCell>, w: Workload, trials: number, progress: string[]) {
  const { pause, restart } = cells;
  for (const cell of [pause!, restart!]) {
    expect(cell.status, `${cell.reason}\n${progress.join('\n')}`).toBe('ok');
    expect(values(cell, 'wake_ms')).toHaveLength(trials);
    expect(values(cell, 'cold_start_ms')).toHaveLength(trials);
    expect(values(cell, 'proxy_added_ms')).toHaveLength(trials);
  }
  // Pause holds the memory; restart holds none.
  for (const v of values(pause!, 'zero_pss_bytes')) expect(v).toBeGreaterThan(0);
  expect(values(restart!, 'zero_pss_bytes').every((v) => v === 0)).toBe(true);
  expect(values(pause!, 'state_kept').every((v) => v === 1)).toBe(true);
  // A static page survives a restart; Redis' data in memory does not, and the row says so.
  const restartKeeps = w.probe.kind === 'http';
  expect(values(restart!, 'state_kept').every((v) => v === (restartKeeps ? 1 : 0))).toBe(true);
  expect(restart!.extra?.state).toMatch(restartKeeps ? /^kept in/ : /^LOST in \d+ of \d+ trials: GET isobench:wake found no value/);
  // The restart's to_zero_ms is a stop: its label says which.
  expect(restart!.label.notes).toContainEqual(expect.stringMatching(/^to_zero_ms = the stop: (docker rm -f|SIGTERM to the QEMU process)/));
  expect(pause!.label.notes.some((n) => n.startsWith('to_zero_ms = the stop'))).toBe(false);
}

afterAll(async () => {
  await stopAll();
  // Checked empty by every test: the run folder of this process goes with it, as `npm run bench` removes its own.
  removeRunDir();
});

describe('wake on containers', () => {
  let runner: Runner;
  beforeAll(async () => {
    runner = createContainerRunner({ cacheDir });
    await runner.prepare(httpHello);
    await runner.prepare(redis);
  }, LONG);

  it.each([httpHello, redis])(
    '$name: pause and restart measured with the state checked; snapshot measured or not run with dockerd\'s own reason',
    async (w: Workload) => {
      const trials = 2;
      const { cells, progress } = await runSuite(wakeSuite, runner, w, wakeConfig(trials));
      const strategies = byStrategy(cells);
      expectPauseAndRestart(strategies, w, trials, progress);
      const snapshot = strategies.snapshot!;
      if (snapshot.status === 'not-run') {
        expect(snapshot.reason).toMatch(/^snapshot cannot run here: Docker's checkpoint API refused: \S/);
        expect(snapshot.trials).toEqual([]);
      }
      await expectNothingLeftOfWake();
    },
    LONG,
  );

  it(
    'the proxy holds a connection that arrives mid-wake and forwards it, with the first, once the instance is back',
    async () => {
      const instance = await runner.start(httpHello, { readyTimeoutMs: 60_000 });
      const proxy = await WakeProxy.listen(60_000);
      try {
        await instance.pause!();
        let wakeStarted!: () => void;
        const started = new Promise<void>((resolve) => (wakeStarted = resolve));
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let wakes = 0;
        proxy.zero(async () => {
          wakes++;
          wakeStarted();
          await released;
          await instance.resume!();
          return instance.endpoint;
        });
        const check = stateCheck(httpHello.probe);
        const ask = () => exchange(proxy.endpoint, check.request, check.complete, 60_000);
        const first = ask();
        await started;
        // The wake is under way and cannot finish before `release`: this connection arrives mid-wake.
        const second = ask();
        const secondSettled = second.then(() => 'answered', () => 'failed');
        expect(await Promise.race([secondSettled, new Promise((r) => setTimeout(() => r('held'), 300))])).toBe('held');
        release();
        for (const answer of await Promise.all([first, second])) {
          expect(await check.verify(answer.reply, proxy.endpoint, 10_000)).toBeUndefined();
        }
        expect(wakes).toBe(1);
      } finally {
        await proxy.close();
        await instance.stop();
      }
      await expectNothingLeftOfWake();
    },
    LONG,
  );
});

describe('wake on Linux VMs (QEMU)', () => {
  let runner: Runner;
  beforeAll(async () => {
    const config = parseConfig({});
    runner = createLinuxVmRunner({ cacheDir, config: config.runners['linux-vm'], accelerator: await decideAccelerator('auto', cacheDir) });
    await runner.prepare(httpHello);
    await runner.prepare(redis);
  }, LONG);

  // Redis alone: its state lives in the guest's memory, so it shows what pause and the snapshot keep and a restart
  // loses; a static page (http-hello) keeps its state whatever happens, and goes through these same QEMU paths in
  // the stand-in test below.
  it(
    'redis: pause (QMP stop/cont), snapshot (migrate to a file, new QEMU -incoming) and restart, state checked',
    async () => {
      const trials = 1;
      const { cells, progress } = await runSuite(wakeSuite, runner, redis, wakeConfig(trials));
      const strategies = byStrategy(cells);
      expectPauseAndRestart(strategies, redis, trials, progress);
      const snapshot = strategies.snapshot!;
      expect(snapshot.status, `${snapshot.reason}\n${progress.join('\n')}`).toBe('ok');
      expect(values(snapshot, 'zero_pss_bytes')).toEqual([0]);
      expect(values(snapshot, 'snapshot_bytes')[0]).toBeGreaterThan(0);
      expect(values(snapshot, 'state_kept')).toEqual([1]);
      await expectNothingLeftOfWake();
    },
    LONG,
  );

  it(
    'a corrupt snapshot file fails the restore with QEMU\'s own error, and no QEMU is left',
    async () => {
      const instance = await runner.start(httpHello, { readyTimeoutMs: 120_000 });
      const file = `${runDir()}/corrupt-test.snapshot`;
      try {
        const saved = await instance.snapshot!(file);
        expect(await childProcesses()).toEqual([]);
        await truncate(file, Math.floor((await stat(file)).size / 2));
        const restored = saved.restore().then(
          () => expect.fail('a half snapshot restored'),
          (error: unknown) => error,
        );
        const error = (await restored) as Error;
        expect(error).toBeInstanceOf(TrialFailure);
        expect(error.message).toMatch(/^the snapshot \S+corrupt-test\.snapshot could not be restored: QEMU exited with code 1: \S/);
      } finally {
        await instance.stop();
        await rm(file, { force: true });
      }
      await expectNothingLeftOfWake();
    },
    LONG,
  );

  it(
    'Ctrl-C during a wake: the cell is partial and no QEMU, container or snapshot file is left',
    async () => {
      const controller = new AbortController();
      const config = wakeConfig(3, ['snapshot']);
      // The restore's QEMU is the one started with -incoming: abort as soon as it exists, mid-wake.
      let sawRestore = false;
      const watch = (async () => {
        while (!controller.signal.aborted) {
          if (await restoring()) {
            sawRestore = true;
            controller.abort(new Error('test interrupt'));
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const { cells } = await runSuite(wakeSuite, runner, httpHello, config, controller.signal).finally(() => {
        controller.abort(new Error('suite ended'));
      });
      await watch;
      expect(sawRestore).toBe(true);
      expect(cells.map((c) => [c.variant, c.status])).toEqual([['snapshot', 'partial']]);
      await expectNothingLeftOfWake();
    },
    LONG,
  );
});

describe('wake through the unikraft runner (stand-in kernel, not Unikraft)', () => {
  let runner: Runner;
  beforeAll(async () => {
    runner = await standInRunner();
  }, LONG);

  it(
    'every strategy runs through the runner, labelled as the stand-in',
    async () => {
      const { cells, progress } = await runSuite(wakeSuite, runner, httpHello, wakeConfig(1));
      const strategies = byStrategy(cells);
      expectPauseAndRestart(strategies, httpHello, 1, progress);
      expect(strategies.snapshot!.status, `${strategies.snapshot!.reason}\n${progress.join('\n')}`).toBe('ok');
      for (const cell of cells) expect(cell.label.standIn).toBe(STAND_IN);
      await expectNothingLeftOfWake();
    },
    LONG,
  );
});
