import { mkdirSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private (0700) folder of this process for QMP sockets and pid files. Kept short because unix socket paths are
 * limited to 108 bytes. `isobench clean` reads the pid files under RUN_BASE to find what a killed run left.
 */
export const RUN_BASE = join(tmpdir(), 'isobench-run');

let current: string | undefined;

export function runDir(): string {
  if (current) return current;
  mkdirSync(RUN_BASE, { recursive: true, mode: 0o700 });
  chmodSync(RUN_BASE, 0o700);
  current = join(RUN_BASE, String(process.pid));
  mkdirSync(current, { recursive: true, mode: 0o700 });
  chmodSync(current, 0o700);
  return current;
}

/** Removes this process' run folder once nothing in it is running any more. */
export function removeRunDir(): void {
  if (current) rmSync(current, { recursive: true, force: true });
  current = undefined;
}
