/**
 * A function that runs `make` once per key at a time: callers asking for a key already being made share its
 * promise (two workloads preparing the same image build it once); once it settles the key is free again.
 */
export function singleFlight<T>(): (key: string, make: () => Promise<T>) => Promise<T> {
  const pending = new Map<string, Promise<T>>();
  return (key, make) => {
    let promise = pending.get(key);
    if (!promise) {
      promise = make().finally(() => pending.delete(key));
      pending.set(key, promise);
    }
    return promise;
  };
}
