import { InvalidArgumentError } from '../errors';
import { type WeightedSample } from '../sample/weighted-sample';
import { EcdfSupremum } from './ecdf-supremum';
import { type KolmogorovSmirnovResult, type KsMethod, ksPValue } from './kolmogorov-smirnov';

/**
 * The grid of a reference sample: its distinct values, ascending. A sample counted on this grid
 * (`ksGridSlot`) keeps 2·m + 1 counts — below the first point, at each point, strictly between
 * consecutive points, above the last — which is all the two-sample KS statistic against that
 * reference needs: the reference CDF is constant between its own points, so the supremum over an
 * open interval is reached at the interval's last current value, whose CDF is the count up to the
 * interval's end.
 */
export function ksReferenceGrid(reference: WeightedSample): Float64Array {
  const v = reference.values;
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) if (i === 0 || v[i] !== v[i - 1]) out.push(v[i]);
  return Float64Array.from(out);
}

/** Slot of a finite value on a grid: 0 below, 2k + 1 at grid[k], 2k + 2 between grid[k] and grid[k + 1], 2m above. */
export function ksGridSlot(grid: Float64Array, x: number): number {
  // Points ≤ x (upper bound by binary search).
  let lo = 0;
  let hi = grid.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (grid[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && grid[lo - 1] === x ? 2 * lo - 1 : 2 * lo;
}

/**
 * Two-sample KS test of a reference sample against a current sample given only as counts on the
 * reference's grid (`ksReferenceGrid`, `ksGridSlot`): a state of at most 2·m + 1 counters that merges
 * by addition. The statistic is the supremum of |F_reference − F_current| exactly — SciPy's
 * `ks_2samp` D, and its p-value, when the reference is the exact data. When the reference is a
 * summary with rank error e, `maxError` = e and the p-value is taken at D − e (conservative), as in
 * `kolmogorovSmirnovTest`. `location` is the grid point at (or just above) the supremum.
 */
export function kolmogorovSmirnovGridTest(
  reference: WeightedSample,
  gridCounts: ArrayLike<number>,
  method: KsMethod = 'auto',
): KolmogorovSmirnovResult {
  const values = reference.values;
  const weights = reference.weights;
  const grid = ksReferenceGrid(reference);
  const m = grid.length;
  if (gridCounts.length !== 2 * m + 1) {
    throw new InvalidArgumentError(
      `grid counts must have 2·${m} + 1 = ${2 * m + 1} slots for this reference (got ${gridCounts.length})`,
    );
  }
  let totalA = 0;
  for (let i = 0; i < values.length; i++) totalA += weights ? weights[i] : 1;
  let totalB = 0;
  for (let s = 0; s < gridCounts.length; s++) totalB += gridCounts[s];
  if (totalA <= 0 || totalB <= 0) {
    throw new InvalidArgumentError(
      `ks_2samp needs two non-empty samples (reference: ${reference.count}, current: ${totalB})`,
    );
  }
  let cumA = 0;
  let cumB = 0;
  let i = 0;
  const sup = new EcdfSupremum();
  for (let k = 0; k < m; k++) {
    // Current values strictly below grid[k] (and above grid[k - 1]): F_a is still F_a(grid[k - 1]).
    if (gridCounts[2 * k] > 0) {
      cumB += gridCounts[2 * k];
      sup.observe(cumA / totalA - cumB / totalB, grid[k]);
    }
    while (i < values.length && values[i] <= grid[k]) cumA += weights ? weights[i++] : (i++, 1);
    cumB += gridCounts[2 * k + 1];
    sup.observe(cumA / totalA - cumB / totalB, grid[k]);
  }
  const { d, sign, location } = sup.result();
  const n1 = Math.round(reference.count);
  const n2 = Math.round(totalB);
  const maxError = reference.rankError;
  const p = ksPValue(Math.max(0, d - maxError), n1, n2, method);
  return {
    statistic: maxError === 0 ? p.d : d,
    pValue: p.pValue,
    method: p.method,
    sign,
    location,
    maxError,
  };
}
