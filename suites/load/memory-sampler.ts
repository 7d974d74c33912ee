import { setTimeout as sleep } from 'node:timers/promises';
import type { Instance, MemorySample } from '../../runners/types.ts';

export interface TimedMemorySample {
  /** ms after sampling started. */
  atMs: number;
  rssBytes: number;
  pssBytes: number;
}

/**
 * Reads `instance.memory()` every `intervalMs` from `start()` until `stop()`, which resolves with the samples.
 * A failed read (the instance died under load) ends the sampling and is returned as `error`.
 */
export function memorySampler(instance: Instance, intervalMs: number) {
  const samples: TimedMemorySample[] = [];
  const halt = new AbortController();
  let error: string | undefined;
  let loop: Promise<void> | undefined;

  const read = async (t0: number) => {
    const m: MemorySample = await instance.memory();
    samples.push({ atMs: Math.round(performance.now() - t0), rssBytes: m.rssBytes, pssBytes: m.pssBytes });
  };

  return {
    start() {
      const t0 = performance.now();
      loop ??= (async () => {
        try {
          while (!halt.signal.aborted) {
            await read(t0);
            await sleep(intervalMs, undefined, { signal: halt.signal });
          }
        } catch (e) {
          if (!halt.signal.aborted) error = (e as Error).message;
        }
      })();
    },
    async stop(): Promise<{ samples: TimedMemorySample[]; error?: string }> {
      halt.abort();
      await loop;
      return { samples, ...(error ? { error } : {}) };
    },
  };
}
