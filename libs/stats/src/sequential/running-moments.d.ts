/**
 * Running mean and variance by Welford's update (Welford 1962, "Note on a method for calculating
 * corrected sums of squares and products"): numerically stable in one pass.
 */
export declare class RunningMoments {
    private count;
    private mu;
    private m2;
    update(x: number): this;
    get n(): number;
    get mean(): number;
    /** Sample variance (divisor n − 1); NaN below two observations. */
    get variance(): number;
    toJSON(): RunningMomentsState;
    static fromJSON(state: RunningMomentsState): RunningMoments;
}
export interface RunningMomentsState {
    n: number;
    mean: number;
    m2: number;
}
