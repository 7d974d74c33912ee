import { existsSync } from 'node:fs';
import { access, constants, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic, symlinkAtomic } from '../core/atomic.ts';
import type { Results } from '../suites/results.ts';

export class OutputError extends Error {
  override name = 'OutputError';
}

const WHERE = 'with --out DIR or testbed.outDir';

/** What went wrong with a file system call, in words, with the code for searching. */
const FS_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  ENOENT: 'a folder of the path does not exist',
};

function fsProblem(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const words = e.code ? FS_PROBLEMS[e.code] : undefined;
  return words ? `${words} (${e.code})` : (e.code ?? e.message);
}

/** A full disk can be freed; anything else needs another folder. */
function fsFix(error: unknown): string {
  const full = ['ENOSPC', 'EDQUOT'].includes((error as NodeJS.ErrnoException).code ?? '');
  return full ? `free space there or choose another folder ${WHERE}` : `choose a writable folder ${WHERE}`;
}

/**
 * Runs an output step; a file system failure becomes one OutputError naming what was being written, the problem
 * and the fix. `kept` says what is still there.
 */
export async function writingTo<T>(what: string, step: () => Promise<T>, kept = ''): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error as NodeJS.ErrnoException).code) throw error;
    throw new OutputError(`cannot write ${what}: ${fsProblem(error)}${kept}; ${fsFix(error)}`);
  }
}

/** `reports/out/2026-11-27T05-31-02Z`: sortable, and safe in every file system. */
export function runFolderName(startedAt: Date): string {
  return startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/**
 * `mkdir -p` under a read-only (or otherwise unwritable) folder reports ENOENT for the part it could not make; the
 * nearest folder that exists tells the real reason.
 */
async function realReason(folder: string, error: unknown): Promise<unknown> {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return error;
  for (let dir = dirname(folder); dir !== dirname(dir); dir = dirname(dir)) {
    const why = await access(dir, constants.W_OK).then(() => error, (e: NodeJS.ErrnoException) => e);
    if ((why as NodeJS.ErrnoException).code !== 'ENOENT') return why;
  }
  return error;
}

/** Creates the run's folder, refusing early (before anything is measured) when it cannot be written. */
export async function createRunFolder(outDir: string, startedAt: Date): Promise<string> {
  const folder = join(resolve(outDir), runFolderName(startedAt));
  try {
    await mkdir(folder, { recursive: true });
    await access(folder, constants.W_OK);
  } catch (error) {
    const why = await realReason(folder, error);
    throw new OutputError(`cannot write results to ${folder}: ${fsProblem(why)}; ${fsFix(why)}`);
  }
  return folder;
}

/** Replaces results.json in one step: a crash or a full disk leaves the previous complete version, never half a file. */
export async function writeResults(folder: string, results: Results): Promise<string> {
  const path = join(folder, 'results.json');
  const kept = existsSync(path) ? ' (results.json keeps its last complete version)' : '';
  await writingTo(`results to ${path}`, () => writeFileAtomic(path, `${JSON.stringify(results, null, 2)}\n`), kept);
  return path;
}

/** Points `<outDir>/latest` at this run's folder. */
export async function linkLatest(folder: string): Promise<void> {
  const link = join(dirname(folder), 'latest');
  await writingTo(`the link ${link}`, () => symlinkAtomic(basename(folder), link));
}
