import { chmodSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private (0700) folder of this process for QMP sockets and pid files. Kept short because unix socket paths are
 * limited to 108 bytes. `isobench clean` reads the pid files under RUN_BASE to find what a killed run left.
 */
export const RUN_BASE = join(tmpdir(), 'isobench-run');

let current: string | undefined;

/**
 * Creates `dir` (0700) or accepts it when it is already a real folder of ours: in a shared /tmp another user could
 * have made it first, or put a symlink there, to read our control sockets or have us write elsewhere.
 */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) {
    throw new Error(
      `${dir} is not a folder owned by this user (${st.isSymbolicLink() ? 'a symlink' : `owner uid ${st.uid}`}): ` +
        `isobench keeps its QEMU control sockets there; remove it (rm -r ${dir}) and run again`,
    );
  }
  chmodSync(dir, 0o700);
}

export function runDir(): string {
  if (current) return current;
  privateDir(RUN_BASE);
  const dir = join(RUN_BASE, String(process.pid));
  privateDir(dir);
  current = dir;
  return current;
}

/** Removes this process' run folder once nothing in it is running any more. */
export function removeRunDir(): void {
  if (current) rmSync(current, { recursive: true, force: true });
  current = undefined;
}
