import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { STOP_TIMEOUT_MS } from './lifecycle.ts';
import { RUN_BASE } from './rundir.ts';
import { processAlive } from './processes.ts';
import { docker } from '../runners/docker.ts';

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

/** Containers labelled by isobench whose run (label isobench.run = harness pid) is no longer alive. */
async function cleanContainers(log: (line: string) => void): Promise<number> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: ['isobench=1'] },
    abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS),
  });
  let removed = 0;
  for (const info of containers) {
    const owner = Number(info.Labels['isobench.run']);
    if (owner && owner !== process.pid && processAlive(owner)) continue;
    try {
      await docker.getContainer(info.Id).remove({ force: true, abortSignal: AbortSignal.timeout(STOP_TIMEOUT_MS) });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) continue; // removed by someone else meanwhile
      log(`could not remove container ${info.Id.slice(0, 12)}: ${(error as Error).message}; remove it with docker rm -f ${info.Id}`);
      continue;
    }
    removed++;
    log(`removed container ${info.Id.slice(0, 12)} (${info.Labels['isobench.workload'] ?? info.Image}, left by isobench process ${owner || '?'})`);
  }
  return removed;
}

/** `isobench clean`: removes what killed runs left, and only that. */
export async function clean(log: (line: string) => void): Promise<number> {
  const qemu = await cleanQemu(log);
  let containers = 0;
  try {
    containers = await cleanContainers(log);
  } catch (error) {
    log(`containers not checked: Docker is not reachable (${(error as Error).message})`);
  }
  log(qemu + containers === 0 ? 'nothing left behind by isobench' : `cleaned ${qemu} QEMU process(es), ${containers} container(s)`);
  return 0;
}
