import { NO_EXTRA } from '../../core/cell-schema.ts';
import { defineSuite } from '../descriptor.ts';
import { REFERENCE_TOOLS } from '../load/reference.ts';
import { SUITE, throughputConfig } from './config.ts';
import { THROUGHPUT_METRICS } from './metrics.ts';
import { runThroughput } from './run.ts';

export const throughputSuite = defineSuite({
  name: SUITE,
  config: throughputConfig,
  quick: { durationS: 3, repetitions: 1 },
  runOptions: { reference: 'reference' },
  metrics: THROUGHPUT_METRICS,
  title: 'Throughput',
  description: 'A load generator on the host over loopback; each repetition is one sample.',
  charts: [{ kind: 'headlines' }, { kind: 'latencies' }],
  extra: NO_EXTRA,
  samples: { setting: 'suite.throughput.repetitions', count: (s) => s.repetitions },
  // The cross-check's tools: one still missing makes its rows say "not run" and how to install it.
  tools: (s) => (s.reference ? Object.values(REFERENCE_TOOLS) : []),
  run: runThroughput,
});
