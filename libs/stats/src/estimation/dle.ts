import { InvalidArgumentError, InvalidStateError } from '../errors';
import { BoostedTrees, type BoostedTreesJSON, type BoostedTreesOptions } from './boosted-trees';
import { type EstimatedMetric, estimatedMetric, referenceSpread } from './estimated-metric';

export interface DleReferenceJSON {
  kind: 'dle-reference';
  absoluteError: BoostedTreesJSON;
  squaredError: BoostedTreesJSON;
  absoluteErrorStd: number;
  squaredErrorStd: number;
  squaredErrorMean: number;
}

export interface DleEstimate {
  count: number;
  mae: EstimatedMetric;
  rmse: EstimatedMetric;
}

/**
 * Direct loss estimation for regression (DLE; NannyML, "Estimating model performance without
 * ground truth", 2022): on the reference period, where targets are known, a second model learns
 * each row's loss — |y − ŷ| for MAE, (y − ŷ)² for RMSE — from the features and the prediction ŷ;
 * a window's MAE is then the mean predicted absolute error and its RMSE the root of the mean
 * predicted squared error (negative predictions clipped to 0, as NannyML does). Sampling errors
 * are NannyML's: std(|e|) / √n and √(std(e²)² / (4 n mean(e²))).
 *
 * Where it differs from NannyML: NannyML's loss model is a LightGBM regressor with its default
 * settings; here it is BoostedTrees (same defaults, squared loss, leaf-wise) over reference
 * quantile thresholds instead of LightGBM's histogram construction, without LightGBM's
 * regularisation details, so per-row loss predictions and hence window estimates differ slightly.
 */
export class DleReference {
  private constructor(
    private readonly absoluteError: BoostedTrees,
    private readonly squaredError: BoostedTrees,
    private readonly components: {
      absoluteErrorStd: number;
      squaredErrorStd: number;
      squaredErrorMean: number;
    },
  ) {}

  /**
   * @param features reference rows' features (numeric; encode categories beforehand)
   * @param predictions the model's predictions on those rows
   * @param targets the true values
   */
  static fit(
    features: ReadonlyArray<ArrayLike<number>>,
    predictions: ArrayLike<number>,
    targets: ArrayLike<number>,
    options: BoostedTreesOptions = {},
  ): DleReference {
    const n = features.length;
    if (predictions.length !== n || targets.length !== n) {
      throw new InvalidArgumentError(
        `features (${n}), predictions (${predictions.length}) and targets (${targets.length}) differ in length`,
      );
    }
    if (n === 0) throw new InvalidArgumentError('the DLE reference is empty');
    const rows = features.map((x, i) => lossModelInput(x, predictions[i]));
    const absolute = Array.from({ length: n }, (_, i) => Math.abs(targets[i] - predictions[i]));
    const squared = absolute.map((e) => e * e);
    if (!absolute.every(Number.isFinite))
      throw new InvalidArgumentError('DLE reference holds a non-finite value');
    const absoluteSpread = referenceSpread(absolute);
    const squaredSpread = referenceSpread(squared);
    return new DleReference(
      BoostedTrees.fit(rows, absolute, options),
      BoostedTrees.fit(rows, squared, options),
      {
        absoluteErrorStd: absoluteSpread.std,
        squaredErrorStd: squaredSpread.std,
        squaredErrorMean: squaredSpread.mean,
      },
    );
  }

  /** Adds one unlabelled row (its features and the model's prediction) to a window. */
  observe(window: DleWindow, features: ArrayLike<number>, prediction: number): void {
    const row = lossModelInput(features, prediction);
    window.add(Math.max(0, this.absoluteError.predict(row)), Math.max(0, this.squaredError.predict(row)));
  }

  estimate(window: DleWindow): DleEstimate {
    const n = window.count;
    const c = this.components;
    const range = { min: 0, max: Infinity };
    return {
      count: n,
      mae: estimatedMetric(window.absoluteErrorSum / n, c.absoluteErrorStd / Math.sqrt(n), range),
      rmse: estimatedMetric(
        Math.sqrt(window.squaredErrorSum / n),
        Math.sqrt(c.squaredErrorStd ** 2 / (4 * n * c.squaredErrorMean)),
        range,
      ),
    };
  }

  toJSON(): DleReferenceJSON {
    return {
      kind: 'dle-reference',
      absoluteError: this.absoluteError.toJSON(),
      squaredError: this.squaredError.toJSON(),
      ...this.components,
    };
  }

  static fromJSON(json: DleReferenceJSON): DleReference {
    if (json?.kind !== 'dle-reference') throw new InvalidStateError('not a DLE reference state');
    const { absoluteErrorStd, squaredErrorStd, squaredErrorMean } = json;
    if (
      ![absoluteErrorStd, squaredErrorStd, squaredErrorMean].every((v) => typeof v === 'number' && v >= 0)
    ) {
      throw new InvalidStateError('DLE reference components must be non-negative numbers');
    }
    return new DleReference(
      BoostedTrees.fromJSON(json.absoluteError),
      BoostedTrees.fromJSON(json.squaredError),
      { absoluteErrorStd, squaredErrorStd, squaredErrorMean },
    );
  }
}

/** The loss model sees the features and the prediction, as NannyML's does. */
function lossModelInput(features: ArrayLike<number>, prediction: number): number[] {
  return [...Array.from(features), prediction];
}

export interface DleWindowJSON {
  kind: 'dle-window';
  count: number;
  absoluteErrorSum: number;
  squaredErrorSum: number;
}

/** A window's predicted losses: three sums, exactly mergeable across partitions and windows. */
export class DleWindow {
  count = 0;
  absoluteErrorSum = 0;
  squaredErrorSum = 0;

  add(absoluteError: number, squaredError: number): void {
    if (!(absoluteError >= 0 && squaredError >= 0)) {
      throw new InvalidArgumentError('predicted losses must be non-negative numbers');
    }
    this.count += 1;
    this.absoluteErrorSum += absoluteError;
    this.squaredErrorSum += squaredError;
  }

  merge(other: DleWindow): void {
    this.count += other.count;
    this.absoluteErrorSum += other.absoluteErrorSum;
    this.squaredErrorSum += other.squaredErrorSum;
  }

  toJSON(): DleWindowJSON {
    return {
      kind: 'dle-window',
      count: this.count,
      absoluteErrorSum: this.absoluteErrorSum,
      squaredErrorSum: this.squaredErrorSum,
    };
  }

  static fromJSON(json: DleWindowJSON): DleWindow {
    const ok =
      json?.kind === 'dle-window' &&
      Number.isInteger(json.count) &&
      json.count >= 0 &&
      json.absoluteErrorSum >= 0 &&
      json.squaredErrorSum >= 0;
    if (!ok) throw new InvalidStateError('DLE window state is malformed');
    const w = new DleWindow();
    w.count = json.count;
    w.absoluteErrorSum = json.absoluteErrorSum;
    w.squaredErrorSum = json.squaredErrorSum;
    return w;
  }
}
