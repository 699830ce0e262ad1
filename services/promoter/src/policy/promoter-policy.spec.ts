import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LabelledExample } from '@continuum/events';
import { seededUniform } from '@continuum/stats';
import { gateDecisionId, promotionDecision } from '../core/decision-event';
import { newTest, PromotionTest } from '../core/promotion-test';
import { envGatePolicy, loadPromoterConfig } from '../promoter.config';
import { loadPromoterPolicy } from './policy-file';
import {
  gateOptions,
  guardrailLimits,
  type ModelGatePolicy,
  policyFor,
  uniformPolicy,
  validatePromoterPolicy,
  watchOptions,
} from './promoter-policy';

const ENV = envGatePolicy(loadPromoterConfig({}));
const read = (document: unknown) => validatePromoterPolicy(document, 'policy.yaml', ENV);

describe('promoter policy file', () => {
  it('a model takes its own entry over the defaults over the environment; another model gets the defaults', () => {
    const policy = read({
      defaults: { alpha: 0.02, minDuration: '6h' },
      models: {
        fraud: {
          mode: 'non-inferiority',
          delta: 0.005,
          minPairs: 5000,
          rollbackMargin: 0.01,
          maxEceIncrease: 0.1,
        },
      },
    });
    const fraud = policyFor(policy, 'fraud');
    expect(gateOptions(fraud)).toEqual({
      method: 'confidence-sequence',
      mode: 'non-inferiority',
      alpha: 0.02,
      delta: 0.005,
      minPairs: 5000,
      minDurationMs: 6 * 3_600_000,
      maxPairs: 200_000,
      tuningPairs: 10_000,
    });
    expect(watchOptions(fraud)).toMatchObject({ alpha: 0.02, delta: 0.01, mode: 'non-inferiority' });
    expect(guardrailLimits(fraud).maxEceIncrease).toBe(0.1);

    const churn = policyFor(policy, 'churn');
    expect(churn).toEqual({ ...ENV, alpha: 0.02, minDurationMs: 6 * 3_600_000 });
    expect(gateOptions(churn)).toMatchObject({ mode: 'improvement', delta: 0, minPairs: 1000 });
    // Not an own key: a model called like an Object.prototype member gets the defaults too.
    expect(policyFor(policy, 'constructor')).toBe(policy.defaults);
  });

  it('no file: the environment for every model', () => {
    const policy = uniformPolicy(ENV);
    expect(policyFor(policy, 'fraud')).toEqual(ENV);
    expect(read(null)).toEqual({ defaults: ENV, models: {} });
    expect(read({ models: { fraud: null } }).models.fraud).toEqual(ENV);
  });

  it('names every bad field path at once, typo’d keys included', () => {
    let problems: string[] = [];
    try {
      read({
        defualts: {},
        defaults: { alpha: 0.9 },
        models: {
          fraud: { minPair: 10, mode: 'better', minDuration: 'soon' },
          churn: { minPairs: 500, maxPairs: 100 },
          clicks: { method: 'discordant-pairs', delta: 0.01 },
          ads: 3,
        },
      });
    } catch (error) {
      expect(error).toMatchObject({ name: 'PromoterPolicyError', source: 'policy.yaml' });
      problems = (error as { problems: string[] }).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^defualts is not a known key \(did you mean 'defaults'/),
      'defaults.alpha must be a number in [0.000001, 0.5] (got 0.9)',
      expect.stringMatching(/^models\.fraud\.minPair is not a known key \(did you mean 'minPairs'/),
      "models.fraud.mode must be one of improvement, non-inferiority (got 'better')",
      expect.stringMatching(/^models\.fraud\.minDuration must be a duration/),
      'models.churn.maxPairs (100) must be ≥ minPairs (500)',
      'models.clicks.method discordant-pairs needs metric zero_one and delta 0',
      'models.ads must be a mapping of keys to values (got 3)',
    ]);
  });

  it('reads files and names the file that cannot be read or parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promoter-policy-'));
    const json = join(dir, 'p.json');
    writeFileSync(json, '{"models": {"fraud": {"maxPairs": 9000}}}');
    expect(policyFor(loadPromoterPolicy(json, ENV), 'fraud').maxPairs).toBe(9000);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'models: [unclosed\n');
    expect(() => loadPromoterPolicy(broken, ENV)).toThrow(/broken\.yaml:\n {2}- cannot be parsed: /);
    expect(() => loadPromoterPolicy(join(dir, 'missing.yaml'), ENV)).toThrow(
      /missing\.yaml:\n {2}- cannot be read: ENOENT/,
    );
  });

  it('accepts the documented example policy', () => {
    const policy = loadPromoterPolicy(join(__dirname, '..', '..', 'policy.example.yaml'), ENV);
    expect(Object.keys(policy.models)).toEqual(['fraud', 'churn', 'clicks']);
    expect(policy.models.fraud).toMatchObject({
      mode: 'non-inferiority',
      delta: 0.005,
      minDurationMs: 7 * 86_400_000,
    });
    expect(policy.models.churn).toMatchObject({
      metric: 'log_loss',
      minPairs: 1000,
      minDurationMs: 86_400_000,
    });
    expect(policy.models.clicks).toMatchObject({ method: 'discordant-pairs', watchPairs: 0 });
  });
});

function example(
  eventId: string,
  modelId: string,
  version: string,
  label: number,
  right: boolean,
  t: number,
) {
  const score = right === (label === 1) ? 0.8 : 0.2;
  const e: LabelledExample = {
    eventId,
    modelId,
    modelVersion: version,
    predictionTimestamp: t,
    labelTimestamp: t + 1,
    entityId: null,
    numeric: { x: score },
    categorical: {},
    segments: {},
    output: {
      score,
      predictedClass: score > 0.5 ? '1' : '0',
      classProbabilities: { '0': 1 - score, '1': score },
    },
    label,
  };
  return e;
}

/** Runs one model's gate as the runtime builds it (its policy's settings) to a decision; returns the ct.promotions record. */
function decide(modelId: string, settings: ModelGatePolicy) {
  const test = new PromotionTest(
    newTest({
      kind: 'GATE',
      modelId,
      championVersion: '1',
      challengerVersion: '2',
      metric: settings.metric,
      gateOptions: gateOptions(settings),
      limits: guardrailLimits(settings),
      latencyP99Ms: 0.1,
      now: 0,
    }),
  );
  const u = seededUniform(11);
  for (let i = 0; i < 100_000; i++) {
    const label = u() < 0.5 ? 1 : 0;
    const r = u();
    const outcome =
      test.observe(example(`e${i}`, modelId, '1', label, r < 0.7, i * 1000)) ??
      test.observe(example(`e${i}`, modelId, '2', label, r < 0.8, i * 1000));
    if (!outcome) continue;
    const decision = outcome.decision;
    if (decision !== 'PROMOTE' && decision !== 'REJECT') throw new Error(`a gate decided ${decision}`);
    return promotionDecision({
      decision,
      modelId,
      championVersion: '1',
      challengerVersion: '2',
      previousChampionVersion: '1',
      reason: outcome.reason,
      actor: 'promoter',
      decidedAt: outcome.decidedAt,
      decisionId: gateDecisionId(test.record, decision),
      test: test.record,
      evidence: test.evidence(),
      guardrails: outcome.guardrails,
    });
  }
  throw new Error('no decision');
}

describe('the evidence on ct.promotions', () => {
  it('records the effective per-model α, δ, mode and pair limits', () => {
    const policy = read({
      defaults: { minPairs: 300, minDuration: 0, tuningPairs: 2000 },
      models: {
        fraud: { alpha: 0.01, delta: 0.02, mode: 'non-inferiority', minPairs: 400, maxPairs: 60_000 },
      },
    });
    const fraud = decide('fraud', policyFor(policy, 'fraud'));
    expect(fraud.decision).toBe('PROMOTE');
    expect(fraud.evidence).toMatchObject({
      mode: 'non-inferiority',
      alpha: 0.01,
      delta: 0.02,
      threshold: -0.02,
      minPairs: 400,
      maxPairs: 60_000,
      minDurationMs: 0,
    });
    const churn = decide('churn', policyFor(policy, 'churn'));
    expect(churn.decision).toBe('PROMOTE');
    expect(churn.evidence).toMatchObject({
      mode: 'improvement',
      alpha: 0.05,
      delta: 0,
      threshold: 0,
      minPairs: 300,
      maxPairs: 200_000,
    });
  });
});
