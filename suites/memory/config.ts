import { z } from 'zod';
import { mib, nonNegativeInt, positiveInt } from '../../core/config-values.ts';
import { sectionReader } from '../descriptor.ts';

/** Its name, in the config, the results and on the command line. */
export const SUITE = 'memory';

export const memoryConfig = z.strictObject({
  settleMs: nonNegativeInt.default(1_000),
  /** Idle footprints per cell, each of a fresh instance; the gate needs at least gates.minSamples. */
  samples: positiveInt.default(8),
  minMemory: z
    .strictObject({
      enabled: z.boolean().default(true),
      lowMiB: mib.default(2),
      highMiB: mib.default(1024),
      requests: positiveInt.default(20),
    })
    .prefault({}),
});

/** Its section of a run's config; the density suite reads `settleMs` from it. */
export const memorySettings = sectionReader(SUITE, memoryConfig);
