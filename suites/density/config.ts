import { z } from 'zod';
import { positiveInt } from '../../core/config-values.ts';
import { sectionReader } from '../descriptor.ts';

/** Its name, in the config, the results and on the command line. */
export const SUITE = 'density';

export const densityConfig = z.strictObject({
  target: positiveInt.default(50),
  /** Share of MemAvailable (at the start) that must stay free. */
  memoryReserve: z.number().min(0).max(0.95).default(0.25),
  startTimeoutMs: positiveInt.default(60_000),
  concurrency: positiveInt.max(64).default(1),
});

export const densitySettings = sectionReader(SUITE, densityConfig);
