import type { Workload } from '../fixtures/workloads.ts';
import type { Runner, RunnerName } from '../runners/index.ts';

/** Progress of a long run: a TTY shows a live line, anything else gets plain lines. */
export interface Progress {
  /** A new cell begins; `steps` is how many trials/steps it will take (for the estimate). */
  begin(scope: { suite: string; workload: string; runner: RunnerName }, steps: number): void;
  /** Step `i` (1-based) of the current cell starts; `note` e.g. "warm-up" or "12 instances". */
  step(i: number, note?: string): void;
  /** A line worth keeping in the log (a failed trial, a flag). */
  log(line: string): void;
  end(): void;
}

export interface SuiteContext {
  /**
   * The resolved config (defaults and --quick applied); a suite reads its section, or another suite's, with the
   * reader of that suite's config.ts.
   */
  config: { suite: Readonly<Record<string, unknown>> };
  runner: Runner;
  workload: Workload;
  /** Aborted on SIGINT/SIGTERM: stop starting things, stop what is running, return what was measured. */
  signal: AbortSignal;
  progress: Progress;
}
