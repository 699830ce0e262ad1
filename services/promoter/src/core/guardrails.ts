import {
  NumericFeature,
  type NumericFeatureJSON,
  populationStabilityIndex,
  ReferenceProfileBuilder,
} from '@continuum/drift';
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

/** Pairs whose champion predictions fix the bins of a regression model's prediction PSI. */
export const REGRESSION_REFERENCE_PAIRS = 1_000;

export interface RegressionShiftState {
  /** [champion, challenger] predictions of the first pairs, kept until the bins are fixed. */
  sample: Array<[number, number]>;
  /** The champion's reference distribution over the first REGRESSION_REFERENCE_PAIRS pairs (null before). */
  reference: NumericFeatureJSON | null;
  /** Counts over the reference's bins (underflow, interior bins, overflow) once it is fixed. */
  champion: number[];
  challenger: number[];
}

/**
 * Prediction shift of a regression challenger: PSI of its predictions against the champion's on the
 * same events, over bins fixed from the champion's own predictions — the deciles of its first
 * REGRESSION_REFERENCE_PAIRS predictions, plus under- and overflow bins (one bin per value when it
 * predicted at most 10 distinct values), built by @continuum/drift's reference profile exactly as
 * the monitor bins a numeric prediction. A regression output has no natural range, so the
 * classifier's equal-width bins of [0, 1] do not apply. Until the bins are fixed the value is
 * computed from the pairs seen so far, with bins from their champion deciles.
 */
export class RegressionPredictionShift {
  constructor(private readonly state: RegressionShiftState = emptyRegressionShift()) {}

  update(champion: number, challenger: number): void {
    const s = this.state;
    if (!s.reference) {
      s.sample.push([champion, challenger]);
      if (s.sample.length < REGRESSION_REFERENCE_PAIRS) return;
      const counted = countedOnReference(s.sample);
      s.reference = counted.reference;
      s.champion = counted.champion;
      s.challenger = counted.challenger;
      s.sample = [];
      return;
    }
    const bins = binsOf(s.reference);
    s.champion[bins.bin(champion)] += 1;
    s.challenger[bins.bin(challenger)] += 1;
  }

  /** PSI(champion ‖ challenger), or null before the first pair. */
  psi(): number | null {
    const s = this.state;
    if (s.reference) return populationStabilityIndex(s.champion, s.challenger);
    if (s.sample.length === 0) return null;
    const counted = countedOnReference(s.sample);
    return populationStabilityIndex(counted.champion, counted.challenger);
  }

  toJSON(): RegressionShiftState {
    return this.state;
  }
}

export function emptyRegressionShift(): RegressionShiftState {
  return { sample: [], reference: null, champion: [], challenger: [] };
}

/** The live bins of a fixed reference, kept per state object (rebuilt after a restore). */
const binCache = new WeakMap<NumericFeatureJSON, NumericFeature>();

function binsOf(reference: NumericFeatureJSON): NumericFeature {
  let f = binCache.get(reference);
  if (!f) binCache.set(reference, (f = new NumericFeature(reference)));
  return f;
}

function countedOnReference(sample: ReadonlyArray<readonly [number, number]>): {
  reference: NumericFeatureJSON;
  champion: number[];
  challenger: number[];
} {
  // summarySize 1: only the bins are needed, not the quantile summary the monitor's KS uses.
  const builder = new ReferenceProfileBuilder({ bins: BINS, summarySize: 1 });
  for (const [champion] of sample) builder.observe({ prediction: champion });
  const feature = builder.build().prediction as NumericFeature;
  const champion = new Array<number>(feature.interiorBins + 2).fill(0);
  const challenger = new Array<number>(feature.interiorBins + 2).fill(0);
  for (const [c, d] of sample) {
    champion[feature.bin(c)] += 1;
    challenger[feature.bin(d)] += 1;
  }
  return { reference: feature.json as NumericFeatureJSON, champion, challenger };
}

export interface GuardrailState {
  championCalibration: CalibrationState;
  challengerCalibration: CalibrationState;
  championScores: number[];
  challengerScores: number[];
  /** Present for a regression model: its prediction shift on champion-quantile bins (above). */
  regressionShift?: RegressionShiftState;
  segments: Record<string, RunningMomentsState>;
  latencyP99Ms: number | null;
}

/**
 * Empty accumulators. `regression`: the model predicts a value (task REGRESSION), so the prediction
 * shift is measured on champion-quantile bins and calibration is not judged.
 */
export function emptyGuardrails(latencyP99Ms: number | null, regression = false): GuardrailState {
  return {
    championCalibration: emptyCalibration(),
    challengerCalibration: emptyCalibration(),
    championScores: new Array(BINS).fill(0),
    challengerScores: new Array(BINS).fill(0),
    ...(regression ? { regressionShift: emptyRegressionShift() } : {}),
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
  if (g.regressionShift) {
    const finite = (s: number | null): s is number => s !== null && Number.isFinite(s);
    if (finite(pair.championScore) && finite(pair.challengerScore))
      new RegressionPredictionShift(g.regressionShift).update(pair.championScore, pair.challengerScore);
  } else {
    const bin = (s: number): number => Math.min(BINS - 1, Math.max(0, Math.floor(s * BINS)));
    const scoreInUnit = (s: number | null): s is number => s !== null && s >= 0 && s <= 1;
    if (scoreInUnit(pair.championScore)) g.championScores[bin(pair.championScore)] += 1;
    if (scoreInUnit(pair.challengerScore)) g.challengerScores[bin(pair.challengerScore)] += 1;
    const c = pair.championCalibration;
    const d = pair.challengerCalibration;
    if (c) new CalibrationAccumulator(g.championCalibration).update(c.score, c.hit);
    if (d) new CalibrationAccumulator(g.challengerCalibration).update(d.score, d.hit);
  }
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
    detail: g.regressionShift
      ? 'not judged: a regression model'
      : champion === null || challenger === null
        ? null
        : `champion ECE ${fmt(champion)}, challenger ECE ${fmt(challenger)}`,
  });
  const shift = g.regressionShift
    ? new RegressionPredictionShift(g.regressionShift).psi()
    : predictionShift(g.championScores, g.challengerScores);
  results.push({
    name: 'prediction_psi',
    value: shift,
    limit: limits.maxPredictionPsi,
    passed: shift === null || shift <= limits.maxPredictionPsi,
    detail: g.regressionShift
      ? g.regressionShift.reference
        ? `PSI of the challenger’s predictions against the champion’s on the same events, bins: the champion’s deciles over its first ${REGRESSION_REFERENCE_PAIRS} pairs`
        : `PSI of the challenger’s predictions against the champion’s on the same events, bins: the champion’s deciles over the ${g.regressionShift.sample.length} pairs so far`
      : 'PSI of the challenger’s scores against the champion’s on the same events',
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
