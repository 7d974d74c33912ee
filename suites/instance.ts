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

