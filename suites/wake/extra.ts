import { z } from 'zod';

/** What a wake cell sums up in `extra`: whether the state written before going to zero came back. */
export const wakeExtra = z.object({
  /** "kept in 3 of 3 trials", or "LOST in 1 of 3 trials: ..." with what the first lost trial found instead. */
  state: z.string(),
});
