import { setTimeout as sleep } from 'node:timers/promises';
import { forEachBounded } from './bounded.ts';
import { firstFew } from './first-few.ts';

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

/** Stops that may be under way at once when everything is stopped: what dockerd and the host take without queueing. */
export const STOP_ALL_CONCURRENCY = 8;
/** Attempts per instance before its stop counts as failed; a retry comes after every other stop had its turn. */
export const STOP_ATTEMPTS = 3;

async function stopWithin(s: Pick<Stoppable, 'stop'>, timeoutMs: number): Promise<void> {
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

export interface StopFailure<T> {
  item: T;
  /** The last attempt's error. */
  error: string;
}

/**
 * Stops `items`, at most `concurrency` at a time; each attempt is bounded by `timeoutMs`, counted from when it
 * begins, not from when it was queued, so the bound holds however many wait. Items whose stop failed are tried
 * again, up to `attempts` in all. Returns those that never stopped.
 */
export async function stopBounded<T extends Pick<Stoppable, 'stop'>>(
  items: readonly T[],
  opts: { concurrency: number; timeoutMs?: number; attempts?: number },
): Promise<StopFailure<T>[]> {
  const { concurrency, timeoutMs = STOP_TIMEOUT_MS, attempts = STOP_ATTEMPTS } = opts;
  let pending: StopFailure<T>[] = items.map((item) => ({ item, error: 'not stopped' }));
  for (let attempt = 1; attempt <= attempts && pending.length; attempt++) {
    const failed: StopFailure<T>[] = [];
    await forEachBounded(pending, concurrency, async ({ item }) => {
      try {
        await stopWithin(item, timeoutMs);
      } catch (error) {
        failed.push({ item, error: (error as Error)?.message ?? String(error) });
      }
    });
    pending = failed;
  }
  return pending;
}

/** One line for what could not be stopped, however much it is: a count, the first few, and what removes them. */
export function leftoverLine(leftovers: readonly string[]): string {
  return `could not stop ${leftovers.length} instance(s): ${firstFew(leftovers)}; run \`isobench clean\` to remove them`;
}

/**
 * Stops everything still tracked, a few at a time, each attempt bounded by `timeoutMs`; returns the failures. An
 * instance leaves the registry when its own stop() completes, so a second call (a second Ctrl-C) waits for the
 * stops already under way instead of finding nothing to wait for, and retries those that failed.
 */
export async function stopAll(timeoutMs = STOP_TIMEOUT_MS): Promise<string[]> {
  const failed = await stopBounded([...live], { concurrency: STOP_ALL_CONCURRENCY, timeoutMs });
  return failed.map((f) => `${f.item.description}: ${f.error}`);
}
