import { setTimeout as sleep } from 'node:timers/promises';
import { Tally } from './tally.ts';
import type { PhaseRunner } from './phases.ts';

/** What `run` resolves with for an operation that completed without succeeding (an HTTP error status). */
export const NOT_OK = Symbol('not ok');

/** One operation of a client's fixed mix. */
export interface Operation {
  kind: string;
  run(): Promise<unknown>;
}

/** A client drops out after this many failures in a row: its connection is gone and retrying would only spin. */
const MAX_FAILURES_IN_A_ROW = 20;
/** How long operations still outstanding at the deadline may take before they count as timeouts. */
export const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Closed-loop load: each client keeps exactly one operation outstanding and issues the next one as soon as the
 * previous completed, until `durationMs` has passed. Latency is process.hrtime around each operation (ns
 * resolution). Returns the number of operations that had not completed DRAIN_TIMEOUT_MS after the deadline; results
 * that arrive later are ignored, so the caller can close the connections at once.
 */
export async function closedLoop(
  clients: number,
  durationMs: number,
  next: (client: number, i: number) => Operation,
  tally: Tally,
): Promise<{ timeouts: number }> {
  const deadline = performance.now() + durationMs;
  let open = true;
  let outstanding = 0;
  const client = async (c: number) => {
    let failuresInARow = 0;
    for (let i = 0; open && performance.now() < deadline; i++) {
      const op = next(c, i);
      const t0 = process.hrtime.bigint();
      outstanding++;
      try {
        const outcome = await op.run();
        if (!open) return;
        const us = Number(process.hrtime.bigint() - t0) / 1000;
        if (outcome === NOT_OK) tally.latency.record(us);
        else tally.success(op.kind, us);
        failuresInARow = 0;
      } catch (error) {
        if (!open) return;
        tally.failure(op.kind, error);
        if (++failuresInARow >= MAX_FAILURES_IN_A_ROW) return;
      } finally {
        outstanding--;
      }
    }
  };
  const all = Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  const timer = new AbortController();
  const drained = await Promise.race([
    all.then(() => true),
    sleep(Math.max(0, deadline - performance.now()) + DRAIN_TIMEOUT_MS, false, { signal: timer.signal }),
  ]);
  timer.abort();
  open = false;
  return { timeouts: drained ? 0 : outstanding };
}

/** The phases of a closed-loop load over `clients` open connections, each phase tallied afresh. */
export function closedLoopPhases(
  clients: number,
  next: (client: number, i: number) => Operation,
  close: () => Promise<void>,
): PhaseRunner {
  return {
    async phase(durationMs) {
      const tally = new Tally();
      const { timeouts } = await closedLoop(clients, durationMs, next, tally);
      return { tally, timeouts };
    },
    close,
  };
}
