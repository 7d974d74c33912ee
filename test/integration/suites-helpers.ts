import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { applyQuick, parseConfig, type ConfigInput } from '../../cli/config.ts';
import { liveInstances } from '../../core/lifecycle.ts';
import type { z } from 'zod';
import type { CellOf } from '../../core/cell-schema.ts';
import { cellSchema, type Cell } from '../../suites/results.ts';
import { docker } from '../../runners/container/docker.ts';
import type { SectionSchema, SuiteDescriptor } from '../../suites/descriptor.ts';
import type { SuiteName } from '../../suites/index.ts';
import type { Progress, SuiteContext } from '../../suites/types.ts';
import type { Runner, RunnerName } from '../../runners/index.ts';
import { WORKLOADS, type Workload } from '../../fixtures/workloads.ts';
import { densitySuite } from '../../suites/density/index.ts';
import type { memorySuite } from '../../suites/memory/index.ts';

/** The cache `npm run bench` uses, so nothing is built twice. */
export const cacheDir = fileURLToPath(new URL('../../.isobench/cache', import.meta.url));

/** The quick profile, as `--quick` gives it. */
export function quickConfig(overrides: ConfigInput = {}) {
  return applyQuick(parseConfig(overrides));
}

/** A Progress that keeps its lines, to print when a test fails. */
export function recordingProgress(): Progress & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    begin: (scope, steps) => lines.push(`begin ${scope.suite} ${scope.workload} ${scope.runner} (${steps} steps)`),
    step: (i, note) => lines.push(`step ${i} ${note ?? ''}`),
    log: (line) => lines.push(line),
    end: () => lines.push('end'),
  };
}

/** Runs `suite` once; its cells typed as its own (their extra the suite's). */
export async function runSuite<Name extends SuiteName, Extra extends z.ZodType>(
  suite: Pick<SuiteDescriptor<Name, SectionSchema, Extra>, 'run'>,
  runner: Runner,
  workload: Workload,
  config = quickConfig(),
  signal = new AbortController().signal,
): Promise<{ cell: CellOf<Name, RunnerName, Extra>; cells: CellOf<Name, RunnerName, Extra>[]; progress: string[] }> {
  const progress = recordingProgress();
  const ctx: SuiteContext = { config, runner, workload, signal, progress };
  const cells = [await suite.run(ctx)].flat();
  // Each cell must be exactly what results.json accepts, and read back whole: nothing the schema does not know.
  for (const cell of cells) expect(cellSchema.parse(cell)).toEqual(cell);
  return { cell: cells[0]!, cells, progress: progress.lines };
}

/** The minimum-memory bisection a memory cell records; the test fails when there is none. */
export function bisection(cell: CellOf<typeof memorySuite.name, RunnerName, typeof memorySuite.extra>) {
  const minMemory = cell.extra?.minMemory;
  if (!minMemory || 'skipped' in minMemory) throw new Error(`no bisection recorded: ${minMemory ? minMemory.skipped : 'no extra'}`);
  return minMemory;
}

export function metric(cell: Cell, name: string) {
  const m = cell.metrics.find((x) => x.name === name);
  expect(m, `metric ${name} in ${cell.metrics.map((x) => x.name).join(', ')}`).toBeDefined();
  return m!;
}

/** Host processes whose parent is this test process: QEMU guests and load generators it started. */
export async function childProcesses(): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== process.pid) continue;
    const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ').trim();
    // A zombie has an empty command line: it is gone already.
    if (cmdline) found.push(`${name}: ${cmdline.slice(0, 120)}`);
  }
  return found;
}

/** Containers this test process started (the container runner labels them with the harness' pid). */
export async function ourContainers(): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`isobench.run=${process.pid}`] } });
  return list.map((c) => `${c.Id.slice(0, 12)} ${c.Labels['isobench.workload']} ${c.State}`);
}

/** Nothing this test process started is still there: no tracked instance, child process or container. */
export async function expectNothingLeft(): Promise<void> {
  expect(liveInstances()).toEqual([]);
  expect(await childProcesses()).toEqual([]);
  expect(await ourContainers()).toEqual([]);
}

/**
 * Runs the density suite on http-hello and aborts it once `enough()` says so (polled every 200 ms): the cell must be
 * partial, keep the instances that were up, and nothing may be left running, also the instance still starting.
 */
export async function expectDensityAbortStopsAll(runner: Runner, enough: () => Promise<boolean>): Promise<void> {
  const controller = new AbortController();
  const running = runSuite(densitySuite, runner, WORKLOADS['http-hello'], quickConfig(), controller.signal);
  const poll = setInterval(async () => {
    if (await enough()) controller.abort(new Error('test interrupt'));
  }, 200);
  const { cell } = await running.finally(() => clearInterval(poll));
  expect(cell.status).toBe('partial');
  expect((cell.extra as Record<string, unknown>).stopReason).toBe('aborted');
  expect(cell.trials.filter((t) => t.ok).length).toBeGreaterThanOrEqual(2);
  await expectNothingLeft();
}
