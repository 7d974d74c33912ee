import { z } from 'zod';
import { nonNegativeInt, positiveInt } from '../../core/config-values.ts';
import { sectionReader } from '../descriptor.ts';

/** Its name, in the config, the results and on the command line. */
export const SUITE = 'cold-start';

export const coldStartConfig = z.strictObject({
  trials: positiveInt.default(10),
  warmups: nonNegativeInt.default(1),
  readyTimeoutMs: positiveInt.default(60_000),
  /** Test-only: a fixed sleep before every start, to prove the regression gate catches a slowdown. */
  injectDelayMs: nonNegativeInt.default(0),
});

/** Its section of a run's config; other suites read `readyTimeoutMs` from it, the time a start may take. */
export const coldStartSettings = sectionReader(SUITE, coldStartConfig);
