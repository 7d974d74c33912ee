import { specOf, type MetricSpec } from '../../core/metric-def.ts';
import { SUITE } from '../throughput/config.ts';
import { THROUGHPUT_METRICS } from '../throughput/metrics.ts';
import { latencySummary } from './histogram.ts';
import type { TimedMemorySample } from './memory-sampler.ts';
import type { LoadResult, LoadTarget } from './protocol.ts';

/**
 * Without a reference run, the load generator counts as the bottleneck from this CPU use (cores) or event loop
 * utilisation on: past them it answers late and the rate it reports is its own.
 */
export const CLIENT_BOUND_CORES = 0.9;
export const CLIENT_BOUND_ELU = 0.75;
/** isobench's figure may be this much below the reference tool's on the same instance before it is client-bound. */
export const REFERENCE_TOLERANCE = 0.1;

const spec = (name: string): MetricSpec => specOf(SUITE, THROUGHPUT_METRICS, name);

/** The headline rate of each kind of load. */
export const RATE_METRIC: Record<LoadTarget['kind'], MetricSpec> = {
  http: spec('requests_per_s'),
  redis: spec('ops_per_s'),
  postgres: spec('transactions_per_s'),
};

const LATENCY_METRICS = [
  spec('latency_p50_us'),
  spec('latency_p90_us'),
  spec('latency_p99_us'),
  spec('latency_max_us'),
];
const BYTES_PER_S = spec('bytes_per_s');
const LOAD_MEMORY = [spec('load_pss_bytes'), spec('load_rss_bytes')];
const ERRORS = [spec('errors'), spec('timeouts')];
const NON_2XX = spec('non_2xx');
/** Who did the work: the load generator's CPU and cost per operation, and the server side's CPU. */
const COST = [
  spec('client_cores'),
  spec('client_elu'),
  spec('client_cpu_us_per_op'),
  spec('server_cores'),
  spec('docker_proxy_cores'),
];
/** The cross-check: the reference tool's rate on the same instance, and isobench's figure over it. */
const referenceRate = (kind: LoadTarget['kind']) => spec(`reference_${RATE_METRIC[kind].name}`);
const VS_REFERENCE = spec('vs_reference');

/** Every metric a throughput cell of this kind of load has, in report order. */
export function throughputMetrics(kind: LoadTarget['kind']): MetricSpec[] {
  return [
    RATE_METRIC[kind],
    ...(kind === 'http' ? [BYTES_PER_S] : []),
    ...LATENCY_METRICS,
    ...LOAD_MEMORY,
    ...ERRORS,
    ...(kind === 'http' ? [NON_2XX] : []),
    ...COST,
    referenceRate(kind),
    VS_REFERENCE,
  ];
}

/** What was measured besides the load: the server side's CPU over the same phase, the reference tool's rate. */
export interface Observed {
  /** Server-side CPU during the measured phase, in cores. */
  serverCores?: number;
  /** The container's docker-proxy, apart. */
  dockerProxyCores?: number;
  /** The reference tool's rate of successful operations on the same instance. */
  referencePerS?: number;
}

/**
 * The values of one repetition. Rates are successful operations over the measured wall time; latencies are of
 * every completed operation; the memory under load is the peak of the samples taken during the measured phase
 * (absent when none could be taken).
 */
export function throughputValues(
  result: LoadResult,
  memory: readonly TimedMemorySample[],
  observed: Observed = {},
): Record<string, number> {
  const seconds = result.measuredMs / 1000;
  const latency = latencySummary(result.latency);
  const rate = result.ok / seconds;
  const values: Record<string, number> = {
    [RATE_METRIC[result.kind].name]: rate,
    latency_p50_us: latency.p50Us,
    latency_p90_us: latency.p90Us,
    latency_p99_us: latency.p99Us,
    latency_max_us: latency.maxUs,
    errors: result.errors,
    timeouts: result.timeouts,
    client_cores: result.cpu.cores,
    client_elu: result.cpu.eventLoopUtilization,
    client_cpu_us_per_op: (result.cpu.userUs + result.cpu.systemUs) / (result.ok + result.errors),
  };
  if (observed.serverCores !== undefined) values.server_cores = observed.serverCores;
  if (observed.dockerProxyCores !== undefined) values.docker_proxy_cores = observed.dockerProxyCores;
  if (observed.referencePerS !== undefined) {
    values[referenceRate(result.kind).name] = observed.referencePerS;
    values.vs_reference = rate / observed.referencePerS;
  }
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
export function loadFlags(result: LoadResult): string[] {
  const flags: string[] = [];
  if (result.errors > 0) {
    const timeouts = result.timeouts ? ` (${result.timeouts} timeouts)` : '';
    const examples = result.errorSamples.length ? `: ${result.errorSamples.join('; ')}` : '';
    flags.push(`${result.errors} errors${timeouts}${examples}`);
  }
  if (result.non2xx > 0) flags.push(`${result.non2xx} non-2xx responses`);
  return flags;
}

/**
 * Why a repetition's rate is the load generator's limit rather than the server's, or nothing. A reference tool that
 * ran on the same instance decides: its rate more than REFERENCE_TOLERANCE above isobench's is proof that more
 * client capacity raises the figure, and its agreement is proof that it does not. Without one, a generator short of
 * CPU (a busy event loop, a full core) is taken as the bottleneck.
 */
export function clientBoundReasons(result: LoadResult, reference?: { tool: string; ratePerS: number }): string[] {
  const rate = result.ok / (result.measuredMs / 1000);
  if (reference) {
    if (rate >= reference.ratePerS * (1 - REFERENCE_TOLERANCE)) return [];
    return [
      `${reference.tool} reached ${reference.ratePerS.toFixed(0)}/s on the same instance, ` +
        `${(reference.ratePerS / rate).toFixed(2)}× isobench's ${rate.toFixed(0)}/s`,
    ];
  }
  const { cores, eventLoopUtilization } = result.cpu;
  const reasons: string[] = [];
  if (eventLoopUtilization >= CLIENT_BOUND_ELU) {
    reasons.push(`the load generator's event loop was ${(eventLoopUtilization * 100).toFixed(0)}% busy (≥ ${CLIENT_BOUND_ELU * 100}%)`);
  }
  if (cores >= CLIENT_BOUND_CORES) reasons.push(`the load generator used ${cores.toFixed(2)} cores of CPU`);
  return reasons;
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
