import type { RunnerName } from '../core/config.ts';
import { createContainerRunner } from './container.ts';
import { createLinuxVmRunner } from './linux-vm.ts';
import { createUnikraftRunner } from './unikraft.ts';
import type { Runner, RunnerContext } from './types.ts';

/**
 * How many starts or stops of one runner may be under way at once. dockerd does much of a container's start and
 * removal under its own locks: more at a time only queue there, each waiting out the others' work against its own
 * timeout. QEMU processes start and quit independently of each other.
 */
export const ENGINE_CONCURRENCY: Record<RunnerName, number> = { container: 8, 'linux-vm': 32, unikraft: 32 };

/** The one place that maps a runner's name to its implementation. */
export function createRunner(name: RunnerName, ctx: RunnerContext): Runner {
  switch (name) {
    case 'container':
      return createContainerRunner({ cacheDir: ctx.cacheDir, ...(ctx.log ? { log: ctx.log } : {}) });
    case 'linux-vm':
      return createLinuxVmRunner({ ...ctx, config: ctx.config.runners['linux-vm'] });
    case 'unikraft':
      return createUnikraftRunner({ ...ctx, config: ctx.config.runners.unikraft });
  }
}
