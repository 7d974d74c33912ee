import { STOP_TIMEOUT_MS, stopBounded } from '../../core/lifecycle.ts';
import { forEachBounded } from '../../core/bounded.ts';
import { firstFew } from '../../core/first-few.ts';
import { processStartTime } from '../../core/processes.ts';
import type { Instance, Runner } from '../../runners/types.ts';

/** An instance still there after the stop, and how that was seen. */
export interface Leftover {
  id: string;
  why: string;
}

export interface StopReport {
  leftovers: Leftover[];
  /** Set when the platform could not be asked what it still holds: then "nothing left" is not verified. */
  unverified?: string;
}

/** /proc reads under way at once while checking the host pids. */
const READ_CONCURRENCY = 64;

/**
 * Stops `instances`, `concurrency` at a time, each attempt bounded by the one-instance stop timeout and retried;
 * then verifies: the platform's own list (one query: the Docker API for containers) and /proc for every host pid
 * (the same process, by its start time: not a later one that was given the pid).
 */
export async function stopAndVerify(instances: readonly Instance[], runner: Runner, concurrency: number): Promise<StopReport> {
  const why = new Map<string, string[]>();
  const note = (id: string, reason: string) => why.set(id, [...(why.get(id) ?? []), reason]);
  // Which process each host pid was before the stop: after it, the same pid may be another process already.
  // Read many at a time: each read hops through libuv's pool, and on a CPU saturated by hundreds of guests one hop
  // waits tens of ms for its turn (one at a time, 520 of them would add half a minute to the stop).
  const withPid = instances.filter((instance) => instance.pid !== undefined);
  const startedAt = new Map<Instance, number | undefined>();
  await forEachBounded(withPid, READ_CONCURRENCY, async (instance) => void startedAt.set(instance, await processStartTime(instance.pid!)));
  for (const failure of await stopBounded(instances, { concurrency, timeoutMs: STOP_TIMEOUT_MS })) {
    note(failure.item.id, `stop failed: ${failure.error}`);
  }
  let unverified: string | undefined;
  try {
    for (const id of (await runner.stillListed?.(instances)) ?? []) note(id, `still listed by the ${runner.name} platform`);
  } catch (error) {
    unverified = `could not list what the ${runner.name} platform still holds: ${(error as Error).message}`;
  }
  await forEachBounded([...startedAt], READ_CONCURRENCY, async ([instance, before]) => {
    if (before !== undefined && (await processStartTime(instance.pid!)) === before) note(instance.id, `host pid ${instance.pid} still exists`);
  });
  const leftovers = [...why].map(([id, reasons]) => ({ id, why: reasons.join('; ') }));
  return { leftovers, ...(unverified !== undefined && { unverified }) };
}

/** A container id in its short form (as docker ps shows it); other ids as they are. */
const shortId = (id: string) => (/^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id);

/** The one line a cell's reason gives to what was left: a count, the first few ids, and what removes them. */
export function leftoverReason(leftovers: readonly Leftover[], total: number): string {
  const ids = leftovers.map((l) => shortId(l.id));
  return `${leftovers.length} of ${total} instances left after stop (${firstFew(ids, ', ')}; see extra.leftovers); remove them with \`isobench clean\``;
}
