import { describe, expect, it } from 'vitest';
import { bucketOf, histogramQuantile, LatencyHistogram, latencySummary } from '../suites/load/histogram.ts';
import type { LoadResult } from '../suites/load/protocol.ts';
import { connectionNote, loadFlags, throughputMetrics, throughputValues } from '../suites/load/verdict.ts';

describe('LatencyHistogram', () => {
  it('keeps 1 µs resolution below 1 ms and three significant digits above', () => {
    expect(bucketOf(37.9)).toBe(37);
    expect(bucketOf(999.5)).toBe(999);
    expect(bucketOf(1234.5)).toBe(1230);
    expect(bucketOf(98_765)).toBe(98_700);
  });

  it('reads quantiles within 1% of the exact ones and min/max exactly', () => {
    const h = new LatencyHistogram();
    const values: number[] = [];
    // A skewed, deterministic spread from 20 µs to ~200 ms.
    for (let i = 1; i <= 10_000; i++) {
      const v = 20 * Math.exp((i / 10_000) * 9.2);
      values.push(v);
      h.record(v);
    }
    const data = h.toJSON();
    expect(data.count).toBe(10_000);
    expect(data.min).toBe(values[0]);
    expect(data.max).toBe(values.at(-1));
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = values[Math.ceil(q * values.length) - 1]!;
      expect(Math.abs(histogramQuantile(data, q) - exact) / exact).toBeLessThan(0.01);
    }
    expect(data.buckets.length).toBeLessThan(3_000);
  });

  it('summarises an empty histogram as NaN rather than 0', () => {
    const summary = latencySummary(new LatencyHistogram().toJSON());
    expect(summary.p50Us).toBeNaN();
    expect(summary.maxUs).toBeNaN();
  });
});

const result = (over: Partial<LoadResult> = {}): LoadResult => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) h.record(i * 10);
  return {
    kind: 'http',
    measuredMs: 2_000,
    ok: 1_000,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    bytes: 200_000,
    errorSamples: [],
    latency: h.toJSON(),
    cpu: { userUs: 500_000, systemUs: 100_000, wallMs: 2_000, cores: 0.3, eventLoopUtilization: 0.5 },
    ...over,
  };
};

describe('throughputValues', () => {
  it('turns counts into rates over the measured time and takes the peak memory under load', () => {
    const values = throughputValues(result(), [
      { atMs: 0, rssBytes: 10, pssBytes: 5 },
      { atMs: 500, rssBytes: 30, pssBytes: 20 },
      { atMs: 1000, rssBytes: 20, pssBytes: 25 },
    ]);
    expect(values).toMatchObject({
      requests_per_s: 500,
      bytes_per_s: 100_000,
      latency_p50_us: 500.5, // the 50th of 10, 20, ..., 1000 µs, as the middle of its 1 µs bucket
      latency_max_us: 1000,
      load_pss_bytes: 25,
      load_rss_bytes: 30,
      errors: 0,
      non_2xx: 0,
    });
  });

  it('has a value for every metric the cell declares, and no latency when nothing completed', () => {
    const names = throughputMetrics('http').map((m) => m.name);
    expect(Object.keys(throughputValues(result(), [{ atMs: 0, rssBytes: 1, pssBytes: 1 }])).sort()).toEqual([...names].sort());
    const empty = throughputValues(result({ ok: 0, latency: new LatencyHistogram().toJSON() }), []);
    expect(empty).not.toHaveProperty('latency_p50_us');
    expect(empty.requests_per_s).toBe(0);
  });

  it('names the rate after the protocol', () => {
    expect(throughputMetrics('redis')[0]).toMatchObject({ name: 'ops_per_s', direction: 'higher' });
    expect(throughputMetrics('postgres')[0]).toMatchObject({ name: 'transactions_per_s', direction: 'higher' });
    expect(throughputMetrics('postgres').map((m) => m.name)).not.toContain('non_2xx');
  });
});

describe('loadFlags', () => {
  it('says nothing about a clean run', () => {
    expect(loadFlags(result(), 1)).toEqual([]);
  });

  it('flags errors, timeouts and non-2xx responses', () => {
    const flags = loadFlags(result({ errors: 7, timeouts: 2, non2xx: 3, errorSamples: ['GET: connection reset'] }), 1);
    expect(flags).toEqual([
      '7 errors (2 timeouts): GET: connection reset',
      '3 non-2xx responses',
    ]);
  });

  it('flags a load generator that saturated a core, by CPU time or by event loop', () => {
    const byCpu = loadFlags(result({ cpu: { userUs: 0, systemUs: 0, wallMs: 1, cores: 0.97, eventLoopUtilization: 0.5 } }));
    const byLoop = loadFlags(result({ cpu: { userUs: 0, systemUs: 0, wallMs: 1, cores: 0.5, eventLoopUtilization: 0.99 } }));
    expect(byCpu[0]).toMatch(/^load generator saturated a core: 0\.97 cores of CPU/);
    expect(byLoop[0]).toMatch(/^load generator never idle \(event loop 99% busy\) on 0\.50 cores of CPU: it was short of CPU/);
  });

  it('warns that pipelining against a server that closes connections gives wrong latencies', () => {
    expect(loadFlags(result({ closingResponses: 100 }), 1)).toEqual([]);
    expect(loadFlags(result({ closingResponses: 3 }), 4)[0]).toMatch(/after 3 responses: with pipelining 4, latencies .* are wrong/);
  });

  it('tells a server without keep-alive from one that closes at its keep-alive limit', () => {
    // The fixture histogram holds 100 responses.
    expect(connectionNote(result())).toBeUndefined();
    expect(connectionNote(result({ closingResponses: 100 }))).toMatch(/after every response \(no keep-alive\)/);
    expect(connectionNote(result({ closingResponses: 10 }))).toMatch(/closed some connections \(its keep-alive limit/);
  });
});
