import { STOP_TIMEOUT_MS, stopBounded } from '../../core/lifecycle.ts';
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

/**
 * Stops `instances`, `concurrency` at a time, each attempt bounded by the one-instance stop timeout and retried;
 * then verifies: the platform's own list (one query: the Docker API for containers) and /proc for every host pid
 * (the same process, by its start time: not a later one that was given the pid).
 */
export async function stopAndVerify(instances: readonly Instance[], runner: Runner, concurrency: number): Promise<StopReport> {
  const why = new Map<string, string[]>();
  const note = (id: string, reason: string) => why.set(id, [...(why.get(id) ?? []), reason]);
  // Which process each host pid was before the stop: after it, the same pid may be another process already.
  const startedAt = new Map<Instance, number | undefined>();
  for (const instance of instances) if (instance.pid !== undefined) startedAt.set(instance, await processStartTime(instance.pid));
  for (const failure of await stopBounded(instances, { concurrency, timeoutMs: STOP_TIMEOUT_MS })) {
    note(failure.item.id, `stop failed: ${failure.error}`);
  }
  let unverified: string | undefined;
  try {
    for (const id of (await runner.stillListed?.(instances)) ?? []) note(id, `still listed by the ${runner.name} platform`);
  } catch (error) {
    unverified = `could not list what the ${runner.name} platform still holds: ${(error as Error).message}`;
  }
  for (const [instance, before] of startedAt) {
    if (before !== undefined && (await processStartTime(instance.pid!)) === before) note(instance.id, `host pid ${instance.pid} still exists`);
  }
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
