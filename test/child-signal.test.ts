import { getEventListeners } from 'node:events';
import { Bench } from 'tinybench';
import { describe, expect, it } from 'vitest';
import { childSignal } from '../core/child-signal.ts';

describe('childSignal', () => {
  it('aborts with the parent, with its reason', () => {
    const parent = new AbortController();
    const child = childSignal(parent.signal);
    parent.abort(new Error('stop'));
    expect(child.signal.aborted).toBe(true);
    expect((child.signal.reason as Error).message).toBe('stop');
  });

  it('is aborted at once when the parent already is', () => {
    const parent = new AbortController();
    parent.abort('early');
    expect(childSignal(parent.signal).signal.reason).toBe('early');
  });

  it('leaves no listener on the parent once released, however many tinybench Benches listened to it', () => {
    const parent = new AbortController();
    for (let cell = 0; cell < 20; cell++) {
      const child = childSignal(parent.signal);
      const bench = new Bench({ iterations: 1, time: 0, signal: child.signal });
      bench.add(`cell ${cell}`, () => {});
      child.release();
    }
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
    // Released children no longer follow the parent.
    const released = childSignal(parent.signal);
    released.release();
    parent.abort();
    expect(released.signal.aborted).toBe(false);
  });
});
