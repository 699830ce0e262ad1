import {
  parseChangeStage,
  parseCreateModel,
  parseProfileSample,
  parseRegisterVersion,
} from './request-validation';

const problemsOf = (parsed: { problems: { paths: string[] } } | { value: unknown }) =>
  'problems' in parsed ? parsed.problems.paths : [];

describe('request validation', () => {
  it('reads a model with defaults for the optional feature fields', () => {
    const parsed = parseCreateModel({
      modelId: 'churn.v2_a-b',
      task: 'BINARY_CLASSIFICATION',
      contract: { features: [{ name: 'age', type: 'NUMERIC', min: 0 }] },
      owner: 'team',
    });
    expect(parsed).toEqual({
      value: {
        modelId: 'churn.v2_a-b',
        task: 'BINARY_CLASSIFICATION',
        features: [{ name: 'age', type: 'NUMERIC', required: true, min: 0, max: null, categories: [] }],
        owner: 'team',
        policyRef: null,
      },
    });
  });

  it('names every field at fault, in order', () => {
    const parsed = parseCreateModel({
      modelId: '',
      task: 'X',
      contract: {
        features: [
          { name: 'a', type: 'NUMERIC', min: 3, max: 1 },
          { name: 'a', type: 'CATEGORICAL' },
        ],
      },
      extra: 1,
    });
    expect(problemsOf(parsed)).toEqual(['extra', 'modelId', 'task', 'owner', 'contract.features[0].max']);
    const repeated = { modelId: 'm', task: 'REGRESSION', owner: 'o' };
    const features = [
      { name: 'a', type: 'NUMERIC' },
      { name: 'a', type: 'CATEGORICAL' },
    ];
    expect(problemsOf(parseCreateModel({ ...repeated, contract: { features } }))).toEqual([
      'contract.features[1].name',
    ]);
  });

  it('reads a version registration and refuses what the fold could not hold', () => {
    const ok = parseRegisterVersion({
      strategy: 'ONLINE',
      lineage: { examples: [{ topic: 'ct.examples', partition: 1, fromOffset: 0, toOffset: 10 }], seed: 3 },
      metrics: { auc: 0.7 },
      idempotencyKey: 'k',
    });
    expect(ok).toMatchObject({
      value: {
        stage: 'CANDIDATE',
        actor: 'api',
        lineage: { seed: 3, codeVersion: null, hyperParameters: {} },
      },
    });
    expect(problemsOf(parseRegisterVersion({ strategy: 'FULL', metrics: { a: Number.NaN } }))).toEqual([
      'metrics.a',
    ]);
    expect(problemsOf(parseRegisterVersion({ strategy: 'FULL', stage: 'REJECTED' }))).toEqual(['stage']);
    expect(problemsOf(parseRegisterVersion({ strategy: 'FULL', parentVersion: '../1' }))).toEqual([
      'parentVersion',
    ]);
    expect(problemsOf(parseRegisterVersion(null))).toEqual(['body']);
  });

  it('requires stage, reason and actor for a stage change; expectedRevision is a non-negative integer', () => {
    expect(parseChangeStage({ stage: 'SHADOW', reason: 'r', actor: 'a', expectedRevision: 4 })).toEqual({
      value: { stage: 'SHADOW', reason: 'r', actor: 'a', expectedRevision: 4, evidence: null },
    });
    expect(problemsOf(parseChangeStage({ expectedRevision: 1.5, evidence: [] }))).toEqual([
      'stage',
      'expectedRevision',
      'reason',
      'actor',
      'evidence',
    ]);
  });

  it('reads a profile sample with defaults, and names every bad field of one', () => {
    expect(parseProfileSample({ rows: [{ a: 1 }] })).toEqual({
      value: {
        rows: [{ a: 1 }],
        exclude: [],
        segmentBy: [],
        prediction: undefined,
        maxSegments: undefined,
        bins: undefined,
        maxCategories: undefined,
      },
    });
    const parsed = parseProfileSample({ rows: [{ a: 1 }, 'x'], bins: 0, segmentBy: 'city', predicton: 'p' });
    expect(problemsOf(parsed)).toEqual(['predicton', 'rows[1]', 'segmentBy', 'bins']);
    expect(problemsOf(parseProfileSample({ rows: [] }))).toEqual(['rows']);
    expect(parseProfileSample({ rows: [{ a: 1, y: 0 }], label: 'y' })).toMatchObject({
      value: { label: 'y' },
    });
    expect(problemsOf(parseProfileSample({ rows: [{ a: 1 }], label: 3 }))).toEqual(['label']);
  });
});
