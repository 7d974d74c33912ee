import { continuityCorrectedTail, type OneSidedP } from './rank-test.ts';

/**
 * Wilcoxon signed-rank test of one sample (differences) against a centre of 0, one-sided in each direction
 * (`greater`: the differences tend to be positive). minP: 1 / 2^k for k non-zero differences.
 */
export interface SignedRankResult extends OneSidedP {
  /** Sum of the ranks of |d| over the positive differences, ties at their mid-rank. */
  wPlus: number;
  method: 'exact' | 'normal';
  /** Differences that were exactly 0 carry no sign and are left out (Wilcoxon's convention). */
  zeros: number;
}

/** Up to this many differences the p-value is exact: 2^k sign patterns are still counted exactly in doubles. */
const EXACT_MAX_K = 50;

/**
 * Wilcoxon signed-rank test: do the differences tend to be positive (negative) rather than centred on 0? Distribution-free: one wild round cannot make a
 * change significant by itself, and under the null each sign is a fair coin whatever the spread of the rounds.
 */
export function signedRankTest(differences: readonly number[]): SignedRankResult {
  const nonZero = differences.filter((d) => d !== 0);
  const zeros = differences.length - nonZero.length;
  const k = nonZero.length;
  if (!k) return { wPlus: 0, greater: 1, less: 1, minP: 1, method: 'exact', zeros };
  const order = nonZero.map((_, i) => i).sort((a, b) => Math.abs(nonZero[a]!) - Math.abs(nonZero[b]!));
  // Doubled mid-ranks, so that a tie over ranks 3 and 4 is the integer 7.
  const ranks = new Array<number>(k);
  const tieSizes: number[] = [];
  for (let start = 0; start < k; ) {
    let end = start;
    while (end + 1 < k && Math.abs(nonZero[order[end + 1]!]!) === Math.abs(nonZero[order[start]!]!)) end++;
    for (let i = start; i <= end; i++) ranks[order[i]!] = start + end + 2;
    tieSizes.push(end - start + 1);
    start = end + 1;
  }
  const doubledPlus = ranks.reduce((s, r, i) => s + (nonZero[i]! > 0 ? r : 0), 0);
  const total = ranks.reduce((s, r) => s + r, 0);
  const wPlus = doubledPlus / 2;
  if (k <= EXACT_MAX_K) {
    // counts[s]: sign patterns whose positive ranks sum to s.
    const counts = new Float64Array(total + 1);
    counts[0] = 1;
    for (const rank of ranks) for (let s = total; s >= rank; s--) counts[s]! += counts[s - rank]!;
    let atLeast = 0;
    let atMost = 0;
    for (let s = 0; s <= total; s++) {
      if (s >= doubledPlus) atLeast += counts[s]!;
      if (s <= doubledPlus) atMost += counts[s]!;
    }
    return { wPlus, greater: atLeast / 2 ** k, less: atMost / 2 ** k, minP: 1 / 2 ** k, method: 'exact', zeros };
  }
  const mean = (k * (k + 1)) / 4;
  const variance = (k * (k + 1) * (2 * k + 1)) / 24 - tieSizes.reduce((s, t) => s + t ** 3 - t, 0) / 48;
  const tail = continuityCorrectedTail(Math.sqrt(variance));
  return { wPlus, greater: tail(wPlus - mean), less: tail(mean - wPlus), minP: tail(mean), method: 'normal', zeros };
}
