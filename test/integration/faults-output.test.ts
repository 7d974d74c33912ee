import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputError, writeResults } from '../../cli/output.ts';
import { readResults } from '../../suites/results-io.ts';
import { docker } from '../../runners/container/docker.ts';
import { fixtureResults } from '../fixtures-results/build.ts';
import { REPO, run, runCli, runFolders, running, startCli } from './faults-helpers.ts';

// Output folders on real tmpfs mounts (we are root): one that fills up, one that is read-only.

let work: string;
const mounts: string[] = [];
async function tmpfs(name: string, options: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await run('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'isobench-faults-output-'));
});
afterAll(async () => {
  for (const dir of mounts) await run('umount', [dir]);
  await rm(work, { recursive: true, force: true });
});

const ROOMIER = 'free space there or choose another folder with --out DIR or testbed.outDir';

describe('a results folder on a file system that fills up', () => {
  it('keeps the last complete results.json, leaves no temporary file, and says what happened and what to do', async () => {
    // Room for one small results.json (about 110 KiB), not for a big one (about 480 KiB) beside it.
    const folder = await tmpfs('full', 'size=256k');
    const small = fixtureResults({ trials: 1 });
    await writeResults(folder, small);
    const before = await readFile(join(folder, 'results.json'), 'utf8');
    const big = fixtureResults({ trials: 50 });

    const failure = await writeResults(folder, big).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OutputError);
    expect((failure as Error).message).toBe(
      `cannot write results to ${join(folder, 'results.json')}: no space left on the device (ENOSPC) ` +
        `(results.json keeps its last complete version); ${ROOMIER}`,
    );
    expect(await readFile(join(folder, 'results.json'), 'utf8')).toBe(before);
    expect(await readResults(join(folder, 'results.json'))).toEqual(small);
    expect(await readdir(folder)).toEqual(['results.json']);
  });

  it('a real run whose reports do not fit: exit 2 naming the problem, its complete results.json readable, no container left', async () => {
    const out = await tmpfs('run-out', 'size=64k');
    const before = await isobenchContainers();
    const exit = await runCli(['run', '--runner', 'container', '--workload', 'http-hello', '--quick', '--trials', '1', '--no-install', '--out', out]);

    expect(exit.status, exit.stderr).toBe(2);
    const [folder] = await runFolders(out);
    // report.html carries chart.js (about 200 KiB): it is what does not fit.
    expect(exit.stderr).toMatch(
      new RegExp(`\\nisobench: cannot write the reports into ${folder}: no space left on the device \\(ENOSPC\\); ${ROOMIER}\\n$`),
    );
    const results = await readResults(join(folder!, 'results.json'));
    expect(results.partial).toBe(false);
    expect(results.cells.map((c) => [c.runner, c.status])).toEqual([['container', 'ok']]);
    // Small reports may have fitted, whole; what did not fit left no temporary file and no half a file.
    const files = await readdir(folder!);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).not.toContain('report.html');

    expect(await leftByEndedRuns(before)).toEqual([]);
  });

  it('a disk that fills up in the middle of a run: the run stops, exit 2, the results.json written before is intact', async () => {
    const out = await tmpfs('fills-up', 'size=1m');
    const before = await isobenchContainers();
    const cli = startCli(['run', '--runner', 'container', '--workload', 'http-hello', '--quick', '--no-install', '--out', out]);
    // Once the run has written its first results.json (no cell yet), something else takes all the room left.
    const first = await cli.until(async () => {
      const [folder] = await runFolders(out);
      return folder && existsSync(join(folder, 'results.json')) ? join(folder, 'results.json') : undefined;
    }, 60_000);
    const written = await readFile(first, 'utf8');
    await fill(join(out, 'filler'));
    const exit = await cli.exited;

    expect(exit.status, exit.stderr).toBe(2);
    expect(exit.stderr).toMatch(
      new RegExp(`\\nisobench: cannot write results to ${first}: no space left on the device \\(ENOSPC\\) \\(results.json keeps its last complete version\\); ${ROOMIER}\\n$`),
    );
    expect(await readFile(first, 'utf8')).toBe(written);
    expect((await readResults(first)).partial).toBe(true);
    expect(await leftByEndedRuns(before)).toEqual([]);
  });
});

/** Writes into `file` until the file system is full. */
async function fill(file: string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (;;) await handle.write(Buffer.alloc(4096));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
}

/** Containers labelled by isobench that were not in `before` and whose run has ended: what a run left. */
async function leftByEndedRuns(before: Set<string>): Promise<string[]> {
  const left: string[] = [];
  for (const c of await docker.listContainers({ all: true, filters: { label: ['isobench=1'] } })) {
    if (!before.has(c.Id) && !(await running(Number(c.Labels['isobench.run'])))) left.push(c.Id);
  }
  return left;
}

async function isobenchContainers(): Promise<Set<string>> {
  return new Set((await docker.listContainers({ all: true, filters: { label: ['isobench=1'] } })).map((c) => c.Id));
}

describe('a results folder that cannot be written', () => {
  it('is refused before anything is measured, with exit 2', async () => {
    const readOnly = await tmpfs('read-only', 'ro,size=64k');
    const exit = await runCli(['run', '--runner', 'container', '--workload', 'http-hello', '--no-install', '--out', join(readOnly, 'results')]);
    expect(exit.status).toBe(2);
    expect(exit.stderr).toMatch(
      new RegExp(
        `^isobench: cannot write results to ${join(readOnly, 'results')}/\\S+: the file system is read-only \\(EROFS\\); ` +
          'choose a writable folder with --out DIR or testbed.outDir\\n$',
      ),
    );
  });
});

describe('--json on a pipe', () => {
  it('prints the whole results.json even when the reader takes it only after the run has ended', async () => {
    // A throughput cell's histograms make a results.json larger than a pipe holds (64 KiB): what the reader has
    // not taken when isobench exits must not be dropped.
    const out = join(work, 'json-pipe');
    const printed = join(work, 'printed.json');
    const cli = ['npx', 'tsx', 'cli/main.ts', 'run', '--suite', 'throughput', '--runner', 'container', '--workload', 'http-hello', '--quick', '--no-install', '--json', '--out', out];
    await run('sh', ['-c', `${cli.join(' ')} 2>/dev/null | { sleep 2; cat > ${printed}; }`], { cwd: REPO });
    const [folder] = await runFolders(out);
    const saved = await readFile(join(folder!, 'results.json'), 'utf8');
    expect(saved.length).toBeGreaterThan(64 * 1024);
    expect(await readFile(printed, 'utf8')).toBe(saved);
  });
});
