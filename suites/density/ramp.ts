import { busyShare, type CpuTimes } from '../../core/cpu-load.ts';
import { childSignal } from '../../core/child-signal.ts';
import { decide, isTimeout, perInstanceEstimate, type StopReason } from './rules.ts';

/** A start that hangs this long beyond its timeout is aborted by the ramp itself. */
export const START_GUARD_GRACE_MS = 30_000;

/** One start of the ramp, successful or not. */
export interface RampRecord<T> {
  index: number;
  /** When the start was requested, ms after the ramp began. */
  requestedAtMs: number;
  /** How long the start took, to ready or to failure. */
  elapsedMs: number;
  memAvailableBeforeBytes: number;
  memAvailableAfterBytes: number;
  /**
   * Share of all host cores busy while this start was under way (0 to 1): a curve that bends because the CPU
   * saturated shows it here, one that bends for memory does not.
   */
  hostCpuBusy?: number;
  /** Starts that were in flight at the same time, this one included: with more than 1, the MemAvailable falls overlap. */
  concurrent: number;
  instance?: T;
  error?: unknown;
  timedOut?: boolean;
}

export interface RampOptions<T> {
  target: number;
  concurrency: number;
  reserveBytes: number;
  startTimeoutMs: number;
  signal: AbortSignal;
  memAvailable(): Promise<number>;
  /** Host CPU times, read as each start is requested and as it settles. */
  cpuTimes?(): Promise<CpuTimes>;
  /**
   * Starts instance `index`; must honour `signal` (the ramp's abort or its guard against a hanging start). The
   * signal is never aborted once the start has settled, so a runner may keep listening to it for the instance's
   * lifetime.
   */
  start(index: number, signal: AbortSignal): Promise<T>;
  /** A start still pending this long is aborted; default startTimeoutMs + START_GUARD_GRACE_MS. */
  guardMs?: number;
  /** Called as each start finishes, in completion order. */
  onRecord?(record: RampRecord<T>): void;
  now?(): number;
}

export interface RampResult<T> {
  /** In index order. */
  records: RampRecord<T>[];
  stop: StopReason;
  memAvailableAtStartBytes: number;
}

/**
 * Starts instances, at most `concurrency` at a time, until the first stopping rule of `decide` holds; starts in
 * flight then finish. Never throws for a failed start (it is a record and a stop reason); every instance that
 * became ready is in `records`, also when the ramp was aborted, so the caller can stop them all.
 */
export async function ramp<T>(opts: RampOptions<T>): Promise<RampResult<T>> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const memAvailableAtStartBytes = await opts.memAvailable();
  const records: RampRecord<T>[] = [];
  const inFlight = new Set<Promise<void>>();
  let ready = 0;
  let failure: { timedOut: boolean } | undefined;
  let stop: StopReason | undefined;
  let next = 0;

  const launch = (index: number, memBefore: number) => {
    const requestedAt = now();
    // Not AbortSignal.any/timeout: the guard must stop firing once the start settled (the QEMU runner stops its
    // instance whenever the start's signal aborts), and must not depend on garbage collection to do so.
    const guard = childSignal(opts.signal);
    const guardMs = opts.guardMs ?? opts.startTimeoutMs + START_GUARD_GRACE_MS;
    const timer = setTimeout(() => guard.controller.abort(new Error(`start still pending after ${guardMs} ms; aborted it`)), guardMs);
    const release = () => {
      clearTimeout(timer);
      guard.release();
    };
    const concurrent = inFlight.size + 1;
    // A reading that fails leaves the point without its CPU share; it must not fail the start.
    const readCpu = () => opts.cpuTimes?.().catch(() => undefined);
    const cpuBefore = readCpu();
    const settle = async (outcome: { instance: T } | { error: unknown }) => {
      const elapsedMs = now() - requestedAt;
      const before = await cpuBefore;
      const after = before && (await readCpu());
      const hostCpuBusy = after && busyShare(before, after);
      const record: RampRecord<T> = {
        index,
        requestedAtMs: requestedAt - t0,
        elapsedMs,
        memAvailableBeforeBytes: memBefore,
        memAvailableAfterBytes: await opts.memAvailable(),
        ...(hostCpuBusy !== undefined && { hostCpuBusy }),
        concurrent,
        ...outcome,
      };
      if ('instance' in outcome) ready++;
      else {
        record.timedOut = isTimeout(elapsedMs, opts.startTimeoutMs) || (guard.signal.aborted && !opts.signal.aborted);
        if (!failure && !opts.signal.aborted) failure = { timedOut: record.timedOut };
      }
      records.push(record);
      opts.onRecord?.(record);
    };
    const done: Promise<void> = opts
      .start(index, guard.signal)
      .finally(release)
      .then(
        (instance) => settle({ instance }),
        (error: unknown) => settle({ error }),
      )
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  for (;;) {
    if (!stop) {
      const memNow = await opts.memAvailable();
      const decision = decide({
        ready,
        inFlight: inFlight.size,
        target: opts.target,
        concurrency: opts.concurrency,
        memAvailableBytes: memNow,
        reserveBytes: opts.reserveBytes,
        perInstanceBytes: perInstanceEstimate(memAvailableAtStartBytes, memNow, ready),
        ...(failure ? { failure } : {}),
        aborted: opts.signal.aborted,
      });
      if (decision.start) {
        launch(next++, memNow);
        continue;
      }
      stop = decision.stop;
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }
  records.sort((a, b) => a.index - b.index);
  // A stop is always decided before the loop can end: nothing in flight and no start means a rule held.
  return { records, stop: stop!, memAvailableAtStartBytes };
}
