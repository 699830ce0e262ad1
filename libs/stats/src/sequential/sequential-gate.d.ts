import { type DiscordantPairsState } from './discordant-pairs';
import { type MixtureSprtState } from './mixture-sprt';
import { type RunningMomentsState } from './running-moments';
export type GateMethod = 'confidence-sequence' | 'discordant-pairs';
/**
 * `improvement`: promote when the challenger is better by more than δ (threshold +δ).
 * `non-inferiority`: promote when the challenger is worse by less than δ (threshold −δ).
 */
export type GateMode = 'improvement' | 'non-inferiority';
export interface GateOptions {
    method: GateMethod;
    mode: GateMode;
    alpha: number;
    /** Minimum effect δ ≥ 0 in loss units (accuracy points / 100 for 0/1 loss). */
    delta: number;
    /** No decision before this many pairs. */
    minPairs: number;
    /** No decision before this much event time between the first and the last pair (ms). */
    minDurationMs: number;
    /** Undecided at this many pairs → the champion stays (REJECT, reason MAX_PAIRS). */
    maxPairs: number;
    /** N*: pairs (discordant pairs for `discordant-pairs`) at which the boundary is tightest. */
    tuningPairs: number;
}
export type GateVerdict = {
    decision: 'CONTINUE';
    reason: 'MIN_PAIRS' | 'MIN_DURATION' | 'UNDECIDED';
} | {
    decision: 'PROMOTE';
    reason: 'CHALLENGER_BETTER' | 'CHALLENGER_NON_INFERIOR';
} | {
    decision: 'REJECT';
    reason: 'CHALLENGER_WORSE' | 'EFFECT_BELOW_DELTA' | 'MAX_PAIRS';
};
export interface GateEvidence {
    method: GateMethod;
    mode: GateMode;
    pairs: number;
    /** Mean of champion loss − challenger loss: positive means the challenger is better. */
    meanDifference: number;
    varianceDifference: number;
    lower: number;
    upper: number;
    /** The decision threshold: +δ (improvement) or −δ (non-inferiority). */
    threshold: number;
    alpha: number;
    delta: number;
    championMeanLoss: number;
    challengerMeanLoss: number;
    /** Always-valid p-value of H0: mean difference = threshold (mSPRT, Johari et al. 2017). */
    pValue: number;
    /** Discordant-pair counts (0/1 losses only). */
    challengerWins: number | null;
    championWins: number | null;
    firstEventTime: number | null;
    lastEventTime: number | null;
}
export interface GateState {
    pairs: number;
    championLossSum: number;
    challengerLossSum: number;
    differences: RunningMomentsState;
    msprt: MixtureSprtState;
    discordant: DiscordantPairsState | null;
    firstEventTime: number | null;
    lastEventTime: number | null;
    verdict: GateVerdict;
}
/**
 * Champion vs challenger on paired per-event losses, decided by an anytime-valid test that may be
 * looked at after every pair. With d_i = loss_champion,i − loss_challenger,i, Δ = E[d] and the
 * threshold θ = +δ (improvement) or −δ (non-inferiority):
 *
 * - CONTINUE while n < minPairs or the event-time span < minDuration;
 * - PROMOTE when the lower bound of the α confidence sequence for Δ exceeds θ;
 * - REJECT when its upper bound falls below θ;
 * - REJECT (champion stays) at maxPairs.
 *
 * `confidence-sequence`: Waudby-Smith et al. 2021 asymptotic CS on d. `discordant-pairs` (0/1 losses,
 * δ = 0): the sequential McNemar test of {@link DiscordantPairsTest}; the CS bounds are still reported.
 * The first decision is final: later updates are counted but do not change it.
 */
export declare class SequentialGate {
    readonly options: GateOptions;
    private cs;
    private msprt;
    private discordant;
    private pairs;
    private championLossSum;
    private challengerLossSum;
    private firstEventTime;
    private lastEventTime;
    private current;
    constructor(options: GateOptions, state?: GateState);
    get threshold(): number;
    get n(): number;
    get decided(): boolean;
    /** One labelled event both versions scored: their losses and the event time (ms). */
    update(championLoss: number, challengerLoss: number, eventTime: number): GateVerdict;
    verdict(): GateVerdict;
    private evaluate;
    private testVerdict;
    evidence(): GateEvidence;
    toJSON(): GateState;
}
/** Throws a RangeError naming the first invalid option. */
export declare function validateGateOptions(o: GateOptions): void;
