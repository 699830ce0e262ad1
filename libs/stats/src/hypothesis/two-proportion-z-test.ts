import { InvalidArgumentError } from '../errors';
import { normalTwoSidedP } from '../math/special';

export interface ZTestResult {
  /** z = (p_ref - p_cur) / sqrt(P(1-P)(1/n_ref + 1/n_cur)), with the pooled proportion P. */
  readonly statistic: number;
  /** Two-sided p-value 2·(1 - Φ(|z|)). */
  readonly pValue: number;
  readonly referenceProportion: number;
  readonly currentProportion: number;
  /** Cohen's h = |2·asin√p_ref - 2·asin√p_cur|: the effect size compared with the floor. */
  readonly cohensH: number;
}

/**
 * Two-proportion Z-test with pooled variance (e.g. Fleiss, Levin & Paik 2003, §2.5), the test
 * Evidently uses for binary categorical features (`proportions_diff_z_test`). When the pooled
 * proportion is 0 or 1 both samples are identical and the result is z = 0, p = 1 (the formula
 * would divide zero by zero).
 */
export function twoProportionZTest(
  referenceSuccesses: number,
  referenceTotal: number,
  currentSuccesses: number,
  currentTotal: number,
): ZTestResult {
  for (const [name, s, n] of [
    ['reference', referenceSuccesses, referenceTotal],
    ['current', currentSuccesses, currentTotal],
  ] as const) {
    if (!(n > 0) || !(s >= 0) || s > n || !Number.isFinite(n)) {
      throw new InvalidArgumentError(
        `${name}: need 0 <= successes <= total and total > 0 (got ${s} of ${n})`,
      );
    }
  }
  const p1 = referenceSuccesses / referenceTotal;
  const p2 = currentSuccesses / currentTotal;
  const pooled = (p1 * referenceTotal + p2 * currentTotal) / (referenceTotal + currentTotal);
  const variance = pooled * (1 - pooled) * (1 / referenceTotal + 1 / currentTotal);
  const z = variance > 0 ? (p1 - p2) / Math.sqrt(variance) : 0;
  return {
    statistic: z,
    pValue: variance > 0 ? normalTwoSidedP(z) : 1,
    referenceProportion: p1,
    currentProportion: p2,
    cohensH: Math.abs(2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2))),
  };
}
