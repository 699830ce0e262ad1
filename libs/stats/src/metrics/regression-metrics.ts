import { LOG_LOSS_EPS, r2FromSums } from './formulas';

export interface RegressionMetricsJSON {
  kind: 'regression';
  n: number;
  absSum: number;
  sqSum: number;
  apeSum: number;
  /** Running mean and sum of squared deviations of the target (for R²'s total sum of squares). */
  mean: number;
  m2: number;
}

/** float64 machine epsilon: scikit-learn's floor for |y| in the MAPE denominator. */
const MAPE_EPS = LOG_LOSS_EPS;

/**
 * Mergeable regression metrics: MAE, RMSE, MAPE (scikit-learn's definition, |y − ŷ| / max(|y|, eps),
 * as a fraction, not a percentage) and R² (1 − SSE/SST, with scikit-learn's `force_finite`
 * convention for a constant target). The target's variance merges with Chan et al.'s formula.
 */
export class RegressionMetrics {
  n = 0;
  absSum = 0;
  sqSum = 0;
  apeSum = 0;
  mean = 0;
  m2 = 0;

  get count(): number {
    return this.n;
  }

  add(predicted: number, label: number): void {
    const e = label - predicted;
    this.absSum += Math.abs(e);
    this.sqSum += e * e;
    this.apeSum += Math.abs(e) / Math.max(Math.abs(label), MAPE_EPS);
    this.n += 1;
    const d = label - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (label - this.mean);
  }

  merge(other: RegressionMetrics): void {
    if (other.n === 0) return;
    const n = this.n + other.n;
    const d = other.mean - this.mean;
    this.m2 += other.m2 + (d * d * this.n * other.n) / n;
    this.mean += (d * other.n) / n;
    this.n = n;
    this.absSum += other.absSum;
    this.sqSum += other.sqSum;
    this.apeSum += other.apeSum;
  }

  metrics(): Record<string, number> {
    const n = this.n;
    if (n === 0) return {};
    return {
      mae: this.absSum / n,
      rmse: Math.sqrt(this.sqSum / n),
      mape: this.apeSum / n,
      r2: r2FromSums(this.sqSum, this.m2),
    };
  }

  toJSON(): RegressionMetricsJSON {
    const { n, absSum, sqSum, apeSum, mean, m2 } = this;
    return { kind: 'regression', n, absSum, sqSum, apeSum, mean, m2 };
  }

  static fromJSON(json: RegressionMetricsJSON): RegressionMetrics {
    const m = new RegressionMetrics();
    Object.assign(m, {
      n: json.n,
      absSum: json.absSum,
      sqSum: json.sqSum,
      apeSum: json.apeSum,
      mean: json.mean,
      m2: json.m2,
    });
    return m;
  }
}
