import { join } from 'node:path';
import { parse } from 'yaml';
import { loadTrainerPolicy } from './policy-file';
import { validateTrainerPolicy } from './policy-validation';
import { DEFAULT_MODEL_POLICY, policyFor } from './trainer-policy';

const read = (text: string) => validateTrainerPolicy(parse(text), 'policy.yaml');

describe('validateTrainerPolicy', () => {
  it('reads the wait for labels after a change, with the duration in milliseconds and unknown keys named', () => {
    const policy = read(`
models:
  houses: { afterChange: { enabled: true, minExamples: 500, maxWait: 3d, floorExamples: 50 } }
  other: {}
`);
    expect(policyFor(policy, 'houses')!.afterChange).toEqual({
      enabled: true,
      minExamples: 500,
      maxWaitMs: 3 * 24 * 3600_000,
      floorExamples: 50,
    });
    expect(policyFor(policy, 'other')!.afterChange).toEqual(DEFAULT_MODEL_POLICY.afterChange);
    expect(() => read(`models: { houses: { afterChange: { minExample: 5 } } }`)).toThrow(
      /models\.houses\.afterChange\.minExample/,
    );
  });

  it('reads models over defaults over the built-in policy', () => {
    const policy = read(`
defaults: { seed: 7, holdout: 1000 }
models:
  fraud:
    strategy: WARM_START
    family: mlp
    hyperParameters: { hiddenLayers: [16, 8], epochs: 5, learningRate: 0.01 }
    window: { kind: DYNAMIC, candidateCounts: [20000, 5000], holdoutCount: 2000 }
    online: { enabled: true, batchSize: 16, snapshotEvery: 1000, snapshotInterval: 2m }
  churn: {}
`);
    const fraud = policyFor(policy, 'fraud')!;
    expect(fraud.strategy).toBe('WARM_START');
    expect(fraud.seed).toBe(7);
    expect(fraud.hyperParameters).toEqual({ hiddenLayers: [8, 16], epochs: 5, learningRate: 0.01 });
    expect(fraud.window).toEqual({
      kind: 'DYNAMIC',
      count: null,
      durationMs: null,
      candidateCounts: [5000, 20000],
      holdoutCount: 2000,
    });
    expect(fraud.online).toEqual({
      ...DEFAULT_MODEL_POLICY.online,
      enabled: true,
      batchSize: 16,
      snapshotEvery: 1000,
      snapshotIntervalMs: 120_000,
    });
    expect(policyFor(policy, 'churn')!.holdout).toBe(1000);
    expect(policyFor(policy, 'other')).toBeUndefined();
    expect(policyFor(read(`models: { '*': {} }`), 'other')).toEqual(DEFAULT_MODEL_POLICY);
  });

  it('names every bad field path at once, unknown keys included', () => {
    expect(() =>
      read(`
models:
  fraud:
    stratgy: FULL
    family: forest
    window: { kind: FIXED_COUNT, durationMs: 5 }
    hyperParameters: { l2: -1, depth: 3 }
    online: { batchsize: 3 }
`),
    ).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/^models\.fraud\.stratgy is not a known key \(did you mean 'strategy'/),
          expect.stringMatching(/^models\.fraud\.family must be one of auto, logistic-regression/),
          'models.fraud.window.count is required for kind FIXED_COUNT',
          'models.fraud.window.durationMs is not used by kind FIXED_COUNT',
          expect.stringMatching(/^models\.fraud\.hyperParameters\.l2 must be a number >= 0/),
          expect.stringMatching(/^models\.fraud\.hyperParameters\.depth is not a known key/),
          expect.stringMatching(
            /^models\.fraud\.online\.batchsize is not a known key \(did you mean 'batchSize'/,
          ),
        ]) as unknown,
      }),
    );
  });

  it('accepts the documented example policy', () => {
    const policy = loadTrainerPolicy(join(__dirname, '..', '..', 'policy.example.yaml'));
    expect(Object.keys(policy.models)).toEqual(['fraud', 'churn', 'clicks']);
    expect(policy.models.clicks.online.snapshotIntervalMs).toBe(15 * 60_000);
  });
});
