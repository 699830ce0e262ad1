/**
 * Distances between two binned distributions given as counts (or proportions) over the same bins:
 * PSI, Kullback–Leibler, Jensen–Shannon and Hellinger. Bins come from the reference profile and are
 * never re-derived from current data, so the values depend on the window only through its counts.
 */
import { InvalidArgumentError } from '../errors';

/** Empty-bin replacement used by PSI and KL (Evidently's value; a proportion, not a count). */
export const DEFAULT_EMPTY_BIN_EPSILON = 1e-4;

function proportions(counts: ArrayLike<number>, what: string): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c >= 0) || !Number.isFinite(c)) {
      throw new InvalidArgumentError(`${what}[${i}] is ${c}; counts must be finite and non-negative`);
    }
    total += c;
  }
  if (!(total > 0)) throw new InvalidArgumentError(`${what} is empty (all counts are zero)`);
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] / total;
  return out;
}

function checkSameLength(p: ArrayLike<number>, q: ArrayLike<number>): void {
  if (p.length !== q.length || p.length === 0) {
    throw new InvalidArgumentError(
      `reference and current must have the same non-zero number of bins (got ${p.length} and ${q.length})`,
    );
  }
}

/**
 * Population Stability Index (Siddiqi 2006, "Credit Risk Scorecards"; Yurdakul 2018):
 * PSI = Σ (p_i - q_i) · ln(p_i / q_i), where p and q are the reference and current bin proportions
 * and an empty bin's proportion is replaced by `epsilon` (default 1e-4, as Evidently does) without
 * renormalising. Symmetric; 0 for identical distributions; common reading: < 0.1 stable, 0.1–0.25
 * moderate shift, > 0.25 major shift.
 */
export function populationStabilityIndex(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  epsilon = DEFAULT_EMPTY_BIN_EPSILON,
): number {
  checkSameLength(reference, current);
  const p = proportions(reference, 'reference');
  const q = proportions(current, 'current');
  let psi = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] === 0 ? epsilon : p[i];
    const qi = q[i] === 0 ? epsilon : q[i];
    psi += (pi - qi) * Math.log(pi / qi);
  }
  return psi;
}

/**
 * Kullback–Leibler divergence KL(reference ‖ current) (Kullback & Leibler 1951), as
 * `scipy.stats.entropy(p, q, base)` applied to the bin proportions after replacing empty bins by
 * `epsilon` (SciPy then renormalises both). With `epsilon = 0` it is the plain divergence, infinite
 * when the current window has no mass where the reference has some. Natural log unless `base` given.
 */
export function kullbackLeiblerDivergence(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: { epsilon?: number; base?: number } = {},
): number {
  checkSameLength(reference, current);
  const epsilon = options.epsilon ?? DEFAULT_EMPTY_BIN_EPSILON;
  const p = proportions(reference, 'reference');
  const q = proportions(current, 'current');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) p[i] = epsilon;
    if (q[i] === 0) q[i] = epsilon;
  }
  const pn = proportions(p, 'reference');
  const qn = proportions(q, 'current');
  let kl = 0;
  for (let i = 0; i < pn.length; i++) {
    if (pn[i] > 0) kl += qn[i] > 0 ? pn[i] * Math.log(pn[i] / qn[i]) : Infinity;
  }
  return options.base === undefined ? kl : kl / Math.log(options.base);
}

/**
 * Jensen–Shannon distance (Lin 1991; Endres & Schindelin 2003), the square root of the JS divergence,
 * as `scipy.spatial.distance.jensenshannon(p, q, base=2)`: in [0, 1], symmetric, a metric; no epsilon
 * is needed because the mixture has mass wherever either distribution has.
 */
export function jensenShannonDistance(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  base = 2,
): number {
  checkSameLength(reference, current);
  const p = proportions(reference, 'reference');
  const q = proportions(current, 'current');
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) left += p[i] * Math.log(p[i] / m);
    if (q[i] > 0) right += q[i] * Math.log(q[i] / m);
  }
  const js = (left + right) / Math.log(base) / 2;
  return Math.sqrt(Math.max(js, 0));
}

/**
 * Hellinger distance (Hellinger 1909): H = ‖√p - √q‖₂ / √2, in [0, 1], computed on the bin proportions
 * without any epsilon.
 */
export function hellingerDistance(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  checkSameLength(reference, current);
  const p = proportions(reference, 'reference');
  const q = proportions(current, 'current');
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const d = Math.sqrt(p[i]) - Math.sqrt(q[i]);
    s += d * d;
  }
  return Math.sqrt(s) / Math.SQRT2;
}
