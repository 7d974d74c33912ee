import { z } from 'zod';
import { nonNegativeInt, positiveInt } from '../../core/config-values.ts';
import { sectionReader } from '../descriptor.ts';

/** Its name, in the config, the results and on the command line. */
export const SUITE = 'throughput';

export const throughputConfig = z.strictObject({
  connections: positiveInt.max(1_000).default(10),
  durationS: positiveInt.max(600).default(10),
  /** Load before each measured phase, discarded: connections opened, server caches and the guest's page cache warm. */
  warmupS: nonNegativeInt.max(600).default(1),
  pipelining: positiveInt.max(100).default(1),
  /** Load runs per cell, each one sample; the gate needs at least gates.minSamples. */
  repetitions: positiveInt.default(8),
  /** Concurrent clients for the PostgreSQL and Redis loads. */
  clients: positiveInt.max(256).default(8),
  /**
   * After each repetition, run the reference tool (wrk, redis-benchmark, pgbench) against the same instance with
   * the same connections and duration, and record isobench's figure over its (vs_reference).
   */
  reference: z.boolean().default(false),
});

export type ThroughputSettings = z.output<typeof throughputConfig>;

export const throughputSettings = sectionReader(SUITE, throughputConfig);
