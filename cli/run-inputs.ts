import type { Config, RunnerName } from './config.ts';
import { ConfigError } from './config.ts';
import { RunnerInputError } from '../runners/descriptor.ts';
import { runnerDescriptor } from '../runners/index.ts';

/**
 * Input a run can check before it starts anything: a configured file that is missing or is not what it should be
 * is a config error (exit 2, one line), not a failed cell found an hour into the run.
 */
export async function checkRunInputs(config: Config, runners: RunnerName[], source: string): Promise<void> {
  for (const name of runners) {
    try {
      await runnerDescriptor(name).checkInputs?.(config.runners[name], config.testbed.cacheDir);
    } catch (error) {
      if (error instanceof RunnerInputError) throw new ConfigError(`${source}: ${error.message}`);
      throw error;
    }
  }
}
