/** Equal-width confidence bins of the expected calibration error. */
export const CALIBRATION_BINS = 10;

export interface CalibrationJSON {
  /** Per bin: predictions, summed confidence, correct predictions. */
  n: number[];
  conf: number[];
  hit: number[];
}

/**
 * Expected calibration error, top-label form (Guo et al. 2017, "On Calibration of Modern Neural
 * Networks", ICML): predictions are binned by the probability given to the predicted class
 * (bins [0, 0.1), …, [0.9, 1.0]) and ECE = Σ_b (n_b / n) · |accuracy_b − mean confidence_b|.
 * Mergeable: three sums per bin.
 */
export class CalibrationBins {
  readonly n = new Float64Array(CALIBRATION_BINS);
  readonly conf = new Float64Array(CALIBRATION_BINS);
  readonly hit = new Float64Array(CALIBRATION_BINS);

  add(confidence: number, correct: boolean): void {
    const b = Math.min(CALIBRATION_BINS - 1, Math.max(0, Math.floor(confidence * CALIBRATION_BINS)));
    this.n[b] += 1;
    this.conf[b] += confidence;
    if (correct) this.hit[b] += 1;
  }

  merge(other: CalibrationBins): void {
    for (let b = 0; b < CALIBRATION_BINS; b++) {
      this.n[b] += other.n[b];
      this.conf[b] += other.conf[b];
      this.hit[b] += other.hit[b];
    }
  }

  get count(): number {
    let s = 0;
    for (let b = 0; b < CALIBRATION_BINS; b++) s += this.n[b];
    return s;
  }

  ece(): number {
    const total = this.count;
    if (total === 0) return NaN;
    let e = 0;
    for (let b = 0; b < CALIBRATION_BINS; b++) {
      if (this.n[b] === 0) continue;
      e += Math.abs(this.hit[b] - this.conf[b]) / total;
    }
    return e;
  }

  toJSON(): CalibrationJSON {
    return { n: [...this.n], conf: [...this.conf], hit: [...this.hit] };
  }

  static fromJSON(json: CalibrationJSON): CalibrationBins {
    const c = new CalibrationBins();
    c.n.set(json.n);
    c.conf.set(json.conf);
    c.hit.set(json.hit);
    return c;
  }
}
