import { describe, expect, it } from 'vitest';
import { decide, isTimeout, perInstanceEstimate, type RampState } from '../suites/density/rules.ts';
import { ramp, type RampOptions } from '../suites/density/ramp.ts';

const MiB = 1024 * 1024;

const state = (over: Partial<RampState> = {}): RampState => ({
  ready: 0,
  inFlight: 0,
  target: 20,
  concurrency: 1,
  memAvailableBytes: 10_000 * MiB,
  reserveBytes: 2_500 * MiB,
  perInstanceBytes: 0,
  aborted: false,
  ...over,
});

describe('decide', () => {
  it('starts while below target, concurrency and memory limits', () => {
    expect(decide(state())).toEqual({ start: true });
    expect(decide(state({ ready: 19 }))).toEqual({ start: true });
  });

  it('stops at the target, and waits while the starts in flight could reach it', () => {
    expect(decide(state({ ready: 20 }))).toEqual({ start: false, stop: 'target' });
    expect(decide(state({ ready: 19, inFlight: 1, concurrency: 4 }))).toEqual({ start: false });
  });

  it('waits when `concurrency` starts are in flight', () => {
    expect(decide(state({ inFlight: 1 }))).toEqual({ start: false });
    expect(decide(state({ inFlight: 2, concurrency: 3 }))).toEqual({ start: true });
  });

  it('keeps the reserve free, counting the starts in flight as taken', () => {
    const s = { memAvailableBytes: 3_000 * MiB, reserveBytes: 2_500 * MiB, perInstanceBytes: 200 * MiB, concurrency: 4 };
    expect(decide(state({ ...s, inFlight: 1 }))).toEqual({ start: true }); // 3000 - 2·200 = 2600 >= 2500
    expect(decide(state({ ...s, inFlight: 2 }))).toEqual({ start: false, stop: 'memory-budget' }); // 3000 - 3·200 < 2500
    expect(decide(state({ memAvailableBytes: 2_000 * MiB }))).toEqual({ start: false, stop: 'memory-budget' });
  });

  it('stops on the first failure, naming a timeout as such', () => {
    expect(decide(state({ failure: { timedOut: false } }))).toEqual({ start: false, stop: 'start-failed' });
    expect(decide(state({ failure: { timedOut: true } }))).toEqual({ start: false, stop: 'start-timeout' });
  });

  it('an abort overrides every other rule', () => {
    expect(decide(state({ aborted: true, ready: 20, failure: { timedOut: true } }))).toEqual({ start: false, stop: 'aborted' });
  });
});

describe('perInstanceEstimate and isTimeout', () => {
  it('is the mean fall of MemAvailable per ready instance, never negative', () => {
    expect(perInstanceEstimate(1000, 600, 4)).toBe(100);
    expect(perInstanceEstimate(1000, 1100, 4)).toBe(0);
    expect(perInstanceEstimate(1000, 600, 0)).toBe(0);
  });

  it('counts a start as timed out when it took the whole timeout', () => {
    expect(isTimeout(60_000, 60_000)).toBe(true);
    expect(isTimeout(59_999, 60_000)).toBe(false);
  });
});

/**
 * The ramp driven by fake starts on a fake clock: each start "takes" `durationOf(i)` ms and "uses" 100 MiB of
 * MemAvailable once ready. This checks the ramp's bookkeeping, not any system.
 */
function fakeHost(opts: { memMiB?: number; durationOf?: (i: number) => number; failAt?: number } = {}) {
  let clock = 0;
  let used = 0;
  let running = 0;
  let maxRunning = 0;
  const started: number[] = [];
  const options: Pick<RampOptions<number>, 'memAvailable' | 'start' | 'now'> = {
    now: () => clock,
    memAvailable: async () => (opts.memMiB ?? 10_000) * MiB - used,
    start: async (index, signal) => {
      started.push(index);
      running++;
      maxRunning = Math.max(maxRunning, running);
      // Let the other starts in flight begin before this one ends.
      await new Promise((r) => setImmediate(r));
      clock += opts.durationOf?.(index) ?? 1_000;
      running--;
      signal.throwIfAborted();
      if (index === opts.failAt) throw new Error(`instance ${index} crashed`);
      used += 100 * MiB;
      return index;
    },
  };
  return { options, started, maxRunning: () => maxRunning };
}

const base = { target: 20, concurrency: 1, reserveBytes: 2_500 * MiB, startTimeoutMs: 60_000, signal: new AbortController().signal };

describe('ramp', () => {
  it('reaches the target one start after another with concurrency 1', async () => {
    const host = fakeHost();
    const result = await ramp({ ...base, ...host.options });
    expect(result.stop).toBe('target');
    expect(result.records.map((r) => r.instance)).toEqual([...Array(20).keys()]);
    expect(host.maxRunning()).toBe(1);
    expect(result.records.every((r) => r.concurrent === 1)).toBe(true);
    // Each instance's own fall of MemAvailable is visible with one start at a time.
    expect(result.records[3]!.memAvailableBeforeBytes - result.records[3]!.memAvailableAfterBytes).toBe(100 * MiB);
  });

  it('never has more than `concurrency` starts in flight nor overshoots the target', async () => {
    const host = fakeHost();
    const result = await ramp({ ...base, target: 10, concurrency: 4, ...host.options });
    expect(result.stop).toBe('target');
    expect(host.started).toHaveLength(10);
    expect(host.maxRunning()).toBe(4);
  });

  it('stops before the reserve of MemAvailable is used', async () => {
    // 3000 MiB available, 2500 reserved, 100 MiB per instance: the 5th instance would leave exactly 2500.
    const host = fakeHost({ memMiB: 3_000 });
    const result = await ramp({ ...base, ...host.options });
    expect(result.stop).toBe('memory-budget');
    expect(result.records).toHaveLength(5);
    expect(result.records.at(-1)!.memAvailableAfterBytes).toBeGreaterThanOrEqual(base.reserveBytes);
  });

  it('stops at the first failed start and keeps the instances that were ready', async () => {
    const host = fakeHost({ failAt: 7 });
    const result = await ramp({ ...base, ...host.options });
    expect(result.stop).toBe('start-failed');
    expect(result.records).toHaveLength(8);
    expect(result.records.filter((r) => r.instance !== undefined)).toHaveLength(7);
    expect(String(result.records[7]!.error)).toContain('instance 7 crashed');
  });

  it('lets starts in flight finish after a failure, and counts them', async () => {
    const host = fakeHost({ failAt: 5 });
    const result = await ramp({ ...base, concurrency: 3, ...host.options });
    expect(result.stop).toBe('start-failed');
    const ready = result.records.filter((r) => r.instance !== undefined).length;
    expect(ready).toBeGreaterThanOrEqual(5);
    expect(result.records.length).toBeLessThanOrEqual(8);
  });

  it('names a start that took the whole timeout a timeout', async () => {
    const host = fakeHost({ durationOf: (i) => (i === 3 ? 60_000 : 1_000), failAt: 3 });
    const result = await ramp({ ...base, ...host.options });
    expect(result.stop).toBe('start-timeout');
    expect(result.records[3]).toMatchObject({ timedOut: true, elapsedMs: 60_000 });
  });

  it('stops on abort and still returns the instances that became ready', async () => {
    const controller = new AbortController();
    const host = fakeHost();
    const result = await ramp({
      ...base,
      ...host.options,
      signal: controller.signal,
      onRecord: (r) => r.index === 4 && controller.abort(new Error('interrupted')),
    });
    expect(result.stop).toBe('aborted');
    expect(result.records.filter((r) => r.instance !== undefined).map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('aborts a start that hangs past its guard and calls that a timeout', async () => {
    const result = await ramp({
      ...base,
      guardMs: 20,
      memAvailable: async () => 10_000 * MiB,
      start: (index, signal) =>
        index < 2
          ? Promise.resolve(index)
          : new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
    });
    expect(result.stop).toBe('start-timeout');
    expect(result.records).toHaveLength(3);
    expect(result.records[2]).toMatchObject({ timedOut: true });
    expect(String(result.records[2]!.error)).toContain('start still pending after 20 ms');
  });

  it('never aborts the signal of a start that settled, even after its guard time', async () => {
    const signals: AbortSignal[] = [];
    await ramp({
      ...base,
      target: 3,
      guardMs: 10,
      memAvailable: async () => 10_000 * MiB,
      start: async (index, signal) => {
        signals.push(signal);
        return index;
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(signals.map((s) => s.aborted)).toEqual([false, false, false]);
  });
});

