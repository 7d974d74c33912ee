import { describe, expect, it } from 'vitest';
import { bucketOf, histogramQuantile, LatencyHistogram, latencySummary } from '../suites/load/histogram.ts';
import type { LoadResult } from '../suites/load/protocol.ts';
import { clientBoundReasons, connectionNote, loadFlags, throughputMetrics, throughputValues } from '../suites/load/verdict.ts';
import { parsePgbench, parseRedisBenchmarkCsv, parseWrk, pgbenchScripts, referenceArgs } from '../suites/load/reference.ts';
import { parseHttpResponse } from '../suites/load/http.ts';
import { parseRespReply, respCommand } from '../suites/load/redis.ts';
import { parsePgReply } from '../suites/load/postgres.ts';

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
    const observed = { serverCores: 0.8, dockerProxyCores: 0.3, referencePerS: 550 };
    expect(Object.keys(throughputValues(result(), [{ atMs: 0, rssBytes: 1, pssBytes: 1 }], observed)).sort()).toEqual([...names].sort());
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
    expect(loadFlags(result())).toEqual([]);
  });

  it('flags errors, timeouts and non-2xx responses', () => {
    const flags = loadFlags(result({ errors: 7, timeouts: 2, non2xx: 3, errorSamples: ['GET: connection reset'] }));
    expect(flags).toEqual([
      '7 errors (2 timeouts): GET: connection reset',
      '3 non-2xx responses',
    ]);
  });

  it('tells a server without keep-alive from one that closes at its keep-alive limit', () => {
    // The fixture histogram holds 100 responses.
    expect(connectionNote(result())).toBeUndefined();
    expect(connectionNote(result({ closingResponses: 100 }))).toMatch(/after every response \(no keep-alive\)/);
    expect(connectionNote(result({ closingResponses: 10 }))).toMatch(/closed some connections \(its keep-alive limit/);
  });
});

describe('clientBoundReasons', () => {
  const cpu = (cores: number, eventLoopUtilization: number) => ({ cpu: { userUs: 0, systemUs: 0, wallMs: 1, cores, eventLoopUtilization } });

  it('without a reference, blames a generator whose event loop was ≥ 75% busy or that used a full core', () => {
    expect(clientBoundReasons(result(cpu(0.4, 0.5)))).toEqual([]);
    expect(clientBoundReasons(result(cpu(0.4, 0.8)))[0]).toMatch(/event loop was 80% busy/);
    expect(clientBoundReasons(result(cpu(0.95, 0.5)))[0]).toMatch(/used 0\.95 cores/);
  });

  it('lets the reference tool decide when it ran: more than 10% above isobench is client-bound, agreement is not', () => {
    // result() is 500/s.
    expect(clientBoundReasons(result(cpu(0.4, 0.9)), { tool: 'wrk', ratePerS: 540 })).toEqual([]);
    expect(clientBoundReasons(result(cpu(0.1, 0.1)), { tool: 'wrk', ratePerS: 1000 })[0]).toMatch(/^wrk reached 1000\/s on the same instance, 2\.00× isobench's 500\/s/);
  });

  it('records isobench over the reference as vs_reference', () => {
    expect(throughputValues(result(), [], { referencePerS: 1000 }).vs_reference).toBe(0.5);
  });
});

describe('reference tool output', () => {
  it('reads wrk successful responses per second, non-2xx left out', () => {
    const out = `Running 3s test @ http://127.0.0.1:1/\n  23461 requests in 3.02s, 5.57MB read\n  Non-2xx or 3xx responses: 461\nRequests/sec:   7768.54\n`;
    const { ratePerS, detail } = parseWrk(out);
    expect(ratePerS).toBeCloseTo(23000 / 3.02, 6);
    expect(detail).toMatchObject({ requests: 23461, non2xx: 461 });
    expect(() => parseWrk('unable to connect')).toThrow(/no request count/);
  });

  it('reads redis-benchmark --csv and combines the three tests as their harmonic mean', () => {
    const out = '"test","rps","avg_latency_ms"\n"PING_MBULK","10000.00","0.5"\n"SET","5000.00","0.6"\n"GET","10000.00","0.5"\n';
    expect(parseRedisBenchmarkCsv(out).ratePerS).toBeCloseTo(7500, 6);
    expect(() => parseRedisBenchmarkCsv('"PING_MBULK","1.0"')).toThrow(/did not report/);
  });

  it('reads pgbench tps without connection time', () => {
    expect(parsePgbench('tps = 5599.299316 (without initial connection time)\n').ratePerS).toBeCloseTo(5599.299316);
  });

  it('reads pgbench per-second progress after the warm-up, leaving the first, slow seconds out', () => {
    const stderr = 'progress: 1.0 s, 30.7 tps, lat 99.7 ms stddev 94.2, 0 failed\nprogress: 2.0 s, 479.0 tps, lat 18 ms stddev 44, 0 failed\nprogress: 3.0 s, 521.0 tps, lat 10 ms stddev 15, 0 failed\n';
    const stdout = 'number of failed transactions: 0 (0.000%)\ntps = 343.1 (without initial connection time)\n';
    expect(parsePgbench(stdout, stderr, 1)).toEqual({ ratePerS: 500, detail: { failed: 0, measuredSeconds: 2 } });
    expect(parsePgbench(stdout, stderr, 0).ratePerS).toBeCloseTo((30.7 + 479 + 521) / 3, 6);
  });

  it('runs the same statements, connections and duration as isobench', () => {
    const scripts = pgbenchScripts();
    expect(scripts['update.sql']).toMatch(/^\\set id random\(1, 1000\)\nUPDATE isobench_kv SET v = v \+ 1 WHERE id = :id;/);
    const pg = referenceArgs({ kind: 'postgres', host: '127.0.0.1', port: 5, user: 'u', database: 'd', clients: 8 }, { warmupS: 2, durationS: 10, expectedRate: 0 }, '/s');
    expect(pg.join(' ')).toBe('-h 127.0.0.1 -p 5 -U u -n -M prepared -c 8 -j 1 -T 12 -P 1 -f /s/select1.sql@1 -f /s/point-read.sql@1 -f /s/update.sql@1 d');
    const http = referenceArgs({ kind: 'http', url: 'http://127.0.0.1:5/i', connections: 10, pipelining: 1 }, { warmupS: 0, durationS: 3, expectedRate: 0 }, '/s');
    expect(http).toEqual(['-t1', '-c10', '-d3s', '--timeout', '10s', 'http://127.0.0.1:5/i']);
    const redis = referenceArgs({ kind: 'redis', host: '127.0.0.1', port: 5, clients: 8 }, { warmupS: 1, durationS: 3, expectedRate: 9000 }, '/s');
    // 9,000 ops/s for 3 s: each of redis-benchmark's three tests lasts about as long as isobench's whole load.
    expect(redis.join(' ')).toBe('-h 127.0.0.1 -p 5 -c 8 -n 27000 -t ping_mbulk,set,get -d 64 -r 800 --csv');
  });
});

describe('protocol parsers of the load generator', () => {
  it('cuts HTTP responses by Content-Length and tells keep-alive from close', () => {
    const one = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    const data = Buffer.from(one + 'HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    const first = parseHttpResponse(data, false)!;
    expect(first).toMatchObject({ length: one.length, closes: false, value: { status: 200 } });
    expect(first.value.body.toString()).toBe('hello');
    expect(parseHttpResponse(data.subarray(first.length), false)).toMatchObject({ closes: true, value: { status: 404 } });
    expect(parseHttpResponse(Buffer.from(one.slice(0, -1)), false)).toBeUndefined();
  });

  it('reads an HTTP body without length up to the close, and refuses chunked bodies', () => {
    const data = Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhi');
    expect(parseHttpResponse(data, false)).toBeUndefined();
    expect(parseHttpResponse(data, true)).toMatchObject({ length: data.length, closes: true });
    expect(() => parseHttpResponse(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), false)).toThrow(/chunked/);
  });

  it('reads RESP simple strings, errors, bulk strings and nil', () => {
    expect(respCommand('GET', 'k').toString()).toBe('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
    expect(parseRespReply(Buffer.from('+PONG\r\n'))).toEqual({ length: 7, value: 'PONG' });
    expect(parseRespReply(Buffer.from('-ERR no\r\n'))!.value).toEqual(new Error('ERR no'));
    expect(parseRespReply(Buffer.from('$3\r\nabc\r\n'))).toEqual({ length: 9, value: 'abc' });
    expect(parseRespReply(Buffer.from('$3\r\nab'))).toBeUndefined();
    expect(parseRespReply(Buffer.from('$-1\r\n'))).toEqual({ length: 5, value: null });
  });

  it('reads PostgreSQL replies up to ReadyForQuery, with the error message when there was one', () => {
    const msg = (type: string, body: Buffer) => Buffer.concat([Buffer.from(type), Buffer.from([0, 0, 0, body.length + 4].map(Number)), body]);
    const complete = msg('C', Buffer.from('SELECT 1\0'));
    const ready = msg('Z', Buffer.from('I'));
    const ok = Buffer.concat([complete, ready]);
    expect(parsePgReply(ok)).toEqual({ length: ok.length, value: null });
    expect(parsePgReply(complete)).toBeUndefined();
    const failed = Buffer.concat([msg('E', Buffer.from('SERROR\0Mno such table\0\0')), ready]);
    expect(parsePgReply(failed)!.value).toBe('no such table');
    expect(() => parsePgReply(msg('R', Buffer.from([0, 0, 0, 3])))).toThrow(/password/);
  });
});
