import { describe, expect, it } from 'vitest';
import { bootstrapMedian, bootstrapRatioOfMedians } from '../stats/bootstrap.ts';
import { holmAdjust } from '../stats/holm.ts';
import { mannWhitneyU } from '../stats/mann-whitney.ts';
import { normalUpperQuantile, normalUpperTail } from '../stats/normal.ts';
import { minimalDetectableEffect, pooledLogSd, smallestRoundsP, smallestTrialsP } from '../stats/power.ts';
import { signedRankTest } from '../stats/signed-rank.ts';
import { runToRunSpread } from '../stats/run-to-run.ts';
import { mulberry32, seedFor } from '../stats/prng.ts';

/**
 * Brute force over every split of the pooled values, counting U by pairs (no ranks): an independent check of the
 * one-sided p-values (U at least, at most the observed one).
 */
function bruteForceP(x: number[], y: number[]): { greater: number; less: number } {
  const pooled = [...x, ...y];
  const uOf = (a: number[], b: number[]) => a.reduce((s, v) => s + b.reduce((t, w) => t + (v > w ? 1 : v === w ? 0.5 : 0), 0), 0);
  const observed = uOf(x, y);
  let all = 0;
  let atLeast = 0;
  let atMost = 0;
  const choose = (start: number, picked: number[]) => {
    if (picked.length === x.length) {
      const u = uOf(picked.map((i) => pooled[i]!), pooled.filter((_, i) => !picked.includes(i)));
      all++;
      if (u >= observed - 1e-9) atLeast++;
      if (u <= observed + 1e-9) atMost++;
      return;
    }
    for (let i = start; i < pooled.length; i++) choose(i + 1, [...picked, i]);
  };
  choose(0, []);
  return { greater: atLeast / all, less: atMost / all };
}

describe('mulberry32', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    expect(seqA.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('derives different seeds for different texts', () => {
    expect(seedFor(1, 'cold-start.ready_ms|nginx|unikraft')).not.toBe(seedFor(1, 'cold-start.ready_ms|nginx|linux-vm'));
    expect(seedFor(1, 'x')).toBe(seedFor(1, 'x'));
  });
});

describe('bootstrapRatioOfMedians', () => {
  const base = [100, 102, 98, 101, 99, 103, 97, 100, 104, 96];

  it('finds the ratio of medians and an interval around it', () => {
    const doubled = base.map((v) => v * 2);
    const r = bootstrapRatioOfMedians(doubled, base, { level: 0.95, seed: 7, resamples: 2000 })!;
    expect(r.ratio).toBe(2);
    expect(r.low).toBeLessThanOrEqual(2);
    expect(r.high).toBeGreaterThanOrEqual(2);
    expect(r.low).toBeGreaterThan(1.9);
    expect(r.high).toBeLessThan(2.1);
  });

  it('is reproducible with a seed, and the seed matters', () => {
    const other = base.map((v, i) => v * 1.1 + (i % 3));
    const a = bootstrapRatioOfMedians(other, base, { level: 0.95, seed: 1, resamples: 500 });
    const b = bootstrapRatioOfMedians(other, base, { level: 0.95, seed: 1, resamples: 500 });
    const c = bootstrapRatioOfMedians(other, base, { level: 0.95, seed: 2, resamples: 500 });
    expect(a).toEqual(b);
    expect([c!.low, c!.high]).not.toEqual([a!.low, a!.high]);
  });

  it('widens with the level', () => {
    const noisy = base.map((v, i) => v * (1 + ((i * 7) % 5) / 20));
    const narrow = bootstrapRatioOfMedians(noisy, base, { level: 0.5, seed: 3, resamples: 2000 })!;
    const wide = bootstrapRatioOfMedians(noisy, base, { level: 0.99, seed: 3, resamples: 2000 })!;
    expect(wide.high - wide.low).toBeGreaterThan(narrow.high - narrow.low);
  });

  it('gives no ratio against a zero median or an empty sample', () => {
    expect(bootstrapRatioOfMedians([1, 2, 3], [0, 0, 0], { level: 0.95, seed: 1 })).toBeNull();
    expect(bootstrapRatioOfMedians([], [1, 2], { level: 0.95, seed: 1 })).toBeNull();
  });
});

describe('mannWhitneyU', () => {
  it('matches the textbook exact p-values for separated samples, one-sided each way', () => {
    // All 3 of x below all 3 of y: 1 of the C(6,3) = 20 splits is as low; every split is at least as high.
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6])).toMatchObject({ u: 0, method: 'exact', greater: 1 });
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).less).toBeCloseTo(0.05, 12);
    // R: wilcox.test(6:10, 1:5, alternative = "greater")$p.value = 1/252
    expect(mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).greater).toBeCloseTo(1 / 252, 12);
    expect(mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).u).toBe(25);
  });

  it('tells the smallest p-value the sample sizes allow', () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).minP).toBeCloseTo(0.05, 12);
    expect(mannWhitneyU([1, 5, 2, 6], [3, 4, 7, 8]).minP).toBeCloseTo(1 / 70, 12);
  });

  it('agrees with brute-force enumeration, ties included', () => {
    const random = mulberry32(11);
    for (let round = 0; round < 12; round++) {
      const n1 = 2 + Math.floor(random() * 5);
      const n2 = 2 + Math.floor(random() * 5);
      // Few distinct values: many ties.
      const x = Array.from({ length: n1 }, () => Math.floor(random() * 4));
      const y = Array.from({ length: n2 }, () => Math.floor(random() * 4) + (round % 3));
      const { greater, less } = mannWhitneyU(x, y);
      const expected = bruteForceP(x, y);
      expect(greater).toBeCloseTo(expected.greater, 10);
      expect(less).toBeCloseTo(expected.less, 10);
    }
  });

  it('finds no difference between identical samples', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5, 5])).toMatchObject({ greater: 1, less: 1 });
    expect(mannWhitneyU([1, 2, 3, 4], [1, 2, 3, 4]).greater).toBeGreaterThan(0.5);
    expect(mannWhitneyU([1, 2, 3, 4], [1, 2, 3, 4]).less).toBeGreaterThan(0.5);
  });

  it('uses the normal approximation for large samples, with sensible p-values', () => {
    const random = mulberry32(5);
    const a = Array.from({ length: 40 }, () => 100 + random() * 10);
    const same = Array.from({ length: 40 }, () => 100 + random() * 10);
    const shifted = a.map((v) => v + 20);
    const separated = mannWhitneyU(shifted, a);
    expect(separated.method).toBe('normal');
    expect(separated.greater).toBeLessThan(1e-10);
    expect(separated.less).toBeGreaterThan(0.99);
    expect(mannWhitneyU(a, same).greater).toBeGreaterThan(0.005);
    expect(mannWhitneyU(a, same).less).toBeGreaterThan(0.005);
    expect(mannWhitneyU(a, same).greater + mannWhitneyU(a, same).less).toBeGreaterThanOrEqual(1);
  });

  it('refuses an empty sample', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/at least one value/);
  });
});

describe('holmAdjust', () => {
  it('adjusts step-down and keeps the input order', () => {
    // Sorted: 0.005×4 = 0.02, 0.01×3 = 0.03, 0.03×2 = 0.06, 0.04×1 = 0.04 → monotone: 0.06.
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(adjusted[0]).toBeCloseTo(0.03, 12);
    expect(adjusted[1]).toBeCloseTo(0.06, 12);
    expect(adjusted[2]).toBeCloseTo(0.06, 12);
    expect(adjusted[3]).toBeCloseTo(0.02, 12);
  });

  it('caps at 1 and handles no p-values', () => {
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });
});

/** Brute force over all 2^k sign patterns of the observed magnitudes: an independent check of the one-sided p-values. */
function bruteForceSignedRankP(d: number[]): { greater: number; less: number } {
  const x = d.filter((v) => v !== 0);
  const magnitudes = x.map(Math.abs);
  const rankOf = (v: number) => {
    const below = magnitudes.filter((m) => m < v).length;
    const equal = magnitudes.filter((m) => m === v).length;
    return below + (equal + 1) / 2;
  };
  const ranks = magnitudes.map(rankOf);
  const observed = x.reduce((s, v, i) => s + (v > 0 ? ranks[i]! : 0), 0);
  let atLeast = 0;
  let atMost = 0;
  for (let mask = 0; mask < 2 ** x.length; mask++) {
    const w = ranks.reduce((s, r, i) => s + (mask & (1 << i) ? r : 0), 0);
    if (w >= observed - 1e-9) atLeast++;
    if (w <= observed + 1e-9) atMost++;
  }
  return { greater: atLeast / 2 ** x.length, less: atMost / 2 ** x.length };
}

describe('signedRankTest', () => {
  it('gives the exact one-sided p of textbook cases', () => {
    expect(signedRankTest([1, 2, 3, 4, 5])).toMatchObject({ wPlus: 15, greater: 1 / 32, less: 1, minP: 1 / 32, method: 'exact' });
    // R: wilcox.test(c(1, -2, 3, 4, 5, 6, 7, 8), alternative = "greater")$p.value = 0.01172
    expect(signedRankTest([1, -2, 3, 4, 5, 6, 7, 8]).greater).toBeCloseTo(0.01171875, 12);
  });

  it('agrees with brute-force enumeration, ties included, and leaves zeros out', () => {
    const random = mulberry32(3);
    for (let round = 0; round < 12; round++) {
      const d = Array.from({ length: 3 + Math.floor(random() * 8) }, () => Math.floor(random() * 7) - 2);
      const expected = bruteForceSignedRankP(d);
      expect(signedRankTest(d).greater).toBeCloseTo(expected.greater, 10);
      expect(signedRankTest(d).less).toBeCloseTo(expected.less, 10);
      expect(signedRankTest(d).zeros).toBe(d.filter((v) => v === 0).length);
    }
  });

  it('cannot go below 1 / 2^k, and says so', () => {
    expect(signedRankTest(Array.from({ length: 12 }, (_, i) => i + 1)).greater).toBeCloseTo(1 / 4096, 15);
    expect(signedRankTest(Array.from({ length: 12 }, (_, i) => i + 1)).minP).toBe(smallestRoundsP(12));
    expect(signedRankTest([0, 0, 0])).toMatchObject({ greater: 1, less: 1, minP: 1, zeros: 3 });
  });
});

describe('normal distribution', () => {
  it('inverts its own tail', () => {
    for (const p of [0.4, 0.1, 0.025, 0.005, 1e-4, 1e-7]) expect(normalUpperTail(normalUpperQuantile(p)) / p).toBeCloseTo(1, 5);
    expect(normalUpperQuantile(0.025)).toBeCloseTo(1.959964, 5);
    expect(normalUpperQuantile(0.9)).toBeCloseTo(-1.281552, 5);
    expect(() => normalUpperQuantile(0)).toThrow(/strictly between 0 and 1/);
  });
});

describe('power arithmetic', () => {
  it('knows the smallest p of a design without ties', () => {
    expect(smallestTrialsP(5, 5)).toBeCloseTo(1 / 252, 15);
    expect(smallestTrialsP(5, 5)).toBeCloseTo(mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).minP, 15);
    expect(smallestTrialsP(8, 8)).toBeCloseTo(1 / 12870, 15);
    expect(smallestTrialsP(1, 1)).toBe(1 / 2);
    expect(smallestRoundsP(4)).toBe(1 / 16);
  });

  it('states an MDE never below the threshold, approaching it as noise vanishes, growing with noise and comparisons', () => {
    expect(minimalDetectableEffect(1e-9, 0.01, 0.1)).toBeCloseTo(0.1, 6);
    const at = (se: number, alpha: number) => minimalDetectableEffect(se, alpha, 0.1);
    expect(at(0.02, 0.01)).toBeGreaterThan(0.1);
    expect(at(0.05, 0.01)).toBeGreaterThan(at(0.02, 0.01));
    expect(at(0.05, 0.01 / 8)).toBeGreaterThan(at(0.05, 0.01));
  });

  it('pools the spread of the logs, and has none for non-positive values', () => {
    expect(pooledLogSd([1, Math.E], [Math.E, Math.E ** 2])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(pooledLogSd([0, 1], [1, 2])).toBeNull();
    expect(pooledLogSd([1], [1, 2])).toBeNull();
  });
});

describe('bootstrapMedian', () => {
  it('brackets the median and repeats for a seed', () => {
    const values = [-0.1, 0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.3];
    const r = bootstrapMedian(values, { level: 0.9, seed: 4, resamples: 2000 })!;
    expect(r.median).toBeCloseTo(0.09, 12);
    expect(r.low).toBeLessThanOrEqual(r.median);
    expect(r.high).toBeGreaterThanOrEqual(r.median);
    expect(bootstrapMedian(values, { level: 0.9, seed: 4, resamples: 2000 })).toEqual(r);
    expect(bootstrapMedian([], { level: 0.9, seed: 4 })).toBeNull();
  });
});

describe('runToRunSpread', () => {
  const run = [100, 104, 98, 101, 103, 97, 99, 102];
  it('is 0 for runs at one level, and the level shift beyond the trials\' noise otherwise', () => {
    expect(runToRunSpread([run, run, run])).toBe(0);
    // Two runs, the second e^0.2 times the first: the run means' variance is 0.2²/2, each mean's own var(logs)/8.
    const withinVariance = (() => {
      const logs = run.map(Math.log);
      const m = logs.reduce((s, x) => s + x, 0) / logs.length;
      return logs.reduce((s, x) => s + (x - m) ** 2, 0) / (logs.length - 1);
    })();
    expect(runToRunSpread([run, run.map((v) => v * Math.exp(0.2))])).toBeCloseTo(Math.sqrt(0.2 ** 2 / 2 - withinVariance / 8), 12);
  });

  it('needs two runs of at least two positive samples', () => {
    expect(runToRunSpread([run])).toBeNull();
    expect(runToRunSpread([run, [5]])).toBeNull();
    expect(runToRunSpread([run, [0, 1]])).toBeNull();
  });
});
