import { ConfigurationError, InvalidInputError } from '../errors';
import type { Task } from '../models/labels';
import {
  brierOne,
  logLossOne,
  precisionRecallF1,
  RegressionMetrics,
  rocAuc,
  rocAucOneVsRest,
} from '@continuum/stats';

export interface ClassificationResult {
  readonly task: 'binary' | 'multiclass';
  readonly count: number;
  readonly accuracy: number;
  /** Positive class (binary) or macro average over classes (multiclass). */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Binary ROC AUC, or one-vs-rest macro AUC (multiclass). */
  readonly rocAuc: number;
  readonly logLoss: number;
  readonly brier: number;
}

export interface RegressionResult {
  readonly task: 'regression';
  readonly count: number;
  readonly mae: number;
  readonly rmse: number;
  readonly r2: number;
}

export type MetricsResult = ClassificationResult | RegressionResult;

/** Accumulates metrics over a stream of (target, head output) pairs. */
export interface MetricsAccumulator {
  /**
   * Adds `rows` predictions in the network's head format: targets are class indices or
   * values; outputs are P(positive) (binary), `rows x k` probabilities (multiclass) or values.
   */
  update(targets: ArrayLike<number>, outputs: ArrayLike<number>, rows: number): void;
  result(): MetricsResult;
  readonly count: number;
}

export function createAccumulator(task: Task, classes: number): MetricsAccumulator {
  return task === 'regression' ? new RegressionAccumulator() : new ClassificationAccumulator(task, classes);
}

/**
 * Streaming classification metrics: confusion counts, summed log loss and Brier score
 * (O(k²) memory), plus every (target, score) pair for the exact ROC AUC (O(n·k) memory:
 * 8 bytes per example and class — 20 MB for a million binary predictions).
 */
export class ClassificationAccumulator implements MetricsAccumulator {
  readonly k: number;
  private readonly binary: boolean;
  private readonly confusion: Float64Array;
  private logLossSum = 0;
  private brierSum = 0;
  private n = 0;
  private targets: Float32Array;
  private scores: Float32Array;

  constructor(
    readonly task: 'binary' | 'multiclass',
    classes: number,
  ) {
    if (!Number.isInteger(classes) || classes < 2)
      throw new ConfigurationError('classes', `need at least 2 classes, got ${classes}`);
    this.k = classes;
    this.binary = task === 'binary';
    if (this.binary && classes !== 2) throw new ConfigurationError('classes', 'a binary task has 2 classes');
    this.confusion = new Float64Array(classes * classes);
    this.targets = new Float32Array(1024);
    this.scores = new Float32Array(1024 * (this.binary ? 1 : classes));
  }

  get count(): number {
    return this.n;
  }

  update(targets: ArrayLike<number>, outputs: ArrayLike<number>, rows: number): void {
    const k = this.k;
    const width = this.binary ? 1 : k;
    if (outputs.length < rows * width)
      throw new InvalidInputError('outputs', `need ${rows * width} values, got ${outputs.length}`);
    this.reserve(this.n + rows);
    for (let r = 0; r < rows; r++) {
      const y = targets[r];
      if (!Number.isInteger(y) || y < 0 || y >= k)
        throw new InvalidInputError(`targets[${r}]`, `must be a class index in [0, ${k}), got ${y}`);
      let predicted: number;
      if (this.binary) predicted = outputs[r] > 0.5 ? 1 : 0;
      else {
        predicted = 0;
        for (let c = 1; c < k; c++) if (outputs[r * k + c] > outputs[r * k + predicted]) predicted = c;
      }
      this.confusion[y * k + predicted] += 1;
      this.logLossSum += logLossOne(y, outputs, r, k, this.binary);
      this.brierSum += brierOne(y, outputs, r, k, this.binary);
      this.targets[this.n] = y;
      for (let c = 0; c < width; c++) this.scores[this.n * width + c] = outputs[r * width + c];
      this.n++;
    }
  }

  result(): ClassificationResult {
    const k = this.k;
    let hits = 0;
    for (let c = 0; c < k; c++) hits += this.confusion[c * k + c];
    const prf = precisionRecallF1(this.confusion, k, this.binary ? 'binary' : 'macro');
    const targets = this.targets.subarray(0, this.n);
    const auc = this.binary
      ? rocAuc(targets, this.scores.subarray(0, this.n))
      : rocAucOneVsRest(targets, this.scores.subarray(0, this.n * k), k);
    const n = this.n;
    return {
      task: this.task,
      count: n,
      accuracy: n > 0 ? hits / n : NaN,
      precision: prf.precision,
      recall: prf.recall,
      f1: prf.f1,
      rocAuc: auc,
      logLoss: n > 0 ? this.logLossSum / n : NaN,
      brier: n > 0 ? this.brierSum / n : NaN,
    };
  }

  private reserve(n: number): void {
    if (n <= this.targets.length) return;
    const cap = Math.max(n, this.targets.length * 2);
    const t = new Float32Array(cap);
    t.set(this.targets);
    this.targets = t;
    const s = new Float32Array(cap * (this.binary ? 1 : this.k));
    s.set(this.scores);
    this.scores = s;
  }
}

/**
 * Streaming MAE, RMSE and R² in O(1) memory: @continuum/stats's mergeable RegressionMetrics (its
 * target variance is the one moments accumulator's Welford update), NaN while empty.
 */
export class RegressionAccumulator implements MetricsAccumulator {
  private readonly metrics = new RegressionMetrics();

  get count(): number {
    return this.metrics.count;
  }

  update(targets: ArrayLike<number>, outputs: ArrayLike<number>, rows: number): void {
    for (let r = 0; r < rows; r++) this.metrics.add(outputs[r], targets[r]);
  }

  result(): RegressionResult {
    const n = this.count;
    const m = this.metrics.metrics();
    return {
      task: 'regression',
      count: n,
      mae: n > 0 ? m.mae : NaN,
      rmse: n > 0 ? m.rmse : NaN,
      r2: n > 0 ? m.r2 : NaN,
    };
  }
}
