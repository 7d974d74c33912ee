import { z } from 'zod';

/** One tried value of a bisection: whether it worked, and why not. */
export const bisectStepSchema = z.object({
  value: z.number(),
  ok: z.boolean(),
  reason: z.string().optional(),
  /** Wall time of the attempt. */
  ms: z.number().optional(),
  /** A re-check of a value that had just worked (see `confirm`). */
  confirmation: z.literal(true).optional(),
});
export type BisectStep = z.infer<typeof bisectStepSchema>;

export type Attempt = (value: number) => Promise<{ ok: boolean; reason?: string }>;

/** A bisection's answer and every attempt, as the memory suite's cells record them. */
export const bisectResultSchema = z.object({
  /** The smallest value in [low, high] that worked (with `confirm`: twice), or undefined when even `high` failed. */
  minimum: z.number().optional(),
  /** With `confirm`: the answer of the bisection proper, before the re-checks. */
  bisected: z.number().optional(),
  /** With `confirm`: whether `minimum` worked on its re-check too. */
  confirmed: z.boolean().optional(),
  steps: z.array(bisectStepSchema),
});
export type BisectResult = z.infer<typeof bisectResultSchema>;

/** With `confirm`, how many values above a bisection answer that failed its re-check are tried. */
export const CONFIRM_WALK = 8;

/**
 * Smallest integer in [low, high] for which `attempt` succeeds, assuming success is monotone (what works at n works
 * at n + 1). `high` is tried first: if it fails there is no answer. Then the usual halving, with `low - 1` taken as
 * failing without trying it, so `low` itself is tried only when everything above it worked. Every attempt is kept,
 * in order. Takes ⌈log2(high - low + 1)⌉ + 1 attempts.
 * A value at the edge may work only sometimes. With `confirm` the answer is tried a second time; when that fails,
 * the values above it are tried in turn (up to CONFIRM_WALK of them, each needing two successes in a row) and the
 * first one that works twice is the minimum. If none does, the bisection's answer stands with `confirmed: false`.
 * `now` is injectable for tests.
 */
export async function bisectMinimum(
  low: number,
  high: number,
  attempt: Attempt,
  opts: { signal?: AbortSignal; now?: () => number; confirm?: boolean } = {},
): Promise<BisectResult> {
  if (!Number.isInteger(low) || !Number.isInteger(high) || low > high) {
    throw new RangeError(`bisection needs integer bounds with low <= high (got ${low}..${high})`);
  }
  const now = opts.now ?? (() => performance.now());
  const steps: BisectStep[] = [];
  const tryValue = async (value: number, confirmation = false) => {
    opts.signal?.throwIfAborted();
    const t0 = now();
    const outcome = await attempt(value);
    steps.push({
      value,
      ok: outcome.ok,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ms: now() - t0,
      ...(confirmation ? { confirmation: true as const } : {}),
    });
    return outcome.ok;
  };

  if (!(await tryValue(high))) return { steps };
  let failing = low - 1;
  let working = high;
  while (working - failing > 1) {
    const mid = Math.floor((failing + working) / 2);
    if (await tryValue(mid)) working = mid;
    else failing = mid;
  }
  if (!opts.confirm) return { minimum: working, steps };
  for (let value = working; value <= Math.min(high, working + CONFIRM_WALK); value++) {
    const first = value === working || (await tryValue(value));
    if (first && (await tryValue(value, true))) return { minimum: value, bisected: working, confirmed: true, steps };
  }
  return { minimum: working, bisected: working, confirmed: false, steps };
}
