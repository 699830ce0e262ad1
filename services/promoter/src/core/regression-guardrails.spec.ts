import { type LabelledExample } from '@continuum/events';
import { seededUniform } from '@continuum/stats';
import {
  evaluateGuardrails,
  emptyGuardrails,
  type GuardrailLimits,
  REGRESSION_REFERENCE_PAIRS,
  RegressionPredictionShift,
  type RegressionShiftState,
  updateGuardrails,
} from './guardrails';
import { PromotionTest, type TestOutcome, type TestRecord } from './promotion-test';
import { TEST_LIMITS as LIMITS, testGate } from './gate-fixtures';

/** A ct.examples record of a regression model: the output is the predicted value. */
function valueExample(
  eventId: string,
  version: string,
  label: number,
  value: number,
  segments: Record<string, string> = {},
): LabelledExample {
  return {
    eventId,
    modelId: 'm',
    modelVersion: version,
    predictionTimestamp: 0,
    labelTimestamp: 1,
    entityId: null,
    numeric: { x: label },
    categorical: {},
    segments,
    output: { score: value, predictedClass: null, classProbabilities: {} },
    label,
  };
}

function regressionGate(limits: Partial<GuardrailLimits> = {}): PromotionTest {
  return testGate({}, limits, { metric: 'squared_error', regression: true });
}

/** Standard normal draws (Box–Muller) from a seeded uniform. */
function normals(seed: number): () => number {
  const u = seededUniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Feeds events until the gate decides: label y, each version's prediction from `predict`. */
function runGate(
  t: PromotionTest,
  seed: number,
  predict: (y: number, z: () => number, i: number) => { champion: number; challenger: number },
  segments: (i: number) => Record<string, string> = () => ({}),
): TestOutcome | null {
  const z = normals(seed);
  for (let i = 0; i < 50_000; i++) {
    const y = 10 + 3 * z();
    const p = predict(y, z, i);
    const outcome =
      t.observe(valueExample(`e${i}`, '1', y, p.champion, segments(i))) ??
      t.observe(valueExample(`e${i}`, '2', y, p.challenger, segments(i)));
    if (outcome) return outcome;
  }
  return null;
}

const guardrail = (o: TestOutcome | null, name: string) => o?.guardrails.find((g) => g.name === name);

describe('prediction shift of a regression model (PSI on the champion’s quantile bins)', () => {
  it('by hand: twenty champion values make ten decile bins; a challenger above them all is in the overflow bin', () => {
    const shift = new RegressionPredictionShift();
    for (let v = 1; v <= 20; v++) shift.update(v, 20.5);
    // champion: 2 values in each of the 10 interior bins, none under or over; challenger: all over
    const eps = 1e-4;
    const expected = 10 * (0.1 - eps) * Math.log(0.1 / eps) + (eps - 1) * Math.log(eps / 1);
    expect(shift.psi()).toBeCloseTo(expected, 12);
  });

  it('is 0 for a challenger predicting what the champion predicts, and unchanged by an increasing affine change of units', () => {
    const z = normals(3);
    const pairs = Array.from({ length: 3000 }, () => {
      const c = 5 + 2 * z();
      return [c, c + 0.8 + 0.5 * z()] as const;
    });
    const same = new RegressionPredictionShift();
    const shifted = new RegressionPredictionShift();
    const rescaled = new RegressionPredictionShift();
    for (const [c, d] of pairs) {
      same.update(c, c);
      shifted.update(c, d);
      rescaled.update(1000 * c - 7, 1000 * d - 7);
    }
    expect(same.psi()).toBe(0);
    expect(shifted.psi()).toBeGreaterThan(0.1);
    expect(rescaled.psi()).toBeCloseTo(shifted.psi()!, 9);
  });

  it('fixes its bins after the reference pairs and keeps its state bounded; a JSON round trip at any point gives the same value', () => {
    const z = normals(5);
    const whole = new RegressionPredictionShift();
    let state: RegressionShiftState = new RegressionPredictionShift().toJSON();
    for (let i = 0; i < 2500; i++) {
      const c = z();
      const d = 0.5 + 1.5 * z();
      whole.update(c, d);
      const restored = new RegressionPredictionShift(
        JSON.parse(JSON.stringify(state)) as RegressionShiftState,
      );
      restored.update(c, d);
      state = restored.toJSON();
      if (i % 250 === 0) expect(restored.psi()).toBeCloseTo(whole.psi()!, 12);
    }
    expect(state.sample).toHaveLength(0);
    expect(state.reference?.binning).toBe('quantile');
    expect(state.champion.reduce((a, b) => a + b, 0)).toBe(2500);
    expect(state.challenger.reduce((a, b) => a + b, 0)).toBe(2500);
    expect(new RegressionPredictionShift(state).psi()).toBeCloseTo(whole.psi()!, 12);
    expect(REGRESSION_REFERENCE_PAIRS).toBeLessThan(2500);
  });

  it('null before the first pair (passes, not measurable); calibration is not judged for a regression model', () => {
    const g = emptyGuardrails(1, true);
    expect(evaluateGuardrails(g, LIMITS).find((r) => r.name === 'prediction_psi')?.value).toBeNull();
    updateGuardrails(g, {
      championScore: 0.3,
      challengerScore: 0.9,
      // a value in [0, 1] with a 0/1 label still is no probability
      championCalibration: { score: 0.3, hit: false },
      challengerCalibration: { score: 0.9, hit: true },
      difference: 0,
      segments: {},
    });
    const results = evaluateGuardrails(g, LIMITS);
    expect(results.find((r) => r.name === 'ece_increase')).toMatchObject({ value: null, passed: true });
    expect(results.find((r) => r.name === 'prediction_psi')?.value).not.toBeNull();
    expect(g.championScores.every((c) => c === 0)).toBe(true);
  });
});

describe('the gate on a regression model (squared error)', () => {
  it('promotes a more accurate challenger whose predictions follow the champion’s distribution', () => {
    // champion biased by +1, challenger unbiased: both spread like the labels
    const outcome = runGate(regressionGate(), 11, (y, z) => ({
      champion: y + 1 + 0.5 * z(),
      challenger: y + 0.5 * z(),
    }));
    expect(outcome?.decision).toBe('PROMOTE');
    expect(guardrail(outcome, 'prediction_psi')).toMatchObject({ passed: true });
    expect(guardrail(outcome, 'prediction_psi')!.value).toBeLessThan(0.5);
    expect(guardrail(outcome, 'ece_increase')).toMatchObject({ value: null, passed: true });
  });

  it('rejects a collapsed challenger (one value for every event) that the loss alone would promote', () => {
    // the champion is off by +4 on every event (MSE ≈ 16.25); the challenger always answers the
    // labels' mean (MSE ≈ 9): better on the loss, useless as a model
    const outcome = runGate(regressionGate(), 12, (y, z) => ({
      champion: y + 4 + 0.5 * z(),
      challenger: 10,
    }));
    expect(outcome?.decision).toBe('REJECT');
    expect(outcome?.reason).toMatch(/^GUARDRAIL: prediction_psi/);
    expect(guardrail(outcome, 'prediction_psi')!.value).toBeGreaterThan(LIMITS.maxPredictionPsi);
  });

  it('the segment guardrail judges squared-error differences: better overall, much worse on one segment → REJECT', () => {
    // us (3 of 4 events): challenger exact, champion off by 1 (d = +1); eu: challenger off by 0.5 (d = −0.25)
    const outcome = runGate(
      regressionGate({ segmentMinPairs: 50 }),
      13,
      (y, _z, i) => (i % 4 === 0 ? { champion: y, challenger: y + 0.5 } : { champion: y + 1, challenger: y }),
      (i) => ({ region: i % 4 === 0 ? 'eu' : 'us' }),
    );
    expect(outcome?.decision).toBe('REJECT');
    expect(outcome?.reason).toMatch(/^GUARDRAIL: segment:region=eu/);
    expect(guardrail(outcome, 'segment:region=eu')?.passed).toBe(false);
    expect(guardrail(outcome, 'segment:region=eu')?.value).toBeCloseTo(-0.25, 12);
    expect(guardrail(outcome, 'segment:region=us')?.passed).toBe(true);
    expect(guardrail(outcome, 'segment:region=us')?.value).toBeCloseTo(1, 12);
    expect(guardrail(outcome, 'prediction_psi')?.passed).toBe(true);
  });

  it('a test restored from its JSON state across the bins being fixed reaches the same decision and PSI', () => {
    const predict = (y: number, z: () => number) => ({ champion: y + 0.3 + z(), challenger: y + z() });
    const whole = runGate(regressionGate(), 14, predict);
    let t = regressionGate();
    const z = normals(14);
    let outcome: TestOutcome | null = null;
    for (let i = 0; i < 50_000 && !outcome; i++) {
      const y = 10 + 3 * z();
      const p = predict(y, z);
      outcome =
        t.observe(valueExample(`e${i}`, '1', y, p.champion)) ??
        t.observe(valueExample(`e${i}`, '2', y, p.challenger));
      if (i % 173 === 0) t = new PromotionTest(JSON.parse(JSON.stringify(t.snapshot())) as TestRecord);
    }
    expect(whole?.decision).toBe('PROMOTE');
    expect(t.evidence().pairs).toBeGreaterThan(REGRESSION_REFERENCE_PAIRS);
    expect(outcome).toEqual(whole);
  });
});
