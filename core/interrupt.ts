import { ExitCode } from './exit-codes.ts';
import { leftoverLine, stopAll } from './lifecycle.ts';

/** The reason a run was aborted by a signal; carries the exit code that says which. */
export class Interrupted extends Error {
  override name = 'Interrupted';
  readonly exitCode: number;

  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`);
    this.exitCode = signal === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted;
  }
}

/**
 * After an uncaught error nobody is at the keyboard to insist: if unwinding the run hangs this long, what is
 * tracked is stopped and the process exits.
 */
const FATAL_UNWIND_MS = 60_000;

/**
 * One Ctrl-C can arrive more than once: the terminal signals the whole foreground group, and a wrapper in it (npm
 * forwards signals to its script; tsx's CLI relays them to its child) sends it again a moment later. Within this
 * time of the first, the same signal is that echo, not a second press asking to stop at once.
 */
const ECHO_MS = 1_000;

export interface Interruptions {
  /**
   * Aborted on the first SIGINT/SIGTERM (reason: an Interrupted) or uncaught error (reason: that error): the run
   * stops starting things, stops what runs and writes what it measured.
   */
  readonly signal: AbortSignal;
  /** Gives the signals and uncaught errors back to Node's defaults. */
  dispose(): void;
}

/**
 * Turns SIGINT, SIGTERM and uncaught errors into an abort of the run instead of an exit that would leave QEMU
 * processes and containers behind. A second signal stops every tracked instance and exits at once.
 */
export function watchInterruptions(log: (line: string) => void): Interruptions {
  const controller = new AbortController();
  let watchdog: NodeJS.Timeout | undefined;

  const stopAndExit = (code: number) => {
    void stopAll()
      .then((failed) => failed.length && log(leftoverLine(failed)))
      .finally(() => process.exit(code));
  };

  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const interrupted = new Interrupted(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    if (first && first.signal === signal && performance.now() - first.at < ECHO_MS) return;
    if (controller.signal.aborted) {
      log(`${signal} again: stopping the instances and exiting now; results.json holds the cells finished so far`);
      stopAndExit(interrupted.exitCode);
      return;
    }
    first = { signal, at: performance.now() };
    log(`\n${signal}: stopping every instance and writing the partial results (${signal} again to stop at once)`);
    controller.abort(interrupted);
  };

  const onFatal = (error: unknown) => {
    // Promises that reject with the abort reason itself are the unwinding, not a new problem.
    if (controller.signal.aborted && error === controller.signal.reason) return;
    const stack = (error as Error)?.stack ?? String(error);
    if (controller.signal.aborted) {
      log(`uncaught error while stopping: ${stack}`);
      return;
    }
    // The stack comes once the run has wound down (the CLI prints it), or here if it never does.
    log(`uncaught error (${(error as Error)?.message ?? String(error)}): stopping every instance and writing the partial results`);
    controller.abort(error);
    watchdog = setTimeout(() => {
      log(`the run did not wind down within ${FATAL_UNWIND_MS / 1000} s of the error; stopping the instances and exiting. ${stack}`);
      stopAndExit(ExitCode.Internal);
    }, FATAL_UNWIND_MS).unref();
  };

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(watchdog);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('uncaughtException', onFatal);
      process.off('unhandledRejection', onFatal);
    },
  };
}
