/**
 * Running count, mean and variance of a stream, updated one value at a time with Welford's
 * algorithm (B. P. Welford, "Note on a method for calculating corrected sums of squares and
 * products", Technometrics 4(3), 1962) and mergeable with the pairwise formula of Chan,
 * Golub & LeVeque ("Updating formulae and a pairwise algorithm for computing sample
 * variances", 1979), so partial statistics from several partitions combine exactly.
 *
 * `variance` is the population variance (divides by n), as scikit-learn's StandardScaler
 * and River's preprocessing.StandardScaler use.
 */
export class RunningMoments {
  count = 0;
  mean = 0;
  /** Sum of squared deviations from the mean. */
  m2 = 0;

  update(x: number): void {
    this.count += 1;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (x - this.mean);
  }

  merge(other: RunningMoments): void {
    if (other.count === 0) return;
    if (this.count === 0) {
      this.count = other.count;
      this.mean = other.mean;
      this.m2 = other.m2;
      return;
    }
    const n = this.count + other.count;
    const delta = other.mean - this.mean;
    this.mean += (delta * other.count) / n;
    this.m2 += other.m2 + (delta * delta * this.count * other.count) / n;
    this.count = n;
  }

  get variance(): number {
    return this.count > 0 ? this.m2 / this.count : 0;
  }

  get std(): number {
    return Math.sqrt(this.variance);
  }

  clone(): RunningMoments {
    return RunningMoments.fromJSON(this.toJSON());
  }

  toJSON(): { count: number; mean: number; m2: number } {
    return { count: this.count, mean: this.mean, m2: this.m2 };
  }

  static fromJSON(state: { count: number; mean: number; m2: number }): RunningMoments {
    const m = new RunningMoments();
    m.count = state.count;
    m.mean = state.mean;
    m.m2 = state.m2;
    return m;
  }
}
