import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { liveInstances } from '../../core/lifecycle.ts';

/**
 * The test file's scratch folder, made before its tests and removed after them, when no QEMU the file started may
 * still be tracked. A getter: the folder exists only once the tests begin.
 */
export function scratchDir(name: string): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `isobench-${name}-it-`));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(liveInstances()).toEqual([]);
  });
  return () => {
    if (dir === undefined) throw new Error('the scratch folder exists only while the tests run');
    return dir;
  };
}

/** QEMU's command line as the kernel sees it: what was really launched. */
export const qemuArgv = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
