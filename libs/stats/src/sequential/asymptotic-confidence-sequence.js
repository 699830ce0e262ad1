"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AsymptoticConfidenceSequence = void 0;
exports.optimalRho = optimalRho;
exports.confidenceSequenceHalfWidth = confidenceSequenceHalfWidth;
exports.checkAlpha = checkAlpha;
const running_moments_1 = require("./running-moments");
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
function optimalRho(alpha, tuningPairs) {
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
function confidenceSequenceHalfWidth(n, variance, alpha, rho) {
    if (n < 1)
        return Infinity;
    const r2 = rho * rho;
    const a = n * r2 + 1;
    return sqrt(variance) * sqrt(((2 * a) / (n * n * r2)) * log(sqrt(a) / alpha));
}
/**
 * Asymptotic confidence sequence for the mean of i.i.d. observations with finite variance
 * (Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, "Time-uniform central limit theory and asymptotic
 * confidence sequences", arXiv 2103.06476, 2021, Theorem 2.2). Unlike a fixed-horizon interval it may
 * be looked at after every observation: P(∃n: mean ∉ [lower_n, upper_n]) ≤ α asymptotically.
 */
class AsymptoticConfidenceSequence {
    alpha;
    tuningPairs;
    rho;
    moments;
    constructor(options, state) {
        this.alpha = options.alpha;
        this.tuningPairs = options.tuningPairs;
        this.rho = optimalRho(options.alpha, options.tuningPairs);
        this.moments = state ? running_moments_1.RunningMoments.fromJSON(state) : new running_moments_1.RunningMoments();
    }
    update(x) {
        this.moments.update(x);
        return this;
    }
    get n() {
        return this.moments.n;
    }
    /** The current interval; infinite below two observations (no variance yet). */
    interval() {
        const n = this.moments.n;
        const mean = this.moments.mean;
        const variance = this.moments.variance;
        if (n < 2)
            return { n, mean, variance, lower: -Infinity, upper: Infinity, halfWidth: Infinity };
        const halfWidth = confidenceSequenceHalfWidth(n, variance, this.alpha, this.rho);
        return { n, mean, variance, lower: mean - halfWidth, upper: mean + halfWidth, halfWidth };
    }
    toJSON() {
        return this.moments.toJSON();
    }
}
exports.AsymptoticConfidenceSequence = AsymptoticConfidenceSequence;
function checkAlpha(alpha) {
    if (!(alpha > 0 && alpha < 1))
        throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
}
//# sourceMappingURL=asymptotic-confidence-sequence.js.map