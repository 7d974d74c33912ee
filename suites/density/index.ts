import { defineSuite } from '../descriptor.ts';
import { densityConfig, SUITE } from './config.ts';
import { densityExtra } from './extra.ts';
import { DENSITY_METRICS } from './metrics.ts';
import { runDensity } from './run.ts';

export const densitySuite = defineSuite({
  name: SUITE,
  config: densityConfig,
  quick: { target: 20 },
  metrics: DENSITY_METRICS,
  title: 'Density',
  description: 'Instances started one after another until the target or a limit; start latency and memory as the count grows.',
  charts: [
    {
      kind: 'count',
      id: 'count',
      metric: 'density_count',
      title: 'instances running at once',
      caption: 'How many instances ran at the same time when the run stopped (stop reason in the details).',
      unit: 'instances',
    },
    {
      kind: 'curves',
      // The fields of its per-instance records (extra.curve, trial details), drawn as curves: not metrics.
      labels: {
        startMs: 'time to ready of each start',
        pssBytes: 'PSS per instance, all running',
        rssBytes: 'RSS per instance, all running',
        memAvailableDropBytes: 'fall of MemAvailable per start',
        hostCpuBusy: 'host CPU busy during each start (share of all cores, 0-1)',
      },
    },
  ],
  extra: densityExtra,
  // The run decides how many samples a cell gets: one per start, as many as fit.
  run: runDensity,
});
