import { defineSuite } from '../descriptor.ts';
import { SUITE, wakeConfig } from './config.ts';
import { wakeExtra } from './extra.ts';
import { WAKE_METRICS } from './metrics.ts';
import { runWake } from './run.ts';

export const wakeSuite = defineSuite({
  name: SUITE,
  config: wakeConfig,
  quick: { trials: 3, idleMs: 200 },
  metrics: WAKE_METRICS,
  title: 'Scale to zero and wake',
  description:
    "Each trial starts a fresh instance, writes state, scales it to zero by one strategy, and wakes it with a client's connection through isobench's front proxy; wake beside the trial's own cold start.",
  charts: [
    {
      kind: 'series',
      id: 'wake',
      title: 'wake beside cold start, per strategy',
      caption: "Wake: from the client's connect through the front proxy to the first reply byte; cold start: the same trials' fresh instances to ready.",
      unit: 'ms',
      series: [
        { label: 'wake', metric: 'wake_ms' },
        { label: 'cold start', metric: 'cold_start_ms' },
      ],
      table: ['wake_ms', 'cold_start_ms', 'zero_pss_bytes', 'snapshot_bytes', 'proxy_added_ms', 'state_kept'],
    },
  ],
  extra: wakeExtra,
  beside: { metric: 'wake_ms', against: 'cold_start_ms' },
  samples: { setting: 'suite.wake.trials', count: (s) => s.trials },
  variants: (s) => s.strategies,
  run: runWake,
});
