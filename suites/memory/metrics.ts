import type { MetricDef } from '../../core/metric-def.ts';

export const MEMORY_METRICS: readonly MetricDef[] = [
  { name: 'idle_rss_bytes', unit: 'bytes', direction: 'lower', label: 'RSS (idle)', comparative: 'less RSS', inSummary: true },
  { name: 'idle_pss_bytes', unit: 'bytes', direction: 'lower', label: 'PSS (idle)', comparative: 'less PSS', headline: true, gateThreshold: 0.1 },
  { name: 'min_memory_mib', unit: 'MiB', direction: 'lower', label: 'minimum guest memory', comparative: 'less minimum guest memory', inSummary: true },
];
