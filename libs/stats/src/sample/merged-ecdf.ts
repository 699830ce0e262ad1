import { sum } from '../math/sum';
import { type WeightedSample } from './weighted-sample';

/**
 * Called at each distinct value x of the merged support with the right-continuous empirical CDFs
 * F_a(x) and F_b(x) (weight at or below x over total weight) and the next distinct value of the
 * merged support (undefined at the last).
 */
export type EcdfVisitor = (x: number, fa: number, fb: number, next: number | undefined) => void;

/**
 * Walks the merged support of two non-empty weighted samples in increasing order — the one walk
 * under every statistic built on the two ECDFs (the KS supremum, the Wasserstein area).
 */
export function walkMergedEcdf(a: WeightedSample, b: WeightedSample, visit: EcdfVisitor): void {
  const av = a.values;
  const bv = b.values;
  const aw = a.weights;
  const bw = b.weights;
  const totalA = aw ? sum(aw) : av.length;
  const totalB = bw ? sum(bw) : bv.length;
  let i = 0;
  let j = 0;
  let cumA = 0;
  let cumB = 0;
  let x: number | undefined = smallestLeft(av, bv, i, j);
  while (x !== undefined) {
    while (i < av.length && av[i] <= x) cumA += aw ? aw[i++] : (i++, 1);
    while (j < bv.length && bv[j] <= x) cumB += bw ? bw[j++] : (j++, 1);
    const next = smallestLeft(av, bv, i, j);
    visit(x, cumA / totalA, cumB / totalB, next);
    x = next;
  }
}

function smallestLeft(av: Float64Array, bv: Float64Array, i: number, j: number): number | undefined {
  if (i >= av.length && j >= bv.length) return undefined;
  return j >= bv.length || (i < av.length && av[i] <= bv[j]) ? av[i] : bv[j];
}
