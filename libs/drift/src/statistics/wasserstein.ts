import { InvalidArgumentError, toWeightedSample, type WeightedSample, compareEcdfs } from '@continuum/stats';

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
  // The area between the two ECDFs, from the merged-support walk shared with the KS supremum.
  const total = compareEcdfs(a, b).area;
  const av = a.values;
  const bv = b.values;
  const lo = Math.min(av[0], bv[0]);
  const hi = Math.max(av[av.length - 1], bv[bv.length - 1]);
  const sideError = (s: WeightedSample) =>
    s.rankError === 0 ? 0 : Math.min(s.wassersteinError ?? Infinity, s.rankError * (hi - lo));
  return { distance: total, maxError: sideError(a) + sideError(b) };
}
