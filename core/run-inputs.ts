import type { Config, RunnerName } from './config.ts';
import { ConfigError } from './config.ts';
import { guestKernel, KernelError } from '../fixtures/kernel.ts';

/**
 * Input a run can check before it starts anything: a configured file that is missing or is not what it should be
 * is a config error (exit 2, one line), not a failed cell found an hour into the run.
 */
export async function checkRunInputs(config: Config, runners: RunnerName[], source: string): Promise<void> {
  const kernel = config.runners['linux-vm'].kernel;
  if (runners.includes('linux-vm') && kernel) {
    try {
      // With a configured kernel this only checks the files; nothing is fetched.
      await guestKernel(kernel, config.testbed.cacheDir);
    } catch (error) {
      if (error instanceof KernelError) throw new ConfigError(`${source}: ${error.message}`);
      throw error;
    }
  }
}
