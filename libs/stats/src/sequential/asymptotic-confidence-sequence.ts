import { RunningMoments, type RunningMomentsState } from './running-moments';

// Math and Number are read once: global lookups are slow inside Jest's VM context.
const { log, sqrt } = Math;
const { isFinite: isFiniteNumber } = Number;

/**
 * The mixing parameter ρ of the Gaussian-mixture boundary that makes the confidence sequence
 * tightest at `tuningPairs` observations (Waudby-Smith et al. 2021, arXiv 2103.06476, Sec. 2.2;
 * the same tuning as GrowthBook's "N*"):
 *
 *     ρ = sqrt( (−2 log α + log(−2 log α + 1)) / N* )
 */
export function optimalRho(alpha: number, tuningPairs: number): number {
  checkAlpha(alpha);
  if (!(tuningPairs > 0) || !isFiniteNumber(tuningPairs)) {
    throw new RangeError(`tuningPairs (N*) must be a positive number, got ${tuningPairs}`);
  }
  const l = -2 * log(alpha);
  return sqrt((l + log(l + 1)) / tuningPairs);
}

/**
 * Half-width of the two-sided asymptotic confidence sequence after `n` observations with sample
 * variance `variance` (Waudby-Smith et al. 2021, Theorem 2.2, with ρ standardised by σ̂ as in
 * GrowthBook's implementation):
 *
 *     half-width = σ̂ · sqrt( 2(nρ² + 1) / (n²ρ²) · log( sqrt(nρ² + 1) / α ) )
 */
export function confidenceSequenceHalfWidth(n: number, variance: number, alpha: number, rho: number): number {
  if (n < 1) return Infinity;
  const r2 = rho * rho;
  const a = n * r2 + 1;
  return sqrt(variance) * sqrt(((2 * a) / (n * n * r2)) * log(sqrt(a) / alpha));
}

export interface ConfidenceSequenceOptions {
  /** Miscoverage: the sequence covers the mean at every n simultaneously with probability ≥ 1 − α. */
  alpha: number;
  /** N*: the number of observations at which the sequence is tightest. */
  tuningPairs: number;
}

export interface ConfidenceInterval {
  n: number;
  mean: number;
  variance: number;
  lower: number;
  upper: number;
  halfWidth: number;
}

/**
 * Asymptotic confidence sequence for the mean of i.i.d. observations with finite variance
 * (Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, "Time-uniform central limit theory and asymptotic
 * confidence sequences", arXiv 2103.06476, 2021, Theorem 2.2). Unlike a fixed-horizon interval it may
 * be looked at after every observation: P(∃n: mean ∉ [lower_n, upper_n]) ≤ α asymptotically.
 */
export class AsymptoticConfidenceSequence {
  readonly alpha: number;
  readonly tuningPairs: number;
  readonly rho: number;
  private moments: RunningMoments;

  constructor(options: ConfidenceSequenceOptions, state?: RunningMomentsState) {
    this.alpha = options.alpha;
    this.tuningPairs = options.tuningPairs;
    this.rho = optimalRho(options.alpha, options.tuningPairs);
    this.moments = state ? RunningMoments.fromJSON(state) : new RunningMoments();
  }

  update(x: number): this {
    this.moments.update(x);
    return this;
  }

  get n(): number {
    return this.moments.n;
  }

  /** The current interval; infinite below two observations (no variance yet). */
  interval(): ConfidenceInterval {
    const n = this.moments.n;
    const mean = this.moments.mean;
    const variance = this.moments.variance;
    if (n < 2) return { n, mean, variance, lower: -Infinity, upper: Infinity, halfWidth: Infinity };
    const halfWidth = confidenceSequenceHalfWidth(n, variance, this.alpha, this.rho);
    return { n, mean, variance, lower: mean - halfWidth, upper: mean + halfWidth, halfWidth };
  }

  toJSON(): RunningMomentsState {
    return this.moments.toJSON();
  }
}

export function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
}
