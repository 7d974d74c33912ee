import { access, constants, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic, symlinkAtomic } from './atomic.ts';
import type { Results } from './results.ts';

export class OutputError extends Error {
  override name = 'OutputError';
}

/** `reports/out/2026-11-27T05-31-02Z`: sortable, and safe in every file system. */
export function runFolderName(startedAt: Date): string {
  return startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** Creates the run's folder, refusing early (before anything is measured) when it cannot be written. */
export async function createRunFolder(outDir: string, startedAt: Date): Promise<string> {
  const base = resolve(outDir);
  const folder = join(base, runFolderName(startedAt));
  try {
    await mkdir(folder, { recursive: true });
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new OutputError(
      `cannot write results to ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; ` +
        `choose a writable folder with --out DIR or testbed.outDir`,
    );
  }
  return folder;
}

/** Replaces results.json in one step: a crash leaves the previous complete version, never half a file. */
export async function writeResults(folder: string, results: Results): Promise<string> {
  const path = join(folder, 'results.json');
  await writeFileAtomic(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}

/** Points `<outDir>/latest` at this run's folder. */
export async function linkLatest(folder: string): Promise<void> {
  await symlinkAtomic(basename(folder), join(dirname(folder), 'latest'));
}
