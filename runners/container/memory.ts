import { readdir, readFile } from 'node:fs/promises';
import { processMemory } from '../../core/procmem.ts';
import type { HostScan, MemorySample } from '../types.ts';

const CGROUP_ROOT = '/sys/fs/cgroup';

interface CgroupMemory {
  usageBytes: number;
  parts: Record<string, number>;
}

/** `key value` lines of a cgroup memory.stat file. */
export function parseMemoryStat(text: string): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [key, value] = line.split(' ');
    if (key && value !== undefined) fields[key] = Number(value);
  }
  return fields;
}

/**
 * The memory cgroup folders that may hold the container, best first: the one /proc/<pid>/cgroup names (right for any
 * cgroup driver), then Docker's defaults for the cgroupfs (v1) and systemd (v2) drivers.
 */
async function cgroupCandidates(pid: number, id: string): Promise<Array<{ version: 1 | 2; dir: string }>> {
  const candidates: Array<{ version: 1 | 2; dir: string }> = [];
  const text = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined) continue;
    if (controllers!.split(',').includes('memory')) candidates.push({ version: 1, dir: `${CGROUP_ROOT}/memory${path}` });
    if (controllers === '') candidates.push({ version: 2, dir: `${CGROUP_ROOT}${path}` });
  }
  candidates.push(
    { version: 1, dir: `${CGROUP_ROOT}/memory/docker/${id}` },
    { version: 2, dir: `${CGROUP_ROOT}/system.slice/docker-${id}.scope` },
    { version: 2, dir: `${CGROUP_ROOT}/docker/${id}` },
  );
  return candidates;
}

const readNumber = async (file: string) => Number((await readFile(file, 'utf8')).trim());

async function cgroupMemory(pid: number, id: string): Promise<CgroupMemory> {
  const candidates = await cgroupCandidates(pid, id);
  for (const { version, dir } of candidates) {
    if (version === 1) {
      const usage = await readNumber(`${dir}/memory.usage_in_bytes`).catch(() => undefined);
      if (usage === undefined) continue;
      const stat = parseMemoryStat(await readFile(`${dir}/memory.stat`, 'utf8'));
      const kernel = await readNumber(`${dir}/memory.kmem.usage_in_bytes`).catch(() => undefined);
      return {
        usageBytes: usage,
        parts: {
          cgroupAnonBytes: stat.total_rss ?? stat.rss ?? 0,
          cgroupFileBytes: stat.total_cache ?? stat.cache ?? 0,
          ...(kernel === undefined ? {} : { cgroupKernelBytes: kernel }),
        },
      };
    }
    const current = await readNumber(`${dir}/memory.current`).catch(() => undefined);
    if (current === undefined) continue;
    const stat = parseMemoryStat(await readFile(`${dir}/memory.stat`, 'utf8'));
    return {
      usageBytes: current,
      parts: { cgroupAnonBytes: stat.anon ?? 0, cgroupFileBytes: stat.file ?? 0, cgroupKernelBytes: stat.kernel ?? 0 },
    };
  }
  throw new Error(`no memory cgroup found for container ${id.slice(0, 12)} (pid ${pid}); looked in ${candidates.map((c) => c.dir).join(', ')}`);
}

/** The parent pid of a process, from /proc/<pid>/stat (whose name field may hold spaces and parentheses). */
async function parentOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The host port a docker-proxy forwards, from its argv; undefined for any other process. */
export function proxiedPort(argv: readonly string[]): number | undefined {
  const at = argv.indexOf('-host-port');
  const port = at < 0 ? NaN : Number(argv[at + 1]);
  return Number.isInteger(port) ? port : undefined;
}

/** Every docker-proxy on the host by the port it forwards: one pass over /proc, whatever the number of containers. */
export async function scanDockerProxies(): Promise<Map<number, number>> {
  const proxies = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const comm = await readFile(`/proc/${name}/comm`, 'utf8').catch(() => '');
    if (comm.trim() !== 'docker-proxy') continue;
    const port = proxiedPort((await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0'));
    if (port !== undefined) proxies.set(port, Number(name));
  }
  return proxies;
}

/**
 * Host memory of a container: its cgroup's usage (everything charged to it: anonymous memory, page cache it read,
 * kernel memory) plus its containerd shim, the parent of its init process, which exists for it alone.
 * PSS = cgroup usage + shim PSS. The docker-proxy forwarding its port is reported as a part, not in the totals.
 */
export async function containerMemory(id: string, initPid: number, hostPort: number, scan: HostScan): Promise<MemorySample> {
  const cgroup = await cgroupMemory(initPid, id);
  const shimPid = await parentOf(initPid);
  const comm = (await readFile(`/proc/${shimPid}/comm`, 'utf8')).trim();
  if (!comm.startsWith('containerd-shim')) {
    throw new Error(`the parent of container ${id.slice(0, 12)}'s init (pid ${initPid}) is ${comm} (pid ${shimPid}), not a containerd shim; cannot account for the shim`);
  }
  const shim = await processMemory(shimPid);
  const proxyPid = (await scan.dockerProxies()).get(hostPort);
  const proxy = proxyPid === undefined ? undefined : await processMemory(proxyPid).catch(() => undefined);
  return {
    rssBytes: cgroup.usageBytes + shim.rssBytes,
    pssBytes: cgroup.usageBytes + shim.pssBytes,
    parts: {
      cgroupBytes: cgroup.usageBytes,
      ...cgroup.parts,
      shimRssBytes: shim.rssBytes,
      shimPssBytes: shim.pssBytes,
      ...(proxy ? { dockerProxyRssBytes: proxy.rssBytes, dockerProxyPssBytes: proxy.pssBytes } : {}),
    },
  };
}
