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
export declare function discordantBoundary(k: number, alpha: number, rho: number): number;
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
export declare class DiscordantPairsTest {
    readonly alpha: number;
    readonly rho: number;
    private state;
    constructor(options: DiscordantPairsOptions, state?: DiscordantPairsState);
    /** One labelled event: each model's 0/1 loss (1 = wrong). */
    update(championLoss: number, challengerLoss: number): this;
    get pairs(): number;
    get discordant(): number;
    get challengerWins(): number;
    get championWins(): number;
    /** S = challenger wins − champion wins. */
    get statistic(): number;
    boundary(): number;
    verdict(): DiscordantVerdict;
    toJSON(): DiscordantPairsState;
}
