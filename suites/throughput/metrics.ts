import type { MetricDef } from '../../core/metric-def.ts';

export const THROUGHPUT_METRICS: readonly MetricDef[] = [
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
];
