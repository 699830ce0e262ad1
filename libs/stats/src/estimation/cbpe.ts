import { IncompatibleStateError, InvalidArgumentError, InvalidStateError } from '../errors';
import { IsotonicCalibrator, type IsotonicCalibratorJSON } from './isotonic-calibrator';
import { needsCalibration } from './needs-calibration';
import { type EstimatedMetric, estimatedMetric, referenceSpread } from './estimated-metric';

/**
 * Resolution of the estimated ROC AUC: calibrated probabilities are binned to 1/1000 (as
 * ScoreHistogram bins scores), so a window's state stays under ~30 kB of JSON. Pairs in the same
 * bin count as ties; each such pair moves the estimate by at most ½ · 10⁻³ of its weight (8.4e-6
 * the largest difference from NannyML seen on the vectors).
 */
export const CBPE_AUC_BINS = 1000;

export interface CbpeReferenceJSON {
  kind: 'cbpe-reference';
  /** Absent when the reference scores are used as they are (already calibrated). */
  calibrator: IsotonicCalibratorJSON | null;
  /** NannyML's sampling-error components, from the reference labels. */
  accuracyStd: number;
  f1Std: number;
  f1Fraction: number;
  aucStd: number;
  aucFraction: number;
}

export interface CbpeReferenceOptions {
  /**
   * Fit the isotonic calibrator: true, false (scores known to be calibrated) or 'auto' (default):
   * only when it lowers the cross-validated ECE on the reference, as NannyML decides.
   */
  calibrate?: boolean | 'auto';
}

/**
 * What CBPE learns from the reference period, where labels are known: the score calibrator and
 * the spread of each metric's per-row contribution, from which the sampling error of a window of
 * n rows follows as std / √(n · fraction) (NannyML's sampling-error estimates). Immutable and
 * serialisable: it is stored with the model version and shared by every partition.
 */
export class CbpeReference {
  private constructor(
    readonly calibrator: IsotonicCalibrator | null,
    private readonly components: Omit<CbpeReferenceJSON, 'kind' | 'calibrator'>,
  ) {}

  /**
   * @param scores the model's P(positive) on the reference rows
   * @param predicted the model's 0/1 decisions on those rows (its own threshold)
   * @param labels the true 0/1 labels
   */
  static fit(
    scores: ArrayLike<number>,
    predicted: ArrayLike<number>,
    labels: ArrayLike<number>,
    options: CbpeReferenceOptions = {},
  ): CbpeReference {
    const n = scores.length;
    if (predicted.length !== n || labels.length !== n) {
      throw new InvalidArgumentError(
        `scores (${n}), predictions (${predicted.length}) and labels (${labels.length}) differ in length`,
      );
    }
    if (n === 0) throw new InvalidArgumentError('the CBPE reference is empty');
    for (let i = 0; i < n; i++) {
      if (predicted[i] !== 0 && predicted[i] !== 1) {
        throw new InvalidArgumentError(`prediction ${i} is not 0 or 1: ${predicted[i]}`);
      }
    }
    const calibrate = options.calibrate ?? 'auto';
    const fitCalibrator = calibrate === 'auto' ? needsCalibration(scores, labels) : calibrate;
    const calibrator = fitCalibrator ? IsotonicCalibrator.fit(scores, labels) : null;
    return new CbpeReference(calibrator, {
      accuracyStd: accuracyComponent(predicted, labels),
      ...f1Components(predicted, labels),
      ...aucComponents(scores, labels),
    });
  }

  /** Calibrated P(positive) of a score. */
  probability(score: number): number {
    return this.calibrator ? this.calibrator.calibrate(score) : score;
  }

  /** The band of each estimate over a window of `n` rows. */
  estimate(window: CbpeWindow): CbpeEstimate {
    const n = window.count;
    const c = this.components;
    return {
      count: n,
      accuracy: estimatedMetric(window.expectedAccuracy(), c.accuracyStd / Math.sqrt(n)),
      f1: estimatedMetric(window.expectedF1(), c.f1Std / Math.sqrt(n * c.f1Fraction)),
      rocAuc: estimatedMetric(window.expectedRocAuc(), c.aucStd / Math.sqrt(n * c.aucFraction)),
    };
  }

  toJSON(): CbpeReferenceJSON {
    return { kind: 'cbpe-reference', calibrator: this.calibrator?.toJSON() ?? null, ...this.components };
  }

  static fromJSON(json: CbpeReferenceJSON): CbpeReference {
    if (json?.kind !== 'cbpe-reference') throw new InvalidStateError('not a CBPE reference state');
    // A reference without a relevant row for a metric has NaN components; JSON writes them null.
    const component = (v: number | null) => {
      if (v === null) return NaN;
      if (typeof v !== 'number' || !(v >= 0)) {
        throw new InvalidStateError('CBPE reference components must be non-negative numbers');
      }
      return v;
    };
    const calibrator = json.calibrator === null ? null : IsotonicCalibrator.fromJSON(json.calibrator);
    const [accuracyStd, f1Std, f1Fraction, aucStd, aucFraction] = [
      json.accuracyStd,
      json.f1Std,
      json.f1Fraction,
      json.aucStd,
      json.aucFraction,
    ].map(component);
    return new CbpeReference(calibrator, { accuracyStd, f1Std, f1Fraction, aucStd, aucFraction });
  }
}

export interface CbpeEstimate {
  count: number;
  accuracy: EstimatedMetric;
  f1: EstimatedMetric;
  rocAuc: EstimatedMetric;
}

export interface CbpeWindowJSON {
  kind: 'cbpe-window';
  /** [count, Σ p] over rows predicted positive, then over rows predicted negative. */
  predictedPositive: [number, number];
  predictedNegative: [number, number];
  /** Sparse [bin, count, Σ p] triples of the calibrated probabilities (CBPE_AUC_BINS bins). */
  bins: Array<[number, number, number]>;
}

/**
 * Confidence-based performance estimation over one window of predictions without labels (CBPE;
 * NannyML, "Estimating model performance without ground truth", 2022 — after the
 * expected-confusion-matrix view of Guillory et al. and of calibrated classifiers): if p is the
 * calibrated P(positive) of a row, the row is a true positive with probability p when predicted
 * positive, and so on. The expected confusion matrix is a sum over rows, so the window's state is a
 * handful of sums — exactly mergeable across partitions and windows — plus a bounded sparse
 * histogram of p for the ROC AUC.
 *
 * Estimates are NannyML's: accuracy = E[TP + TN] / n; F1 = E[TP] / (E[TP] + ½(E[FP] + E[FN])); ROC
 * AUC is the area under the curve of expected TPR against expected FPR over thresholds on p, which
 * is the Mann–Whitney statistic of rows weighted p as positives and 1 − p as negatives, ties
 * counted ½ (a row's own p(1 − p) included, as NannyML's row-by-row curve has it). The rows are
 * ordered by p; NannyML orders them by the raw score, which is the same order because the
 * calibrator is non-decreasing (rows with equal p contribute the same whatever their order).
 */
export class CbpeWindow {
  count = 0;
  private positiveCount = 0;
  private positiveProbability = 0;
  private negativeCount = 0;
  private negativeProbability = 0;
  /** bin → [count, Σ p]. */
  private readonly bins = new Map<number, [number, number]>();

  /** Adds one row: its calibrated P(positive) and the model's 0/1 decision. */
  add(probability: number, predicted: 0 | 1): void {
    if (!(probability >= 0 && probability <= 1)) {
      throw new InvalidArgumentError(`calibrated probability must be in [0, 1], got ${probability}`);
    }
    this.count += 1;
    if (predicted === 1) {
      this.positiveCount += 1;
      this.positiveProbability += probability;
    } else {
      this.negativeCount += 1;
      this.negativeProbability += probability;
    }
    const b = Math.min(CBPE_AUC_BINS, Math.floor(probability * CBPE_AUC_BINS));
    const slot = this.bins.get(b);
    if (slot) {
      slot[0] += 1;
      slot[1] += probability;
    } else this.bins.set(b, [1, probability]);
  }

  /** Adds another window's rows to this one (the result is the state of the union). */
  merge(other: CbpeWindow): void {
    if (other === this) throw new IncompatibleStateError('cannot merge a CBPE window into itself');
    this.count += other.count;
    this.positiveCount += other.positiveCount;
    this.positiveProbability += other.positiveProbability;
    this.negativeCount += other.negativeCount;
    this.negativeProbability += other.negativeProbability;
    for (const [b, [c, s]] of other.bins) {
      const slot = this.bins.get(b);
      if (slot) {
        slot[0] += c;
        slot[1] += s;
      } else this.bins.set(b, [c, s]);
    }
  }

  /** E[TP], E[FP], E[FN], E[TN]. */
  expectedConfusion(): { tp: number; fp: number; fn: number; tn: number } {
    return {
      tp: this.positiveProbability,
      fp: this.positiveCount - this.positiveProbability,
      fn: this.negativeProbability,
      tn: this.negativeCount - this.negativeProbability,
    };
  }

  expectedAccuracy(): number {
    if (this.count === 0) return NaN;
    const { tp, tn } = this.expectedConfusion();
    return (tp + tn) / this.count;
  }

  expectedF1(): number {
    const { tp, fp, fn } = this.expectedConfusion();
    const denominator = tp + 0.5 * (fp + fn);
    return denominator === 0 ? NaN : tp / denominator;
  }

  expectedRocAuc(): number {
    const order = [...this.bins.keys()].sort((a, b) => a - b);
    let positives = 0;
    let negatives = 0;
    let wins = 0;
    for (const b of order) {
      const [c, s] = this.bins.get(b)!;
      const neg = c - s;
      wins += s * (negatives + neg / 2);
      positives += s;
      negatives += neg;
    }
    return positives > 0 && negatives > 0 ? wins / (positives * negatives) : NaN;
  }

  toJSON(): CbpeWindowJSON {
    const bins = [...this.bins.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([b, [c, s]]): [number, number, number] => [b, c, s]);
    return {
      kind: 'cbpe-window',
      predictedPositive: [this.positiveCount, this.positiveProbability],
      predictedNegative: [this.negativeCount, this.negativeProbability],
      bins,
    };
  }

  static fromJSON(json: CbpeWindowJSON): CbpeWindow {
    if (json?.kind !== 'cbpe-window' || !Array.isArray(json.bins)) {
      throw new InvalidStateError('not a CBPE window state');
    }
    const w = new CbpeWindow();
    [w.positiveCount, w.positiveProbability] = json.predictedPositive;
    [w.negativeCount, w.negativeProbability] = json.predictedNegative;
    w.count = w.positiveCount + w.negativeCount;
    let binned = 0;
    for (const [b, c, s] of json.bins) {
      if (!Number.isInteger(b) || b < 0 || b > CBPE_AUC_BINS || !(c > 0) || !(s >= 0 && s <= c)) {
        throw new InvalidStateError(`CBPE window bin ${b} is malformed`);
      }
      w.bins.set(b, [c, s]);
      binned += c;
    }
    if (binned !== w.count) throw new InvalidStateError('CBPE window bins do not add up to its count');
    return w;
  }
}

// --- NannyML's sampling-error components, computed on the labelled reference ---------------------

/** Std of the per-row correctness (0/1). */
function accuracyComponent(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  return referenceSpread(
    Array.from({ length: labels.length }, (_, i) => (predicted[i] === labels[i] ? 1 : 0)),
  ).std;
}

/**
 * F1 as a mean over the rows that enter it (TP, FP, FN; not TN): a TP row contributes 1, the others
 * 0, rescaled so the mean is the F1; fraction = share of such rows.
 */
function f1Components(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
): { f1Std: number; f1Fraction: number } {
  let tp = 0;
  let fpFn = 0;
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] === 1 && labels[i] === 1) tp += 1;
    else if (predicted[i] !== labels[i]) fpFn += 1;
  }
  const relevant = tp + fpFn;
  if (relevant === 0) return { f1Std: NaN, f1Fraction: 0 };
  const factor = relevant / (tp + 0.5 * fpFn);
  const values = [...new Array<number>(tp).fill(factor), ...new Array<number>(fpFn).fill(0)];
  return { f1Std: referenceSpread(values).std, f1Fraction: relevant / labels.length };
}

/**
 * ROC AUC as a mean over positives of the share of negatives ranked below each (Hanley & McNeil's
 * decomposition); NannyML makes the positive class the minority first. NannyML ranks tied scores
 * in numpy's (unstable) sort order; a positive here counts half the negatives tied with it, the
 * mean over tie orders.
 */
function aucComponents(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): { aucStd: number; aucFraction: number } {
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i];
  const flip = positives / n > 0.5;
  const y = Array.from({ length: n }, (_, i) => (flip ? 1 - labels[i] : labels[i]));
  const s = Array.from({ length: n }, (_, i) => (flip ? 1 - scores[i] : scores[i]));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => s[a] - s[b]);
  const nPos = flip ? n - positives : positives;
  const nNeg = n - nPos;
  const below: number[] = [];
  let negativesBelow = 0;
  for (let start = 0; start < n;) {
    let end = start;
    let tiedNegatives = 0;
    let tiedPositives = 0;
    while (end < n && s[order[end]] === s[order[start]]) {
      if (y[order[end]] === 1) tiedPositives += 1;
      else tiedNegatives += 1;
      end += 1;
    }
    for (let k = 0; k < tiedPositives; k++) below.push((negativesBelow + tiedNegatives / 2) / nNeg);
    negativesBelow += tiedNegatives;
    start = end;
  }
  return { aucStd: referenceSpread(below).std, aucFraction: nPos / n };
}
