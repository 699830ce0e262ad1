"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MixtureSprt = void 0;
exports.msprtLogLikelihoodRatio = msprtLogLikelihoodRatio;
const asymptotic_confidence_sequence_1 = require("./asymptotic-confidence-sequence");
const running_moments_1 = require("./running-moments");
// Math and Number are read once: global lookups are slow inside Jest's VM context.
const { exp, log } = Math;
const { isFinite: isFiniteNumber } = Number;
/**
 * Normal-mixture likelihood ratio of the mSPRT (Johari, Koomen, Pekelis & Walsh, "Peeking at A/B
 * tests: why it matters, and what to do about it", KDD 2017, Sec. 4) for H0: mean = θ0 after `n`
 * observations with mean x̄, per-observation variance V and mixing variance τ²:
 *
 *     Λ_n = sqrt( V / (V + nτ²) ) · exp( n²τ²(x̄ − θ0)² / (2V(V + nτ²)) )
 *
 * Returned as log Λ_n (Λ overflows long before the test is over).
 */
function msprtLogLikelihoodRatio(n, mean, theta0, variance, tau2) {
    if (n < 1 || !(variance > 0))
        return 0;
    const d = mean - theta0;
    const s = variance + n * tau2;
    return 0.5 * log(variance / s) + (n * n * tau2 * d * d) / (2 * variance * s);
}
/**
 * Mixture sequential probability ratio test with plug-in variance (Johari et al. 2017): the
 * always-valid p-value p_n = min(1, p_{n−1}, 1/Λ_n) may be read after every observation; rejecting
 * H0 when p_n ≤ α keeps the type-I error at α however often it is looked at.
 */
class MixtureSprt {
    alpha;
    theta0;
    fixedTau2;
    rho2;
    moments;
    logP;
    constructor(options, state) {
        (0, asymptotic_confidence_sequence_1.checkAlpha)(options.alpha);
        if (!isFiniteNumber(options.theta0))
            throw new RangeError(`theta0 must be finite, got ${options.theta0}`);
        this.alpha = options.alpha;
        this.theta0 = options.theta0;
        if (options.tau2 !== undefined) {
            if (!(options.tau2 > 0))
                throw new RangeError(`tau2 must be positive, got ${options.tau2}`);
            this.fixedTau2 = options.tau2;
        }
        else {
            const nStar = options.tuningPairs ?? 10_000;
            if (!(nStar > 0))
                throw new RangeError(`tuningPairs (N*) must be positive, got ${nStar}`);
            const l = -2 * log(options.alpha);
            this.rho2 = (l + log(l + 1)) / nStar;
        }
        this.moments = state ? running_moments_1.RunningMoments.fromJSON(state.moments) : new running_moments_1.RunningMoments();
        this.logP = state ? log(state.pValue) : 0;
    }
    update(x) {
        this.moments.update(x);
        const lr = this.logLikelihoodRatio();
        if (-lr < this.logP)
            this.logP = -lr;
        return this;
    }
    get n() {
        return this.moments.n;
    }
    get mean() {
        return this.moments.mean;
    }
    /** τ² in use: fixed, or ρ²σ̂² with the current variance estimate. */
    get tau2() {
        if (this.fixedTau2 !== undefined)
            return this.fixedTau2;
        const v = this.moments.variance;
        return this.rho2 * v;
    }
    logLikelihoodRatio() {
        const v = this.moments.variance;
        if (!(v > 0))
            return 0;
        return msprtLogLikelihoodRatio(this.moments.n, this.moments.mean, this.theta0, v, this.tau2);
    }
    /** Always-valid p-value (running minimum of 1/Λ). */
    get pValue() {
        return exp(this.logP);
    }
    get rejected() {
        return this.logP <= log(this.alpha);
    }
    toJSON() {
        return { moments: this.moments.toJSON(), pValue: this.pValue };
    }
}
exports.MixtureSprt = MixtureSprt;
//# sourceMappingURL=mixture-sprt.js.map