/**
 * Frozen bins of a numeric feature. Bin 0 is the underflow bin (x < first edge), bins 1..B the
 * interior bins, bin B + 1 the overflow bin (x > last edge).
 *
 * - 'quantile' binning: edges e_0 < ... < e_B from the reference quantiles; interior bin i is
 *   [e_{i-1}, e_i) and the last one is closed, [e_{B-1}, e_B], as `numpy.histogram`.
 * - 'distinct' binning (a feature with at most as many distinct values as bins): one edge per
 *   reference value v_1 < ... < v_B; bin i is [v_i, v_{i+1}) and the last bin is the point {v_B}, so
 *   every reference value has its own bin.
 */
export type Binning = 'quantile' | 'distinct';

export function interiorBinCount(binning: Binning, edges: ArrayLike<number>): number {
  if (edges.length === 0) return 0;
  return binning === 'distinct' ? edges.length : edges.length - 1;
}

/** Bin of a finite value (0 = underflow, interior + 1 = overflow). */
export function binIndex(edges: Float64Array, interior: number, x: number): number {
  const n = edges.length;
  if (n === 0) return 1;
  if (x < edges[0]) return 0;
  if (x > edges[n - 1]) return interior + 1;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo > interior ? interior : lo;
}

/**
 * Quantiles of sorted values with NumPy's default 'linear' method (Hyndman & Fan type 7), reproducing
 * `np.quantile(values, np.linspace(0, 1, bins + 1))` bit for bit.
 */
export function linearQuantileEdges(sorted: Float64Array, bins: number): Float64Array {
  const n = sorted.length;
  const out = new Float64Array(bins + 1);
  const step = 1 / bins;
  for (let j = 0; j <= bins; j++) {
    const q = j === bins ? 1 : j * step;
    const virtual = (n - 1) * q;
    const below = Math.floor(virtual);
    const gamma = virtual - below;
    const a = sorted[Math.min(below, n - 1)];
    const b = sorted[Math.min(below + 1, n - 1)];
    const diff = b - a;
    out[j] = gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
  }
  return out;
}

/** Strictly increasing copy (np.unique of already sorted edges). */
export function uniqueSorted(values: Float64Array): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== values[i - 1]) out.push(values[i]);
  return Float64Array.from(out);
}
