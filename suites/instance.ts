import type { Instance, StartOptions } from '../runners/types.ts';
import type { SuiteContext } from './types.ts';

/**
 * Starts one instance of the cell's workload, runs `use` with it and stops it, also when `use` throws or the run
 * is aborted. A start that fails has already stopped what it started (the Runner contract).
 */
export async function withInstance<T>(
  ctx: SuiteContext,
  options: Omit<StartOptions, 'signal'>,
  use: (instance: Instance) => Promise<T>,
): Promise<T> {
  const instance = await ctx.runner.start(ctx.workload, { ...options, signal: ctx.signal });
  try {
    return await use(instance);
  } finally {
    await instance.stop();
  }
}

/** Whether a host process still exists (signal 0 checks without sending anything). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
