import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostTool } from '../../core/host-tools.ts';
import type { Accelerator } from '../../core/label.ts';
import { processAlive } from '../../core/processes.ts';
import { RUN_BASE } from '../../core/rundir.ts';
import type { Engine, PreflightOptions } from '../descriptor.ts';
import { decideAccelerator } from './accel.ts';
import { QEMU_STOP_GRACE_MS } from './launch.ts';
import { QEMU_BINARY, QEMU_PACKAGE, qemuVersion } from './binary.ts';

export const QEMU_TOOLS: HostTool[] = [
  { bin: QEMU_BINARY, pkg: QEMU_PACKAGE, neededBy: 'the linux-vm and unikraft runners' },
  { bin: 'cpio', pkg: 'cpio', neededBy: 'building VM initramfs images' },
];

async function cmdline(pid: number): Promise<string[]> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
  } catch {
    return [];
  }
}

/**
 * QEMU processes left by runs whose harness process is gone: every pid file in a run folder whose owner (the
 * folder's name) no longer runs. A pid is killed only when that process is QEMU started with that very pid file,
 * so a recycled pid is never hit.
 */
async function cleanQemu(log: (line: string) => void): Promise<number> {
  let killed = 0;
  let folders: string[];
  try {
    folders = await readdir(RUN_BASE);
  } catch {
    return 0;
  }
  // Folders are named by the pid of the isobench process that made them; anything else is not ours to touch.
  // Our own pid's folder can only be a dead run's whose pid was reused: this process starts no instances.
  for (const owner of folders.filter((f) => /^\d+$/.test(f))) {
    if (Number(owner) !== process.pid && processAlive(Number(owner))) continue;
    const folder = join(RUN_BASE, owner);
    for (const file of (await readdir(folder).catch(() => [])).filter((f) => f.endsWith('.pid'))) {
      const pidFile = join(folder, file);
      const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      const args = pid ? await cmdline(pid) : [];
      if (!args[0]?.includes('qemu-system') || !args.includes(pidFile)) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        continue; // it ended on its own since we looked
      }
      killed++;
      log(`killed QEMU pid ${pid} (left by isobench process ${owner})`);
    }
    await rm(folder, { recursive: true, force: true });
  }
  return killed;
}

/** The host's QEMU, shared by the runners that boot guests under it. */
export const qemuEngine: Engine = {
  label: 'QEMU',
  environmentKey: 'qemu',
  tools: QEMU_TOOLS,
  // Each QEMU is a process of its own: the bound only keeps the waits in flight in proportion. At full density the
  // guests saturate the CPU and a stop waits for its QEMU's turn to run: more at once, the sooner all have had it.
  concurrency: 64,
  // Recorded wherever QEMU is installed, used by the run or not: the gate compares it between runs.
  version: () => qemuVersion(),
  describe: (version) => (version ? `${version.version} (${version.path})` : 'not installed'),
  stopMethod: `SIGTERM to the QEMU process (it exits in order), SIGKILL if it has not exited after ${QEMU_STOP_GRACE_MS / 1000} s`,
  leftovers: 'QEMU process(es)',
  clean: cleanQemu,
};

/** The preflight of a runner under QEMU: the accelerator its section asks for, where the host can give it. */
export function qemuPreflight(section: { accel: 'auto' | 'kvm' | 'tcg' }, options: PreflightOptions): Promise<Accelerator> {
  return decideAccelerator(section.accel, options.cacheDir);
}
