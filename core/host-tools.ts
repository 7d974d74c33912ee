import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A host program the runners need, and the Debian package that brings it. */
export interface HostTool {
  bin: string;
  pkg: string;
  neededBy: string;
}

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
