import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgress, remainingMs } from '../cli/progress.ts';

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

const RAMPS = join(import.meta.dirname, 'fixtures', 'ramps');

/** A recorded density ramp: the elapsed ms at which each step was reached (steps skipped in the log get the next time). */
function recordedRamp(file: string): { reachedAt: number[]; total: number } {
  const rows = readFileSync(join(RAMPS, file), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(' ').map(Number) as [number, number]);
  const reachedAt: number[] = [];
  for (const [step, at] of rows) while (reachedAt.length < step) reachedAt.push(at);
  return { reachedAt, total: rows.at(-1)![0] };
}

/** How far off each estimate from 10% to 90% of the ramp was, as a factor (2 = twice or half the real time left). */
function errorFactors({ reachedAt, total }: { reachedAt: number[]; total: number }): number[] {
  const end = reachedAt[total - 1]!;
  const factors: number[] = [];
  for (let i = Math.ceil(total * 0.1); i <= Math.floor(total * 0.9); i++) {
    const estimate = Math.max(1, remainingMs(reachedAt.slice(0, i), total)!);
    factors.push(Math.exp(Math.abs(Math.log(estimate / (end - reachedAt[i - 1]!)))));
  }
  return factors.sort((a, b) => a - b);
}

describe('remainingMs', () => {
  it('is unknown before a step finished', () => {
    expect(remainingMs([0], 10)).toBeUndefined();
  });

  it('at a steady pace: steps left times the pace', () => {
    expect(remainingMs(reached(11, () => 100), 20)).toBeCloseTo(10 * 100);
  });

  it('steps that finish in bursts (8 starts at a time, each taking as long) do not throw it off', () => {
    // Starts of 4 s, 8 at a time: a step every 500 ms on average, but eight within 10 ms, then 3.93 s of nothing.
    const duration = (k: number) => (k % 8 === 0 ? 3_930 : 10);
    // From a fifth of the way on: before, a few bursts are all there is to fit, and one more or less moves the trend.
    for (let i = 100; i < 450; i++) {
      const estimate = remainingMs(reached(i, duration), 500)!;
      const actual = truth(i, 500, duration);
      expect(estimate / actual).toBeGreaterThan(0.75);
      expect(estimate / actual).toBeLessThan(1.33);
    }
  });

  it('follows steps that keep slowing down, where the mean since the start falls far short', () => {
    const duration = (k: number) => 10 + 2 * k;
    const at = reached(250, duration);
    const actual = truth(250, 500, duration);
    const estimate = remainingMs(at, 500)!;
    const meanSinceStart = (at.at(-1)! / (at.length - 1)) * (500 - 250 + 1);
    expect(meanSinceStart).toBeLessThan(actual * 0.6);
    expect(estimate).toBeGreaterThan(actual * 0.85);
    expect(estimate).toBeLessThan(actual * 1.15);
  });

  it('follows a pace that changed, from the recent steps', () => {
    const duration = (k: number) => (k < 50 ? 1000 : 100);
    const estimate = remainingMs(reached(150, duration), 170)!;
    expect(estimate).toBeGreaterThan(21 * 100 * 0.9);
    expect(estimate).toBeLessThan(21 * 100 * 1.1);
  });

  // The rule is judged by its error on real ramps. This one: medians 1.16-1.30x, 90th percentiles 1.25-1.58x, worst
  // 6.9x (early in the unikernel ramp, before the CPU saturated). The previous rule (means of the durations of the
  // last quarter's halves, trend carried to the end) had 90th percentiles of 1.9-4.2x and was off by up to 28x.
  it.each(readdirSync(RAMPS))('on the recorded ramp %s: half the estimates within 1.4x, 9 in 10 within 2x', (file) => {
    const factors = errorFactors(recordedRamp(file));
    expect(factors[Math.floor(factors.length / 2)]).toBeLessThan(1.4);
    expect(factors[Math.floor(factors.length * 0.9)]).toBeLessThan(2);
    expect(factors.at(-1)).toBeLessThan(8);
  });
});

describe('the progress line', () => {
  it('gives the time left on every step but the last (the density stop is unlike the starts before it)', () => {
    const lines: string[] = [];
    let clock = 0;
    const progress = createProgress({ isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream, () => clock);
    progress.begin({ suite: 'density', workload: 'http-hello', runner: 'container' }, 4);
    for (const step of [1, 2, 3, 4]) {
      clock += 1_000;
      progress.step(step, step < 4 ? `${step} instances up` : 'stopping 3 instances');
    }
    expect(lines.filter((line) => line.includes('instances up')).slice(1).every((line) => line.includes('left'))).toBe(true);
    expect(lines.find((line) => line.includes('stopping'))).not.toContain('left');
  });
});
