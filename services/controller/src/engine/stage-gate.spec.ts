import { type RetrainRequest } from '@continuum/events';
import { RegistryEventFixture, RegistryView } from '@continuum/registry';
import { T0, WINDOW_MS, driftReport, performanceReport } from '../../test/report-fixtures';
import { validatePolicy } from '../policy/policy-validation';
import { RetrainEngine } from './retrain-engine';
import { stageVerdict } from './stage-gate';

const events = new RegistryEventFixture({ occurredAt: T0 });

/** churn: version 1 CHAMPION, version 2 SHADOW (a challenger under test), version 3 CANDIDATE. */
function registry(): RegistryView {
  const view = new RegistryView();
  for (const e of [
    events.model('churn', { owner: 'a' }),
    events.version('churn', '1', 'CHAMPION'),
    events.version('churn', '2', 'CANDIDATE'),
    events.stage({ modelId: 'churn', version: '2', stage: 'SHADOW' }),
    events.version('churn', '3', 'CANDIDATE'),
  ]) {
    expect(view.apply(e)).toMatchObject({ applied: true });
  }
  return view;
}

function engine(): RetrainEngine {
  const e = new RetrainEngine(
    validatePolicy(
      {
        models: {
          churn: {
            cooldown: '1m',
            dedupInterval: '0s',
            drift: { minDriftedFeatures: 2, rearmCleanReports: 1 },
            performance: { metric: 'accuracy', threshold: 0.8, consecutiveWindows: 1 },
          },
        },
      },
      'test',
    ),
  );
  e.useStages(registry());
  return e;
}

function flush(e: RetrainEngine, now: number): RetrainRequest[] {
  const due = e.dueRequests(now);
  for (const r of due) e.recordEmitted(r);
  return due;
}

describe('stage-aware triggers', () => {
  it("a SHADOW version's drifting windows raise no retrain request, the champion's do", () => {
    const e = engine();
    for (let i = 0; i < 5; i++) {
      const out = e.onDriftReport(driftReport('churn', i, 12, { version: '2' }), T0 + i * WINDOW_MS);
      expect(out).toMatchObject({ ignored: 'not-champion', signals: [] });
    }
    expect(flush(e, T0 + 6 * WINDOW_MS)).toEqual([]);
    expect(e.stateOf('churn')).toBeUndefined();

    const champion = e.onDriftReport(driftReport('churn', 5, 12, { version: '1' }), T0 + 6 * WINDOW_MS);
    expect(champion.signals).toEqual([
      expect.objectContaining({ reason: 'DATA_DRIFT', disposition: 'opened' }),
    ]);
    const requests = flush(e, T0 + 7 * WINDOW_MS);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ modelId: 'churn', modelVersion: '1', reason: 'DATA_DRIFT' });
  });

  it("a SHADOW's or CANDIDATE's failing performance raises nothing, the champion's does", () => {
    const e = engine();
    for (const version of ['2', '3', '9']) {
      const out = e.onPerformanceReport(performanceReport('churn', 0, { accuracy: 0.1 }, { version }), T0);
      expect(out.ignored).toBe('not-champion');
    }
    expect(flush(e, T0 + WINDOW_MS)).toEqual([]);
    e.onPerformanceReport(performanceReport('churn', 0, { accuracy: 0.1 }, { version: '1' }), T0);
    expect(flush(e, T0 + WINDOW_MS)).toEqual([
      expect.objectContaining({ reason: 'PERFORMANCE', modelVersion: '1' }),
    ]);
  });

  it('follows promotions: once the shadow is champion, its windows count and the archived one’s do not', () => {
    const view = registry();
    view.apply(events.stage({ modelId: 'churn', version: '2', stage: 'CHAMPION', reason: 'won' }));
    expect(stageVerdict(view, 'churn', '2')).toEqual({ counts: true, why: 'champion' });
    expect(stageVerdict(view, 'churn', '1')).toEqual({ counts: false, stage: 'ARCHIVED' });
  });

  it('counts model-level reports and models the registry does not know', () => {
    const view = registry();
    expect(stageVerdict(view, 'churn', '')).toEqual({ counts: true, why: 'model-level' });
    expect(stageVerdict(view, 'fraud', '7')).toEqual({ counts: true, why: 'unregistered-model' });
    expect(stageVerdict(undefined, 'churn', '2')).toEqual({ counts: true, why: 'unregistered-model' });
    expect(stageVerdict(view, 'churn', '9')).toEqual({ counts: false, stage: 'UNREGISTERED_VERSION' });
  });
});
