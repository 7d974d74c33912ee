import { describe, expect, it } from 'vitest';
import { memoiseUntilRejected, singleFlight } from '../core/single-flight.ts';

describe('shared promises', () => {
  it('singleFlight shares a key while it is being made, then makes it again', async () => {
    const flight = singleFlight<number>();
    let made = 0;
    const make = async () => ++made;
    expect(await Promise.all([flight('a', make), flight('a', make)])).toEqual([1, 1]);
    expect(await flight('a', make)).toBe(2);
  });

  it('memoiseUntilRejected keeps a value, reports it once, and tries again after a rejection', async () => {
    const seen: [string, number][] = [];
    const memo = memoiseUntilRejected<string, number>((key, value) => seen.push([key, value]));
    let calls = 0;
    const failing = async (): Promise<number> => {
      calls++;
      throw new Error('hiccup');
    };
    await expect(memo('a', failing)).rejects.toThrow('hiccup');
    await expect(memo('a', failing)).rejects.toThrow('hiccup');
    expect(calls).toBe(2);
    expect(await memo('a', async () => 7)).toBe(7);
    expect(await memo('a', async () => 8)).toBe(7);
    expect(seen).toEqual([['a', 7]]);
  });
});
