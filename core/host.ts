import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, hostname, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Accelerator, Environment } from './results.ts';
import { parseKbFields } from './procmem.ts';

const run = promisify(execFile);
export const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** A host program the runners need, and the Debian package that brings it. */
export interface HostTool {
  bin: string;
  pkg: string;
  neededBy: string;
}

export const DOCKER_TOOL: HostTool = { bin: 'dockerd', pkg: 'docker.io', neededBy: 'the container runner' };
export const QEMU_TOOLS: HostTool[] = [
  { bin: 'qemu-system-x86_64', pkg: 'qemu-system-x86', neededBy: 'the linux-vm and unikraft runners' },
  { bin: 'cpio', pkg: 'cpio', neededBy: 'building VM initramfs images' },
];

/**
 * Host programs the tests run themselves, beyond the runners' tools: `npm test` installs them the way a run installs
 * the runners' (test/host-tools.ts).
 */
export const TEST_TOOLS: HostTool[] = [
  { bin: 'busybox', pkg: 'busybox', neededBy: 'the test that checks the VM init script with busybox sh' },
  { bin: 'chromium', pkg: 'chromium', neededBy: 'the test that renders the HTML report in a browser' },
];

export async function which(bin: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const path = join(dir, bin);
    if (existsSync(path)) return path;
  }
  return undefined;
}

export function installCommand(tools: HostTool[]): string {
  return `apt-get update && apt-get install -y ${[...new Set(tools.map((t) => t.pkg))].join(' ')}`;
}

/**
 * Installs missing host tools with apt-get, as the Phoronix Test Suite installs its dependencies, when we are root
 * on a Debian-like host and installing is allowed. Returns the tools still missing.
 */
export async function ensureTools(
  tools: HostTool[],
  opts: { install: boolean; log: (line: string) => void },
): Promise<HostTool[]> {
  const missing: HostTool[] = [];
  for (const tool of tools) if (!(await which(tool.bin))) missing.push(tool);
  if (!missing.length || !opts.install) return missing;
  const canInstall = process.getuid?.() === 0 && (await which('apt-get'));
  if (!canInstall) return missing;
  opts.log(`installing ${missing.map((t) => t.pkg).join(', ')} with apt-get (use --no-install to forbid this)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-q'], { env, maxBuffer: 64 * 1024 * 1024 });
  await run('apt-get', ['install', '-y', '-q', ...new Set(missing.map((t) => t.pkg))], { env, maxBuffer: 64 * 1024 * 1024 });
  const still: HostTool[] = [];
  for (const tool of missing) if (!(await which(tool.bin))) still.push(tool);
  return still;
}

const DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * Starts dockerd in the background when it is installed but not running. dockerd is the one process the harness
 * leaves running: it is the host's service, not an instance of a run.
 */
export async function ensureDockerd(log: (line: string) => void): Promise<void> {
  // DOCKER_HOST names an engine elsewhere (or a socket of the user's): a local dockerd would not be the one used.
  if (process.env.DOCKER_HOST || (await dockerPing())) return;
  const dockerd = await which('dockerd');
  if (!dockerd || process.getuid?.() !== 0) return;
  mkdirSync('/var/log', { recursive: true });
  const out = openSync('/var/log/isobench-dockerd.log', 'a');
  log('starting dockerd (log: /var/log/isobench-dockerd.log)');
  const child = spawn(dockerd, [], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  closeSync(out);
  for (let i = 0; i < 100; i++) {
    if (await dockerPing()) return;
    await sleep(200);
  }
  log('dockerd did not answer within 20 s: see /var/log/isobench-dockerd.log');
}

async function dockerPing(): Promise<boolean> {
  if (!existsSync(DOCKER_SOCKET)) return false;
  try {
    await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

export async function qemuVersion(): Promise<{ version: string; path: string } | null> {
  const path = await which('qemu-system-x86_64');
  if (!path) return null;
  const { stdout } = await run(path, ['--version']);
  return { version: /version (\S+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0]!, path };
}

async function osName(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function memAvailableBytes(): Promise<number> {
  return parseKbFields(await readFile('/proc/meminfo', 'utf8')).MemAvailable ?? 0;
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
export async function collectEnvironment(
  accelerator: Accelerator,
  docker: { version: string } | null,
): Promise<Environment> {
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
    docker,
    qemu: await qemuVersion(),
    accelerator,
    harness: await harness(),
  };
}
