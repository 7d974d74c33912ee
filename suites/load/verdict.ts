import type { MetricSpec } from '../cell.ts';
import { latencySummary } from './histogram.ts';
import type { TimedMemorySample } from './memory-sampler.ts';
import type { LoadResult, LoadTarget } from './protocol.ts';

/** The load generator counts as saturated from this CPU use (cores) or event loop utilisation on. */
export const SATURATED_CORES = 0.9;
export const SATURATED_ELU = 0.95;

const spec = (name: string, unit: string, direction: MetricSpec['direction']): MetricSpec => ({ name, unit, direction });

/** The headline rate of each kind of load. */
export const RATE_METRIC: Record<LoadTarget['kind'], MetricSpec> = {
  http: spec('requests_per_s', 'req/s', 'higher'),
  redis: spec('ops_per_s', 'ops/s', 'higher'),
  postgres: spec('transactions_per_s', 'tx/s', 'higher'),
};

const LATENCY_METRICS = [
  spec('latency_p50_us', 'us', 'lower'),
  spec('latency_p90_us', 'us', 'lower'),
  spec('latency_p99_us', 'us', 'lower'),
  spec('latency_max_us', 'us', 'lower'),
];
const BYTES_PER_S = spec('bytes_per_s', 'bytes/s', 'higher');
const LOAD_MEMORY = [spec('load_pss_bytes', 'bytes', 'lower'), spec('load_rss_bytes', 'bytes', 'lower')];
const ERRORS = [spec('errors', 'count', 'lower'), spec('timeouts', 'count', 'lower')];
const NON_2XX = spec('non_2xx', 'count', 'lower');

/** Every metric a throughput cell of this kind of load has, in report order. */
export function throughputMetrics(kind: LoadTarget['kind']): MetricSpec[] {
  return [
    RATE_METRIC[kind],
    ...(kind === 'http' ? [BYTES_PER_S] : []),
    ...LATENCY_METRICS,
    ...LOAD_MEMORY,
    ...ERRORS,
    ...(kind === 'http' ? [NON_2XX] : []),
  ];
}

/**
 * The values of one repetition. Rates are successful operations over the measured wall time; latencies are of
 * every completed operation; the memory under load is the peak of the samples taken during the measured phase
 * (absent when none could be taken).
 */
export function throughputValues(result: LoadResult, memory: readonly TimedMemorySample[]): Record<string, number> {
  const seconds = result.measuredMs / 1000;
  const latency = latencySummary(result.latency);
  const values: Record<string, number> = {
    [RATE_METRIC[result.kind].name]: result.ok / seconds,
    latency_p50_us: latency.p50Us,
    latency_p90_us: latency.p90Us,
    latency_p99_us: latency.p99Us,
    latency_max_us: latency.maxUs,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  if (result.kind === 'http') {
    values.bytes_per_s = result.bytes / seconds;
    values.non_2xx = result.non2xx;
  }
  if (memory.length) {
    values.load_pss_bytes = Math.max(...memory.map((m) => m.pssBytes));
    values.load_rss_bytes = Math.max(...memory.map((m) => m.rssBytes));
  }
  // A run without a single completed operation has no latency: leave it out rather than record NaN.
  return Object.fromEntries(Object.entries(values).filter(([, v]) => Number.isFinite(v)));
}

/** What a reader must know about one repetition before trusting its numbers. */
export function loadFlags(result: LoadResult, pipelining?: number): string[] {
  const flags: string[] = [];
  if (result.errors > 0) {
    const timeouts = result.timeouts ? ` (${result.timeouts} timeouts)` : '';
    const examples = result.errorSamples.length ? `: ${result.errorSamples.join('; ')}` : '';
    flags.push(`${result.errors} errors${timeouts}${examples}`);
  }
  if (result.non2xx > 0) flags.push(`${result.non2xx} non-2xx responses`);
  const { cores, eventLoopUtilization } = result.cpu;
  const busy = `event loop ${(eventLoopUtilization * 100).toFixed(0)}% busy`;
  if (cores >= SATURATED_CORES) {
    flags.push(
      `load generator saturated a core: ${cores.toFixed(2)} cores of CPU, ${busy}; ` +
        "the rate may be the generator's limit, not the system's",
    );
  } else if (eventLoopUtilization >= SATURATED_ELU) {
    // Never idle yet far from a full core: the generator was waiting for a CPU the system under test also wants.
    flags.push(
      `load generator never idle (${busy}) on ${cores.toFixed(2)} cores of CPU: it was short of CPU on this host; ` +
        "the rate may be the generator's limit, not the system's",
    );
  }
  if (result.closingResponses && pipelining !== undefined && pipelining > 1) {
    flags.push(
      `the server closed the connection after ${result.closingResponses} responses: with pipelining ${pipelining}, ` +
        "latencies from autocannon's queue are wrong after each close",
    );
  }
  return flags;
}

/** How the server treated connections, when it closed them: the request after a close includes a TCP connect. */
export function connectionNote(result: LoadResult): string | undefined {
  const closing = result.closingResponses ?? 0;
  const responses = result.latency.count;
  if (closing === 0) return undefined;
  if (closing >= responses) {
    return 'the server closes the connection after every response (no keep-alive): each request includes a TCP connect';
  }
  // Without the counts, which are in each trial's detail: the label holds one such line however many repetitions.
  return 'the server closed some connections (its keep-alive limit; counts in each trial as closingResponses): the request after each close includes a TCP connect';
}
