import { describe, expect, it } from 'vitest';
import { bisectMinimum, type Attempt } from '../suites/memory/bisect.ts';

/** A workload that boots from `threshold` MiB on; records what was tried. */
function threshold(min: number): Attempt & { tried: number[] } {
  const tried: number[] = [];
  const attempt = async (value: number) => {
    tried.push(value);
    return value >= min ? { ok: true } : { ok: false, reason: `out of memory at ${value}` };
  };
  return Object.assign(attempt, { tried });
}

describe('bisectMinimum', () => {
  it.each([2, 3, 37, 64, 65, 511, 1023, 1024])('finds the threshold %i in [2, 1024] in at most 11 attempts', async (min) => {
    const attempt = threshold(min);
    const result = await bisectMinimum(2, 1024, attempt);
    expect(result.minimum).toBe(min);
    expect(attempt.tried.length).toBeLessThanOrEqual(11);
    expect(result.steps.map((s) => s.value)).toEqual(attempt.tried);
  });

  it('tries the upper bound first and gives no answer when it fails', async () => {
    const attempt = threshold(2000);
    const result = await bisectMinimum(2, 1024, attempt);
    expect(result.minimum).toBeUndefined();
    expect(result.steps).toEqual([expect.objectContaining({ value: 1024, ok: false, reason: 'out of memory at 1024' })]);
  });

  it('keeps every step with its outcome and the reason of failures', async () => {
    const result = await bisectMinimum(2, 10, threshold(5));
    for (const step of result.steps) {
      expect(step.ok).toBe(step.value >= 5);
      if (!step.ok) expect(step.reason).toBe(`out of memory at ${step.value}`);
    }
    // Every value below the answer that was tried failed, and the answer itself was tried and worked.
    expect(result.steps.find((s) => s.value === 5)?.ok).toBe(true);
    expect(result.steps.some((s) => s.value === 4 && !s.ok)).toBe(true);
  });

  it('answers low when everything works, having tried low itself', async () => {
    const result = await bisectMinimum(16, 16, threshold(1));
    expect(result).toMatchObject({ minimum: 16, steps: [{ value: 16, ok: true }] });
  });

  it('re-checks the answer and walks up past a flaky edge to a value that works twice', async () => {
    // 40 MiB works the first time only, 41 fails, 42 and up always work.
    const triedAt40 = { count: 0 };
    const flaky: Attempt = async (v) => ({ ok: v === 40 ? ++triedAt40.count === 1 : v >= 42 });
    const result = await bisectMinimum(2, 100, flaky, { confirm: true });
    expect(result).toMatchObject({ minimum: 42, bisected: 40, confirmed: true });
    expect(result.steps.slice(-4)).toMatchObject([
      { value: 40, ok: false, confirmation: true },
      { value: 41, ok: false },
      { value: 42, ok: true },
      { value: 42, ok: true, confirmation: true },
    ]);

    const steady = await bisectMinimum(2, 100, threshold(40), { confirm: true });
    expect(steady).toMatchObject({ minimum: 40, bisected: 40, confirmed: true });
    expect(steady.steps.filter((s) => s.confirmation)).toHaveLength(1);
  });

  it('keeps the bisection answer, unconfirmed, when nothing above it works twice', async () => {
    let calls = 0;
    // Above 10, every other attempt fails: no value ever works twice in a row.
    const alternating: Attempt = async (v) => ({ ok: v >= 10 && calls++ % 2 === 0 });
    const result = await bisectMinimum(1, 64, alternating, { confirm: true });
    expect(result.confirmed).toBe(false);
    expect(result.minimum).toBe(result.bisected);
  });

  it('times attempts with the clock it is given', async () => {
    let t = 0;
    const attempt: Attempt = async (v) => {
      t += v; // an attempt at v "takes" v ms
      return { ok: true };
    };
    const result = await bisectMinimum(1, 4, attempt, { now: () => t });
    expect(result.steps.map((s) => [s.value, s.ms])).toEqual([[4, 4], [2, 2], [1, 1]]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const attempt: Attempt = async () => {
      controller.abort(new Error('interrupted'));
      return { ok: true };
    };
    await expect(bisectMinimum(1, 1024, attempt, { signal: controller.signal })).rejects.toThrow('interrupted');
  });

  it('rejects bounds that are not an interval', async () => {
    await expect(bisectMinimum(10, 2, threshold(1))).rejects.toThrow(RangeError);
    await expect(bisectMinimum(1.5, 2, threshold(1))).rejects.toThrow(RangeError);
  });
});
