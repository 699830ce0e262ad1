"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SequentialGate = void 0;
exports.validateGateOptions = validateGateOptions;
const asymptotic_confidence_sequence_1 = require("./asymptotic-confidence-sequence");
const discordant_pairs_1 = require("./discordant-pairs");
const mixture_sprt_1 = require("./mixture-sprt");
// Math and Number are read once: global lookups are slow inside Jest's VM context.
const { max, min } = Math;
const { isFinite: isFiniteNumber, isInteger } = Number;
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
class SequentialGate {
    options;
    cs;
    msprt;
    discordant;
    pairs;
    championLossSum;
    challengerLossSum;
    firstEventTime;
    lastEventTime;
    current;
    constructor(options, state) {
        validateGateOptions(options);
        this.options = { ...options };
        const threshold = this.threshold;
        this.cs = new asymptotic_confidence_sequence_1.AsymptoticConfidenceSequence({ alpha: options.alpha, tuningPairs: options.tuningPairs }, state?.differences);
        this.msprt = new mixture_sprt_1.MixtureSprt({ alpha: options.alpha, theta0: threshold, tuningPairs: options.tuningPairs }, state?.msprt);
        this.discordant =
            options.method === 'discordant-pairs'
                ? new discordant_pairs_1.DiscordantPairsTest({ alpha: options.alpha, tuningPairs: options.tuningPairs }, state?.discordant ?? undefined)
                : null;
        this.pairs = state?.pairs ?? 0;
        this.championLossSum = state?.championLossSum ?? 0;
        this.challengerLossSum = state?.challengerLossSum ?? 0;
        this.firstEventTime = state?.firstEventTime ?? null;
        this.lastEventTime = state?.lastEventTime ?? null;
        this.current = state?.verdict ?? { decision: 'CONTINUE', reason: 'MIN_PAIRS' };
    }
    get threshold() {
        return this.options.mode === 'improvement' ? this.options.delta : -this.options.delta;
    }
    get n() {
        return this.pairs;
    }
    get decided() {
        return this.current.decision !== 'CONTINUE';
    }
    /** One labelled event both versions scored: their losses and the event time (ms). */
    update(championLoss, challengerLoss, eventTime) {
        if (!isFiniteNumber(championLoss))
            throw new RangeError(`champion loss must be finite, got ${championLoss}`);
        if (!isFiniteNumber(challengerLoss))
            throw new RangeError(`challenger loss must be finite, got ${challengerLoss}`);
        if (!isFiniteNumber(eventTime))
            throw new RangeError(`event time must be finite, got ${eventTime}`);
        const d = championLoss - challengerLoss;
        this.discordant?.update(championLoss, challengerLoss);
        this.cs.update(d);
        this.msprt.update(d);
        this.pairs += 1;
        this.championLossSum += championLoss;
        this.challengerLossSum += challengerLoss;
        this.firstEventTime = this.firstEventTime === null ? eventTime : min(this.firstEventTime, eventTime);
        this.lastEventTime = this.lastEventTime === null ? eventTime : max(this.lastEventTime, eventTime);
        if (!this.decided)
            this.current = this.evaluate();
        return this.current;
    }
    verdict() {
        return this.current;
    }
    evaluate() {
        const o = this.options;
        const verdict = this.testVerdict();
        if (verdict)
            return verdict;
        if (this.pairs >= o.maxPairs)
            return { decision: 'REJECT', reason: 'MAX_PAIRS' };
        return { decision: 'CONTINUE', reason: 'UNDECIDED' };
    }
    testVerdict() {
        const o = this.options;
        if (this.pairs < o.minPairs)
            return this.pairs >= o.maxPairs ? null : { decision: 'CONTINUE', reason: 'MIN_PAIRS' };
        const span = (this.lastEventTime ?? 0) - (this.firstEventTime ?? 0);
        if (span < o.minDurationMs) {
            return this.pairs >= o.maxPairs ? null : { decision: 'CONTINUE', reason: 'MIN_DURATION' };
        }
        if (this.discordant) {
            const v = this.discordant.verdict();
            if (v === 'CHALLENGER_BETTER')
                return { decision: 'PROMOTE', reason: promoteReason(o.mode) };
            if (v === 'CHAMPION_BETTER')
                return { decision: 'REJECT', reason: 'CHALLENGER_WORSE' };
            return null;
        }
        const { lower, upper } = this.cs.interval();
        const threshold = this.threshold;
        if (lower > threshold)
            return { decision: 'PROMOTE', reason: promoteReason(o.mode) };
        if (upper < threshold) {
            return {
                decision: 'REJECT',
                reason: upper < 0 || o.mode === 'non-inferiority' ? 'CHALLENGER_WORSE' : 'EFFECT_BELOW_DELTA',
            };
        }
        return null;
    }
    evidence() {
        const ci = this.cs.interval();
        const n = this.pairs;
        return {
            method: this.options.method,
            mode: this.options.mode,
            pairs: n,
            meanDifference: n > 0 ? ci.mean : NaN,
            varianceDifference: ci.variance,
            lower: ci.lower,
            upper: ci.upper,
            threshold: this.threshold,
            alpha: this.options.alpha,
            delta: this.options.delta,
            championMeanLoss: n > 0 ? this.championLossSum / n : NaN,
            challengerMeanLoss: n > 0 ? this.challengerLossSum / n : NaN,
            pValue: this.msprt.pValue,
            challengerWins: this.discordant ? this.discordant.challengerWins : null,
            championWins: this.discordant ? this.discordant.championWins : null,
            firstEventTime: this.firstEventTime,
            lastEventTime: this.lastEventTime,
        };
    }
    toJSON() {
        return {
            pairs: this.pairs,
            championLossSum: this.championLossSum,
            challengerLossSum: this.challengerLossSum,
            differences: this.cs.toJSON(),
            msprt: this.msprt.toJSON(),
            discordant: this.discordant ? this.discordant.toJSON() : null,
            firstEventTime: this.firstEventTime,
            lastEventTime: this.lastEventTime,
            verdict: this.current,
        };
    }
}
exports.SequentialGate = SequentialGate;
function promoteReason(mode) {
    return mode === 'improvement' ? 'CHALLENGER_BETTER' : 'CHALLENGER_NON_INFERIOR';
}
/** Throws a RangeError naming the first invalid option. */
function validateGateOptions(o) {
    if (o.method !== 'confidence-sequence' && o.method !== 'discordant-pairs') {
        throw new RangeError(`method must be confidence-sequence or discordant-pairs, got ${String(o.method)}`);
    }
    if (o.mode !== 'improvement' && o.mode !== 'non-inferiority') {
        throw new RangeError(`mode must be improvement or non-inferiority, got ${String(o.mode)}`);
    }
    (0, asymptotic_confidence_sequence_1.checkAlpha)(o.alpha);
    if (!(o.delta >= 0) || !isFiniteNumber(o.delta))
        throw new RangeError(`delta must be ≥ 0, got ${o.delta}`);
    if (o.method === 'discordant-pairs' && o.delta !== 0) {
        throw new RangeError('delta must be 0 with method discordant-pairs (it tests equal accuracy); use confidence-sequence');
    }
    if (!isInteger(o.minPairs) || o.minPairs < 2)
        throw new RangeError(`minPairs must be an integer ≥ 2, got ${o.minPairs}`);
    if (!(o.minDurationMs >= 0))
        throw new RangeError(`minDurationMs must be ≥ 0, got ${o.minDurationMs}`);
    if (!isInteger(o.maxPairs) || o.maxPairs < o.minPairs) {
        throw new RangeError(`maxPairs must be an integer ≥ minPairs (${o.minPairs}), got ${o.maxPairs}`);
    }
    if (!(o.tuningPairs > 0))
        throw new RangeError(`tuningPairs must be positive, got ${o.tuningPairs}`);
}
//# sourceMappingURL=sequential-gate.js.map