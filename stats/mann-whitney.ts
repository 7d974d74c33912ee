import { continuityCorrectedTail, type OneSidedP } from './rank-test.ts';

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test of two independent samples, one-sided in each direction: a gate asks
 * "did it get worse?" and, separately, "did it get better?"; a two-sided p would spend half its α on the other.
 */
export interface MannWhitneyResult extends OneSidedP {
  /** U of the first sample: pairs (x, y) with x > y, a tie counting one half. */
  u: number;
  method: 'exact' | 'normal';
}

/**
 * Up to this many samples in all, the p-value is exact: the permutation distribution of the rank sum, counted
 * with the observed mid-ranks, so ties are handled exactly too. Beyond it the counts would outgrow exact doubles,
 * and the normal approximation is good anyway.
 */
const EXACT_MAX_N = 50;

/** Mid-ranks of the pooled samples, doubled so that they are integers (a tie over ranks 3 and 4 gets 7). */
function doubledMidRanks(pooled: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = pooled.map((_, i) => i).sort((a, b) => pooled[a]! - pooled[b]!);
  const ranks = new Array<number>(pooled.length);
  const tieSizes: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && pooled[order[end + 1]!] === pooled[order[start]!]) end++;
    for (let i = start; i <= end; i++) ranks[order[i]!] = start + 1 + end + 1;
    tieSizes.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, tieSizes };
}

/** P(S >= observed) and P(S <= observed) over all ways to pick the first sample's ranks from the pooled ranks. */
function exactTest(ranks: readonly number[], n1: number, observed: number): OneSidedP {
  const total = ranks.reduce((s, r) => s + r, 0);
  // counts[k][s]: how many k-subsets of the ranks seen so far sum to s.
  const counts = Array.from({ length: n1 + 1 }, () => new Float64Array(total + 1));
  counts[0]![0] = 1;
  ranks.forEach((rank, i) => {
    for (let k = Math.min(i + 1, n1); k >= 1; k--) {
      const row = counts[k]!;
      const below = counts[k - 1]!;
      for (let s = total; s >= rank; s--) row[s]! += below[s - rank]!;
    }
  });
  const dist = counts[n1]!;
  let all = 0;
  let atLeast = 0;
  let atMost = 0;
  let lowest = -1;
  let highest = -1;
  // Sums are integers: the observed one is hit exactly.
  for (let s = 0; s <= total; s++) {
    if (!dist[s]) continue;
    all += dist[s]!;
    if (s >= observed) atLeast += dist[s]!;
    if (s <= observed) atMost += dist[s]!;
    if (lowest < 0) lowest = s;
    highest = s;
  }
  return { greater: atLeast / all, less: atMost / all, minP: Math.min(dist[lowest]!, dist[highest]!) / all };
}

/** Normal approximation with the tie correction of the variance and a continuity correction. */
function normalTest(u: number, n1: number, n2: number, tieSizes: readonly number[]): OneSidedP {
  const n = n1 + n2;
  const ties = tieSizes.reduce((s, t) => s + (t ** 3 - t), 0);
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (!(variance > 0)) return { greater: 1, less: 1, minP: 1 };
  const mean = (n1 * n2) / 2;
  const tail = continuityCorrectedTail(Math.sqrt(variance));
  return { greater: tail(u - mean), less: tail(mean - u), minP: tail(mean) };
}

/**
 * Mann-Whitney U test: does `x` tend to have larger (smaller) values than `y`? Distribution-free, so one slow
 * outlier trial cannot make a change significant by itself, unlike a t-test on means.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (!n1 || !n2) throw new Error('mannWhitneyU: both samples need at least one value');
  const { ranks, tieSizes } = doubledMidRanks([...x, ...y]);
  const rankSum = ranks.slice(0, n1).reduce((s, r) => s + r, 0);
  const u = rankSum / 2 - (n1 * (n1 + 1)) / 2;
  if (n1 + n2 <= EXACT_MAX_N) return { u, ...exactTest(ranks, n1, rankSum), method: 'exact' };
  return { u, ...normalTest(u, n1, n2, tieSizes), method: 'normal' };
}
