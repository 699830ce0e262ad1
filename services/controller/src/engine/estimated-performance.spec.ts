import { type PerformanceReport, type RetrainRequest } from '@continuum/events';
import { RegistryEventFixture, RegistryView } from '@continuum/registry';
import {
  T0,
  WINDOW_MS,
  estimatedMetric,
  estimatedReport,
  performanceReport,
} from '../../test/report-fixtures';
import { validatePolicy } from '../policy/policy-validation';
import { ModelStateContract } from '../state/model-state.contract';
import { type ModelState } from './model-state';
import { RetrainEngine } from './retrain-engine';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** K = 2 windows under accuracy 0.8; an estimate stands in 1 h after a window's end without labels. */
const POLICY = {
  cooldown: 0,
  dedupInterval: 0,
  performance: {
    metric: 'accuracy',
    threshold: 0.8,
    consecutiveWindows: 2,
    minLabelled: 100,
    rearm: { cleanWindows: 1 },
    estimated: { labelsMissingFor: '1h' },
  },
};

function engineFor(performance: object = POLICY.performance): RetrainEngine {
  return new RetrainEngine(validatePolicy({ models: { churn: { ...POLICY, performance } } }, 'test'));
}

const windowEnd = (i: number) => T0 + (i + 1) * WINDOW_MS;
/** Wall clock when window i's labels have been missing for `late` after its end. */
const at = (i: number, late = 2 * HOUR) => windowEnd(i) + late;

/** No labels; estimated accuracy `value` ± 3 `se`. */
const est = (i: number, value: number, se = 0.01, options: { labelled?: number } = {}) =>
  estimatedReport('churn', i, { accuracy: estimatedMetric(value, se) }, options);
/** The realised report of window i (500 of 1000 labelled), as the evaluator re-emits it under the same id. */
const realised = (i: number, accuracy: number): PerformanceReport => ({
  ...performanceReport('churn', i, { accuracy }),
  estimationMethod: 'CBPE',
  estimatedMetrics: est(i, 0.7).estimatedMetrics,
});

function flush(engine: RetrainEngine, now: number): RetrainRequest[] {
  const due = engine.dueRequests(now);
  for (const r of due) engine.recordEmitted(r);
  return due;
}

const run = (engine: RetrainEngine) => engine.stateOf('churn')!.performance[0].consecutiveBreaches;

describe('performance trigger on estimated performance', () => {
  it('fires on K windows whose whole band is below the threshold, with ESTIMATED_PERFORMANCE evidence', () => {
    const engine = engineFor();
    const first = engine.onPerformanceReport(est(0, 0.7), at(0));
    expect(first).toMatchObject({ estimates: ['breach'], signals: [] });
    const second = engine.onPerformanceReport(est(1, 0.72, 0.02), at(1));
    expect(second.signals).toEqual([
      expect.objectContaining({ reason: 'PERFORMANCE', disposition: 'opened' }),
    ]);
    const [request] = flush(engine, at(1));
    expect(request.reason).toBe('PERFORMANCE');
    expect(request.evidence.map((e) => `${e.kind}:${e.reference}`)).toEqual([
      'ESTIMATED_PERFORMANCE:perf-churn-1-0',
      'ESTIMATED_PERFORMANCE:perf-churn-1-1',
    ]);
    expect(request.evidence[1].values).toEqual({
      accuracy: 0.72,
      lower: expect.closeTo(0.66, 12),
      upper: expect.closeTo(0.78, 12),
      samplingError: 0.02,
      threshold: 0.8,
      labelledCount: 0,
      labelCoverage: 0,
      labelsMissingForMs: HOUR,
      windowStart: T0 + WINDOW_MS,
      windowEnd: windowEnd(1),
      consecutiveBreaches: 2,
      consecutiveWindows: 2,
    });
    expect(request.evidence[1].summary).toBe(
      'estimated accuracy 0.72 [0.66, 0.78] (CBPE, whole band < threshold 0.8: upper bound 0.78; ' +
        "labels missing 1h after the window's end, version 1, 0 of 1000 labelled, breach 2 of 2 in a row)",
    );
  });

  it('an estimate whose band straddles the threshold is not a breach, even with its value below it', () => {
    const engine = engineFor();
    for (let i = 0; i < 6; i++) {
      // 0.78 ± 0.03: the realised accuracy of such a window could well be above 0.8.
      const out = engine.onPerformanceReport(est(i, 0.78, 0.01), at(i));
      expect(out).toMatchObject({ estimates: ['band-straddles'], signals: [] });
    }
    expect(run(engine)).toBe(0);
    // A band just clear of the threshold breaches (0.76 + 3 x 0.0133 = 0.7999 < 0.8).
    engine.onPerformanceReport(est(6, 0.76, 0.0133), at(6));
    expect(run(engine)).toBe(1);
  });

  it('a straddling band breaks a run of breaches (it is a window not shown to breach)', () => {
    const engine = engineFor();
    engine.onPerformanceReport(est(0, 0.7), at(0));
    engine.onPerformanceReport(est(1, 0.79, 0.01), at(1));
    expect(engine.onPerformanceReport(est(2, 0.7), at(2)).signals).toEqual([]);
    expect(run(engine)).toBe(1);
  });

  it('waits labelsMissingFor after the window end before the estimate counts (clock passed in)', () => {
    const engine = engineFor({ ...POLICY.performance, estimated: { labelsMissingFor: '3h' } });
    expect(engine.onPerformanceReport(est(0, 0.7), windowEnd(0) + MIN)).toMatchObject({
      signals: [],
      skipped: [],
    });
    expect(engine.stateOf('churn')!.performance[0].windows[0].basis).toBe('AWAITING_LABELS');
    expect(engine.onPerformanceReport(est(1, 0.7), windowEnd(1) + MIN).estimates).toBeUndefined();
    expect(run(engine)).toBe(0);
    expect(engine.onLabelHorizon('churn', windowEnd(0) + 3 * HOUR - 1)).toBeNull();
    // Window 0's horizon passes: one breach; window 1's an hour later: the second, which fires.
    expect(engine.onLabelHorizon('churn', windowEnd(0) + 3 * HOUR)).toMatchObject({
      estimates: ['breach'],
      signals: [],
    });
    expect(run(engine)).toBe(1);
    const fired = engine.onLabelHorizon('churn', windowEnd(1) + 3 * HOUR);
    expect(fired?.signals).toEqual([
      expect.objectContaining({ reason: 'PERFORMANCE', disposition: 'opened' }),
    ]);
    expect(engine.onLabelHorizon('churn', windowEnd(1) + 4 * HOUR)).toBeNull();
  });

  it('labels arriving before the horizon take the place of the estimate: it never counts', () => {
    const engine = engineFor();
    engine.onPerformanceReport(est(0, 0.7), windowEnd(0) + MIN);
    engine.onPerformanceReport(est(1, 0.7), windowEnd(1) + MIN);
    engine.onPerformanceReport(realised(0, 0.9), windowEnd(1) + 2 * MIN);
    expect(engine.onLabelHorizon('churn', windowEnd(1) + HOUR)).toMatchObject({ estimates: ['breach'] });
    expect(run(engine)).toBe(1); // window 1 only: window 0 is clean on its labels
    expect(engine.stateOf('churn')!.performance[0].windows.map((w) => w.basis)).toEqual([
      'REALISED',
      'ESTIMATED',
    ]);
  });

  it('the realised report replaces a counted estimate: the window counts once, on its labels', () => {
    const engine = engineFor({ ...POLICY.performance, consecutiveWindows: 3 });
    engine.onPerformanceReport(est(0, 0.7), at(0));
    engine.onPerformanceReport(est(1, 0.7), at(1));
    expect(run(engine)).toBe(2);
    // Window 0's labels confirm the breach: still two windows, not three.
    expect(engine.onPerformanceReport(realised(0, 0.71), at(1))).toMatchObject({
      estimates: ['replaced-by-realised'],
      signals: [],
    });
    expect(run(engine)).toBe(2);
    // Window 1's labels contradict its estimate: the run is broken.
    engine.onPerformanceReport(realised(1, 0.85), at(1));
    expect(run(engine)).toBe(0);
    expect(engine.onPerformanceReport(est(2, 0.7), at(2)).signals).toEqual([]);
    expect(run(engine)).toBe(1);
    // A late estimate re-emitted for a window already judged on its labels changes nothing.
    expect(engine.onPerformanceReport(est(1, 0.5), at(2)).ignored).toBe('stale-window');
    expect(engine.stateOf('churn')!.performance[0].windows[1].basis).toBe('REALISED');
  });

  it('a run mixing realised and estimated windows fires, each window cited on its best evidence', () => {
    const engine = engineFor();
    engine.onPerformanceReport(est(0, 0.7), at(0));
    engine.onPerformanceReport(realised(0, 0.75), at(0));
    engine.onPerformanceReport(est(1, 0.7), at(1));
    const [request] = flush(engine, at(1));
    expect(request.evidence.map((e) => `${e.kind}:${e.reference}`)).toEqual([
      'PERFORMANCE_REPORT:perf-churn-1-0',
      'ESTIMATED_PERFORMANCE:perf-churn-1-1',
    ]);
  });

  it('windows of a run that fired never count toward another request', () => {
    const engine = engineFor();
    engine.onPerformanceReport(est(0, 0.7), at(0));
    engine.onPerformanceReport(est(1, 0.7), at(1));
    expect(flush(engine, at(1))).toHaveLength(1);
    // A straddling window re-arms (cleanWindows 1); its labels then show a breach, which joins
    // the fired run — but windows 0 and 1 already went into a request.
    engine.onPerformanceReport(est(2, 0.79), at(2));
    expect(engine.stateOf('churn')!.performance[0].armed).toBe(true);
    expect(engine.onPerformanceReport(realised(2, 0.7), at(2)).signals).toEqual([]);
    expect(engine.stateOf('churn')!.performance[0].breachEvidence.map((e) => e.reference)).toEqual([
      'perf-churn-1-2',
    ]);
    expect(engine.onPerformanceReport(realised(3, 0.7), at(3)).signals).toEqual([
      expect.objectContaining({ disposition: 'opened' }),
    ]);
  });

  it('a realised metric over fewer than minLabelCoverage of the predictions is not yet trusted', () => {
    const engine = engineFor();
    // 200 of 1000 labelled (over minLabelled 100, under the default minLabelCoverage 0.5).
    const partial = { ...est(0, 0.7, 0.01, { labelled: 200 }), metrics: { accuracy: 0.95 } };
    expect(engine.onPerformanceReport(partial, at(0)).estimates).toEqual(['breach']);
    expect(engine.stateOf('churn')!.performance[0].windows[0].basis).toBe('ESTIMATED');
  });

  it('loss metrics (DLE) breach when the band lower bound is above the threshold', () => {
    const engine = engineFor({
      metric: 'mae',
      threshold: 2,
      consecutiveWindows: 1,
      estimated: { labelsMissingFor: 0 },
    });
    const loss = (i: number, value: number) =>
      estimatedReport('churn', i, { mae: estimatedMetric(value, 0.1, Infinity) }, { method: 'DLE' });
    expect(engine.onPerformanceReport(loss(0, 2.2), at(0)).estimates).toEqual(['band-straddles']);
    const out = engine.onPerformanceReport(loss(1, 2.5), at(1));
    expect(out.estimates).toEqual(['breach']);
    expect(out.signals).toHaveLength(1);
    expect(flush(engine, at(1))[0].evidence[0].summary).toContain(
      'whole band > threshold 2: lower bound 2.2',
    );
  });

  it('without an estimated block, labels-missing windows are skipped, and their late realised report still counts', () => {
    const engine = engineFor({ ...POLICY.performance, estimated: false });
    expect(engine.onPerformanceReport(est(0, 0.5), at(0)).skipped).toEqual(['too-few-labels']);
    engine.onPerformanceReport(realised(1, 0.7), at(1));
    const out = engine.onPerformanceReport(realised(0, 0.7), at(1));
    expect(out.signals).toEqual([expect.objectContaining({ disposition: 'opened' })]);
  });

  it('resumes the same count after a restart from the Avro checkpoint; replays change nothing', () => {
    const before = engineFor({ ...POLICY.performance, consecutiveWindows: 3 });
    before.onPerformanceReport(est(0, 0.7), at(0));
    before.onPerformanceReport(realised(0, 0.7), at(0));
    before.onPerformanceReport(est(1, 0.7), at(1));
    before.onPerformanceReport(est(2, 0.7), windowEnd(2) + MIN); // awaiting its horizon at the crash
    const checkpoint = before
      .takeDirty()
      .map((s) => ModelStateContract.type.fromBuffer(ModelStateContract.type.toBuffer(s)) as ModelState);

    const after = engineFor({ ...POLICY.performance, consecutiveWindows: 3 });
    after.restore(checkpoint, [], at(2));
    expect(run(after)).toBe(2);
    // The batch after the checkpoint is read again: nothing counts twice.
    for (const replay of [est(0, 0.7), realised(0, 0.7), est(1, 0.7)]) {
      expect(after.onPerformanceReport(replay, windowEnd(2) + 2 * MIN).ignored).toBe('stale-window');
    }
    expect(run(after)).toBe(2);
    const fired = after.onLabelHorizon('churn', windowEnd(2) + HOUR);
    expect(fired?.signals).toEqual([
      expect.objectContaining({ reason: 'PERFORMANCE', disposition: 'opened' }),
    ]);
    expect(run(after)).toBe(3);
  });

  it('an awaiting estimate of a version demoted before its horizon raises nothing', () => {
    const events = new RegistryEventFixture({ occurredAt: T0 });
    const view = new RegistryView();
    view.apply(events.model('churn', { owner: 'a' }));
    view.apply(events.version('churn', '1', 'CHAMPION'));
    const engine = engineFor({ ...POLICY.performance, consecutiveWindows: 1 });
    engine.useStages(view);
    engine.onPerformanceReport(est(0, 0.7), windowEnd(0) + MIN);
    // Version 2 wins its shadow test and takes over: version 1 is archived.
    for (const e of [
      events.version('churn', '2', 'CANDIDATE'),
      events.stage({ modelId: 'churn', version: '2', stage: 'SHADOW' }),
      events.stage({ modelId: 'churn', version: '2', stage: 'CHAMPION', reason: 'won' }),
    ]) {
      expect(view.apply(e)).toMatchObject({ applied: true });
    }
    expect(engine.onLabelHorizon('churn', at(0))).toBeNull();
    expect(engine.dueRequests(at(0))).toEqual([]);
  });

  it('keeps a bounded ledger; reports of forgotten windows are stale', () => {
    const engine = engineFor();
    for (let i = 0; i < 50; i++) engine.onPerformanceReport(realised(i, 0.9), at(i));
    const state = engine.stateOf('churn')!.performance[0];
    expect(state.windows.length).toBe(2); // max(K, rearm.cleanWindows)
    expect(engine.onPerformanceReport(realised(10, 0.5), at(50)).ignored).toBe('stale-window');
  });
});
