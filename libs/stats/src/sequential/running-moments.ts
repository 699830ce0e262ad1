import { initMoments, mergeMoments, MOMENT_SLOTS, updateMoments } from '../moments/moments';

// Math and Number are read once: global lookups are slow inside Jest's VM context.
const { max } = Math;
const { isFinite: isFiniteNumber } = Number;

// The slots of ../moments/moments.ts this class reads (count, mean, M2).
const COUNT = 0;
const MEAN = 1;
const M2 = 2;

/**
 * Running mean and sample variance of a stream: a view over the moments accumulator
 * (../moments/moments.ts, Welford's update: Welford 1962, "Note on a method for calculating
 * corrected sums of squares and products"), numerically stable in one pass; merges follow Chan, Golub &
 * LeVeque (1979), so partial moments from several partitions combine exactly in real arithmetic.
 */
export class RunningMoments {
  private readonly slots = new Float64Array(MOMENT_SLOTS);

  constructor() {
    initMoments(this.slots, 0);
  }

  update(x: number): this {
    if (!isFiniteNumber(x)) throw new RangeError(`observation must be a finite number, got ${x}`);
    updateMoments(this.slots, 0, x);
    return this;
  }

  /** Adds another stream's moments into this one. */
  merge(other: RunningMoments): this {
    mergeMoments(this.slots, 0, other.slots, 0);
    return this;
  }

  get n(): number {
    return this.slots[COUNT];
  }

  get mean(): number {
    return this.n === 0 ? NaN : this.slots[MEAN];
  }

  /** Sample variance (divisor n − 1); NaN below two observations. */
  get variance(): number {
    return this.n < 2 ? NaN : max(0, this.slots[M2] / (this.n - 1));
  }

  /** Population variance (divisor n, as scikit-learn's and River's StandardScaler); NaN when empty. */
  get populationVariance(): number {
    return this.n === 0 ? NaN : max(0, this.slots[M2] / this.n);
  }

  toJSON(): RunningMomentsState {
    return { n: this.n, mean: this.slots[MEAN], m2: this.slots[M2] };
  }

  static fromJSON(state: RunningMomentsState): RunningMoments {
    const m = new RunningMoments();
    m.slots[COUNT] = state.n;
    m.slots[MEAN] = state.mean;
    m.slots[M2] = state.m2;
    return m;
  }
}

export interface RunningMomentsState {
  n: number;
  mean: number;
  m2: number;
}
