import { readFile } from 'node:fs/promises';

/** Whether `pid` is a running process: signal 0 probes without signalling (EPERM: it exists, as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started (clock ticks after boot, field 22 of /proc/<pid>/stat), or undefined when there is no
 * such process. A pid is reused once its process is gone (quickly on a host with pid_max 32768 that spawns many
 * processes): the same pid with the same start time is the same process.
 */
export async function processStartTime(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // The name field (2) may hold spaces and parentheses: count from the last ')', which ends it; state is field 3.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}
