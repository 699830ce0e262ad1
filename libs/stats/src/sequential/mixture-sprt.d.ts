import { type RunningMomentsState } from './running-moments';
/**
 * Normal-mixture likelihood ratio of the mSPRT (Johari, Koomen, Pekelis & Walsh, "Peeking at A/B
 * tests: why it matters, and what to do about it", KDD 2017, Sec. 4) for H0: mean = θ0 after `n`
 * observations with mean x̄, per-observation variance V and mixing variance τ²:
 *
 *     Λ_n = sqrt( V / (V + nτ²) ) · exp( n²τ²(x̄ − θ0)² / (2V(V + nτ²)) )
 *
 * Returned as log Λ_n (Λ overflows long before the test is over).
 */
export declare function msprtLogLikelihoodRatio(n: number, mean: number, theta0: number, variance: number, tau2: number): number;
export interface MixtureSprtOptions {
    alpha: number;
    /** The null mean θ0. */
    theta0: number;
    /**
     * Mixing variance τ² of the effect. Default: standardised, τ² = ρ²σ̂² with ρ from N*
     * (`tuningPairs`), which makes the test the exact dual of {@link AsymptoticConfidenceSequence}.
     */
    tau2?: number;
    /** N* for the standardised default mixing variance; ignored when `tau2` is given. */
    tuningPairs?: number;
}
export interface MixtureSprtState {
    moments: RunningMomentsState;
    pValue: number;
}
/**
 * Mixture sequential probability ratio test with plug-in variance (Johari et al. 2017): the
 * always-valid p-value p_n = min(1, p_{n−1}, 1/Λ_n) may be read after every observation; rejecting
 * H0 when p_n ≤ α keeps the type-I error at α however often it is looked at.
 */
export declare class MixtureSprt {
    readonly alpha: number;
    readonly theta0: number;
    private readonly fixedTau2;
    private readonly rho2;
    private moments;
    private logP;
    constructor(options: MixtureSprtOptions, state?: MixtureSprtState);
    update(x: number): this;
    get n(): number;
    get mean(): number;
    /** τ² in use: fixed, or ρ²σ̂² with the current variance estimate. */
    get tau2(): number;
    logLikelihoodRatio(): number;
    /** Always-valid p-value (running minimum of 1/Λ). */
    get pValue(): number;
    get rejected(): boolean;
    toJSON(): MixtureSprtState;
}
