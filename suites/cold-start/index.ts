import { NO_EXTRA } from '../../core/cell-schema.ts';
import { defineSuite } from '../descriptor.ts';
import { coldStartConfig, SUITE } from './config.ts';
import { COLD_START_METRICS } from './metrics.ts';
import { runColdStart } from './run.ts';

export const coldStartSuite = defineSuite({
  name: SUITE,
  config: coldStartConfig,
  quick: { trials: 3, warmups: 1 },
  byDefault: true,
  runOptions: { trials: 'trials' },
  metrics: COLD_START_METRICS,
  title: 'Cold start',
  description: 'From asking for an instance to its workload answering the readiness probe; each trial starts one instance and stops it.',
  charts: [
    { kind: 'samples', id: 'ready', metric: 'ready_ms' },
    { kind: 'phases', id: 'phases' },
  ],
  extra: NO_EXTRA,
  samples: { setting: '--trials', count: (s) => s.trials },
  run: runColdStart,
});
