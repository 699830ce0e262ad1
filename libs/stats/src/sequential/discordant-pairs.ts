import { checkAlpha, optimalRho } from './asymptotic-confidence-sequence';

// Math and Number are read once: global lookups are slow inside Jest's VM context.
const { log, sqrt } = Math;

/**
 * Boundary of the normal-mixture test on a ±1 sequence after `k` steps: |S_k| ≥ b(k) with
 *
 *     b(k) = sqrt( 2(kρ² + 1)/ρ² · log( sqrt(kρ² + 1) / α ) )
 *
 * (Robbins 1970, "Statistical methods related to the law of the iterated logarithm"; Howard,
 * Ramdas, McAuliffe & Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic confidence
 * sequences", eq. (14)). ±1 steps with mean 0 are 1-sub-Gaussian, so the bound is exact, not
 * asymptotic.
 */
export function discordantBoundary(k: number, alpha: number, rho: number): number {
  const r2 = rho * rho;
  const a = k * r2 + 1;
  return sqrt(((2 * a) / r2) * log(sqrt(a) / alpha));
}

export interface DiscordantPairsOptions {
  alpha: number;
  /** N* in discordant pairs: where the boundary is tightest. */
  tuningPairs: number;
}

export interface DiscordantPairsState {
  pairs: number;
  challengerWins: number;
  championWins: number;
}

export type DiscordantVerdict = 'CHALLENGER_BETTER' | 'CHAMPION_BETTER' | 'UNDECIDED';

/**
 * Sequential test of equal accuracy for paired 0/1 losses on the discordant pairs only (McNemar
 * 1947's reduction, made sequential): of the pairs where exactly one model is right, each is a
 * challenger win with probability 1/2 under H0, so S = wins − losses is a ±1 random walk, tested
 * with the normal-mixture boundary of {@link discordantBoundary} after every pair. Two integers of
 * state. Tests δ = 0 only; a minimum effect needs {@link AsymptoticConfidenceSequence}.
 */
export class DiscordantPairsTest {
  readonly alpha: number;
  readonly rho: number;
  private state: DiscordantPairsState;

  constructor(options: DiscordantPairsOptions, state?: DiscordantPairsState) {
    checkAlpha(options.alpha);
    this.alpha = options.alpha;
    this.rho = optimalRho(options.alpha, options.tuningPairs);
    this.state = state ? { ...state } : { pairs: 0, challengerWins: 0, championWins: 0 };
  }

  /** One labelled event: each model's 0/1 loss (1 = wrong). */
  update(championLoss: number, challengerLoss: number): this {
    if (!isZeroOne(championLoss) || !isZeroOne(challengerLoss)) {
      throw new RangeError(
        `discordant-pairs losses must be 0 or 1, got ${championLoss} and ${challengerLoss}`,
      );
    }
    this.state.pairs += 1;
    if (championLoss > challengerLoss) this.state.challengerWins += 1;
    else if (challengerLoss > championLoss) this.state.championWins += 1;
    return this;
  }

  get pairs(): number {
    return this.state.pairs;
  }

  get discordant(): number {
    return this.state.challengerWins + this.state.championWins;
  }

  get challengerWins(): number {
    return this.state.challengerWins;
  }

  get championWins(): number {
    return this.state.championWins;
  }

  /** S = challenger wins − champion wins. */
  get statistic(): number {
    return this.state.challengerWins - this.state.championWins;
  }

  boundary(): number {
    return discordantBoundary(this.discordant, this.alpha, this.rho);
  }

  verdict(): DiscordantVerdict {
    const k = this.discordant;
    if (k === 0) return 'UNDECIDED';
    const s = this.statistic;
    const b = this.boundary();
    if (s >= b) return 'CHALLENGER_BETTER';
    if (-s >= b) return 'CHAMPION_BETTER';
    return 'UNDECIDED';
  }

  toJSON(): DiscordantPairsState {
    return { ...this.state };
  }
}

function isZeroOne(x: number): boolean {
  return x === 0 || x === 1;
}
