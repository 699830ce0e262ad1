import { InvalidArgumentError } from '../errors';
import { chiSquareSf } from '../math/special';

export interface ChiSquareResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly dof: number;
  /** Whether Yates' continuity correction was applied (only possible with one degree of freedom). */
  readonly yates: boolean;
  /**
   * Cramér's V from the uncorrected statistic, as `scipy.stats.contingency.association(table,
   * method='cramer')`: the effect size compared with the floor.
   */
  readonly cramersV: number;
  /** Categories kept (those with a non-zero count in at least one of the two samples). */
  readonly categories: number;
}

/**
 * Pearson's chi-square test of homogeneity of two samples over the same categories (Pearson 1900),
 * as `scipy.stats.chi2_contingency([reference, current], correction)`. With SciPy's default
 * `correction = true`, Yates' continuity correction is applied when the table is 2×2 (one degree of
 * freedom) and only then. Categories empty in both samples are dropped first (SciPy would refuse the
 * table because an expected frequency is zero). A table with a single remaining category has no
 * degrees of freedom: statistic 0, p-value 1, as SciPy returns.
 */
export function chiSquareTest(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  correction = true,
): ChiSquareResult {
  if (reference.length !== current.length || reference.length === 0) {
    throw new InvalidArgumentError(
      `reference and current must count the same non-zero number of categories (got ${reference.length} and ${current.length})`,
    );
  }
  const ref: number[] = [];
  const cur: number[] = [];
  let totalRef = 0;
  let totalCur = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i];
    const c = current[i];
    if (!(r >= 0 && c >= 0 && Number.isFinite(r) && Number.isFinite(c))) {
      throw new InvalidArgumentError(
        `category ${i}: counts must be finite and non-negative (got ${r}, ${c})`,
      );
    }
    if (r + c > 0) {
      ref.push(r);
      cur.push(c);
      totalRef += r;
      totalCur += c;
    }
  }
  if (totalRef === 0 || totalCur === 0) {
    throw new InvalidArgumentError(
      `chi-square needs observations in both samples (reference: ${totalRef}, current: ${totalCur})`,
    );
  }
  const k = ref.length;
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof: 0, yates: false, cramersV: 0, categories: k };
  const total = totalRef + totalCur;
  const yates = correction && dof === 1;
  let statistic = 0;
  let uncorrected = 0;
  for (let i = 0; i < k; i++) {
    const col = ref[i] + cur[i];
    for (const [observed, rowTotal] of [
      [ref[i], totalRef],
      [cur[i], totalCur],
    ]) {
      const expected = (rowTotal * col) / total;
      const diff = observed - expected;
      uncorrected += (diff * diff) / expected;
      let adjusted = observed;
      if (yates) adjusted += Math.sign(expected - observed) * Math.min(0.5, Math.abs(expected - observed));
      const d = adjusted - expected;
      statistic += (d * d) / expected;
    }
  }
  return {
    statistic,
    pValue: chiSquareSf(statistic, dof),
    dof,
    yates,
    cramersV: Math.sqrt(uncorrected / total),
    categories: k,
  };
}
