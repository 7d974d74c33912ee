/**
 * Runs `work` on every item, at most `limit` at a time, in order of the items; resolves when all have settled.
 * `work` must not throw (it reports its own failures): one bad item must not stop the others.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
