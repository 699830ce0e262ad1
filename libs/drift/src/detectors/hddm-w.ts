import { InvalidArgumentError, InvalidStateError } from '../errors';
import {
  CheckpointReader,
  type DetectorCheckpoint,
  type DriftAndWarningDetector,
  encodeNumber,
  requireRange,
  toNumber,
} from './detector';
import { ExponentialMean } from './running-stats';

export interface HddmWOptions {
  /** Confidence of the drift test (default 0.001). */
  driftConfidence?: number;
  /** Confidence of the warning test (default 0.005). */
  warningConfidence?: number;
  /** Weight of the newest value in the exponentially weighted means (default 0.05). */
  lambda?: number;
  /** Also detect decreases of the mean (default false). */
  twoSidedTest?: boolean;
}

/** EWMA of a sub-stream plus the McDiarmid independent-bound condition of its weights. */
class Sample {
  readonly ewma: ExponentialMean;
  initialized = false;
  ibc = 1;

  constructor(
    private readonly lambda: number,
    ewma?: ExponentialMean,
  ) {
    this.ewma = ewma ?? new ExponentialMean(lambda);
  }

  update(x: number): void {
    this.ewma.update(x);
    this.initialized = true;
    this.ibc = this.lambda * this.lambda + (1 - this.lambda) ** 2 * this.ibc;
  }

  copy(): Sample {
    const s = new Sample(
      this.lambda,
      new ExponentialMean(this.lambda, this.ewma.mean, this.ewma.initialized),
    );
    s.initialized = this.initialized;
    s.ibc = this.ibc;
    return s;
  }

  toJSON(): number[] {
    return [this.ewma.mean, this.ewma.initialized ? 1 : 0, this.initialized ? 1 : 0, this.ibc];
  }

  static from(lambda: number, state: number[], key: string): Sample {
    if (state.length !== 4)
      throw new InvalidStateError(`HDDM_W checkpoint: state.${key} must hold 4 numbers`);
    const s = new Sample(lambda, new ExponentialMean(lambda, state[0], state[1] === 1));
    s.initialized = state[2] === 1;
    s.ibc = state[3];
    return s;
  }
}

/**
 * HDDM_W (Frías-Blanco et al. 2015, IEEE TKDE): like HDDM_A but with exponentially weighted moving
 * averages and McDiarmid's inequality, so recent values weigh more. Input in [0, 1]. Matches River
 * 0.26.1's `drift.binary.HDDM_W`.
 */
export class HddmW implements DriftAndWarningDetector {
  readonly name = 'HDDM_W' as const;
  readonly driftConfidence: number;
  readonly warningConfidence: number;
  readonly lambda: number;
  readonly twoSidedTest: boolean;
  private total!: Sample;
  private s1Decr!: Sample;
  private s1Incr!: Sample;
  private s2Decr!: Sample;
  private s2Incr!: Sample;
  private incrCutpoint = Infinity;
  private decrCutpoint = -Infinity;
  private drift = false;
  private warning = false;

  constructor(options: HddmWOptions = {}) {
    this.driftConfidence = requireRange(
      'HDDM_W',
      'driftConfidence',
      options.driftConfidence ?? 0.001,
      1e-300,
      1,
    );
    this.warningConfidence = requireRange(
      'HDDM_W',
      'warningConfidence',
      options.warningConfidence ?? 0.005,
      1e-300,
      1,
    );
    this.lambda = requireRange('HDDM_W', 'lambda', options.lambda ?? 0.05, 0, 1);
    this.twoSidedTest = options.twoSidedTest ?? false;
    this.reset();
  }

  get driftDetected(): boolean {
    return this.drift;
  }

  get warningDetected(): boolean {
    return this.warning;
  }

  update(x: number | boolean): this {
    const value = toNumber(x, 'HDDM_W');
    if (value < 0 || value > 1)
      throw new InvalidArgumentError(`HDDM_W.update: value must be in [0, 1] (got ${value})`);
    if (this.drift) this.reset();
    this.total.update(value);
    this.updateIncrease(value);
    if (this.changed(this.s1Incr, this.s2Incr, this.driftConfidence)) {
      this.warning = false;
      this.drift = true;
    } else if (this.changed(this.s1Incr, this.s2Incr, this.warningConfidence)) {
      this.warning = true;
      this.drift = false;
    } else {
      this.warning = false;
      this.drift = false;
    }
    this.updateDecrease(value);
    if (this.twoSidedTest) {
      if (this.changed(this.s2Decr, this.s1Decr, this.driftConfidence)) this.drift = true;
      else if (this.changed(this.s2Decr, this.s1Decr, this.warningConfidence)) this.warning = true;
    }
    return this;
  }

  private bound(ibc: number, confidence: number): number {
    return Math.sqrt((ibc * Math.log(1 / confidence)) / 2);
  }

  /** Whether `later`'s weighted mean exceeds `earlier`'s by more than the McDiarmid bound. */
  private changed(earlier: Sample, later: Sample, confidence: number): boolean {
    if (!(earlier.initialized && later.initialized)) return false;
    return later.ewma.mean - earlier.ewma.mean > this.bound(earlier.ibc + later.ibc, confidence);
  }

  private updateIncrease(x: number): void {
    const eps = this.bound(this.total.ibc, this.driftConfidence);
    if (this.total.ewma.mean + eps < this.incrCutpoint) {
      this.incrCutpoint = this.total.ewma.mean + eps;
      this.s1Incr = this.total.copy();
      this.s2Incr = new Sample(this.lambda);
    } else {
      this.s2Incr.update(x);
    }
  }

  private updateDecrease(x: number): void {
    const eps = this.bound(this.total.ibc, this.driftConfidence);
    if (this.total.ewma.mean - eps > this.decrCutpoint) {
      this.decrCutpoint = this.total.ewma.mean - eps;
      this.s1Decr = this.total.copy();
      this.s2Decr = new Sample(this.lambda);
    } else {
      this.s2Decr.update(x);
    }
  }

  private reset(): void {
    this.total = new Sample(this.lambda);
    this.s1Decr = new Sample(this.lambda);
    this.s1Incr = new Sample(this.lambda);
    this.s2Decr = new Sample(this.lambda);
    this.s2Incr = new Sample(this.lambda);
    this.incrCutpoint = Infinity;
    this.decrCutpoint = -Infinity;
    this.drift = false;
    this.warning = false;
  }

  toJSON(): DetectorCheckpoint {
    return {
      detector: 'HDDM_W',
      version: 1,
      params: {
        driftConfidence: this.driftConfidence,
        warningConfidence: this.warningConfidence,
        lambda: this.lambda,
        twoSidedTest: this.twoSidedTest,
      },
      state: {
        total: this.total.toJSON(),
        s1Decr: this.s1Decr.toJSON(),
        s1Incr: this.s1Incr.toJSON(),
        s2Decr: this.s2Decr.toJSON(),
        s2Incr: this.s2Incr.toJSON(),
        incrCutpoint: encodeNumber(this.incrCutpoint),
        decrCutpoint: encodeNumber(this.decrCutpoint),
        drift: this.drift,
        warning: this.warning,
      },
    };
  }

  static fromJSON(json: unknown): HddmW {
    const r = new CheckpointReader(json, 'HDDM_W');
    const d = new HddmW({
      driftConfidence: r.param('driftConfidence'),
      warningConfidence: r.param('warningConfidence'),
      lambda: r.param('lambda'),
      twoSidedTest: r.param('twoSidedTest'),
    });
    d.total = Sample.from(d.lambda, r.numbers('total'), 'total');
    d.s1Decr = Sample.from(d.lambda, r.numbers('s1Decr'), 's1Decr');
    d.s1Incr = Sample.from(d.lambda, r.numbers('s1Incr'), 's1Incr');
    d.s2Decr = Sample.from(d.lambda, r.numbers('s2Decr'), 's2Decr');
    d.s2Incr = Sample.from(d.lambda, r.numbers('s2Incr'), 's2Incr');
    d.incrCutpoint = r.number('incrCutpoint');
    d.decrCutpoint = r.number('decrCutpoint');
    d.drift = r.boolean('drift');
    d.warning = r.boolean('warning');
    return d;
  }
}
