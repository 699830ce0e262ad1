import { initMoments, mergeMoments, MOMENT_SLOTS, updateMoments } from '@continuum/stats';

const COUNT = 0;
const MEAN = 1;
const M2 = 2;

/**
 * Running count, mean and variance of a stream: a view over @continuum/stats's moments (Welford
 * updates, Chan–Golub–LeVeque merges), so partial statistics from several partitions combine
 * exactly and with the same arithmetic as the monitor's windows.
 *
 * `variance` is the population variance (divides by n), as scikit-learn's StandardScaler
 * and River's preprocessing.StandardScaler use.
 */
export class RunningMoments {
  private readonly slots = new Float64Array(MOMENT_SLOTS);

  constructor() {
    initMoments(this.slots, 0);
  }

  get count(): number {
    return this.slots[COUNT];
  }

  get mean(): number {
    return this.slots[MEAN];
  }

  /** Sum of squared deviations from the mean. */
  get m2(): number {
    return this.slots[M2];
  }

  update(x: number): void {
    updateMoments(this.slots, 0, x);
  }

  merge(other: RunningMoments): void {
    mergeMoments(this.slots, 0, other.slots, 0);
  }

  get variance(): number {
    return this.count > 0 ? this.m2 / this.count : 0;
  }

  get std(): number {
    return Math.sqrt(this.variance);
  }

  clone(): RunningMoments {
    const m = new RunningMoments();
    m.slots.set(this.slots);
    return m;
  }

  toJSON(): { count: number; mean: number; m2: number } {
    return { count: this.count, mean: this.mean, m2: this.m2 };
  }

  /** From count, mean and M2 (the artifact format; min and max are not kept there). */
  static fromJSON(state: { count: number; mean: number; m2: number }): RunningMoments {
    const m = new RunningMoments();
    m.slots[COUNT] = state.count;
    m.slots[MEAN] = state.mean;
    m.slots[M2] = state.m2;
    return m;
  }
}
