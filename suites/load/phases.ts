import type { Tally } from './tally.ts';

/** The result of one phase (warm-up or measured) of a load. */
export interface PhaseResult {
  tally: Tally;
  timeouts: number;
  non2xx?: number;
  bytes?: number;
  /** HTTP: the server closed the connection after a response (no keep-alive), so requests include a TCP connect. */
  connectionClose?: boolean;
}

/** A load connected to its target, able to run phases of a given length one after another. */
export interface PhaseRunner {
  phase(durationMs: number): Promise<PhaseResult>;
  close(): Promise<void>;
}
