/** Plain left-to-right sum (the order SciPy/NumPy use for the small arrays compared here). */
export function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}
