import { type RunningMomentsState } from './running-moments';
/**
 * The mixing parameter ρ of the Gaussian-mixture boundary that makes the confidence sequence
 * tightest at `tuningPairs` observations (Waudby-Smith et al. 2021, arXiv 2103.06476, Sec. 2.2;
 * the same tuning as GrowthBook's "N*"):
 *
 *     ρ = sqrt( (−2 log α + log(−2 log α + 1)) / N* )
 */
export declare function optimalRho(alpha: number, tuningPairs: number): number;
/**
 * Half-width of the two-sided asymptotic confidence sequence after `n` observations with sample
 * variance `variance` (Waudby-Smith et al. 2021, Theorem 2.2, with ρ standardised by σ̂ as in
 * GrowthBook's implementation):
 *
 *     half-width = σ̂ · sqrt( 2(nρ² + 1) / (n²ρ²) · log( sqrt(nρ² + 1) / α ) )
 */
export declare function confidenceSequenceHalfWidth(n: number, variance: number, alpha: number, rho: number): number;
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
export declare class AsymptoticConfidenceSequence {
    readonly alpha: number;
    readonly tuningPairs: number;
    readonly rho: number;
    private moments;
    constructor(options: ConfidenceSequenceOptions, state?: RunningMomentsState);
    update(x: number): this;
    get n(): number;
    /** The current interval; infinite below two observations (no variance yet). */
    interval(): ConfidenceInterval;
    toJSON(): RunningMomentsState;
}
export declare function checkAlpha(alpha: number): void;
