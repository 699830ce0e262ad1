import { InvalidArgumentError } from '../errors';

/**
 * Classification and regression metrics on arrays, defined as scikit-learn 1.9 defines them
 * (the test vectors in `vectors/` were computed with it). Classes are indices 0..k-1; a
 * binary problem's positive class is 1.
 */

/** Probabilities are clipped to [EPS, 1 - EPS] in the log loss (float64 machine epsilon, as scikit-learn). */
export const LOG_LOSS_EPS = 2.220446049250313e-16;

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return yTrue.length === 0 ? NaN : hit / yTrue.length;
}

/** Confusion matrix, `m[t * k + p]` = count of true class t predicted as p. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, k: number): Float64Array {
  checkSameLength(yTrue, yPred);
  const m = new Float64Array(k * k);
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i] * k + yPred[i]] += 1;
  return m;
}

export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * From a confusion matrix: the positive class's scores (`binary`, k = 2) or the unweighted
 * mean over classes (`macro`). A ratio with a zero denominator counts as 0 (scikit-learn's
 * `zero_division` default).
 */
export function precisionRecallF1(
  confusion: Float64Array,
  k: number,
  average: 'binary' | 'macro',
): PrecisionRecallF1 {
  const perClass = (c: number): PrecisionRecallF1 => {
    let tp = 0;
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < k; j++) {
      predicted += confusion[j * k + c];
      actual += confusion[c * k + j];
    }
    tp = confusion[c * k + c];
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = actual > 0 ? tp / actual : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1 };
  };
  if (average === 'binary') return perClass(1);
  let p = 0;
  let r = 0;
  let f = 0;
  for (let c = 0; c < k; c++) {
    const s = perClass(c);
    p += s.precision;
    r += s.recall;
    f += s.f1;
  }
  return { precision: p / k, recall: r / k, f1: f / k };
}

/**
 * Area under the ROC curve of scores for a 0/1 target, via the Mann-Whitney U statistic with
 * tied scores counting one half (equal to the trapezoidal ROC area scikit-learn computes).
 * NaN when only one class is present.
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkSameLength(yTrue, scores);
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const midRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let t = i; t <= j; t++) {
      if (yTrue[order[t]] === 1) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * One-vs-rest ROC AUC averaged over classes (scikit-learn's `multi_class='ovr',
 * average='macro'`); classes absent from `yTrue` (undefined AUC) are left out of the mean.
 */
export function rocAucOneVsRest(yTrue: ArrayLike<number>, proba: ArrayLike<number>, k: number): number {
  const n = yTrue.length;
  let sum = 0;
  let defined = 0;
  const target = new Float64Array(n);
  const score = new Float64Array(n);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      target[i] = yTrue[i] === c ? 1 : 0;
      score[i] = proba[i * k + c];
    }
    const auc = rocAuc(target, score);
    if (!Number.isNaN(auc)) {
      sum += auc;
      defined++;
    }
  }
  return defined > 0 ? sum / defined : NaN;
}

/** Mean cross-entropy; `proba` is P(class 1) per row when k = 2 and `binary`, else `rows x k`. */
export function logLoss(
  yTrue: ArrayLike<number>,
  proba: ArrayLike<number>,
  k: number,
  binary: boolean,
): number {
  return rowMean(yTrue.length, (i) => logLossOne(yTrue[i], proba, i, k, binary));
}

/**
 * Brier score: mean squared difference between predicted probabilities and the one-hot
 * outcome, summed over classes for k > 2 (range [0, 2]) and for the positive class only
 * when binary (range [0, 1]) — scikit-learn's `scale_by_half='auto'` convention.
 */
export function brierScore(
  yTrue: ArrayLike<number>,
  proba: ArrayLike<number>,
  k: number,
  binary: boolean,
): number {
  return rowMean(yTrue.length, (i) => brierOne(yTrue[i], proba, i, k, binary));
}

/** Mean of a per-row loss over rows 0..n-1, summed in row order; NaN when there are no rows. */
function rowMean(n: number, loss: (row: number) => number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += loss(i);
  return n === 0 ? NaN : sum / n;
}

export function meanAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i] - yPred[i]);
  return s / yTrue.length;
}

export function rootMeanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += (yTrue[i] - yPred[i]) ** 2;
  return Math.sqrt(s / yTrue.length);
}

/**
 * Coefficient of determination 1 - SSE/SST. With a constant target (SST = 0) it is 1 for a
 * perfect prediction and 0 otherwise (scikit-learn's `force_finite=True`).
 */
export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred);
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    sse += (yTrue[i] - yPred[i]) ** 2;
    sst += (yTrue[i] - mean) ** 2;
  }
  return r2FromSums(sse, sst);
}

export function r2FromSums(sse: number, sst: number): number {
  if (sst === 0) return sse === 0 ? 1 : 0;
  return 1 - sse / sst;
}

/** Log loss of row i; exported for the streaming accumulators. */
export function logLossOne(
  y: number,
  proba: ArrayLike<number>,
  i: number,
  k: number,
  binary: boolean,
): number {
  let p: number;
  if (binary) {
    const p1 = proba[i];
    p = y === 1 ? p1 : 1 - p1;
  } else {
    // Rows are renormalised to sum to 1 before clipping, as scikit-learn does.
    let sum = 0;
    for (let c = 0; c < k; c++) sum += proba[i * k + c];
    p = sum > 0 ? proba[i * k + y] / sum : 0;
  }
  p = Math.min(Math.max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
  return -Math.log(p);
}

export function brierOne(y: number, proba: ArrayLike<number>, i: number, k: number, binary: boolean): number {
  if (binary) return (proba[i] - (y === 1 ? 1 : 0)) ** 2;
  let s = 0;
  for (let c = 0; c < k; c++) s += (proba[i * k + c] - (c === y ? 1 : 0)) ** 2;
  return s;
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length)
    throw new InvalidArgumentError(`yPred: has ${b.length} values but yTrue has ${a.length}`);
}
