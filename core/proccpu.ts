import { readFile } from 'node:fs/promises';

/** USER_HZ, the unit of the times in /proc/<pid>/stat: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_S = 100;

/** utime + stime of a /proc/<pid>/stat line, in µs (all threads of the process; the name field may hold spaces). */
export function parseProcStatCpuUs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of the man page, utime 14 and stime 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / CLOCK_TICKS_PER_S;
}

/** CPU time a process has used so far (user + system, all its threads), in µs. */
export async function processCpuUs(pid: number): Promise<number> {
  return parseProcStatCpuUs(await readFile(`/proc/${pid}/stat`, 'utf8'));
}
