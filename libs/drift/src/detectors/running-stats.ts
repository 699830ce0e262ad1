/**
 * Running statistics with River's exact update arithmetic (same operations in the same order), so
 * that detectors built on them take bit-identical decisions. Internal to the detectors.
 * The one deliberate copy of a moments accumulator (@continuum/stats's rounds differently: mean + δ/n, not + (1/n)·δ).
 */

/** River's `stats.Mean` (West 1979). */
export class RunningMean {
  constructor(
    public n = 0,
    public mean = 0,
  ) {}

  update(x: number): void {
    this.n += 1;
    this.mean += (1 / this.n) * (x - this.mean);
  }

  clone(): RunningMean {
    return new RunningMean(this.n, this.mean);
  }
}

/** River's `stats.Var` with ddof = 1 (Welford 1962). */
export class RunningVariance {
  readonly m = new RunningMean();
  s = 0;

  update(x: number): void {
    const before = this.m.mean;
    this.m.update(x);
    this.s += (x - before) * (x - this.m.mean);
  }

  get value(): number {
    return this.m.n > 1 ? this.s / (this.m.n - 1) : 0;
  }
}

/** River's `stats.EWMean`: the first value initialises the mean, then m = α·x + (1 − α)·m. */
export class ExponentialMean {
  private readonly oneMinusAlpha: number;

  constructor(
    readonly alpha: number,
    public mean = 0,
    public initialized = false,
  ) {
    this.oneMinusAlpha = 1 - alpha;
  }

  update(x: number): void {
    if (!this.initialized) {
      this.mean = x;
      this.initialized = true;
    } else {
      this.mean = this.alpha * x + this.oneMinusAlpha * this.mean;
    }
  }
}
