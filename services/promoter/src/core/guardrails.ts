import { populationStabilityIndex } from '@continuum/drift';
import { RunningMoments, type RunningMomentsState } from '@continuum/stats';

/** Calibration, prediction-shift and segment guardrail limits (loss units as the gate's). */
export interface GuardrailLimits {
  /** p99 single-event latency of the challenger measured by the infrastructure check (ms). */
  maxLatencyP99Ms: number;
  /** Largest allowed increase of expected calibration error, challenger − champion. */
  maxEceIncrease: number;
  /** Largest PSI between the champion's and the challenger's score distributions on the same events. */
  maxPredictionPsi: number;
  /** No segment's mean loss difference below −margin (challenger worse by more than the margin). */
  segmentMargin: number;
  /** Segments with fewer pairs are not judged. */
  segmentMinPairs: number;
}

export interface GuardrailResult {
  name: string;
  value: number | null;
  limit: number;
  passed: boolean;
  detail: string | null;
}

const BINS = 10;

/**
 * Expected calibration error with 10 equal-width bins (Naeini, Cooper & Hauskrecht 2015):
 * ECE = Σ_b (n_b / n) · |mean confidence_b − accuracy_b|: on P(positive) against the positive rate
 * for binary models, on the top-class probability against its accuracy for multiclass ones.
 */
export class CalibrationAccumulator {
  constructor(private readonly state: CalibrationState = emptyCalibration()) {}

  /** `score`: P(positive) (binary) or the top-class probability; `positive`: the label is positive / the top class is right. */
  update(score: number, positive: boolean): void {
    const b = Math.min(BINS - 1, Math.max(0, Math.floor(score * BINS)));
    this.state.count[b] += 1;
    this.state.scoreSum[b] += score;
    this.state.positives[b] += positive ? 1 : 0;
  }

  get n(): number {
    return this.state.count.reduce((a, b) => a + b, 0);
  }

  ece(): number | null {
    const n = this.n;
    if (n === 0) return null;
    let e = 0;
    for (let b = 0; b < BINS; b++) {
      const c = this.state.count[b];
      if (c > 0) e += (c / n) * Math.abs(this.state.scoreSum[b] / c - this.state.positives[b] / c);
    }
    return e;
  }

  toJSON(): CalibrationState {
    return this.state;
  }
}

export interface CalibrationState {
  count: number[];
  scoreSum: number[];
  positives: number[];
}

function emptyCalibration(): CalibrationState {
  return {
    count: new Array(BINS).fill(0),
    scoreSum: new Array(BINS).fill(0),
    positives: new Array(BINS).fill(0),
  };
}

/**
 * PSI of the challenger's score histogram against the champion's (10 equal-width bins of [0, 1]):
 * @continuum/drift's PSI, which replaces an empty bin's proportion by 1e−4; null while either
 * histogram is empty (not measurable yet).
 */
export function predictionShift(champion: readonly number[], challenger: readonly number[]): number | null {
  const empty = (h: readonly number[]): boolean => h.every((c) => c === 0);
  return empty(champion) || empty(challenger) ? null : populationStabilityIndex(champion, challenger);
}

export interface GuardrailState {
  championCalibration: CalibrationState;
  challengerCalibration: CalibrationState;
  championScores: number[];
  challengerScores: number[];
  segments: Record<string, RunningMomentsState>;
  latencyP99Ms: number | null;
}

export function emptyGuardrails(latencyP99Ms: number | null): GuardrailState {
  return {
    championCalibration: emptyCalibration(),
    challengerCalibration: emptyCalibration(),
    championScores: new Array(BINS).fill(0),
    challengerScores: new Array(BINS).fill(0),
    segments: {},
    latencyP99Ms,
  };
}

/** Most segment values tracked per test; later ones are not judged (bounded state). */
export const MAX_SEGMENTS = 200;

/** One labelled event into the guardrail accumulators (both versions' scores and the loss difference). */
export function updateGuardrails(
  g: GuardrailState,
  pair: {
    championScore: number | null;
    challengerScore: number | null;
    championCalibration: { score: number; hit: boolean } | null;
    challengerCalibration: { score: number; hit: boolean } | null;
    difference: number;
    segments: Record<string, string>;
  },
): void {
  const bin = (s: number): number => Math.min(BINS - 1, Math.max(0, Math.floor(s * BINS)));
  const scoreInUnit = (s: number | null): s is number => s !== null && s >= 0 && s <= 1;
  if (scoreInUnit(pair.championScore)) g.championScores[bin(pair.championScore)] += 1;
  if (scoreInUnit(pair.challengerScore)) g.challengerScores[bin(pair.challengerScore)] += 1;
  const c = pair.championCalibration;
  const d = pair.challengerCalibration;
  if (c) new CalibrationAccumulator(g.championCalibration).update(c.score, c.hit);
  if (d) new CalibrationAccumulator(g.challengerCalibration).update(d.score, d.hit);
  for (const [key, value] of Object.entries(pair.segments)) {
    const name = `${key}=${value}`;
    let s = g.segments[name];
    if (!s) {
      if (Object.keys(g.segments).length >= MAX_SEGMENTS) continue;
      s = g.segments[name] = new RunningMoments().toJSON();
    }
    g.segments[name] = RunningMoments.fromJSON(s).update(pair.difference).toJSON();
  }
}

/** Every guardrail's value against its limit; a null value (not measurable) passes. */
export function evaluateGuardrails(g: GuardrailState, limits: GuardrailLimits): GuardrailResult[] {
  const results: GuardrailResult[] = [];
  results.push({
    name: 'latency_p99_ms',
    value: g.latencyP99Ms,
    limit: limits.maxLatencyP99Ms,
    passed: g.latencyP99Ms === null || g.latencyP99Ms <= limits.maxLatencyP99Ms,
    detail: 'challenger single-event p99 in the infrastructure check',
  });
  const champion = new CalibrationAccumulator(g.championCalibration).ece();
  const challenger = new CalibrationAccumulator(g.challengerCalibration).ece();
  const eceIncrease = champion === null || challenger === null ? null : challenger - champion;
  results.push({
    name: 'ece_increase',
    value: eceIncrease,
    limit: limits.maxEceIncrease,
    passed: eceIncrease === null || eceIncrease <= limits.maxEceIncrease,
    detail:
      champion === null || challenger === null
        ? null
        : `champion ECE ${fmt(champion)}, challenger ECE ${fmt(challenger)}`,
  });
  const shift = predictionShift(g.championScores, g.challengerScores);
  results.push({
    name: 'prediction_psi',
    value: shift,
    limit: limits.maxPredictionPsi,
    passed: shift === null || shift <= limits.maxPredictionPsi,
    detail: 'PSI of the challenger’s scores against the champion’s on the same events',
  });
  for (const [name, state] of Object.entries(g.segments)) {
    const m = RunningMoments.fromJSON(state);
    if (m.n < limits.segmentMinPairs) continue;
    const passed = m.mean >= -limits.segmentMargin;
    results.push({
      name: `segment:${name}`,
      value: m.mean,
      limit: -limits.segmentMargin,
      passed,
      detail: `${m.n} pairs; mean champion loss − challenger loss`,
    });
  }
  return results;
}

function fmt(x: number): string {
  return x.toFixed(4);
}
