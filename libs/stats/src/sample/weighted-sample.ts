import { InvalidArgumentError } from '../errors';

/**
 * A sorted sample with a weight per value: the common currency between exact samples, quantile
 * summaries and t-digest sketches. `rankError` bounds |F_sample(x) - F_population(x)| for every x
 * (0 when the sample is the exact data). Statistics computed from two such samples state the
 * resulting error next to their value.
 */
export interface WeightedSample {
  /** Ascending values. */
  readonly values: Float64Array;
  /** Weight of each value; `null` means every value weighs 1. */
  readonly weights: Float64Array | null;
  /** Number of observations the sample stands for (sum of the weights). */
  readonly count: number;
  /** Bound on the rank (CDF) error of this sample, as a fraction of `count`; 0 when exact. */
  readonly rankError: number;
  /**
   * Bound on the first Wasserstein distance between this sample's distribution and the data's, when
   * known (tighter than rankError × range); absent means use rankError × range.
   */
  readonly wassersteinError?: number;
}

/** The exact weighted sample of raw values (copied and sorted; non-finite values rejected). */
export function exactSample(values: ArrayLike<number>, what = 'sample'): WeightedSample {
  const sorted = Float64Array.from(values as ArrayLike<number>);
  for (let i = 0; i < sorted.length; i++) {
    if (!Number.isFinite(sorted[i])) {
      throw new InvalidArgumentError(`${what}[${i}] is ${sorted[i]}; only finite numbers are allowed`);
    }
  }
  sorted.sort();
  return { values: sorted, weights: null, count: sorted.length, rankError: 0 };
}

export function isWeightedSample(x: unknown): x is WeightedSample {
  return typeof x === 'object' && x !== null && 'values' in x && 'rankError' in x;
}

/** A weighted sample as given, or the exact sample of raw values. */
export function toWeightedSample(x: WeightedSample | ArrayLike<number>, what: string): WeightedSample {
  return isWeightedSample(x) ? x : exactSample(x, what);
}
