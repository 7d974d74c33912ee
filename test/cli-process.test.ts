import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { processAlive } from '../core/processes.ts';
import { REPO, startProcess } from './cli-process.ts';

it('a test that timed out leaves no process it started behind (a real vitest run of such a test)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isobench-leftover-'));
  try {
    const pidFile = join(dir, 'pid');
    const vitest = await startProcess(
      process.execPath,
      [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/fixtures/leftover/vitest.config.ts'],
      { ISOBENCH_LEFTOVER_PID_FILE: pidFile },
    ).exited;
    expect(vitest.status, vitest.stdout + vitest.stderr).toBe(1);
    expect(vitest.stdout + vitest.stderr).toContain('Test timed out in 1000ms');
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(processAlive(pid)).toBe(false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
