/**
 * Runs `work` on every item, at most `limit` at a time, in order of the items; resolves when all are done. A `work`
 * that throws rejects the whole at once while the items under way carry on: report an item's failure inside `work`
 * unless it should end them all (an abort).
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
