import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Every instance a run starts is tracked here from the moment its process or container exists, so that an
 * interrupt (SIGINT/SIGTERM) or an uncaught error can stop all of them, even those still booting.
 */
export interface Stoppable {
  /** e.g. "linux-vm nginx (qemu pid 1234)" */
  readonly description: string;
  /** Idempotent: a second call while the first is under way returns the same promise. */
  stop(): Promise<void>;
}

/** How long one stop may take before it is reported as failed (QEMU's own grace period is 2 s). */
export const STOP_TIMEOUT_MS = 30_000;

const live = new Set<Stoppable>();

/** Registers `s`; call the returned function once `s` is stopped. */
export function track(s: Stoppable): () => void {
  live.add(s);
  return () => {
    live.delete(s);
  };
}

export function liveInstances(): string[] {
  return [...live].map((s) => s.description);
}

async function stopWithin(s: Stoppable, timeoutMs: number): Promise<void> {
  const timedOut = new AbortController();
  try {
    await Promise.race([
      s.stop(),
      sleep(timeoutMs, undefined, { signal: timedOut.signal }).then(() => {
        throw new Error(`did not stop within ${timeoutMs / 1000} s`);
      }),
    ]);
  } finally {
    timedOut.abort();
  }
}

/**
 * Stops everything still tracked, in parallel, each bounded by `timeoutMs`; returns the failures. An instance
 * leaves the registry when its own stop() completes, so a second call (a second Ctrl-C) waits for the stops
 * already under way instead of finding nothing to wait for, and retries those that failed.
 */
export async function stopAll(timeoutMs = STOP_TIMEOUT_MS): Promise<string[]> {
  const all = [...live];
  const results = await Promise.allSettled(all.map((s) => stopWithin(s, timeoutMs)));
  return results.flatMap((r, i) => (r.status === 'rejected' ? [`${all[i]!.description}: ${(r.reason as Error)?.message ?? String(r.reason)}`] : []));
}
