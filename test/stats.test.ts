import { describe, expect, it } from 'vitest';
import { medianInterval, quantileSorted, summarize } from '../stats/descriptive.ts';
import { fitQuadratic } from '../stats/quadratic.ts';

describe('summarize', () => {
  it('gives the textbook statistics of a small sample', () => {
    const s = summarize([4, 1, 3, 2, 5])!;
    expect(s).toMatchObject({ n: 5, min: 1, max: 5, median: 3, mean: 3 });
    expect(s.stddev).toBeCloseTo(Math.sqrt(2.5), 10);
    expect(s.cv).toBeCloseTo(Math.sqrt(2.5) / 3, 10);
    expect(s.p95).toBeCloseTo(4.8, 10);
  });

  it('returns null for no samples and a zero spread for one', () => {
    expect(summarize([])).toBeNull();
    expect(summarize([7])).toMatchObject({ n: 1, median: 7, stddev: 0, ci: null });
  });

  it('interpolates quantiles between order statistics', () => {
    expect(quantileSorted([10, 20], 0.5)).toBe(15);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 10);
  });
});

describe('confidence interval of the median', () => {
  it('uses x(2)..x(9) for 10 samples, covering 97.9%', () => {
    const ci = medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])!;
    expect(ci).toMatchObject({ low: 2, high: 9 });
    expect(ci.level).toBeCloseTo(1 - 22 / 1024, 4);
  });

  it('says how little 3 samples cover instead of pretending 95%', () => {
    expect(medianInterval([1, 2, 3])).toMatchObject({ low: 1, high: 3, level: 0.75 });
  });

  it('never claims less than 95% once 6 or more samples exist', () => {
    for (let n = 6; n <= 60; n++) {
      const ci = medianInterval(Array.from({ length: n }, (_, i) => i))!;
      expect(ci.level).toBeGreaterThanOrEqual(0.95);
      expect(ci.low).toBeLessThanOrEqual(ci.high);
    }
  });
});

describe('fitQuadratic', () => {
  it('recovers a quadratic exactly, also far from zero', () => {
    const xs = Array.from({ length: 40 }, (_, k) => 10_000 + k);
    const fit = fitQuadratic(xs, xs.map((x) => 3 + 0.5 * x + 0.25 * x * x));
    const at = (x: number) => fit.c0 + fit.c1 * (x - fit.centre) + fit.c2 * (x - fit.centre) ** 2;
    expect(fit.c2).toBeCloseTo(0.25, 6);
    expect(at(10_050) / (3 + 0.5 * 10_050 + 0.25 * 10_050 ** 2)).toBeCloseTo(1, 9);
  });

  it('of noise around a line: no curvature worth the name, and the slope of the line', () => {
    const xs = Array.from({ length: 200 }, (_, k) => k);
    const fit = fitQuadratic(xs, xs.map((x) => 100 + 7 * x + (x % 2 ? 5 : -5)));
    expect(Math.abs(fit.c2)).toBeLessThan(1e-3);
    expect(fit.c1).toBeCloseTo(7, 1);
  });
});
