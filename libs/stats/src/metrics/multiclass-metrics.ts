import { LOG_LOSS_EPS, precisionRecallF1 } from './formulas';
import { CalibrationBins, type CalibrationJSON } from './calibration';

export interface MulticlassMetricsJSON {
  kind: 'multiclass';
  /** Sparse confusion counts [true class, predicted class, count]. */
  confusion: Array<[string, string, number]>;
  /** Pairs that carried class probabilities (log loss, Brier and ECE are over these). */
  withProbabilities: number;
  logLossSum: number;
  brierSum: number;
  calibration: CalibrationJSON;
}

const SEP = '\u0000';

/**
 * Mergeable multiclass metrics with classes named by strings (the set is open: a class is known
 * once it appears as a label or a prediction). Precision, recall and F1 are macro averages over
 * the classes present in labels or predictions, as scikit-learn's `average='macro'`. The predicted
 * class is `predictedClass`, else the most probable class (ties: the first in string order). Log
 * loss renormalises each row of probabilities before clipping (as scikit-learn); Brier sums the
 * squared errors over classes (a class missing from a row has probability 0).
 */
export class MulticlassMetrics {
  private readonly confusion = new Map<string, number>();
  withProbabilities = 0;
  logLossSum = 0;
  brierSum = 0;
  readonly calibration = new CalibrationBins();
  private n = 0;

  get count(): number {
    return this.n;
  }

  /** Returns the class counted as predicted. */
  add(predictedClass: string | null, probabilities: Record<string, number>, label: string): string {
    const classes = Object.keys(probabilities);
    let predicted = predictedClass;
    if (predicted === null) {
      classes.sort();
      predicted = classes[0];
      for (const c of classes) if (probabilities[c] > probabilities[predicted]) predicted = c;
    }
    const key = label + SEP + predicted;
    this.confusion.set(key, (this.confusion.get(key) ?? 0) + 1);
    this.n += 1;
    if (classes.length > 0) {
      let sum = 0;
      let brier = 0;
      for (const c of classes) {
        const p = probabilities[c];
        sum += p;
        brier += (p - (c === label ? 1 : 0)) ** 2;
      }
      if (!(label in probabilities)) brier += 1;
      const pTrue = sum > 0 ? (probabilities[label] ?? 0) / sum : 0;
      this.logLossSum -= Math.log(Math.min(Math.max(pTrue, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS));
      this.brierSum += brier;
      this.withProbabilities += 1;
      const confidence = sum > 0 ? (probabilities[predicted] ?? 0) / sum : 0;
      this.calibration.add(confidence, predicted === label);
    }
    return predicted;
  }

  merge(other: MulticlassMetrics): void {
    for (const [k, c] of other.confusion) this.confusion.set(k, (this.confusion.get(k) ?? 0) + c);
    this.n += other.n;
    this.withProbabilities += other.withProbabilities;
    this.logLossSum += other.logLossSum;
    this.brierSum += other.brierSum;
    this.calibration.merge(other.calibration);
  }

  metrics(): Record<string, number> {
    if (this.n === 0) return {};
    const classSet = new Set<string>();
    for (const key of this.confusion.keys()) for (const c of key.split(SEP)) classSet.add(c);
    const classes = [...classSet].sort();
    const index = new Map(classes.map((c, i) => [c, i]));
    const k = classes.length;
    const matrix = new Float64Array(k * k);
    let hits = 0;
    for (const [key, count] of this.confusion) {
      const [t, p] = key.split(SEP);
      matrix[(index.get(t) as number) * k + (index.get(p) as number)] += count;
      if (t === p) hits += count;
    }
    const prf = precisionRecallF1(matrix, k, 'macro');
    const out: Record<string, number> = {
      accuracy: hits / this.n,
      precision: prf.precision,
      recall: prf.recall,
      f1: prf.f1,
    };
    if (this.withProbabilities > 0) {
      out.log_loss = this.logLossSum / this.withProbabilities;
      out.brier = this.brierSum / this.withProbabilities;
      out.ece = this.calibration.ece();
    }
    return out;
  }

  toJSON(): MulticlassMetricsJSON {
    const confusion: Array<[string, string, number]> = [...this.confusion.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([key, c]) => {
        const [t, p] = key.split(SEP);
        return [t, p, c];
      });
    return {
      kind: 'multiclass',
      confusion,
      withProbabilities: this.withProbabilities,
      logLossSum: this.logLossSum,
      brierSum: this.brierSum,
      calibration: this.calibration.toJSON(),
    };
  }

  static fromJSON(json: MulticlassMetricsJSON): MulticlassMetrics {
    const m = new MulticlassMetrics();
    for (const [t, p, c] of json.confusion) {
      m.confusion.set(t + SEP + p, c);
      m.n += c;
    }
    m.withProbabilities = json.withProbabilities;
    m.logLossSum = json.logLossSum;
    m.brierSum = json.brierSum;
    m.calibration.merge(CalibrationBins.fromJSON(json.calibration));
    return m;
  }
}
