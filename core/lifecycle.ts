/**
 * Every instance a run starts is tracked here from the moment its process or container exists, so that an
 * interrupt (SIGINT/SIGTERM) or an uncaught error can stop all of them, even those still booting.
 */
export interface Stoppable {
  /** e.g. "linux-vm nginx (qemu pid 1234)" */
  readonly description: string;
  stop(): Promise<void>;
}

const live = new Set<Stoppable>();

/** Registers `s`; call the returned function once `s` is stopped. */
export function track(s: Stoppable): () => void {
  live.add(s);
  return () => {
    live.delete(s);
  };
}

export function liveInstances(): string[] {
  return [...live].map((s) => s.description);
}

/** Stops everything still tracked, each at most once, in parallel; returns the failures. */
export async function stopAll(): Promise<string[]> {
  const all = [...live];
  live.clear();
  const results = await Promise.allSettled(all.map((s) => s.stop()));
  return results.flatMap((r, i) => (r.status === 'rejected' ? [`${all[i]!.description}: ${String(r.reason)}`] : []));
}
