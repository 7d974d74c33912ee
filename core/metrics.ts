import { RUNNERS } from '../runners/index.ts';
import type { Direction, MetricDef, PhaseDef } from './metric-def.ts';

export type { Direction, MetricDef, PhaseDef } from './metric-def.ts';

/** Keeps each suite's name as a key type while every entry is checked as a MetricDef. */
const bySuite = <S extends string>(metrics: Record<S, readonly MetricDef[]>) => metrics;

/**
 * Every metric of every suite, in the order reports list them. A new suite adds its key here with its metrics: a
 * suite of config.ts's SUITE_NAMES without one does not compile (summary, charts and ratios look metrics up by it).
 */
export const METRICS = bySuite({
  'cold-start': [
    { name: 'spawned_ms', unit: 'ms', direction: 'lower', label: 'time to spawned', inSummary: true, phase: { name: 'spawned', segment: 'until spawned', colour: '#0f766e' } },
    { name: 'first_output_ms', unit: 'ms', direction: 'lower', label: 'time to first console output', inSummary: true, phase: { name: 'firstOutput', segment: 'until first output', colour: '#7c3aed' } },
    // Phases of one platform's starts (the Linux VM's init marker, the Unikraft banner): declared by its runner.
    ...RUNNERS.flatMap((d) => d.phases ?? []),
    {
      name: 'ready_ms',
      unit: 'ms',
      direction: 'lower',
      label: 'time to ready',
      comparative: 'faster to ready',
      headline: true,
      gateThreshold: 0.1,
      phase: { name: 'ready', segment: 'until ready (probe answered)', colour: '#475569' },
    },
    { name: 'guest_uptime_at_init_ms', unit: 'ms', direction: 'lower', label: 'guest uptime when init started', inSummary: true },
    { name: 'rss_at_ready_bytes', unit: 'bytes', direction: 'lower', label: 'RSS at ready' },
    { name: 'pss_at_ready_bytes', unit: 'bytes', direction: 'lower', label: 'PSS at ready', inSummary: true },
    { name: 'peak_rss_at_ready_bytes', unit: 'bytes', direction: 'lower', label: 'peak RSS at ready' },
  ],
  memory: [
    { name: 'idle_rss_bytes', unit: 'bytes', direction: 'lower', label: 'RSS (idle)', comparative: 'less RSS', inSummary: true },
    { name: 'idle_pss_bytes', unit: 'bytes', direction: 'lower', label: 'PSS (idle)', comparative: 'less PSS', headline: true, gateThreshold: 0.1 },
    { name: 'min_memory_mib', unit: 'MiB', direction: 'lower', label: 'minimum guest memory', comparative: 'less minimum guest memory', inSummary: true },
  ],
  throughput: [
    // One headline rate per kind of load: HTTP, PostgreSQL, Redis.
    { name: 'requests_per_s', unit: 'req/s', direction: 'higher', label: 'requests/s', comparative: 'more requests/s', headline: true, gateThreshold: 0.1 },
    { name: 'transactions_per_s', unit: 'tx/s', direction: 'higher', label: 'transactions/s', comparative: 'more transactions/s', headline: true, gateThreshold: 0.1 },
    { name: 'ops_per_s', unit: 'ops/s', direction: 'higher', label: 'operations/s', comparative: 'more operations/s', headline: true, gateThreshold: 0.1 },
    { name: 'bytes_per_s', unit: 'bytes/s', direction: 'higher', label: 'response bytes/s' },
    { name: 'latency_p50_us', unit: 'us', direction: 'lower', label: 'latency p50', inSummary: true },
    { name: 'latency_p90_us', unit: 'us', direction: 'lower', label: 'latency p90' },
    { name: 'latency_p99_us', unit: 'us', direction: 'lower', label: 'latency p99', inSummary: true },
    { name: 'latency_max_us', unit: 'us', direction: 'lower', label: 'latency max' },
    { name: 'load_pss_bytes', unit: 'bytes', direction: 'lower', label: 'PSS under load (peak)', inSummary: true },
    { name: 'load_rss_bytes', unit: 'bytes', direction: 'lower', label: 'RSS under load (peak)' },
    { name: 'errors', unit: 'count', direction: 'lower', label: 'errors' },
    { name: 'timeouts', unit: 'count', direction: 'lower', label: 'timeouts' },
    { name: 'non_2xx', unit: 'count', direction: 'lower', label: 'non-2xx responses' },
    { name: 'client_cores', unit: 'cores', direction: 'lower', label: 'load generator CPU' },
    { name: 'client_elu', unit: 'ratio', direction: 'lower', label: 'load generator event loop utilisation' },
    { name: 'client_cpu_us_per_op', unit: 'us', direction: 'lower', label: 'load generator CPU per operation' },
    { name: 'server_cores', unit: 'cores', direction: 'lower', label: 'server-side CPU' },
    { name: 'docker_proxy_cores', unit: 'cores', direction: 'lower', label: 'docker-proxy CPU' },
    // The cross-check: the reference tool's rate on the same instance, and isobench's figure over it.
    { name: 'reference_requests_per_s', unit: 'req/s', direction: 'higher', label: 'wrk requests/s' },
    { name: 'reference_transactions_per_s', unit: 'tx/s', direction: 'higher', label: 'pgbench transactions/s' },
    { name: 'reference_ops_per_s', unit: 'ops/s', direction: 'higher', label: 'redis-benchmark operations/s' },
    { name: 'vs_reference', unit: 'ratio', direction: 'higher', label: "isobench's rate over the reference tool's" },
  ],
  density: [
    { name: 'density_count', unit: 'instances', direction: 'higher', label: 'instances reached', comparative: 'more instances', headline: true },
    // The summary shows the memory per instance before the start time.
    { name: 'pss_per_instance_bytes', unit: 'bytes', direction: 'lower', label: 'PSS per instance, all running', inSummary: true },
    { name: 'start_ms', unit: 'ms', direction: 'lower', label: 'time to ready of each start', inSummary: true },
    { name: 'rss_per_instance_bytes', unit: 'bytes', direction: 'lower', label: 'RSS per instance, all running' },
    { name: 'mem_available_drop_bytes', unit: 'bytes', direction: 'lower', label: 'fall of MemAvailable per start' },
  ],
  wake: [
    // Each trial is a fresh instance: its own cold start is measured beside its wake, through the same proxy.
    { name: 'wake_ms', unit: 'ms', direction: 'lower', label: 'wake (through the proxy)', comparative: 'faster to wake', headline: true, gateThreshold: 0.1 },
    { name: 'cold_start_ms', unit: 'ms', direction: 'lower', label: 'cold start', inSummary: true },
    { name: 'to_zero_ms', unit: 'ms', direction: 'lower', label: 'time to scale to zero', inSummary: true },
    { name: 'zero_rss_bytes', unit: 'bytes', direction: 'lower', label: 'RSS held at zero' },
    { name: 'zero_pss_bytes', unit: 'bytes', direction: 'lower', label: 'PSS held at zero', inSummary: true },
    { name: 'snapshot_bytes', unit: 'bytes', direction: 'lower', label: 'snapshot on disk', inSummary: true },
    { name: 'woken_rss_bytes', unit: 'bytes', direction: 'lower', label: 'RSS after wake' },
    { name: 'woken_pss_bytes', unit: 'bytes', direction: 'lower', label: 'PSS after wake', inSummary: true },
    { name: 'proxy_added_ms', unit: 'ms', direction: 'lower', label: 'latency the front proxy adds (instance up)', inSummary: true },
    { name: 'state_kept', unit: 'kept', direction: 'higher', label: 'state kept across the wake (1 or 0)' },
  ],
});

/** A suite that declares metrics here. */
export type MetricSuite = keyof typeof METRICS;

/** What a result's metric records of its definition, in the results file's key order. */
export interface MetricSpec {
  name: string;
  unit: string;
  direction: Direction;
}

function find(suite: MetricSuite, name: string): MetricDef | undefined {
  return METRICS[suite].find((m) => m.name === name);
}

/** The definition of a metric a suite records; an unregistered name is a bug, found as soon as the suite loads. */
export function metricSpec(suite: MetricSuite, name: string): MetricSpec {
  const def = find(suite, name);
  if (!def) throw new Error(`metric ${suite}.${name} is not in core/metrics.ts: add it there`);
  return { name: def.name, unit: def.unit, direction: def.direction };
}

/** A metric's definition, or undefined for one this isobench does not know (a results file from another version). */
export const metricDef = (suite: MetricSuite, name: string): MetricDef | undefined => find(suite, name);

/** What charts and legends call a metric; an unknown one by its name. */
export const metricLabel = (suite: MetricSuite, name: string): string => find(suite, name)?.label ?? name.replace(/_/g, ' ');

export const headlineMetrics = (suite: MetricSuite): string[] => METRICS[suite].filter((m) => m.headline).map((m) => m.name);

export const summaryMetrics = (suite: MetricSuite): string[] => METRICS[suite].filter((m) => m.inSummary).map((m) => m.name);

/** `suite.metric`, as `gates.metrics` names a metric. */
export const metricKey = (suite: MetricSuite, name: string): string => `${suite}.${name}`;

const ALL: ReadonlyArray<readonly [MetricSuite, MetricDef]> = (Object.keys(METRICS) as MetricSuite[]).flatMap((suite) =>
  METRICS[suite].map((def) => [suite, def] as const),
);

/** The definition behind a `suite.metric` key, or undefined. */
export function metricByKey(key: string): MetricDef | undefined {
  return ALL.find(([suite, def]) => metricKey(suite, def.name) === key)?.[1];
}

export const METRIC_KEYS: readonly string[] = ALL.map(([suite, def]) => metricKey(suite, def.name));

/** The regression gate's default metrics and thresholds. */
export function defaultGateMetrics(): Record<string, { direction: Direction; threshold: number }> {
  return Object.fromEntries(
    ALL.filter(([, def]) => def.gateThreshold !== undefined).map(([suite, def]) => [
      metricKey(suite, def.name),
      { direction: def.direction, threshold: def.gateThreshold! },
    ]),
  );
}

/** The phases cold-start metrics time, in the order a start goes through them. */
export const PHASES: readonly (MetricDef & { phase: PhaseDef })[] = METRICS['cold-start'].filter(
  (m): m is MetricDef & { phase: PhaseDef } => m.phase !== undefined,
);

/** The README's list of metrics (between its `metrics` markers); a test keeps the two equal. */
export function metricsMarkdown(): string {
  const rows = ALL.map(([suite, def]) => {
    const role = [def.headline && 'leads the summary', def.gateThreshold !== undefined && `gated by default at ${def.gateThreshold * 100}%`];
    return `| ${suite} | \`${def.name}\` | ${def.unit} | ${def.direction} | ${def.label} | ${role.filter(Boolean).join('; ')} |`;
  });
  return ['| suite | metric | unit | better | what | role |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
