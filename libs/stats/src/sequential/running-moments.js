"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RunningMoments = void 0;
// Math and Number are read once: global lookups are slow inside Jest's VM context.
const { max } = Math;
const { isFinite: isFiniteNumber } = Number;
/**
 * Running mean and variance by Welford's update (Welford 1962, "Note on a method for calculating
 * corrected sums of squares and products"): numerically stable in one pass.
 */
class RunningMoments {
    count = 0;
    mu = 0;
    m2 = 0;
    update(x) {
        if (!isFiniteNumber(x))
            throw new RangeError(`observation must be a finite number, got ${x}`);
        this.count += 1;
        const delta = x - this.mu;
        this.mu += delta / this.count;
        this.m2 += delta * (x - this.mu);
        return this;
    }
    get n() {
        return this.count;
    }
    get mean() {
        return this.count === 0 ? NaN : this.mu;
    }
    /** Sample variance (divisor n − 1); NaN below two observations. */
    get variance() {
        return this.count < 2 ? NaN : max(0, this.m2 / (this.count - 1));
    }
    toJSON() {
        return { n: this.count, mean: this.mu, m2: this.m2 };
    }
    static fromJSON(state) {
        const m = new RunningMoments();
        m.count = state.n;
        m.mu = state.mean;
        m.m2 = state.m2;
        return m;
    }
}
exports.RunningMoments = RunningMoments;
//# sourceMappingURL=running-moments.js.map