import type { HistogramData } from './histogram.ts';

/** What the load generator process is asked to do: a warm-up (discarded), then a measured phase. */
export type LoadTarget =
  | {
      kind: 'http';
      url: string;
      connections: number;
      pipelining: number;
      /** A response with another body counts as a mismatch (an error). */
      expectBody?: string;
    }
  | { kind: 'redis'; host: string; port: number; clients: number }
  | { kind: 'postgres'; host: string; port: number; user: string; database: string; clients: number };

export type LoadSpec = LoadTarget & { warmupS: number; durationS: number };

/** CPU the load generator process used during the measured phase. */
export interface LoadCpu {
  userUs: number;
  systemUs: number;
  wallMs: number;
  /** (user + system) / wall: 1.0 is one core kept busy the whole time (GC threads can push it above 1). */
  cores: number;
  /** Event loop utilisation of the generator's main thread (0..1): near 1, it could not keep up. */
  eventLoopUtilization: number;
}

export interface LoadResult {
  kind: LoadTarget['kind'];
  /** Wall time of the measured phase, from process.hrtime. */
  measuredMs: number;
  /** Successful operations: 2xx HTTP responses with the expected body, Redis commands, PostgreSQL transactions. */
  ok: number;
  /** Every failure: connection errors, timeouts, body mismatches, command errors. */
  errors: number;
  timeouts: number;
  /** HTTP responses whose status is not 2xx (counted apart from errors, as wrk does). */
  non2xx: number;
  /** Response bytes received (HTTP only: headers and body). */
  bytes: number;
  /** HTTP: responses after which the server closed the connection; the next request on it includes a TCP connect. */
  closingResponses?: number;
  /** A few distinct error messages, for the reader. */
  errorSamples: string[];
  /** Latency of every completed operation, per operation (µs, hrtime-based). */
  latency: HistogramData;
  /** Per operation kind of the Redis/PostgreSQL mix: count and latency. */
  perOp?: Record<string, { ok: number; errors: number; latency: HistogramData }>;
  cpu: LoadCpu;
}

/** Messages from the load generator process to the harness. */
export type LoadMessage =
  | { type: 'measuring' }
  | { type: 'result'; result: LoadResult }
  | { type: 'error'; message: string };
