import type { Config, RunnerName, SuiteName } from '../core/config.ts';
import type { Cell } from '../core/results.ts';
import type { Workload } from '../fixtures/workloads.ts';
import type { Runner } from '../runners/index.ts';

/** Progress of a long run: a TTY shows a live line, anything else gets plain lines. */
export interface Progress {
  /** A new cell begins; `steps` is how many trials/steps it will take (for the estimate). */
  begin(scope: { suite: SuiteName; workload: string; runner: RunnerName }, steps: number): void;
  /** Step `i` (1-based) of the current cell starts; `note` e.g. "warm-up" or "12 instances". */
  step(i: number, note?: string): void;
  /** A line worth keeping in the log (a failed trial, a flag). */
  log(line: string): void;
  end(): void;
}

export interface SuiteContext {
  /** The resolved config (defaults and --quick applied). */
  config: Config;
  runner: Runner;
  workload: Workload;
  /** Aborted on SIGINT/SIGTERM: stop starting things, stop what is running, return what was measured. */
  signal: AbortSignal;
  progress: Progress;
}

/**
 * A scenario. `run` measures one workload on one runner and returns its cell with every raw sample; a trial that
 * fails is recorded in the cell (with its reason and console tail) and the suite goes on. It stops every instance
 * it started before returning, also when it throws or the signal aborts.
 */
export interface Suite {
  readonly name: SuiteName;
  /** One cell, or one per variant of the suite's own (the wake suite's strategies). */
  run(ctx: SuiteContext): Promise<Cell | Cell[]>;
}
