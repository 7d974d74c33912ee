import type { MetricDef, PhaseDef } from '../../core/metric-def.ts';
import { RUNNERS } from '../../runners/index.ts';

export const COLD_START_METRICS: readonly MetricDef[] = [
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
];

/** The phases its metrics time, in the order a start goes through them. */
export const PHASES: readonly (MetricDef & { phase: PhaseDef })[] = COLD_START_METRICS.filter(
  (m): m is MetricDef & { phase: PhaseDef } => m.phase !== undefined,
);
