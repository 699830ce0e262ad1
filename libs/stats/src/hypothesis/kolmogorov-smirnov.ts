import { InvalidArgumentError } from '../errors';
import { kolmogorovSf } from '../math/kolmogorov';
import { twoSampleExactSf } from '../math/ks-two-sample-exact';
import { gcd, roundHalfEven } from '../math/special';
import { compareEcdfs } from '../sample/merged-ecdf';
import { toWeightedSample, type WeightedSample } from '../sample/weighted-sample';

/** SciPy's `ks_2samp(method='auto')` is exact while both samples have at most this many values. */
export const KS_EXACT_MAX_N = 10_000;

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KolmogorovSmirnovResult {
  /** D = sup |F_reference - F_current|. */
  readonly statistic: number;
  readonly pValue: number;
  /** Which distribution gave the p-value. */
  readonly method: 'exact' | 'asymp';
  /** +1 when the reference CDF lies above the current one at the supremum, -1 otherwise. */
  readonly sign: 1 | -1;
  /** Value at which the supremum is reached. */
  readonly location: number;
  /**
   * Bound on |statistic - D of the underlying raw data| when computed from summaries
   * (sum of the two samples' rank errors); 0 when both samples are exact. When it is not 0 the
   * p-value is computed at max(0, statistic - maxError): an upper bound of the raw-data p-value.
   */
  readonly maxError: number;
}

/**
 * Two-sample Kolmogorov–Smirnov test, two-sided (Smirnov 1939; Hodges 1958). On exact samples it
 * returns the statistic and p-value of `scipy.stats.ks_2samp(reference, current)` (SciPy 1.17,
 * `method='auto'`: exact lattice-path probability when both samples have at most 10,000 values,
 * otherwise `kstwo.sf(D, round(n1·n2/(n1+n2)))`). On summaries (quantile sketches) the statistic is
 * computed from their weighted CDFs, `maxError` states how far it may be from the raw-data value,
 * and the p-value (true sample sizes) is the conservative one at D − maxError.
 */
export function kolmogorovSmirnovTest(
  reference: WeightedSample | ArrayLike<number>,
  current: WeightedSample | ArrayLike<number>,
  method: KsMethod = 'auto',
): KolmogorovSmirnovResult {
  const a = toWeightedSample(reference, 'reference');
  const b = toWeightedSample(current, 'current');
  if (a.count <= 0 || b.count <= 0) {
    throw new InvalidArgumentError(
      `ks_2samp needs two non-empty samples (reference: ${a.count}, current: ${b.count})`,
    );
  }
  const sup = ksSupremum(a, b);
  const n1 = Math.round(a.count);
  const n2 = Math.round(b.count);
  const maxError = a.rankError + b.rankError;
  if (maxError === 0) {
    const p = ksPValue(sup.d, n1, n2, method);
    return {
      statistic: p.d,
      pValue: p.pValue,
      method: p.method,
      sign: sup.sign,
      location: sup.location,
      maxError: 0,
    };
  }
  // From summaries the raw-data D is at least D - maxError, and the p-value decreases with D: the
  // p-value at D - maxError is an upper bound of the raw-data p-value (conservative: no false alarm
  // from sketch noise).
  const p = ksPValue(Math.max(0, sup.d - maxError), n1, n2, method);
  return {
    statistic: sup.d,
    pValue: p.pValue,
    method: p.method,
    sign: sup.sign,
    location: sup.location,
    maxError,
  };
}

/** sup over all sample points of |F_a - F_b| with right-continuous empirical CDFs (SciPy's rule). */
function ksSupremum(a: WeightedSample, b: WeightedSample): { d: number; sign: 1 | -1; location: number } {
  return compareEcdfs(a, b).supremum;
}

/**
 * Two-sided p-value of a two-sample KS statistic `d` for sample sizes n1, n2, by SciPy's rules
 * (`ks_2samp`): 'auto' is exact when max(n1, n2) <= 10,000; an exact computation that fails
 * numerically falls back to the asymptotic one. Returns the statistic snapped to the lattice
 * h / lcm(n1, n2) when the exact method is used, as SciPy does.
 */
export function ksPValue(
  d: number,
  n1: number,
  n2: number,
  method: KsMethod = 'auto',
): { d: number; pValue: number; method: 'exact' | 'asymp' } {
  if (!(n1 >= 1 && n2 >= 1) || !Number.isInteger(n1) || !Number.isInteger(n2)) {
    throw new InvalidArgumentError(`sample sizes must be positive integers (got ${n1}, ${n2})`);
  }
  let mode: 'exact' | 'asymp' =
    method === 'auto' ? (Math.max(n1, n2) <= KS_EXACT_MAX_N ? 'exact' : 'asymp') : method;
  if (mode === 'exact') {
    const g = gcd(n1, n2);
    if (n1 / g >= 2147483647 / (n2 / g)) mode = 'asymp';
  }
  if (mode === 'exact') {
    const exact = twoSampleExactSf(n1, n2, d);
    if (exact.ok) return { d: exact.d, pValue: clip(exact.p), method: 'exact' };
    d = exact.d;
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  return { d, pValue: clip(kolmogorovSf(roundHalfEven(en), d)), method: 'asymp' };
}

function clip(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
