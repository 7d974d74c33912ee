import type { Tally } from './tally.ts';

/** The result of one phase (warm-up or measured) of a load. */
export interface PhaseResult {
  tally: Tally;
  timeouts: number;
  non2xx?: number;
  bytes?: number;
  /** HTTP: responses after which the server closed the connection (no keep-alive, or its keep-alive limit). */
  closingResponses?: number;
}

/** A load connected to its target, able to run phases of a given length one after another. */
export interface PhaseRunner {
  phase(durationMs: number): Promise<PhaseResult>;
  close(): Promise<void>;
}
