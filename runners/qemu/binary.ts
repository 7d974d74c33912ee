import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { which } from '../../core/host-tools.ts';
import { memoiseUntilRejected } from '../../core/single-flight.ts';

const run = promisify(execFile);

export const QEMU_BINARY = 'qemu-system-x86_64';
export const QEMU_PACKAGE = 'qemu-system-x86';

export interface QemuBinary {
  /** The command spawned (found on PATH). */
  path: string;
  /** e.g. "7.2.22" */
  version: string;
  /** Whether this build has seccomp, i.e. accepts `-sandbox on`. */
  sandbox: boolean;
}

export class QemuMissingError extends Error {
  override name = 'QemuMissingError';
  constructor() {
    super(`${QEMU_BINARY} was not found on PATH: install it with 'apt-get install ${QEMU_PACKAGE}'`);
  }
}

/** The version out of `qemu-system-x86_64 --version`. */
export function parseQemuVersion(stdout: string): string {
  return /version (\S+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0]!.trim();
}

async function inspect(): Promise<QemuBinary> {
  let stdout: string;
  try {
    ({ stdout } = await run(QEMU_BINARY, ['--version']));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new QemuMissingError();
    throw new Error(`${QEMU_BINARY} --version failed: ${(error as Error).message}`);
  }
  // `-sandbox` is parsed (and rejected by a build without seccomp) before `-version` ends option parsing, so this
  // exits 0 exactly when the sandbox is available, without starting a guest.
  const sandbox = await run(QEMU_BINARY, ['-sandbox', 'on', '-version']).then(() => true, () => false);
  return { path: QEMU_BINARY, version: parseQemuVersion(stdout), sandbox };
}

const inspected = memoiseUntilRejected<typeof QEMU_BINARY, QemuBinary>();

/** Facts about the installed QEMU, looked up once per process; rejects with QemuMissingError when there is none. */
export function qemuBinary(): Promise<QemuBinary> {
  return inspected(QEMU_BINARY, inspect);
}

/** The installed QEMU's version and path, for the environment record; null where there is none. */
export async function qemuVersion(): Promise<{ version: string; path: string } | null> {
  const path = await which(QEMU_BINARY);
  if (!path) return null;
  const { stdout } = await run(path, ['--version']);
  return { version: parseQemuVersion(stdout), path };
}
