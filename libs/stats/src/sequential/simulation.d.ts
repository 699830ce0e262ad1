import { type GateOptions } from './sequential-gate';
/** mulberry32 (Tommy Ettinger, public domain): a small seeded generator for simulations. */
export declare function seededUniform(seed: number): () => number;
export interface PairedAccuracyScenario {
    /** Champion accuracy. */
    championAccuracy: number;
    /** Challenger accuracy − champion accuracy (0.01 = one accuracy point). */
    effect: number;
    /** P(exactly one model is right): how often the two disagree. */
    discordance: number;
}
/**
 * Paired 0/1 losses of two classifiers on the same events: P(challenger right, champion wrong) =
 * (π + e)/2, P(champion right, challenger wrong) = (π − e)/2, the rest concordant with the
 * champion's accuracy fixed. Returns a generator of [championLoss, challengerLoss].
 */
export declare function pairedAccuracyLosses(s: PairedAccuracyScenario, uniform: () => number): () => [number, number];
export interface ReplicationSummary {
    replications: number;
    promoted: number;
    rejected: number;
    undecided: number;
    promoteRate: number;
    rejectRate: number;
    /** Median pairs until the decision, undecided runs counted at the horizon (maxPairs). */
    medianPairsToDecision: number;
    /** Median pairs of the runs that promoted (NaN when none did). */
    medianPairsToPromotion: number;
}
/** Runs the gate on `replications` seeded streams, every pair looked at. */
export declare function simulateGate(options: GateOptions, scenario: PairedAccuracyScenario, replications: number, seed: number): ReplicationSummary;
export interface PeekedTestOptions {
    /** Two-sided critical value of the fixed-horizon test, e.g. z_{1−α/2}. */
    criticalValue: number;
    peekEvery: number;
    maxPairs: number;
}
/**
 * The practice the sequential gate replaces: a fixed-horizon paired t-test (normal critical value;
 * n ≥ 100 at every look) recomputed every `peekEvery` pairs, stopping at the first significant look.
 */
export declare function simulatePeekedTTest(options: PeekedTestOptions, scenario: PairedAccuracyScenario, replications: number, seed: number): ReplicationSummary;
