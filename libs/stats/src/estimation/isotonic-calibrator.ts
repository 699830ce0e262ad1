import { InvalidArgumentError, InvalidStateError } from '../errors';

export interface IsotonicCalibratorJSON {
  kind: 'isotonic';
  /** Increasing score knots and the calibrated probability at each (non-decreasing). */
  x: number[];
  y: number[];
}

/**
 * Isotonic calibration of a binary classifier's scores: the non-decreasing step function that
 * minimises the squared error to the 0/1 labels (pool-adjacent-violators; Barlow et al. 1972,
 * "Statistical inference under order restrictions"; Zadrozny & Elkan 2002 for its use as a
 * calibrator), evaluated between knots by linear interpolation and clipped outside the fitted
 * range — the semantics of scikit-learn's `IsotonicRegression(out_of_bounds="clip")`, which is
 * NannyML's default CBPE calibrator. Equal scores are pooled first (weighted mean label), and of
 * each constant run only its first and last knots are kept, as scikit-learn does.
 *
 * Fitted once on the reference period; the fitted knots are the whole state (JSON round trip), so
 * every partition of every window calibrates identically.
 */
export class IsotonicCalibrator {
  private constructor(
    private readonly x: Float64Array,
    private readonly y: Float64Array,
  ) {}

  /** Fits on reference scores and their 0/1 labels. */
  static fit(scores: ArrayLike<number>, labels: ArrayLike<number>): IsotonicCalibrator {
    if (scores.length !== labels.length) {
      throw new InvalidArgumentError(
        `scores (${scores.length}) and labels (${labels.length}) differ in length`,
      );
    }
    if (scores.length === 0) throw new InvalidArgumentError('cannot calibrate on an empty reference');
    const order = Array.from({ length: scores.length }, (_, i) => i);
    for (let i = 0; i < scores.length; i++) {
      if (!Number.isFinite(scores[i]))
        throw new InvalidArgumentError(`score ${i} is not finite: ${scores[i]}`);
      if (labels[i] !== 0 && labels[i] !== 1)
        throw new InvalidArgumentError(`label ${i} is not 0 or 1: ${labels[i]}`);
    }
    order.sort((a, b) => scores[a] - scores[b]);
    // Pool equal scores: one point per distinct score, mean label, weight = multiplicity.
    const xs: number[] = [];
    const means: number[] = [];
    const weights: number[] = [];
    for (const i of order) {
      const last = xs.length - 1;
      if (last >= 0 && xs[last] === scores[i]) {
        means[last] += (labels[i] - means[last]) / (weights[last] + 1);
        weights[last] += 1;
      } else {
        xs.push(scores[i]);
        means.push(labels[i]);
        weights.push(1);
      }
    }
    const fitted = poolAdjacentViolators(means, weights);
    // Keep the first and last knot of each constant run: interpolation between them is unchanged.
    const kx: number[] = [];
    const ky: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      const interior = i > 0 && i < xs.length - 1;
      if (interior && fitted[i] === fitted[i - 1] && fitted[i] === fitted[i + 1]) continue;
      kx.push(xs[i]);
      ky.push(fitted[i]);
    }
    return new IsotonicCalibrator(Float64Array.from(kx), Float64Array.from(ky));
  }

  /** Calibrated P(positive) for a raw score. */
  calibrate(score: number): number {
    const { x, y } = this;
    if (!(score > x[0])) return y[0]; // also NaN → lowest level, never NaN out
    const last = x.length - 1;
    if (score >= x[last]) return y[last];
    // Largest knot index with x[lo] <= score.
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid] <= score) lo = mid;
      else hi = mid;
    }
    const t = (score - x[lo]) / (x[hi] - x[lo]);
    return y[lo] + t * (y[hi] - y[lo]);
  }

  toJSON(): IsotonicCalibratorJSON {
    return { kind: 'isotonic', x: Array.from(this.x), y: Array.from(this.y) };
  }

  static fromJSON(json: IsotonicCalibratorJSON): IsotonicCalibrator {
    const ok =
      json?.kind === 'isotonic' &&
      Array.isArray(json.x) &&
      Array.isArray(json.y) &&
      json.x.length > 0 &&
      json.x.length === json.y.length &&
      json.x.every((v, i) => Number.isFinite(v) && (i === 0 || v > json.x[i - 1])) &&
      json.y.every((v, i) => v >= 0 && v <= 1 && (i === 0 || v >= json.y[i - 1]));
    if (!ok) throw new InvalidStateError('isotonic calibrator state is malformed');
    return new IsotonicCalibrator(Float64Array.from(json.x), Float64Array.from(json.y));
  }
}

/** Weighted pool-adjacent-violators: the non-decreasing fit minimising Σ w (fit − value)². */
function poolAdjacentViolators(values: number[], weights: number[]): number[] {
  // Blocks as a stack of (mean, weight, length); merge while the last two are out of order.
  const mean: number[] = [];
  const weight: number[] = [];
  const length: number[] = [];
  for (let i = 0; i < values.length; i++) {
    mean.push(values[i]);
    weight.push(weights[i]);
    length.push(1);
    while (mean.length > 1 && mean[mean.length - 2] >= mean[mean.length - 1]) {
      const w = weight.pop()!;
      const m = mean.pop()!;
      const l = length.pop()!;
      const top = mean.length - 1;
      const total = weight[top] + w;
      mean[top] = (mean[top] * weight[top] + m * w) / total;
      weight[top] = total;
      length[top] += l;
    }
  }
  const out: number[] = [];
  for (let b = 0; b < mean.length; b++) for (let k = 0; k < length[b]; k++) out.push(mean[b]);
  return out;
}
