import type { MetricDef } from '../../core/metric-def.ts';

export const DENSITY_METRICS: readonly MetricDef[] = [
  { name: 'density_count', unit: 'instances', direction: 'higher', label: 'instances reached', comparative: 'more instances', headline: true },
  // The summary shows the memory per instance before the start time.
  { name: 'pss_per_instance_bytes', unit: 'bytes', direction: 'lower', label: 'PSS per instance, all running', inSummary: true },
  { name: 'start_ms', unit: 'ms', direction: 'lower', label: 'time to ready of each start', inSummary: true },
  { name: 'rss_per_instance_bytes', unit: 'bytes', direction: 'lower', label: 'RSS per instance, all running' },
  { name: 'mem_available_drop_bytes', unit: 'bytes', direction: 'lower', label: 'fall of MemAvailable per start' },
];
