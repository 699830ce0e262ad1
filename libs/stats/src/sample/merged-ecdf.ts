import { EcdfSupremum } from '../hypothesis/ecdf-supremum';
import { sum } from '../math/sum';
import { type WeightedSample } from './weighted-sample';

export interface EcdfComparison {
  /** sup |F_a − F_b| over the merged support, its sign and where it is reached (SciPy's rule). */
  readonly supremum: { d: number; sign: 1 | -1; location: number };
  /** ∫ |F_a − F_b| dx (Neumaier-compensated sum over the merged support). */
  readonly area: number;
}

/**
 * The one walk over the merged support of two non-empty weighted samples in increasing order, with
 * the right-continuous empirical CDFs F_a and F_b (weight at or below x over total weight) at each
 * distinct value: the statistics built on the two ECDFs (the KS supremum, the Wasserstein area)
 * are taken in this single loop. One inline loop rather than a callback or a cursor, which measured
 * 2–20× slower than the two hand-written loops it replaces.
 */
export function compareEcdfs(a: WeightedSample, b: WeightedSample): EcdfComparison {
  const av = a.values;
  const bv = b.values;
  const aw = a.weights;
  const bw = b.weights;
  const totalA = aw ? sum(aw) : av.length;
  const totalB = bw ? sum(bw) : bv.length;
  const sup = new EcdfSupremum();
  let i = 0;
  let j = 0;
  let cumA = 0;
  let cumB = 0;
  let total = 0;
  let compensation = 0;
  let x = Math.min(av[0], bv[0]);
  for (;;) {
    while (i < av.length && av[i] <= x) cumA += aw ? aw[i++] : (i++, 1);
    while (j < bv.length && bv[j] <= x) cumB += bw ? bw[j++] : (j++, 1);
    const diff = cumA / totalA - cumB / totalB;
    sup.observe(diff, x);
    if (i >= av.length && j >= bv.length) break;
    const next = j >= bv.length || (i < av.length && av[i] <= bv[j]) ? av[i] : bv[j];
    const term = Math.abs(diff) * (next - x);
    const t = total + term;
    compensation += Math.abs(total) >= Math.abs(term) ? total - t + term : term - t + total;
    total = t;
    x = next;
  }
  return { supremum: sup.result(), area: total + compensation };
}
