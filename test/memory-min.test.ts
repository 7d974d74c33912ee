import { describe, expect, it } from 'vitest';
import { minMemoryFlags, type MinMemoryExtra } from '../suites/memory/min-memory.ts';

const found = (over: Partial<Exclude<MinMemoryExtra, { skipped: string }>>): MinMemoryExtra => ({
  lowMiB: 2,
  highMiB: 1024,
  requests: 20,
  criterion: 'test',
  steps: [],
  ...over,
});

describe('minMemoryFlags', () => {
  it('has nothing to say about a minimum that worked twice at once, nor about a skipped bisection', () => {
    expect(minMemoryFlags(found({ minimum: 73, bisected: 73, confirmed: true }))).toEqual([]);
    expect(minMemoryFlags({ skipped: 'not applicable to containers' })).toEqual([]);
    expect(minMemoryFlags(found({}))).toEqual([]);
  });

  it('names a flaky edge: the bisection answer failed its re-check and a size above worked twice', () => {
    expect(minMemoryFlags(found({ minimum: 75, bisected: 73, confirmed: true }))).toEqual([
      'flaky edge: 73 MiB worked once but failed its re-check; 75 MiB is the smallest size above it that worked twice in a row',
    ]);
  });

  it('says when no size near the answer worked twice', () => {
    expect(minMemoryFlags(found({ minimum: 73, bisected: 73, confirmed: false }))[0]).toMatch(/^not reproducible: 73 MiB/);
  });
});
