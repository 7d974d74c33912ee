import { describe, expect, it } from 'vitest';
import { remainingMs } from '../cli/progress.ts';

/** Elapsed times at which steps 1..n were reached when step k takes `duration(k)`. */
const reached = (n: number, duration: (k: number) => number) => {
  const at = [0];
  for (let k = 1; k < n; k++) at.push(at[k - 1]! + duration(k));
  return at;
};
const truth = (from: number, total: number, duration: (k: number) => number) => {
  let sum = 0;
  for (let k = from; k <= total; k++) sum += duration(k);
  return sum;
};

describe('remainingMs', () => {
  it('is unknown before a step finished', () => {
    expect(remainingMs([0], 10)).toBeUndefined();
  });

  it('at a steady pace: steps left times the pace', () => {
    expect(remainingMs(reached(11, () => 100), 20)).toBeCloseTo(10 * 100);
  });

  it('follows steps that keep slowing down, where the mean since the start falls far short', () => {
    const duration = (k: number) => 10 + 2 * k;
    const at = reached(100, duration);
    const actual = truth(100, 500, duration);
    const estimate = remainingMs(at, 500)!;
    const meanSinceStart = (at.at(-1)! / (at.length - 1)) * (500 - 100 + 1);
    expect(meanSinceStart).toBeLessThan(actual * 0.4);
    expect(estimate).toBeGreaterThan(actual * 0.85);
    expect(estimate).toBeLessThan(actual * 1.15);
  });

  it('follows a pace that changed, from the recent steps', () => {
    const duration = (k: number) => (k < 50 ? 1000 : 100);
    expect(remainingMs(reached(100, duration), 120)).toBeCloseTo(21 * 100);
  });
});
