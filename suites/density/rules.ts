/** Why a density ramp stopped starting instances. */
export const STOP_REASONS = ['target', 'memory-budget', 'start-timeout', 'start-failed', 'aborted'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export const STOP_REASON_TEXT: Record<StopReason, string> = {
  target: 'reached the target count',
  'memory-budget': 'another instance would eat into the MemAvailable reserve',
  'start-timeout': 'an instance did not become ready within the start timeout',
  'start-failed': 'an instance failed to start',
  aborted: 'interrupted',
};

export interface RampState {
  /** Instances that became ready. */
  ready: number;
  /** Starts requested and not yet finished. */
  inFlight: number;
  target: number;
  concurrency: number;
  memAvailableBytes: number;
  /** MemAvailable that must stay free. */
  reserveBytes: number;
  /** What one more instance is expected to take from MemAvailable (0 before any is known). */
  perInstanceBytes: number;
  /** The first start that failed, if any. */
  failure?: { timedOut: boolean };
  aborted: boolean;
}

export type RampDecision = { start: true } | { start: false; stop?: StopReason };

/**
 * Whether to start one more instance now. `{ start: false }` without `stop` means wait for a start in flight;
 * with `stop`, start nothing more (starts in flight still finish and, if they become ready, count).
 * The memory rule counts the starts in flight as already taken, so that concurrent starts cannot together
 * overrun the reserve.
 */
export function decide(s: RampState): RampDecision {
  if (s.aborted) return { start: false, stop: 'aborted' };
  if (s.failure) return { start: false, stop: s.failure.timedOut ? 'start-timeout' : 'start-failed' };
  if (s.ready >= s.target) return { start: false, stop: 'target' };
  if (s.ready + s.inFlight >= s.target) return { start: false };
  if (s.memAvailableBytes - (s.inFlight + 1) * s.perInstanceBytes < s.reserveBytes) {
    return { start: false, stop: 'memory-budget' };
  }
  if (s.inFlight >= s.concurrency) return { start: false };
  return { start: true };
}

/** What one more instance will take: the mean fall of MemAvailable per ready instance so far. */
export function perInstanceEstimate(memAvailableAtStart: number, memAvailableNow: number, ready: number): number {
  if (ready === 0) return 0;
  return Math.max(0, (memAvailableAtStart - memAvailableNow) / ready);
}

/**
 * A failed start counts as a timeout when it took the whole timeout: the runner rejects when readiness did not
 * come in time, and the harness' own guard aborts a start that hangs beyond it.
 */
export function isTimeout(elapsedMs: number, timeoutMs: number): boolean {
  return elapsedMs >= timeoutMs;
}
