import { InvalidArgumentError, sum, toWeightedSample, type WeightedSample } from '@continuum/stats';

export interface WassersteinResult {
  /** W1 = ∫ |F_reference(x) - F_current(x)| dx. */
  readonly distance: number;
  /**
   * Bound on |distance - W1 of the raw data| when computed from summaries (triangle inequality): per
   * side, the summary's own Wasserstein error bound when known, else its rank error times the width
   * of the combined support; 0 when both samples are exact.
   */
  readonly maxError: number;
}

/**
 * First Wasserstein (earth mover's) distance between two one-dimensional empirical distributions,
 * as `scipy.stats.wasserstein_distance(reference, current)` (SciPy 1.17): the area between the two
 * CDFs (Ramdas, García Trillos & Cuturi 2017). Accepts raw values or weighted summaries.
 */
export function wassersteinDistance(
  reference: WeightedSample | ArrayLike<number>,
  current: WeightedSample | ArrayLike<number>,
): WassersteinResult {
  const a = toWeightedSample(reference, 'reference');
  const b = toWeightedSample(current, 'current');
  if (a.values.length === 0 || b.values.length === 0) {
    throw new InvalidArgumentError('wasserstein_distance needs two non-empty samples');
  }
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
  // Neumaier-compensated sum of |F_a - F_b| * (next - x) over the merged support.
  let total = 0;
  let compensation = 0;
  let x = Math.min(av[0], bv[0]);
  while (i < av.length || j < bv.length) {
    while (i < av.length && av[i] <= x) cumA += aw ? aw[i++] : (i++, 1);
    while (j < bv.length && bv[j] <= x) cumB += bw ? bw[j++] : (j++, 1);
    if (i >= av.length && j >= bv.length) break;
    const next = j >= bv.length || (i < av.length && av[i] <= bv[j]) ? av[i] : bv[j];
    const term = Math.abs(cumA / totalA - cumB / totalB) * (next - x);
    const t = total + term;
    compensation += Math.abs(total) >= Math.abs(term) ? total - t + term : term - t + total;
    total = t;
    x = next;
  }
  const lo = Math.min(av[0], bv[0]);
  const hi = Math.max(av[av.length - 1], bv[bv.length - 1]);
  const sideError = (s: WeightedSample) =>
    s.rankError === 0 ? 0 : Math.min(s.wassersteinError ?? Infinity, s.rankError * (hi - lo));
  return { distance: total + compensation, maxError: sideError(a) + sideError(b) };
}
