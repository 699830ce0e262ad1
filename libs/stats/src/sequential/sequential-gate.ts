import { AsymptoticConfidenceSequence, checkAlpha } from './asymptotic-confidence-sequence';
import { DiscordantPairsTest, type DiscordantPairsState } from './discordant-pairs';
import { MixtureSprt, type MixtureSprtState } from './mixture-sprt';
import { type RunningMomentsState } from './running-moments';

// Math and Number are read once: global lookups are slow inside Jest's VM context.
const { max, min } = Math;
const { isFinite: isFiniteNumber, isInteger } = Number;

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

export type GateVerdict =
  | { decision: 'CONTINUE'; reason: 'MIN_PAIRS' | 'MIN_DURATION' | 'UNDECIDED' }
  | { decision: 'PROMOTE'; reason: 'CHALLENGER_BETTER' | 'CHALLENGER_NON_INFERIOR' }
  | { decision: 'REJECT'; reason: 'CHALLENGER_WORSE' | 'EFFECT_BELOW_DELTA' | 'MAX_PAIRS' };

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
export class SequentialGate {
  readonly options: GateOptions;
  private cs: AsymptoticConfidenceSequence;
  private msprt: MixtureSprt;
  private discordant: DiscordantPairsTest | null;
  private pairs: number;
  private championLossSum: number;
  private challengerLossSum: number;
  private firstEventTime: number | null;
  private lastEventTime: number | null;
  private current: GateVerdict;

  constructor(options: GateOptions, state?: GateState) {
    validateGateOptions(options);
    this.options = { ...options };
    const threshold = this.threshold;
    this.cs = new AsymptoticConfidenceSequence(
      { alpha: options.alpha, tuningPairs: options.tuningPairs },
      state?.differences,
    );
    this.msprt = new MixtureSprt(
      { alpha: options.alpha, theta0: threshold, tuningPairs: options.tuningPairs },
      state?.msprt,
    );
    this.discordant =
      options.method === 'discordant-pairs'
        ? new DiscordantPairsTest(
            { alpha: options.alpha, tuningPairs: options.tuningPairs },
            state?.discordant ?? undefined,
          )
        : null;
    this.pairs = state?.pairs ?? 0;
    this.championLossSum = state?.championLossSum ?? 0;
    this.challengerLossSum = state?.challengerLossSum ?? 0;
    this.firstEventTime = state?.firstEventTime ?? null;
    this.lastEventTime = state?.lastEventTime ?? null;
    this.current = state?.verdict ?? { decision: 'CONTINUE', reason: 'MIN_PAIRS' };
  }

  get threshold(): number {
    return this.options.mode === 'improvement' ? this.options.delta : -this.options.delta;
  }

  get n(): number {
    return this.pairs;
  }

  get decided(): boolean {
    return this.current.decision !== 'CONTINUE';
  }

  /** One labelled event both versions scored: their losses and the event time (ms). */
  update(championLoss: number, challengerLoss: number, eventTime: number): GateVerdict {
    if (!isFiniteNumber(championLoss))
      throw new RangeError(`champion loss must be finite, got ${championLoss}`);
    if (!isFiniteNumber(challengerLoss))
      throw new RangeError(`challenger loss must be finite, got ${challengerLoss}`);
    if (!isFiniteNumber(eventTime)) throw new RangeError(`event time must be finite, got ${eventTime}`);
    const d = championLoss - challengerLoss;
    this.discordant?.update(championLoss, challengerLoss);
    this.cs.update(d);
    this.msprt.update(d);
    this.pairs += 1;
    this.championLossSum += championLoss;
    this.challengerLossSum += challengerLoss;
    this.firstEventTime = this.firstEventTime === null ? eventTime : min(this.firstEventTime, eventTime);
    this.lastEventTime = this.lastEventTime === null ? eventTime : max(this.lastEventTime, eventTime);
    if (!this.decided) this.current = this.evaluate();
    return this.current;
  }

  verdict(): GateVerdict {
    return this.current;
  }

  private evaluate(): GateVerdict {
    const o = this.options;
    const verdict = this.testVerdict();
    if (verdict) return verdict;
    if (this.pairs >= o.maxPairs) return { decision: 'REJECT', reason: 'MAX_PAIRS' };
    return { decision: 'CONTINUE', reason: 'UNDECIDED' };
  }

  private testVerdict(): GateVerdict | null {
    const o = this.options;
    if (this.pairs < o.minPairs)
      return this.pairs >= o.maxPairs ? null : { decision: 'CONTINUE', reason: 'MIN_PAIRS' };
    const span = (this.lastEventTime ?? 0) - (this.firstEventTime ?? 0);
    if (span < o.minDurationMs) {
      return this.pairs >= o.maxPairs ? null : { decision: 'CONTINUE', reason: 'MIN_DURATION' };
    }
    if (this.discordant) {
      const v = this.discordant.verdict();
      if (v === 'CHALLENGER_BETTER') return { decision: 'PROMOTE', reason: promoteReason(o.mode) };
      if (v === 'CHAMPION_BETTER') return { decision: 'REJECT', reason: 'CHALLENGER_WORSE' };
      return null;
    }
    const { lower, upper } = this.cs.interval();
    const threshold = this.threshold;
    if (lower > threshold) return { decision: 'PROMOTE', reason: promoteReason(o.mode) };
    if (upper < threshold) {
      return {
        decision: 'REJECT',
        reason: upper < 0 || o.mode === 'non-inferiority' ? 'CHALLENGER_WORSE' : 'EFFECT_BELOW_DELTA',
      };
    }
    return null;
  }

  evidence(): GateEvidence {
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

  toJSON(): GateState {
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

function promoteReason(mode: GateMode): 'CHALLENGER_BETTER' | 'CHALLENGER_NON_INFERIOR' {
  return mode === 'improvement' ? 'CHALLENGER_BETTER' : 'CHALLENGER_NON_INFERIOR';
}

/** Throws a RangeError naming the first invalid option. */
export function validateGateOptions(o: GateOptions): void {
  if (o.method !== 'confidence-sequence' && o.method !== 'discordant-pairs') {
    throw new RangeError(`method must be confidence-sequence or discordant-pairs, got ${String(o.method)}`);
  }
  if (o.mode !== 'improvement' && o.mode !== 'non-inferiority') {
    throw new RangeError(`mode must be improvement or non-inferiority, got ${String(o.mode)}`);
  }
  checkAlpha(o.alpha);
  if (!(o.delta >= 0) || !isFiniteNumber(o.delta)) throw new RangeError(`delta must be ≥ 0, got ${o.delta}`);
  if (o.method === 'discordant-pairs' && o.delta !== 0) {
    throw new RangeError(
      'delta must be 0 with method discordant-pairs (it tests equal accuracy); use confidence-sequence',
    );
  }
  if (!isInteger(o.minPairs) || o.minPairs < 2)
    throw new RangeError(`minPairs must be an integer ≥ 2, got ${o.minPairs}`);
  if (!(o.minDurationMs >= 0)) throw new RangeError(`minDurationMs must be ≥ 0, got ${o.minDurationMs}`);
  if (!isInteger(o.maxPairs) || o.maxPairs < o.minPairs) {
    throw new RangeError(`maxPairs must be an integer ≥ minPairs (${o.minPairs}), got ${o.maxPairs}`);
  }
  if (!(o.tuningPairs > 0)) throw new RangeError(`tuningPairs must be positive, got ${o.tuningPairs}`);
}
