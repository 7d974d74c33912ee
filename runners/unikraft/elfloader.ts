import type { OsFeature, Workload } from '../../fixtures/workloads.ts';

/**
 * What Unikraft's app-elfloader (the kernel that runs a workload's own Linux binaries from its rootfs) can and cannot
 * do, as seen on Unikraft 0.16.3 (the consoles in ../shared/unikraft). Pure functions.
 */

/** What app-elfloader lacks, for each feature a workload may need. */
const LACKS: Record<OsFeature, string> = {
  fork: 'no second process (clone without CLONE_VM is refused)',
  'sysv-shm': 'no System V shared memory (shmget is not implemented)',
  'non-root': 'every program runs as uid 0',
};

/** Why app-elfloader cannot run `w`, in one sentence; undefined when it can. */
export function elfloaderCannotRun(w: Workload): string | undefined {
  if (w.needs.length === 0) return undefined;
  return `app-elfloader cannot run ${w.name}: ${w.needs.map((need) => LACKS[need]).join('; ')}`;
}

// The guest extracts the initrd into a RAM filesystem while the archive itself is still in memory, so it holds the
// cpio about twice; on top of that the kernel, lwIP and the program's own heap. Redis needs the most of the three:
// with its 18.6 MiB cpio it failed at 56 MiB and started at 64 (2 × cpio + 27); 32 MiB leaves room above that.
const CPIO_COPIES = 2;
const BASE_MIB = 32;
const STEP_MIB = 8;

/** Guest memory for an app-elfloader boot of a cpio of `cpioBytes`, rounded up to a multiple of 8 MiB. */
export function elfloaderMemoryMiB(cpioBytes: number): number {
  const needed = (CPIO_COPIES * cpioBytes) / 2 ** 20 + BASE_MIB;
  return Math.ceil(needed / STEP_MIB) * STEP_MIB;
}
