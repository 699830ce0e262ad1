/**
 * A model registered with a `policyRef` naming an entry of the policy file runs under that entry
 * (its own id and requestedBy), without editing the file: manual requests with the entry's
 * settings, its schedule, its budget. A model the file lists keeps its own entry; a policyRef that
 * names no entry is reported, not guessed.
 */
import { RetrainEngine } from '../engine/retrain-engine';
import { validatePolicy } from './policy-validation';
import { policiesOfRegisteredModels } from './registered-models';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

const file = validatePolicy(
  {
    defaults: { cooldown: '1h', dailyBudget: 2 },
    models: {
      regression: {
        request: { mode: 'WARM_START', window: { kind: 'FIXED_COUNT', count: 5000 } },
        schedule: { cron: '0 * * * *' },
      },
      churn: { dailyBudget: 9 },
    },
  },
  'test',
);

describe('registered models following a policy entry', () => {
  it('adopts a registered model under the entry its policyRef names; the file’s own entries win', () => {
    const engine = new RetrainEngine(file);
    const { adopted, unresolved } = policiesOfRegisteredModels(file, engine.models, [
      { modelId: 'house-prices', policyRef: 'regression' },
      { modelId: 'churn', policyRef: 'regression' },
      { modelId: 'legacy', policyRef: null },
      { modelId: 'typo', policyRef: 'regresion' },
    ]);
    expect(adopted).toEqual([
      { ...file.models.get('regression'), modelId: 'house-prices', name: 'policy:house-prices' },
    ]);
    expect(unresolved).toEqual([{ modelId: 'typo', policyRef: 'regresion' }]);
    // The template itself is not changed.
    expect(file.models.get('regression')?.modelId).toBe('regression');
  });

  it('the adopted model is run: manual requests with the entry’s settings and budget, its schedule', () => {
    const engine = new RetrainEngine(file);
    expect(engine.manual('house-prices', { requestedBy: 'cli:ops', nonce: 'a' }, T0)).toEqual({
      kind: 'unknown-model',
    });
    for (const policy of policiesOfRegisteredModels(file, engine.models, [
      { modelId: 'house-prices', policyRef: 'regression' },
    ]).adopted) {
      engine.adopt(policy);
    }
    const first = engine.manual('house-prices', { requestedBy: 'cli:ops', nonce: 'a' }, T0);
    expect(first).toMatchObject({
      kind: 'request',
      request: {
        modelId: 'house-prices',
        reason: 'MANUAL',
        mode: 'WARM_START',
        window: { kind: 'FIXED_COUNT', count: 5000 },
      },
    });
    if (first.kind === 'request') engine.recordEmitted(first.request);
    const second = engine.manual('house-prices', { requestedBy: 'cli:ops', nonce: 'b' }, T0 + 1);
    if (second.kind === 'request') engine.recordEmitted(second.request);
    expect(engine.manual('house-prices', { requestedBy: 'cli:ops', nonce: 'c' }, T0 + 2)).toMatchObject({
      kind: 'budget-exhausted',
      budget: 2,
    });
    // The hourly schedule: the first slot is recorded without firing, the next one fires.
    expect(engine.onScheduleTick('house-prices', T0 + 10_000).kind).not.toBe('fired');
    expect(engine.onScheduleTick('house-prices', T0 + HOUR + 10_000)).toMatchObject({
      kind: 'fired',
      signal: expect.objectContaining({ modelId: 'house-prices' }),
    });
  });
});
