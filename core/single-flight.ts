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

/**
 * A function that makes each key's value once and keeps it: callers share the promise, and `onValue` sees the value
 * when it arrives. A rejection forgets the key, so that the next call tries again (a network hiccup, a file the user
 * has fixed in the meantime).
 */
export function memoiseUntilRejected<K, T>(onValue?: (key: K, value: T) => void): (key: K, make: () => Promise<T>) => Promise<T> {
  const made = new Map<K, Promise<T>>();
  return (key, make) => {
    let promise = made.get(key);
    if (!promise) {
      promise = make();
      promise.then(
        (value) => onValue?.(key, value),
        () => made.delete(key),
      );
      made.set(key, promise);
    }
    return promise;
  };
}
