import { z } from 'zod';
import { nonNegativeInt, positiveInt } from '../../core/config-values.ts';
import { sectionReader } from '../descriptor.ts';

/** Its name, in the config, the results and on the command line. */
export const SUITE = 'wake';

/** How an instance goes to zero and comes back; each strategy is a row of its own. */
export const WAKE_STRATEGIES = ['pause', 'snapshot', 'restart'] as const;
export type WakeStrategy = (typeof WAKE_STRATEGIES)[number];

export const wakeConfig = z.strictObject({
  /** Cycles per strategy, each on a fresh instance: start, write state, idle, to zero, wake through the proxy. */
  trials: positiveInt.default(10),
  strategies: z.array(z.enum(WAKE_STRATEGIES)).nonempty().default([...WAKE_STRATEGIES]),
  /** Time the instance sits idle, ready and written to, before it is scaled to zero. */
  idleMs: nonNegativeInt.default(1_000),
  readyTimeoutMs: positiveInt.default(60_000),
  /** From the client's connect to the whole reply, wake included. */
  wakeTimeoutMs: positiveInt.default(60_000),
});

export const wakeSettings = sectionReader(SUITE, wakeConfig);
