/**
 * Seeded pseudo-random numbers, so that every bootstrap interval in a report or a gate verdict comes out the same
 * on every run over the same results. mulberry32: 32-bit state, period 2^32, passes the usual statistical batteries
 * far beyond what drawing resample indices needs.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 32-bit seed from a base seed and a text (FNV-1a), so that each comparison draws its own stream: adding a
 * workload to a run does not change the intervals of the others.
 */
export function seedFor(base: number, text: string): number {
  let hash = (0x811c9dc5 ^ base) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
