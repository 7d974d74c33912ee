import type { MetricDef } from '../../core/metric-def.ts';

export const WAKE_METRICS: readonly MetricDef[] = [
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
];
