import { mkdir, open, rename, rm, symlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `path` through a temporary file, synced, then renamed into place: readers see either the old content or
 * the whole new one, never half a file.
 */
export async function writeAtomically(path: string, write: (handle: FileHandle) => Promise<void>, mode = 0o666): Promise<void> {
  const temp = tempName(path);
  const handle = await open(temp, 'w', mode);
  try {
    await write(handle);
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

/** Writes a whole file atomically (see writeAtomically), making its folder first. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeAtomically(path, (handle) => handle.writeFile(data));
}

/** Points `link` at `target` by renaming a fresh symlink over it. */
export async function symlinkAtomic(target: string, link: string): Promise<void> {
  const temp = tempName(link);
  await symlink(target, temp);
  try {
    await rename(temp, link);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes several files atomically, in parallel. Every write settles (a failed one removes its temporary file)
 * before the first failure is passed on: a caller that exits on it leaves no temporary file behind.
 */
export async function writeFilesAtomic(files: ReadonlyArray<readonly [path: string, data: string | Uint8Array]>): Promise<void> {
  const settled = await Promise.allSettled(files.map(([path, data]) => writeFileAtomic(path, data)));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
