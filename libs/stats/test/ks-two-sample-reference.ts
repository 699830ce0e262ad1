/**
 * The previous implementation of the exact two-sample KS p-value, kept as the reference the fast one
 * (src/math/ks-two-sample-exact.ts) is checked against on seeded grids and benchmarked beside
 * (bench/ks-exact.bench.ts): SciPy's own recursion, the fraction of paths that have left the band
 * over the whole lattice, one division per cell (Viehmann 2021, arXiv:2102.08037). The n1 = n2 case
 * is the same closed form in both, so it is not repeated here.
 */
import { gcd, roundHalfEven } from '../src/math/special';

/** P(D_{n1,n2} >= d) for n1 ≠ n2 over the whole lattice; `d` snapped as SciPy does. */
export function referenceTwoSampleSf(n1: number, n2: number, d: number): number {
  const g = gcd(n1, n2);
  const h = roundHalfEven(d * (n1 / g) * n2);
  if (h === 0) return 1;
  return probOutsideInsideMethod(n1, n2, g, h);
}

/**
 * 1 - (fraction of lattice paths from (0,0) to (m,n) staying strictly inside |x/m - y/n| < h/lcm),
 * computed column by column over a sliding window of y, directly as the complement (Viehmann).
 */
function probOutsideInsideMethod(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let curLen = maxJ - minJ;
  const lenA = Math.min(2 * maxJ + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minJ; j < maxJ; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastMinJ = minJ;
    const lastLen = curLen;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    let val = minJ === 0 ? 0 : 1;
    for (let jj = 0; jj < maxJ - minJ; jj++) {
      const j = jj + minJ;
      val = (A[jj + minJ - lastMinJ] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curLen = maxJ - minJ;
    if (lastLen > curLen) {
      const end = Math.min(maxJ - minJ + (lastLen - curLen), lenA);
      for (let j = maxJ - minJ; j < end; j++) A[j] = 1;
    }
  }
  return A[maxJ - minJ - 1];
}
