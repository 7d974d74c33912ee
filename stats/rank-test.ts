import { normalUpperTail } from './normal.ts';

/** One-sided p-values of a rank test, one per direction, and the smallest either could be. */
export interface OneSidedP {
  /** p for the alternative that the first sample tends to be larger (the differences tend to be positive). */
  greater: number;
  /** p for the alternative that the first sample tends to be smaller (the differences tend to be negative). */
  less: number;
  /** The smallest one-sided p these sample sizes (and ties) can give at all: above α, no test can declare a change. */
  minP: number;
}

/**
 * The normal approximation's one-sided tail P(Z ≥ (deviation − ½)/sd) of a rank statistic with standard deviation
 * `sd`: the ½ corrects for approximating a distribution on a lattice of step 1 by a continuous one.
 */
export const continuityCorrectedTail = (sd: number) => (deviation: number) => Math.min(1, normalUpperTail((deviation - 0.5) / sd));
