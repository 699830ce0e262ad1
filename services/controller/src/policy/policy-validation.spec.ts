import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyError } from './policy-error';
import { loadPolicyFile, parsePolicyText } from './policy-file';
import { validatePolicy } from './policy-validation';

function problemsOf(document: unknown): string[] {
  try {
    validatePolicy(document, 'policy.yaml');
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  throw new Error('the policy was accepted');
}

const perf = { metric: 'accuracy', threshold: 0.8 };

describe('policy validation: every problem names its field path', () => {
  it.each([
    [
      'threshold out of range for a [0, 1] metric',
      { models: { churn: { performance: { ...perf, threshold: 1.5 } } } },
      'models.churn.performance.threshold must be a number in [0, 1] for metric accuracy (got 1.5)',
    ],
    [
      'threshold that is not a number',
      { models: { churn: { performance: { ...perf, threshold: 'high' } } } },
      "models.churn.performance.threshold must be a number (got 'high')",
    ],
    [
      'negative threshold for a loss',
      { models: { churn: { performance: { metric: 'rmse', threshold: -1 } } } },
      'models.churn.performance.threshold must be a number >= 0 for metric rmse (got -1)',
    ],
    [
      'r2 threshold above 1',
      { models: { churn: { performance: { metric: 'r2', threshold: 1.2 } } } },
      'models.churn.performance.threshold must be a number <= 1 for metric r2 (got 1.2)',
    ],
    [
      'unknown metric',
      { models: { churn: { performance: { ...perf, metric: 'acuracy' } } } },
      "models.churn.performance.metric must be one of accuracy, precision, recall, f1, roc_auc, r2, log_loss, brier, ece, mae, rmse, mape (got 'acuracy')",
    ],
    [
      'misspelt section',
      { models: { churn: { performanc: perf } } },
      "models.churn.performanc is not a known key (did you mean 'performance'? known keys: name, cooldown, dailyBudget, dedupInterval, request, schedule, performance, conceptDrift, drift)",
    ],
    [
      'misspelt field inside a trigger',
      { models: { churn: { performance: { ...perf, consecutiveWindow: 3 } } } },
      "models.churn.performance.consecutiveWindow is not a known key (did you mean 'consecutiveWindows'? known keys: enabled, metric, direction, threshold, consecutiveWindows, minLabelled, rearm, estimated, request)",
    ],
    [
      'unknown top-level key',
      { model: {}, models: { churn: {} } },
      "model is not a known key (did you mean 'models'? known keys: defaults, models)",
    ],
    [
      'missing threshold',
      { models: { churn: { performance: { metric: 'f1' } } } },
      'models.churn.performance.threshold is required (set it in models.churn.performance or defaults.performance)',
    ],
    [
      'non-integer K',
      { models: { churn: { performance: { ...perf, consecutiveWindows: 2.5 } } } },
      'models.churn.performance.consecutiveWindows must be an integer >= 1 (got 2.5)',
    ],
    [
      'negative margin',
      { models: { churn: { performance: { ...perf, rearm: { margin: -0.1 } } } } },
      'models.churn.performance.rearm.margin must be a number >= 0 (got -0.1)',
    ],
    [
      'bad direction',
      { models: { churn: { performance: { ...perf, direction: 'down' } } } },
      "models.churn.performance.direction must be one of below, above (got 'down')",
    ],
    [
      'bad duration',
      { defaults: { cooldown: 'six hours' }, models: { churn: {} } },
      "defaults.cooldown must be a duration such as 500ms, 45s, 30m, 6h, 1d or 2w, or a number of milliseconds (got 'six hours')",
    ],
    [
      'zero budget',
      { models: { churn: { dailyBudget: 0 } } },
      'models.churn.dailyBudget must be an integer >= 1 (got 0)',
    ],
    [
      'invalid cron expression',
      { models: { churn: { schedule: { cron: '61 * * * *' } } } },
      "models.churn.schedule.cron is not a valid cron expression ('61 * * * *'): CronPattern: Invalid value for minute: 61",
    ],
    [
      'missing cron',
      { models: { churn: { schedule: { timezone: 'UTC' } } } },
      'models.churn.schedule.cron is required (set it in models.churn.schedule or defaults.schedule)',
    ],
    [
      'unknown timezone',
      { models: { churn: { schedule: { cron: '0 2 * * *', timezone: 'Mars/Olympus' } } } },
      "models.churn.schedule.timezone must be an IANA timezone such as UTC or Europe/Paris (got 'Mars/Olympus')",
    ],
    [
      'drift that can never fire',
      { models: { churn: { drift: { minDriftedFeatures: null, predictionDrift: false } } } },
      'models.churn.drift can never trigger: minDriftedFeatures is null and predictionDrift is false (set enabled: false to turn it off)',
    ],
    [
      'empty segment list',
      { models: { churn: { drift: { segments: [] } } } },
      'models.churn.drift.segments must be a non-empty list of non-empty strings (got [])',
    ],
    [
      'window without its count',
      { models: { churn: { request: { window: { kind: 'FIXED_COUNT' } } } } },
      'models.churn.request.window.count is required for kind FIXED_COUNT',
    ],
    [
      'window field of another kind',
      { models: { churn: { request: { window: { kind: 'FIXED_COUNT', count: 10, duration: '1d' } } } } },
      'models.churn.request.window.duration is not used by kind FIXED_COUNT',
    ],
    [
      'window without its duration',
      { models: { churn: { request: { window: { kind: 'FIXED_DURATION' } } } } },
      'models.churn.request.window.duration (or durationMs) is required for kind FIXED_DURATION',
    ],
    [
      'unknown window kind',
      { models: { churn: { request: { window: { kind: 'SLIDING' } } } } },
      "models.churn.request.window.kind must be one of FIXED_COUNT, FIXED_DURATION, DYNAMIC, REPRESENTATIVE (got 'SLIDING')",
    ],
    [
      'dynamic window with bad candidates',
      {
        models: {
          churn: { request: { window: { kind: 'DYNAMIC', candidateCounts: [100, 0], holdoutCount: 10 } } },
        },
      },
      'models.churn.request.window.candidateCounts must be a non-empty list of integers >= 1 (got [100,0])',
    ],
    [
      'bad training mode in a trigger request',
      { models: { churn: { drift: { request: { mode: 'INCREMENTAL' } } } } },
      "models.churn.drift.request.mode must be one of ONLINE, WARM_START, FULL (got 'INCREMENTAL')",
    ],
    [
      'a model that is not a mapping',
      { models: { churn: 'yes' } },
      "models.churn must be a mapping of keys to values (got 'yes')",
    ],
    ['no models', { defaults: {} }, 'models is required: a mapping from model id to its policy'],
    ['empty models', { models: {} }, 'models must map at least one model id to its policy'],
    [
      'a name in defaults',
      { defaults: { name: 'x' }, models: { churn: {} } },
      'defaults.name is per model; set it under models.<id>.name',
    ],
    [
      'estimated block on a metric the evaluator does not estimate, without its own metric',
      { models: { churn: { performance: { metric: 'log_loss', threshold: 0.5, estimated: {} } } } },
      'models.churn.performance.estimated.metric is required: the evaluator does not estimate log_loss without labels (estimated metrics: accuracy, f1, roc_auc, mae, rmse)',
    ],
    [
      'estimated metric that is not estimated',
      { models: { churn: { performance: { ...perf, estimated: { metric: 'precision' } } } } },
      "models.churn.performance.estimated.metric must be one of accuracy, f1, roc_auc, mae, rmse (got 'precision')",
    ],
    [
      'estimated metric other than the trigger metric, without its threshold',
      { models: { churn: { performance: { ...perf, estimated: { metric: 'roc_auc' } } } } },
      'models.churn.performance.estimated.threshold is required when the estimated metric (roc_auc) differs from performance.metric (accuracy)',
    ],
    [
      'estimated threshold out of range',
      { models: { churn: { performance: { ...perf, estimated: { metric: 'f1', threshold: 2 } } } } },
      'models.churn.performance.estimated.threshold must be a number in [0, 1] for metric f1 (got 2)',
    ],
    [
      'label coverage above 1',
      { models: { churn: { performance: { ...perf, estimated: { minLabelCoverage: 1.5 } } } } },
      'models.churn.performance.estimated.minLabelCoverage must be a number in [0, 1] (got 1.5)',
    ],
    [
      'bad labelsMissingFor',
      { models: { churn: { performance: { ...perf, estimated: { labelsMissingFor: 'soon' } } } } },
      "models.churn.performance.estimated.labelsMissingFor must be a duration such as 500ms, 45s, 30m, 6h, 1d or 2w, or a number of milliseconds (got 'soon')",
    ],
    [
      'misspelt key in the estimated block',
      { models: { churn: { performance: { ...perf, estimated: { labelsMissing: '6h' } } } } },
      "models.churn.performance.estimated.labelsMissing is not a known key (did you mean 'labelsMissingFor'? known keys: enabled, metric, threshold, labelsMissingFor, minLabelCoverage)",
    ],
  ])('%s', (_, document, message) => {
    expect(problemsOf(document)).toContain(message);
  });

  it('names the defaults path when the bad value comes from defaults, once for all models', () => {
    const problems = problemsOf({
      defaults: { performance: { metric: 'accuracy', threshold: 2 } },
      models: { churn: {}, fraud: {} },
    });
    expect(problems).toEqual([
      'defaults.performance.threshold must be a number in [0, 1] for metric accuracy (got 2)',
    ]);
  });

  it('lists every problem of the document at once', () => {
    const problems = problemsOf({
      defaults: { dailyBudget: -1 },
      models: { churn: { performance: { metric: 'f1', threshold: 9 } }, fraud: { drift: { segments: 'x' } } },
    });
    expect(problems).toHaveLength(3);
  });

  it('rejects a document that is not a mapping', () => {
    expect(problemsOf([1, 2])).toEqual(['(policy file) must be a mapping of keys to values (got [1,2])']);
  });
});

describe('policy merging', () => {
  it('merges defaults key by key, built-in values last, and lets a model turn a trigger off', () => {
    const policy = validatePolicy(
      {
        defaults: {
          cooldown: '2h',
          drift: { minDriftedFeatures: 3 },
          performance: { metric: 'f1', threshold: 0.6, consecutiveWindows: 4 },
          request: { window: { kind: 'FIXED_COUNT', count: 1000 } },
        },
        models: {
          churn: { performance: { threshold: 0.7 }, drift: { segments: ['*', 'mobile'] } },
          fraud: { drift: false, performance: { enabled: false }, cooldown: 0, name: 'fraud-policy' },
          pricing: null,
        },
      },
      'policy.yaml',
    );
    const churn = policy.models.get('churn');
    expect(churn).toMatchObject({
      cooldownMs: 2 * 3_600_000,
      dailyBudget: 4,
      dedupIntervalMs: 30_000,
      performance: {
        metric: 'f1',
        direction: 'below',
        threshold: 0.7,
        consecutiveWindows: 4,
        minLabelled: 1,
        rearm: { margin: 0, cleanWindows: 3 },
        request: { mode: 'FULL', window: { kind: 'FIXED_COUNT', count: 1000 } },
      },
      drift: {
        minDriftedFeatures: 3,
        predictionDrift: true,
        segments: ['*', 'mobile'],
        rearmCleanReports: 3,
      },
      schedule: null,
      conceptDrift: null,
    });
    expect(policy.models.get('fraud')).toMatchObject({
      name: 'fraud-policy',
      cooldownMs: 0,
      drift: null,
      performance: null,
    });
    expect(policy.models.get('pricing')?.drift?.minDriftedFeatures).toBe(3);
  });

  it('estimated performance: off unless named; metric, threshold and direction from the trigger; built-in horizon 6h', () => {
    const policy = validatePolicy(
      {
        defaults: { performance: { estimated: { minLabelCoverage: 0.3 } } },
        models: {
          churn: { performance: { ...perf, estimated: {} } },
          pricing: { performance: { metric: 'rmse', threshold: 3, estimated: { labelsMissingFor: '2d' } } },
          fraud: { performance: { ...perf, estimated: { metric: 'roc_auc', threshold: 0.7 } } },
          plain: { performance: { ...perf, estimated: false } },
        },
      },
      'policy.yaml',
    );
    expect(policy.models.get('churn')?.performance?.estimated).toEqual({
      metric: 'accuracy',
      direction: 'below',
      threshold: 0.8,
      labelsMissingForMs: 6 * 3_600_000,
      minLabelCoverage: 0.3,
    });
    expect(policy.models.get('pricing')?.performance?.estimated).toMatchObject({
      metric: 'rmse',
      direction: 'above',
      threshold: 3,
      labelsMissingForMs: 2 * 86_400_000,
    });
    expect(policy.models.get('fraud')?.performance?.estimated).toMatchObject({
      metric: 'roc_auc',
      threshold: 0.7,
    });
    expect(policy.models.get('plain')?.performance?.estimated).toBeNull();
    expect(
      validatePolicy({ models: { x: { performance: perf } } }, 'p').models.get('x')?.performance?.estimated,
    ).toBeNull();
  });

  it('resolves request settings per field: trigger, then defaults trigger, then model, then defaults', () => {
    const policy = validatePolicy(
      {
        defaults: { conceptDrift: { request: { window: { kind: 'FIXED_DURATION', duration: '7d' } } } },
        models: { churn: { conceptDrift: {}, request: { mode: 'WARM_START' } } },
      },
      'p',
    );
    expect(policy.models.get('churn')?.conceptDrift?.request).toEqual({
      mode: 'WARM_START',
      window: {
        kind: 'FIXED_DURATION',
        count: null,
        durationMs: 7 * 86_400_000,
        candidateCounts: [],
        holdoutCount: null,
      },
    });
  });

  it('derives the breach direction from the metric unless set', () => {
    const policy = validatePolicy(
      {
        models: {
          a: { performance: { metric: 'log_loss', threshold: 0.4 } },
          b: { performance: { metric: 'mae', threshold: 3, direction: 'below' } },
        },
      },
      'p',
    );
    expect(policy.models.get('a')?.performance?.direction).toBe('above');
    expect(policy.models.get('b')?.performance?.direction).toBe('below');
  });
});

describe('policy files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'controller-policy-'));

  it('reads YAML and JSON', () => {
    const yaml = join(dir, 'p.yaml');
    writeFileSync(yaml, 'models:\n  churn:\n    drift: {}\n');
    expect(loadPolicyFile(yaml).models.get('churn')?.drift?.minDriftedFeatures).toBe(1);
    const json = join(dir, 'p.json');
    writeFileSync(json, JSON.stringify({ models: { churn: { performance: perf } } }));
    expect(loadPolicyFile(json).models.get('churn')?.performance?.threshold).toBe(0.8);
  });

  it('names the file and the problem when it cannot be read or parsed', () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'models:\n  churn: {drift: [\n');
    expect(() => loadPolicyFile(broken)).toThrow(
      /Invalid retrain policy in .*broken\.yaml:\n {2}- cannot be parsed: /,
    );
    expect(() => loadPolicyFile(join(dir, 'missing.yaml'))).toThrow(
      /missing\.yaml:\n {2}- cannot be read: ENOENT/,
    );
    const duplicate = join(dir, 'duplicate.yaml');
    writeFileSync(duplicate, 'models:\n  churn: {}\n  churn: {}\n');
    expect(() => loadPolicyFile(duplicate)).toThrow(/cannot be parsed: .*unique/i);
  });

  it('the example policy in the README is valid', () => {
    const policy = loadPolicyFile(join(__dirname, '..', '..', 'policy.example.yaml'));
    expect([...policy.models.keys()]).toEqual(['churn', 'fraud', 'pricing']);
    expect(policy.models.get('churn')?.performance?.estimated).toMatchObject({ metric: 'roc_auc' });
  });

  it('the deployment policies are valid: deploy/local (npm start, compose) and the helm chart default', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    const local = loadPolicyFile(join(root, 'deploy', 'local', 'policies.yaml'));
    expect([...local.models.keys()]).toEqual(['classifier', 'default']);
    expect(local.models.get('classifier')?.performance?.estimated?.labelsMissingForMs).toBe(6 * 3_600_000);
    const values = parsePolicyText(
      readFileSync(join(root, 'helm', 'continuum', 'values.yaml'), 'utf8'),
      'values.yaml',
    ) as { services: { controller: { policies: string } } };
    const chart = validatePolicy(
      parsePolicyText(values.services.controller.policies, 'policies.yaml'),
      'helm/continuum/values.yaml services.controller.policies',
    );
    expect([...chart.models.keys()]).toEqual(['classifier', 'example']);
  });
});
