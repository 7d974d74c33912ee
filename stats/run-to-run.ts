/**
 * How far the level of one metric moves between runs of one build, beyond what the trials' own noise explains: the
 * between-run standard deviation of a one-way random-effects model on the logs (method of moments), ≈ a CV.
 * `runs[i]` holds the samples of run i. Null with fewer than two runs of at least two positive samples each; 0 when
 * the run means scatter no more than their trials predict.
 */
export function runToRunSpread(runs: readonly (readonly number[])[]): number | null {
  const logs = runs.filter((r) => r.length >= 2 && r.every((v) => v > 0)).map((r) => r.map(Math.log));
  if (logs.length < 2) return null;
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = (xs: readonly number[]) => {
    const m = mean(xs);
    return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  };
  const between = variance(logs.map(mean));
  // What the run means would scatter by if every run had the same level: each one's own sampling variance.
  const expected = mean(logs.map((r) => variance(r) / r.length));
  return Math.sqrt(Math.max(0, between - expected));
}
