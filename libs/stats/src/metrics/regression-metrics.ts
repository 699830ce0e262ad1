import { MOMENT_SLOTS, initMoments, mergeMoments, updateMoments } from '../moments/moments';
import { LOG_LOSS_EPS, r2FromSums } from './formulas';

// The slots of ../moments/moments.ts this class reads (count, mean, M2).
const COUNT = 0;
const MEAN = 1;
const M2 = 2;

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
 * convention for a constant target). The target's variance is the moments accumulator's (Welford
 * updates, Chan et al.'s merge).
 */
export class RegressionMetrics {
  absSum = 0;
  sqSum = 0;
  apeSum = 0;
  /** The target's moments (count, mean, M2): the one moments accumulator, for R²'s total sum of squares. */
  private readonly target = new Float64Array(MOMENT_SLOTS);

  constructor() {
    initMoments(this.target, 0);
  }

  get count(): number {
    return this.target[COUNT];
  }

  add(predicted: number, label: number): void {
    const e = label - predicted;
    this.absSum += Math.abs(e);
    this.sqSum += e * e;
    this.apeSum += Math.abs(e) / Math.max(Math.abs(label), MAPE_EPS);
    updateMoments(this.target, 0, label);
  }

  merge(other: RegressionMetrics): void {
    if (other.count === 0) return;
    mergeMoments(this.target, 0, other.target, 0);
    this.absSum += other.absSum;
    this.sqSum += other.sqSum;
    this.apeSum += other.apeSum;
  }

  metrics(): Record<string, number> {
    const n = this.count;
    if (n === 0) return {};
    return {
      mae: this.absSum / n,
      rmse: Math.sqrt(this.sqSum / n),
      mape: this.apeSum / n,
      r2: r2FromSums(this.sqSum, this.target[M2]),
    };
  }

  toJSON(): RegressionMetricsJSON {
    const { absSum, sqSum, apeSum } = this;
    return {
      kind: 'regression',
      n: this.count,
      absSum,
      sqSum,
      apeSum,
      mean: this.target[MEAN],
      m2: this.target[M2],
    };
  }

  static fromJSON(json: RegressionMetricsJSON): RegressionMetrics {
    const m = new RegressionMetrics();
    m.absSum = json.absSum;
    m.sqSum = json.sqSum;
    m.apeSum = json.apeSum;
    // Min and max of the target are not part of the format (R² does not use them).
    m.target[COUNT] = json.n;
    m.target[MEAN] = json.mean;
    m.target[M2] = json.m2;
    return m;
  }
}
