import { readFile } from 'node:fs/promises';

export interface ProcessMemory {
  rssBytes: number;
  pssBytes: number;
  /** Peak RSS (VmHWM). */
  peakRssBytes: number;
}

/** `Key:   123 kB` lines of /proc files, in bytes. */
export function parseKbFields(text: string): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+) kB$/.exec(line.trim());
    if (m) fields[m[1]!] = Number(m[2]) * 1024;
  }
  return fields;
}

/** The host's MemAvailable, in bytes. */
export async function memAvailableBytes(): Promise<number> {
  return parseKbFields(await readFile('/proc/meminfo', 'utf8')).MemAvailable ?? 0;
}

/** Host-side memory of one process from /proc (smaps_rollup for PSS, status for the peak). */
export async function processMemory(pid: number): Promise<ProcessMemory> {
  const [rollup, status] = await Promise.all([
    readFile(`/proc/${pid}/smaps_rollup`, 'utf8'),
    readFile(`/proc/${pid}/status`, 'utf8'),
  ]);
  const r = parseKbFields(rollup);
  const s = parseKbFields(status);
  const rssBytes = r.Rss ?? s.VmRSS ?? 0;
  // The two files are read at different instants: a process still growing can show an Rss above the VmHWM read
  // a moment earlier, and the peak is never below what is resident now.
  return { rssBytes, pssBytes: r.Pss ?? 0, peakRssBytes: Math.max(s.VmHWM ?? 0, rssBytes) };
}
