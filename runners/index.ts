import type { Config, RunnerName } from '../core/config.ts';
import type { Accelerator } from '../core/results.ts';
import { createContainerRunner } from './container.ts';
import { createLinuxVmRunner } from './linux-vm.ts';
import { createUnikraftRunner } from './unikraft.ts';
import type { Runner } from './types.ts';

export interface RunnerContext {
  config: Config;
  cacheDir: string;
  accelerator: Accelerator;
  log?: (line: string) => void;
}

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
