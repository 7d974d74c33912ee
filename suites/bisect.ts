/** One tried value of a bisection: whether it worked, and why not. */
export interface BisectStep {
  value: number;
  ok: boolean;
  reason?: string;
  /** Wall time of the attempt. */
  ms?: number;
  /** The second attempt at the minimum found (see `confirm`). */
  confirmation?: true;
}

export type Attempt = (value: number) => Promise<{ ok: boolean; reason?: string }>;

export interface BisectResult {
  /** The smallest value in [low, high] that worked, or undefined when even `high` failed. */
  minimum?: number;
  /** With `confirm`: whether a second attempt at `minimum` worked too. */
  confirmed?: boolean;
  steps: BisectStep[];
}

/**
 * Smallest integer in [low, high] for which `attempt` succeeds, assuming success is monotone (what works at n works
 * at n + 1). `high` is tried first: if it fails there is no answer. Then the usual halving, with `low - 1` taken as
 * failing without trying it, so `low` itself is tried only when everything above it worked. Every attempt is kept,
 * in order. Takes ⌈log2(high - low + 1)⌉ + 1 attempts. A value at the edge may work only sometimes; `confirm`
 * tries the minimum once more so that such an answer is not reported as if it were reproducible.
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
  return { minimum: working, confirmed: await tryValue(working, true), steps };
}
