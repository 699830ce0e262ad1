"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DiscordantPairsTest = void 0;
exports.discordantBoundary = discordantBoundary;
const asymptotic_confidence_sequence_1 = require("./asymptotic-confidence-sequence");
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
function discordantBoundary(k, alpha, rho) {
    const r2 = rho * rho;
    const a = k * r2 + 1;
    return sqrt(((2 * a) / r2) * log(sqrt(a) / alpha));
}
/**
 * Sequential test of equal accuracy for paired 0/1 losses on the discordant pairs only (McNemar
 * 1947's reduction, made sequential): of the pairs where exactly one model is right, each is a
 * challenger win with probability 1/2 under H0, so S = wins − losses is a ±1 random walk, tested
 * with the normal-mixture boundary of {@link discordantBoundary} after every pair. Two integers of
 * state. Tests δ = 0 only; a minimum effect needs {@link AsymptoticConfidenceSequence}.
 */
class DiscordantPairsTest {
    alpha;
    rho;
    state;
    constructor(options, state) {
        (0, asymptotic_confidence_sequence_1.checkAlpha)(options.alpha);
        this.alpha = options.alpha;
        this.rho = (0, asymptotic_confidence_sequence_1.optimalRho)(options.alpha, options.tuningPairs);
        this.state = state ? { ...state } : { pairs: 0, challengerWins: 0, championWins: 0 };
    }
    /** One labelled event: each model's 0/1 loss (1 = wrong). */
    update(championLoss, challengerLoss) {
        if (!isZeroOne(championLoss) || !isZeroOne(challengerLoss)) {
            throw new RangeError(`discordant-pairs losses must be 0 or 1, got ${championLoss} and ${challengerLoss}`);
        }
        this.state.pairs += 1;
        if (championLoss > challengerLoss)
            this.state.challengerWins += 1;
        else if (challengerLoss > championLoss)
            this.state.championWins += 1;
        return this;
    }
    get pairs() {
        return this.state.pairs;
    }
    get discordant() {
        return this.state.challengerWins + this.state.championWins;
    }
    get challengerWins() {
        return this.state.challengerWins;
    }
    get championWins() {
        return this.state.championWins;
    }
    /** S = challenger wins − champion wins. */
    get statistic() {
        return this.state.challengerWins - this.state.championWins;
    }
    boundary() {
        return discordantBoundary(this.discordant, this.alpha, this.rho);
    }
    verdict() {
        const k = this.discordant;
        if (k === 0)
            return 'UNDECIDED';
        const s = this.statistic;
        const b = this.boundary();
        if (s >= b)
            return 'CHALLENGER_BETTER';
        if (-s >= b)
            return 'CHAMPION_BETTER';
        return 'UNDECIDED';
    }
    toJSON() {
        return { ...this.state };
    }
}
exports.DiscordantPairsTest = DiscordantPairsTest;
function isZeroOne(x) {
    return x === 0 || x === 1;
}
//# sourceMappingURL=discordant-pairs.js.map