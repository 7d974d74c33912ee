import { STOP_TIMEOUT_MS } from '../../core/lifecycle.ts';
import { processAlive } from '../../core/processes.ts';
import type { Engine } from '../descriptor.ts';
import { docker, DOCKER_TOOL, dockerAvailability } from './docker.ts';

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

/** The Docker engine (dockerd) the container runner starts its instances through. */
export const dockerEngine: Engine = {
  label: 'Docker',
  environmentKey: 'docker',
  tools: [DOCKER_TOOL],
  // dockerd does much of a container's start and removal under its own locks.
  concurrency: 8,
  // Recorded only where the run used it: its version is what ran the containers.
  async version(usable) {
    if (!usable) return null;
    const availability = await dockerAvailability();
    return availability.ok ? { version: availability.version } : null;
  },
  describe: (version, problem) => (version ? `engine ${version.version}` : `not usable: ${problem ?? 'not checked'}`),
  stopMethod: 'docker rm -f (SIGKILL to the container, then its removal)',
  leftovers: 'container(s)',
  async clean(log) {
    try {
      return await cleanContainers(log);
    } catch (error) {
      log(`containers not checked: Docker is not reachable (${(error as Error).message})`);
      return 0;
    }
  },
};
