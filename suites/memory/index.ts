import { defineSuite } from '../descriptor.ts';
import { memoryConfig, SUITE } from './config.ts';
import { memoryExtra } from './extra.ts';
import { MEMORY_METRICS } from './metrics.ts';
import { runMemory } from './run.ts';

export const memorySuite = defineSuite({
  name: SUITE,
  config: memoryConfig,
  quick: { samples: 1 },
  metrics: MEMORY_METRICS,
  title: 'Memory',
  description: 'Host-side memory of an idle instance (RSS and PSS as the host accounts them), and the smallest guest memory the workload still started in.',
  charts: [{ kind: 'sizes', id: 'memory', title: 'memory' }],
  extra: memoryExtra,
  samples: { setting: 'suite.memory.samples', count: (s) => s.samples },
  run: runMemory,
});
