// Math and Number are read once: global lookups are slow inside Jest's VM context.
const { max } = Math;
const { isFinite: isFiniteNumber } = Number;

/**
 * Running mean and variance by Welford's update (Welford 1962, "Note on a method for calculating
 * corrected sums of squares and products"): numerically stable in one pass.
 */
export class RunningMoments {
  private count = 0;
  private mu = 0;
  private m2 = 0;

  update(x: number): this {
    if (!isFiniteNumber(x)) throw new RangeError(`observation must be a finite number, got ${x}`);
    this.count += 1;
    const delta = x - this.mu;
    this.mu += delta / this.count;
    this.m2 += delta * (x - this.mu);
    return this;
  }

  get n(): number {
    return this.count;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.mu;
  }

  /** Sample variance (divisor n − 1); NaN below two observations. */
  get variance(): number {
    return this.count < 2 ? NaN : max(0, this.m2 / (this.count - 1));
  }

  toJSON(): RunningMomentsState {
    return { n: this.count, mean: this.mu, m2: this.m2 };
  }

  static fromJSON(state: RunningMomentsState): RunningMoments {
    const m = new RunningMoments();
    m.count = state.n;
    m.mu = state.mean;
    m.m2 = state.m2;
    return m;
  }
}

export interface RunningMomentsState {
  n: number;
  mean: number;
  m2: number;
}
