/** y ≈ c0 + c1·(x − centre) + c2·(x − centre)², fitted by least squares. */
export interface QuadraticFit {
  centre: number;
  c0: number;
  c1: number;
  c2: number;
}

/**
 * The least-squares quadratic through the points (x centred on their mean, so the sums stay well conditioned for
 * large x). Needs at least 3 distinct x.
 */
export function fitQuadratic(xs: readonly number[], ys: readonly number[]): QuadraticFit {
  const centre = xs.reduce((a, b) => a + b, 0) / xs.length;
  // s[k] = Σ dx^k (k = 0..4), t[k] = Σ y·dx^k (k = 0..2): the normal equations.
  const s = [0, 0, 0, 0, 0];
  const t = [0, 0, 0];
  xs.forEach((x, i) => {
    const dx = x - centre;
    let power = 1;
    for (let k = 0; k < 5; k++) {
      s[k]! += power;
      if (k < 3) t[k]! += power * ys[i]!;
      power *= dx;
    }
  });
  const m = [
    [s[0]!, s[1]!, s[2]!],
    [s[1]!, s[2]!, s[3]!],
    [s[2]!, s[3]!, s[4]!],
  ];
  const det = (a: number[][]) =>
    a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) -
    a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) +
    a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
  const whole = det(m);
  // Cramer's rule: coefficient k from the matrix with column k replaced by t.
  const [c0, c1, c2] = [0, 1, 2].map((k) => det(m.map((row, r) => row.map((v, c) => (c === k ? t[r]! : v)))) / whole) as [number, number, number];
  return { centre, c0, c1, c2 };
}
