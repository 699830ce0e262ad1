import { LOG_LOSS_EPS, precisionRecallF1 } from './formulas';
import { CalibrationBins, type CalibrationJSON } from './calibration';
import { ScoreHistogram, type ScoreHistogramJSON } from './score-histogram';

export interface BinaryMetricsJSON {
  kind: 'binary';
  /** Confusion counts [tn, fp, fn, tp] (true class major, threshold 0.5). */
  confusion: [number, number, number, number];
  logLossSum: number;
  brierSum: number;
  roc: ScoreHistogramJSON;
  calibration: CalibrationJSON;
}

/**
 * Mergeable binary-classification metrics over (P(positive), 0/1 label) pairs. The predicted
 * class is 1 when the score is above 0.5 (scikit-learn's `predict` rule for probabilistic
 * classifiers). Log loss clips probabilities to [eps, 1 − eps] as scikit-learn does.
 */
export class BinaryMetrics {
  /** [tn, fp, fn, tp]: row = true class, column = predicted class. */
  readonly confusion = new Float64Array(4);
  logLossSum = 0;
  brierSum = 0;
  readonly roc = new ScoreHistogram();
  readonly calibration = new CalibrationBins();

  get count(): number {
    return this.confusion[0] + this.confusion[1] + this.confusion[2] + this.confusion[3];
  }

  add(score: number, label: 0 | 1): void {
    const predicted = score > 0.5 ? 1 : 0;
    this.confusion[label * 2 + predicted] += 1;
    const p = Math.min(Math.max(label === 1 ? score : 1 - score, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    this.logLossSum -= Math.log(p);
    this.brierSum += (score - label) ** 2;
    this.roc.add(score, label === 1);
    this.calibration.add(predicted === 1 ? score : 1 - score, predicted === label);
  }

  merge(other: BinaryMetrics): void {
    for (let i = 0; i < 4; i++) this.confusion[i] += other.confusion[i];
    this.logLossSum += other.logLossSum;
    this.brierSum += other.brierSum;
    this.roc.merge(other.roc);
    this.calibration.merge(other.calibration);
  }

  metrics(): Record<string, number> {
    const n = this.count;
    if (n === 0) return {};
    const prf = precisionRecallF1(this.confusion, 2, 'binary');
    const auc = this.roc.auc();
    return {
      accuracy: (this.confusion[0] + this.confusion[3]) / n,
      precision: prf.precision,
      recall: prf.recall,
      f1: prf.f1,
      roc_auc: auc.value,
      roc_auc_max_error: auc.maxError,
      log_loss: this.logLossSum / n,
      brier: this.brierSum / n,
      ece: this.calibration.ece(),
    };
  }

  toJSON(): BinaryMetricsJSON {
    const [tn, fp, fn, tp] = this.confusion;
    return {
      kind: 'binary',
      confusion: [tn, fp, fn, tp],
      logLossSum: this.logLossSum,
      brierSum: this.brierSum,
      roc: this.roc.toJSON(),
      calibration: this.calibration.toJSON(),
    };
  }

  static fromJSON(json: BinaryMetricsJSON): BinaryMetrics {
    const m = new BinaryMetrics();
    m.confusion.set(json.confusion);
    m.logLossSum = json.logLossSum;
    m.brierSum = json.brierSum;
    m.roc.merge(ScoreHistogram.fromJSON(json.roc));
    m.calibration.merge(CalibrationBins.fromJSON(json.calibration));
    return m;
  }
}
