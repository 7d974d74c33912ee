/**
 * A signal that aborts when `parent` does, until `release()`: then its listener on `parent` is gone. For things
 * that subscribe to a signal and never unsubscribe (tinybench's Bench and its tasks do so in their constructors),
 * or that must stop hearing the parent once their part is over: a long-lived parent (the run's signal) otherwise
 * collects one listener per cell.
 */
export function childSignal(parent: AbortSignal): { controller: AbortController; signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const forward = () => controller.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  return { controller, signal: controller.signal, release: () => parent.removeEventListener('abort', forward) };
}
