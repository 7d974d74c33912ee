import { readFile } from 'node:fs/promises';

/** Host CPU time since boot, all cores together, in clock ticks. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/**
 * The aggregate `cpu` line of /proc/stat. Idle = idle + iowait; busy = everything else of the first eight fields
 * (guest time is already inside user and nice, so the ninth and tenth are left out).
 */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate "cpu" line');
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idleAll = idle! + (iowait ?? 0);
  const busy = user! + nice! + system! + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return { busy, total: busy + idleAll };
}

export async function hostCpuTimes(): Promise<CpuTimes> {
  return parseProcStat(await readFile('/proc/stat', 'utf8'));
}

/** Share of all host cores busy between two readings (0 to 1); undefined when no tick passed between them. */
export function busyShare(before: CpuTimes, after: CpuTimes): number | undefined {
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : undefined;
}

/** What a piece of the harness's own work cost: wall time, this process's CPU, and how busy the host was meanwhile. */
export interface WorkCost {
  wallMs: number;
  /** User + system CPU of the harness process. */
  harnessCpuMs: number;
  /** Share of all host cores busy during the work (dockerd, QEMU and the harness together). */
  hostCpuBusy?: number;
}

/** Runs `work` and measures its cost. */
export async function measureCost<T>(work: () => Promise<T>): Promise<{ result: T; cost: WorkCost }> {
  const cpuBefore = process.cpuUsage();
  const hostBefore = await hostCpuTimes();
  const t0 = performance.now();
  const result = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const hostCpuBusy = busyShare(hostBefore, await hostCpuTimes());
  return { result, cost: { wallMs, harnessCpuMs: (cpu.user + cpu.system) / 1000, ...(hostCpuBusy !== undefined && { hostCpuBusy }) } };
}
