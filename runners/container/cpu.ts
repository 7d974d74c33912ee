import { readFile } from 'node:fs/promises';

const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * CPU time charged to the cgroup of a container's init process (every process of the container), in µs: cgroup v1
 * cpuacct.usage (ns), else cgroup v2 cpu.stat usage_usec.
 */
export async function containerCpuUs(initPid: number): Promise<number> {
  const text = await readFile(`/proc/${initPid}/cgroup`, 'utf8');
  const tried: string[] = [];
  for (const line of text.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined) continue;
    if (controllers!.split(',').includes('cpuacct')) {
      for (const mount of ['cpuacct', 'cpu,cpuacct']) {
        const file = `${CGROUP_ROOT}/${mount}${path}/cpuacct.usage`;
        tried.push(file);
        const ns = await readFile(file, 'utf8').catch(() => undefined);
        if (ns !== undefined) return Number(ns.trim()) / 1000;
      }
    }
    if (controllers === '') {
      for (const root of [CGROUP_ROOT, `${CGROUP_ROOT}/unified`]) {
        const file = `${root}${path}/cpu.stat`;
        tried.push(file);
        const stat = await readFile(file, 'utf8').catch(() => undefined);
        const usage = stat && /^usage_usec (\d+)$/m.exec(stat);
        if (usage) return Number(usage[1]);
      }
    }
  }
  throw new Error(`no CPU accounting found for the cgroup of pid ${initPid}; looked in ${tried.join(', ') || '(no cgroup lines)'}`);
}
