import type { Trial } from '../core/cell-schema.ts';
import { failedTrial, trialError } from './cell.ts';
import type { SuiteContext } from './types.ts';

/**
 * A cell's measuring: its progress begun with `steps` and ended whatever happens. An abort (SIGINT/SIGTERM) ends
 * it early and keeps what was measured; any other error propagates.
 */
export async function measuring(ctx: SuiteContext, suite: string, steps: number, body: () => Promise<void>): Promise<void> {
  ctx.progress.begin({ suite, workload: ctx.workload.name, runner: ctx.runner.name }, steps);
  try {
    await body();
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
  } finally {
    ctx.progress.end();
  }
}

/**
 * Trial `index`, which `measure` records; an error it throws makes a failed trial (its reason and console tail,
 * never a sample), which `failed` turns into what `measure` returns. Once the run is aborted the error propagates
 * instead: it ends the cell, not the trial.
 */
export async function attempt<T>(
  ctx: SuiteContext,
  index: number,
  measure: (startedAt: string) => Promise<T>,
  failed: (trial: Trial) => T,
): Promise<T> {
  const startedAt = new Date().toISOString();
  try {
    return await measure(startedAt);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return failed(failedTrial(index, startedAt, trialError(error)));
  }
}
