import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, hostname, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Environment } from './environment.ts';
import type { Accelerator } from './label.ts';
import { memAvailableBytes } from './procmem.ts';

const run = promisify(execFile);
export const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

async function osName(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function harness(): Promise<Environment['harness']> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  try {
    const { stdout: commit } = await run('git', ['-C', REPO_ROOT, 'rev-parse', 'HEAD']);
    const { stdout: status } = await run('git', ['-C', REPO_ROOT, 'status', '--porcelain', '--untracked-files=no']);
    return { version: pkg.version, commit: commit.trim(), dirty: status.trim().length > 0 };
  } catch {
    return { version: pkg.version, commit: 'unknown (not a git checkout)', dirty: false };
  }
}

/** Everything a reader needs to know about where the numbers came from. */
export async function collectEnvironment(accelerator: Accelerator, engines: Environment['engines']): Promise<Environment> {
  const cpu = cpus();
  return {
    hostname: hostname(),
    os: await osName(),
    kernel: release(),
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    memAvailableBytes: await memAvailableBytes(),
    node: process.version,
    engines,
    accelerator,
    harness: await harness(),
  };
}
