import { createHash } from 'node:crypto';
import { type LabelledExample } from '@continuum/events';
import { encodeModelArtifact, LogisticRegression } from '@continuum/learning';
import { seededUniform } from '@continuum/stats';
import { promotionDecision, gateDecisionId } from './decision-event';
import { CalibrationAccumulator, evaluateGuardrails, emptyGuardrails, predictionShift } from './guardrails';
import { infraCheck } from './infra-check';
import { calibrationPoint, exampleLoss } from './losses';
import { newTest, PromotionTest, type TestRecord } from './promotion-test';
import { TEST_GATE as GATE, TEST_LIMITS as LIMITS, testGate } from './gate-fixtures';

function example(
  eventId: string,
  version: string,
  label: number,
  score: number,
  segments: Record<string, string> = {},
  t = 0,
): LabelledExample {
  return {
    eventId,
    modelId: 'm',
    modelVersion: version,
    predictionTimestamp: t,
    labelTimestamp: t + 1,
    entityId: null,
    numeric: { x1: score, x2: 0 },
    categorical: {},
    segments,
    output: {
      score,
      predictedClass: score > 0.5 ? '1' : '0',
      classProbabilities: { '0': 1 - score, '1': score },
    },
    label,
  };
}

/** A stream where the champion is right with probability pc and the challenger with pd (same events). */
function stream(
  n: number,
  pc: number,
  pd: number,
  seed: number,
  segment?: (i: number) => Record<string, string>,
) {
  const u = seededUniform(seed);
  const out: Array<[LabelledExample, LabelledExample]> = [];
  for (let i = 0; i < n; i++) {
    const label = u() < 0.5 ? 1 : 0;
    const r = u();
    const right = (p: number): number => (r < p ? label : 1 - label);
    const champion = right(pc);
    const challenger = right(pd);
    const seg = segment?.(i) ?? {};
    out.push([
      example(`e${i}`, '1', label, champion === 1 ? 0.8 : 0.2, seg, i * 1000),
      example(`e${i}`, '2', label, challenger === 1 ? 0.8 : 0.2, seg, i * 1000),
    ]);
  }
  return out;
}

const gateTest = testGate;

describe('losses', () => {
  it('zero-one, log loss and squared error of one prediction', () => {
    const e = example('a', '1', 1, 0.8);
    expect(exampleLoss('zero_one', e)).toBe(0);
    expect(exampleLoss('zero_one', { ...e, label: 0 })).toBe(1);
    expect(exampleLoss('log_loss', e)).toBeCloseTo(-Math.log(0.8), 12);
    expect(exampleLoss('log_loss', { ...e, label: 0 })).toBeCloseTo(-Math.log(0.2), 12);
    expect(exampleLoss('squared_error', { ...e, label: 3 })).toBeCloseTo((0.8 - 3) ** 2, 12);
    expect(
      exampleLoss('log_loss', {
        output: { score: null, predictedClass: 'a', classProbabilities: {} },
        label: 'a',
      }),
    ).toBeNull();
  });
});

describe('guardrails', () => {
  it('ECE and PSI by hand', () => {
    const c = new CalibrationAccumulator();
    c.update(0.15, true); // bin 1: confidence 0.15, accuracy 1
    c.update(0.15, false); // bin 1: mean confidence 0.15, accuracy 0.5
    c.update(0.95, true); // bin 9: 0.95 vs 1
    expect(c.ece()).toBeCloseTo((2 / 3) * 0.35 + (1 / 3) * 0.05, 12);
    const p = [10, 10, 0, 0, 0, 0, 0, 0, 0, 0];
    const q = [5, 15, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(predictionShift(p, q)).toBeCloseTo(
      (0.25 - 0.5) * Math.log(0.25 / 0.5) + (0.75 - 0.5) * Math.log(0.75 / 0.5),
      12,
    );
    expect(predictionShift(p, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBeNull();
  });

  it('a latency above the budget fails; unmeasured values pass', () => {
    const results = evaluateGuardrails({ ...emptyGuardrails(7) }, LIMITS);
    expect(results.find((r) => r.name === 'latency_p99_ms')).toMatchObject({ value: 7, passed: false });
    expect(results.find((r) => r.name === 'ece_increase')).toMatchObject({ value: null, passed: true });
  });
});

describe('PromotionTest (GATE)', () => {
  it('pairs the two versions by eventId in any order, ignores other versions and duplicates', () => {
    const t = gateTest();
    const [[c0, d0], [c1, d1]] = stream(2, 0.8, 0.8, 1);
    t.observe(d0);
    t.observe(example('e0', '3', 1, 0.9));
    t.observe(d0);
    expect(t.evidence().pairs).toBe(0);
    t.observe(c0);
    t.observe(c1);
    t.observe(d1);
    expect(t.evidence().pairs).toBe(2);
    expect(t.snapshot().pending).toEqual([]);
    // the evaluator re-sends a batch after a crash: both records of e0 again are not a new pair
    t.observe(c0);
    t.observe(d0);
    expect(t.evidence().pairs).toBe(2);
    expect(t.record.duplicates).toBe(2);
    const restored = new PromotionTest(JSON.parse(JSON.stringify(t.snapshot())) as TestRecord);
    restored.observe(d1);
    restored.observe(c1);
    expect(restored.evidence().pairs).toBe(2);
  });

  it('promotes a challenger 10 points more accurate, with the evidence in the decision', () => {
    const t = gateTest();
    let outcome = null;
    for (const [c, d] of stream(20_000, 0.7, 0.8, 2)) {
      outcome = t.observe(c) ?? t.observe(d) ?? outcome;
      if (outcome) break;
    }
    expect(outcome).toMatchObject({ decision: 'PROMOTE', reason: 'CHALLENGER_BETTER' });
    const e = t.evidence();
    expect(e.lower).toBeGreaterThan(0);
    const decision = promotionDecision({
      decision: 'PROMOTE',
      modelId: 'm',
      championVersion: '1',
      challengerVersion: '2',
      previousChampionVersion: '1',
      reason: outcome!.reason,
      actor: 'promoter',
      decidedAt: outcome!.decidedAt,
      decisionId: gateDecisionId(t.record, 'PROMOTE'),
      test: t.record,
      evidence: e,
      guardrails: outcome!.guardrails,
    });
    expect(decision).toMatchObject({
      pairedCount: e.pairs,
      test: 'ASYMPTOTIC_CONFIDENCE_SEQUENCE',
      decisionId: 'promoter|m|2|GATE|PROMOTE',
    });
    expect(decision.evidence).toMatchObject({
      pairs: e.pairs,
      lower: e.lower,
      upper: e.upper,
      alpha: 0.05,
      delta: 0,
      minPairs: 200,
    });
    expect(decision.evidence!.guardrails.map((g) => g.name)).toEqual([
      'latency_p99_ms',
      'ece_increase',
      'prediction_psi',
    ]);
  });

  it('rejects a challenger 10 points less accurate', () => {
    const t = gateTest();
    let outcome = null;
    for (const [c, d] of stream(20_000, 0.8, 0.7, 3)) {
      outcome = t.observe(c) ?? t.observe(d) ?? outcome;
      if (outcome) break;
    }
    expect(outcome).toMatchObject({ decision: 'REJECT', reason: 'CHALLENGER_WORSE' });
    expect(t.evidence().upper).toBeLessThan(0);
  });

  it('a better challenger that is much worse on one segment is rejected by the segment guardrail', () => {
    const t = gateTest({}, { segmentMinPairs: 50 });
    const u = seededUniform(9);
    let outcome = null;
    for (let i = 0; i < 20_000 && !outcome; i++) {
      const label = u() < 0.5 ? 1 : 0;
      const segment = i % 4 === 0 ? 'eu' : 'us';
      // us: challenger right always, champion 70 %; eu: challenger right 70 %, champion always
      const r = u();
      const champion = segment === 'us' ? (r < 0.7 ? label : 1 - label) : label;
      const challenger = segment === 'us' ? label : r < 0.7 ? label : 1 - label;
      outcome =
        t.observe(example(`e${i}`, '1', label, champion === 1 ? 0.8 : 0.2, { region: segment }, i)) ??
        t.observe(example(`e${i}`, '2', label, challenger === 1 ? 0.8 : 0.2, { region: segment }, i));
    }
    expect(outcome?.decision).toBe('REJECT');
    expect(outcome?.reason).toMatch(/^GUARDRAIL: segment:region=eu/);
    expect(outcome?.guardrails.find((g) => g.name === 'segment:region=eu')?.passed).toBe(false);
    expect(outcome?.guardrails.find((g) => g.name === 'segment:region=us')?.passed).toBe(true);
  });

  it('restored from its JSON state at any point, it reaches the same decision on the same pairs with the same evidence', () => {
    const data = stream(20_000, 0.72, 0.8, 4);
    const whole = gateTest();
    let restored = gateTest();
    let a = null;
    let b = null;
    for (let i = 0; i < data.length && !(a && b); i++) {
      const [c, d] = data[i];
      // the restored test sees the challenger's record first, so halves are pending across restores
      a = whole.observe(c) ?? whole.observe(d) ?? a;
      b = restored.observe(d) ?? restored.observe(c) ?? b;
      if (i % 37 === 0) {
        restored.advance(0, String(i + 1));
        restored = new PromotionTest(JSON.parse(JSON.stringify(restored.snapshot())) as TestRecord);
        expect(restored.covers(0, String(i))).toBe(true);
        expect(restored.covers(0, String(i + 1))).toBe(false);
      }
    }
    expect(b).toEqual(a);
    expect(restored.evidence()).toEqual(whole.evidence());
  });
});

describe('PromotionTest (WATCH)', () => {
  it('rolls back a new champion that falls behind the previous one by more than the margin, never stops on good news', () => {
    const t = new PromotionTest(
      newTest({
        kind: 'WATCH',
        modelId: 'm',
        championVersion: '1',
        challengerVersion: '2',
        metric: 'zero_one',
        gateOptions: { ...GATE, mode: 'non-inferiority', delta: 0.02, maxPairs: 100_000 },
        limits: LIMITS,
        latencyP99Ms: null,
        now: 0,
      }),
    );
    // 3,000 good pairs (new champion better), then it degrades to 15 points worse
    const good = stream(3000, 0.7, 0.85, 5);
    const bad = stream(20_000, 0.85, 0.7, 6);
    for (const [previous, current] of good) expect(t.observeReplayed(current, previous.output)).toBeNull();
    let outcome = null;
    for (const [previous, current] of bad) {
      outcome = t.observeReplayed({ ...current, eventId: `b${current.eventId}` }, previous.output);
      if (outcome) break;
    }
    expect(outcome).toMatchObject({ decision: 'ROLLBACK', reason: 'NEW_CHAMPION_WORSE' });
    expect(t.evidence().upper).toBeLessThan(-0.02);
  });
});

describe('infraCheck', () => {
  function artifact(w: number): Uint8Array {
    const model = new LogisticRegression({
      features: {
        features: [
          { name: 'x1', type: 'numeric', standardize: false },
          { name: 'x2', type: 'numeric', standardize: false },
        ],
      },
      classes: [0, 1],
      seed: 1,
    });
    model.setState({ ...model.getState(), parameters: [Float32Array.from([w, 0]), Float32Array.from([0])] });
    return encodeModelArtifact(model, { modelId: 'm' });
  }
  const sample = stream(50, 0.8, 0.8, 7).map(([c]) => c);
  const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

  it('passes a model that loads and predicts in range, with its latency', () => {
    const bytes = artifact(2);
    let clock = 0;
    const verdict = infraCheck({
      bytes,
      sha256: sha(bytes),
      sample,
      latencyBudgetMs: 5,
      now: () => (clock += 0.5),
    });
    expect(verdict).toMatchObject({ ok: true, predictions: 50, p99Ms: 0.5 });
  });

  it('fails a corrupt artifact, a wrong checksum, an empty sample and a slow model, saying why', () => {
    const bytes = artifact(2);
    const corrupt = Uint8Array.from(bytes);
    corrupt[corrupt.length - 5] ^= 0xff;
    const base = { sample, latencyBudgetMs: 5, now: () => performance.now() };
    expect(infraCheck({ ...base, bytes: corrupt, sha256: sha(corrupt) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/artifact does not load/),
    });
    expect(infraCheck({ ...base, bytes, sha256: 'ab'.repeat(32) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/SHA-256/),
    });
    expect(infraCheck({ ...base, bytes, sha256: sha(bytes), sample: [] })).toMatchObject({
      ok: false,
      reason: 'no sample events to predict on',
    });
    let clock = 0;
    expect(infraCheck({ ...base, bytes, sha256: sha(bytes), now: () => (clock += 10) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/exceeds the budget of 5 ms/),
    });
  });

  it('fails a model whose outputs are out of range', () => {
    const bytes = artifact(Number.NaN);
    expect(
      infraCheck({ bytes, sha256: sha(bytes), sample, latencyBudgetMs: 5, now: () => performance.now() }),
    ).toMatchObject({ ok: false });
  });
});

describe('calibration points', () => {
  it('binary: P(positive) and the label; multiclass: the top class and whether it is right; regression: none', () => {
    const binary = { score: 0.7, predictedClass: '1', classProbabilities: { '0': 0.3, '1': 0.7 } };
    expect(calibrationPoint(binary, 0)).toEqual({ score: 0.7, hit: false });
    expect(calibrationPoint(binary, 'true')).toEqual({ score: 0.7, hit: true });
    const multi = { score: null, predictedClass: 'b', classProbabilities: { a: 0.2, b: 0.5, c: 0.3 } };
    expect(calibrationPoint(multi, 'b')).toEqual({ score: 0.5, hit: true });
    expect(calibrationPoint(multi, 'c')).toEqual({ score: 0.5, hit: false });
    expect(calibrationPoint({ score: 3.2, predictedClass: null, classProbabilities: {} }, 3)).toBeNull();
  });
});
