import { InvalidArgumentError } from '../errors';
import {
  CheckpointReader,
  type DetectorCheckpoint,
  type DriftAndWarningDetector,
  requireRange,
  toNumber,
} from './detector';
import { RunningMean } from './running-stats';

export interface HddmAOptions {
  /** Confidence of the drift test (default 0.001). */
  driftConfidence?: number;
  /** Confidence of the warning test (default 0.005). */
  warningConfidence?: number;
  /** Also detect decreases of the mean (default false). */
  twoSidedTest?: boolean;
}

/**
 * HDDM_A (Frías-Blanco, del Campo-Ávila, Ramos-Jiménez, Morales-Bueno, Ortiz-Díaz & Caballero-Mota
 * 2015, "Online and non-parametric drift detection methods based on Hoeffding's bounds", IEEE TKDE):
 * compares the mean of the whole stream with the mean up to a cut point using Hoeffding's inequality
 * with moving averages. Input in [0, 1] (usually 1 = error). Matches River 0.26.1's
 * `drift.binary.HDDM_A`.
 */
export class HddmA implements DriftAndWarningDetector {
  readonly name = 'HDDM_A' as const;
  readonly driftConfidence: number;
  readonly warningConfidence: number;
  readonly twoSidedTest: boolean;
  private xMin = new RunningMean();
  private xMax = new RunningMean();
  private z = new RunningMean();
  private drift = false;
  private warning = false;

  constructor(options: HddmAOptions = {}) {
    this.driftConfidence = requireRange(
      'HDDM_A',
      'driftConfidence',
      options.driftConfidence ?? 0.001,
      1e-300,
      1,
    );
    this.warningConfidence = requireRange(
      'HDDM_A',
      'warningConfidence',
      options.warningConfidence ?? 0.005,
      1e-300,
      1,
    );
    this.twoSidedTest = options.twoSidedTest ?? false;
  }

  get driftDetected(): boolean {
    return this.drift;
  }

  get warningDetected(): boolean {
    return this.warning;
  }

  update(x: number | boolean): this {
    const value = toNumber(x, 'HDDM_A');
    if (value < 0 || value > 1)
      throw new InvalidArgumentError(`HDDM_A.update: value must be in [0, 1] (got ${value})`);
    if (this.drift) this.reset();
    this.z.update(value);
    if (this.xMin.n === 0) this.xMin = this.z.clone();
    if (this.xMax.n === 0) this.xMax = this.z.clone();
    const epsZ = this.hoeffding(this.z.n);
    let epsX = this.hoeffding(this.xMin.n);
    if (this.xMin.mean + epsX >= this.z.mean + epsZ) this.xMin = this.z.clone();
    epsX = this.hoeffding(this.xMax.n);
    if (this.xMax.mean - epsX <= this.z.mean - epsZ) this.xMax = this.z.clone();
    if (this.meanIncreased(this.driftConfidence)) {
      this.warning = false;
      this.drift = true;
    } else if (this.meanIncreased(this.warningConfidence)) {
      this.warning = true;
      this.drift = false;
    } else {
      this.warning = false;
      this.drift = false;
    }
    if (this.twoSidedTest) {
      if (this.meanDecreased(this.driftConfidence)) this.drift = true;
      else if (this.meanDecreased(this.warningConfidence)) this.warning = true;
    }
    return this;
  }

  private hoeffding(n: number): number {
    return Math.sqrt((1 / (2 * n)) * Math.log(1 / this.driftConfidence));
  }

  private meanIncreased(confidence: number): boolean {
    if (this.xMin.n === this.z.n) return false;
    const m = ((this.z.n - this.xMin.n) / this.xMin.n) * (1 / this.z.n);
    const eps = Math.sqrt((m / 2) * Math.log(2 / confidence));
    return this.z.mean - this.xMin.mean >= eps;
  }

  private meanDecreased(confidence: number): boolean {
    if (this.xMax.n === this.z.n) return false;
    const m = ((this.z.n - this.xMax.n) / this.xMax.n) * (1 / this.z.n);
    const eps = Math.sqrt((m / 2) * Math.log(2 / confidence));
    return this.xMax.mean - this.z.mean >= eps;
  }

  private reset(): void {
    this.xMin = new RunningMean();
    this.xMax = new RunningMean();
    this.z = new RunningMean();
    this.drift = false;
    this.warning = false;
  }

  toJSON(): DetectorCheckpoint {
    return {
      detector: 'HDDM_A',
      version: 1,
      params: {
        driftConfidence: this.driftConfidence,
        warningConfidence: this.warningConfidence,
        twoSidedTest: this.twoSidedTest,
      },
      state: {
        z: [this.z.n, this.z.mean],
        xMin: [this.xMin.n, this.xMin.mean],
        xMax: [this.xMax.n, this.xMax.mean],
        drift: this.drift,
        warning: this.warning,
      },
    };
  }

  static fromJSON(json: unknown): HddmA {
    const r = new CheckpointReader(json, 'HDDM_A');
    const d = new HddmA({
      driftConfidence: r.param('driftConfidence'),
      warningConfidence: r.param('warningConfidence'),
      twoSidedTest: r.param('twoSidedTest'),
    });
    const mean = (key: string) => {
      const [n, m] = r.numbers(key);
      return new RunningMean(n, m);
    };
    d.z = mean('z');
    d.xMin = mean('xMin');
    d.xMax = mean('xMax');
    d.drift = r.boolean('drift');
    d.warning = r.boolean('warning');
    return d;
  }
}
