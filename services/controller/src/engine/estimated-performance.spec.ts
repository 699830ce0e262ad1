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
/** A label delay distribution whose median is `p50` ms. */
const delay = (p50: number) => ({ p50, p90: 1.5 * p50, p99: 2 * p50, max: 2 * p50, mean: p50 });

/**
 * Window i's report as the evaluator publishes it (once, at close): `labelled` of its 1000
 * predictions' worth of pairs labelled in it, `labelsLate` after their predictions at the median,
 * with realised `accuracy`, and the estimate of the predictions made in it.
 */
const realised = (
  i: number,
  accuracy: number,
  options: { estimate?: number; labelsLate?: number; labelled?: number; conceptDrift?: number } = {},
): PerformanceReport => ({
  ...performanceReport(
    'churn',
    i,
    { accuracy },
    { labelled: options.labelled ?? 500, conceptDrift: options.conceptDrift },
  ),
  labelDelay: delay(options.labelsLate ?? 10 * MIN),
  estimationMethod: 'CBPE',
  estimatedMetrics: est(i, options.estimate ?? 0.7).estimatedMetrics,
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

  it('no labels at all (no pair, labelDelay null): waits labelsMissingFor after the window end, then the estimate counts (clock passed in)', () => {
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

  it('labels steadily later than the horizon, coverage ~1: each window is judged on its estimate, never on its realised metric', () => {
    const engine = engineFor();
    // Labels come 3 h after their predictions (horizon 1 h): every window has as many labelled
    // pairs as predictions, but they are those of the predictions made 3 windows earlier.
    const late = (i: number, estimate: number, accuracy: number) =>
      realised(i, accuracy, { estimate, labelsLate: 3 * HOUR, labelled: 1000 });
    // The predictions of windows 0-2 are fine; those of 3 and 4 are not (their estimate falls).
    // The realised accuracy of 3 and 4 is that of 0 and 1's predictions: fine.
    const stream = [
      late(0, 0.9, 0.9),
      late(1, 0.9, 0.9),
      late(2, 0.9, 0.9),
      late(3, 0.7, 0.9),
      late(4, 0.7, 0.9),
    ];
    // Reported at close, the window's labels are missing, though it has 1000 labelled pairs.
    expect(engine.onPerformanceReport(stream[0], windowEnd(0) + MIN)).toMatchObject({
      skipped: [],
      signals: [],
    });
    const ledger = () => engine.stateOf('churn')!.performance[0].windows;
    expect(ledger().map((w) => w.basis)).toEqual(['AWAITING_LABELS']);
    expect(engine.onLabelHorizon('churn', at(0, HOUR))).toMatchObject({ estimates: ['clean'] });
    for (const i of [1, 2, 3]) engine.onPerformanceReport(stream[i], at(i));
    expect(run(engine)).toBe(1);
    const out = engine.onPerformanceReport(stream[4], at(4));
    expect(out).toMatchObject({ estimates: ['breach'] });
    expect(out.signals).toEqual([expect.objectContaining({ reason: 'PERFORMANCE', disposition: 'opened' })]);
    expect(ledger().every((w) => w.basis === 'ESTIMATED')).toBe(true);
    const [request] = flush(engine, at(4));
    expect(request.evidence.map((e) => `${e.kind}:${e.reference}`)).toEqual([
      'ESTIMATED_PERFORMANCE:perf-churn-1-3',
      'ESTIMATED_PERFORMANCE:perf-churn-1-4',
    ]);
    expect(request.evidence[1].values).toMatchObject({
      labelledCount: 1000,
      labelCoverage: 1,
      labelDelayP50Ms: 3 * HOUR,
    });
    expect(request.evidence[1].summary).toContain(
      "labels missing 1h after the window's end; the 1000 pairs labelled in it came 3h after their predictions at the median",
    );
    // Labels of 3 and 4's predictions land in windows 6 and 7: bad realised accuracy, but those
    // predictions were judged on their estimates already; windows 5-7's own predictions are fine.
    for (const i of [5, 6, 7]) {
      expect(engine.onPerformanceReport(late(i, 0.9, 0.6), at(i))).toMatchObject({
        estimates: ['clean'],
        signals: [],
      });
    }
    expect(run(engine)).toBe(0);
    // Nor does a window with late labels and no estimate fall back on its realised metric.
    const noEstimate = { ...late(8, 0.9, 0.5), estimationMethod: null, estimatedMetrics: {} };
    expect(engine.onPerformanceReport(noEstimate, at(8)).skipped).toEqual(['labels-late']);
    expect(run(engine)).toBe(0);
  });

  it('labels within the horizon: the window is judged on its realised metric as before, its estimate unused', () => {
    const engine = engineFor();
    // Labels 10 min after their predictions, 90 % of a window's predictions' worth labelled in it.
    const fast = (i: number) => realised(i, 0.7, { estimate: 0.95, labelsLate: 10 * MIN, labelled: 900 });
    expect(engine.onPerformanceReport(fast(0), windowEnd(0) + MIN)).toMatchObject({ signals: [] });
    expect(engine.stateOf('churn')!.performance[0].windows.map((w) => w.basis)).toEqual(['REALISED']);
    const out = engine.onPerformanceReport(fast(1), windowEnd(1) + MIN);
    expect(out.estimates).toBeUndefined();
    expect(out.signals).toEqual([expect.objectContaining({ reason: 'PERFORMANCE', disposition: 'opened' })]);
    expect(flush(engine, windowEnd(1) + MIN)[0].evidence.map((e) => `${e.kind}:${e.reference}`)).toEqual([
      'PERFORMANCE_REPORT:perf-churn-1-0',
      'PERFORMANCE_REPORT:perf-churn-1-1',
    ]);
    // The horizon itself is the boundary: a median delay of exactly labelsMissingFor is in time.
    const edge = engineFor();
    edge.onPerformanceReport(realised(0, 0.7, { labelsLate: HOUR }), windowEnd(0) + MIN);
    expect(edge.stateOf('churn')!.performance[0].windows[0].basis).toBe('REALISED');
  });

  it('late labels still feed the concept-drift trigger: their errors are the error stream', () => {
    const engine = engineFor();
    const withConcept = new RetrainEngine(
      validatePolicy({ models: { churn: { ...POLICY, conceptDrift: { rearmCleanReports: 1 } } } }, 'test'),
    );
    const report = realised(0, 0.9, { estimate: 0.9, labelsLate: 3 * HOUR, labelled: 1000, conceptDrift: 2 });
    expect(engine.onPerformanceReport(report, windowEnd(0) + MIN).signals).toEqual([]);
    expect(withConcept.onPerformanceReport(report, windowEnd(0) + MIN).signals).toEqual([
      expect.objectContaining({ reason: 'CONCEPT_DRIFT', disposition: 'opened' }),
    ]);
  });

  it('a report published twice (the same reportId after an evaluator crash) counts once', () => {
    const engine = engineFor({ ...POLICY.performance, consecutiveWindows: 3 });
    engine.onPerformanceReport(est(0, 0.7), at(0));
    expect(engine.onPerformanceReport(est(0, 0.7), at(0)).ignored).toBe('stale-window');
    // Window 1 waits for its horizon; its replay before and after the horizon changes nothing.
    engine.onPerformanceReport(est(1, 0.7), windowEnd(1) + MIN);
    expect(engine.onPerformanceReport(est(1, 0.7), windowEnd(1) + 2 * MIN).ignored).toBe('stale-window');
    expect(engine.onLabelHorizon('churn', at(1))).toMatchObject({ estimates: ['breach'] });
    expect(engine.onPerformanceReport(est(1, 0.7), at(1)).ignored).toBe('stale-window');
    expect(run(engine)).toBe(2);
    // A differing report of a judged window is not the evaluator's (it publishes a window once): ignored too.
    expect(engine.onPerformanceReport(realised(1, 0.95), at(1)).ignored).toBe('stale-window');
    expect(run(engine)).toBe(2);
  });

  it('a run mixing realised and estimated windows fires, each window cited on the evidence that judged it', () => {
    const engine = engineFor();
    engine.onPerformanceReport(realised(0, 0.75), at(0));
    engine.onPerformanceReport(est(1, 0.7), at(1));
    const [request] = flush(engine, at(1));
    expect(request.evidence.map((e) => `${e.kind}:${e.reference}`)).toEqual([
      'PERFORMANCE_REPORT:perf-churn-1-0',
      'ESTIMATED_PERFORMANCE:perf-churn-1-1',
    ]);
  });

  it('windows of a run that fired never count toward another request, even one decided after it fired', () => {
    const engine = engineFor({ ...POLICY.performance, estimated: { labelsMissingFor: '3h' } });
    // Window 0 has no labels and waits for its horizon; windows 1 and 2 breach on fresh labels.
    engine.onPerformanceReport(est(0, 0.7), windowEnd(0) + MIN);
    engine.onPerformanceReport(realised(1, 0.7), windowEnd(1) + MIN);
    expect(engine.onPerformanceReport(realised(2, 0.7), windowEnd(2) + MIN).signals).toHaveLength(1);
    expect(flush(engine, windowEnd(2) + MIN)).toHaveLength(1);
    // Window 0's horizon passes: its estimate breaches and joins the fired run, which counts no
    // more (held by hysteresis: no new request).
    expect(engine.onLabelHorizon('churn', windowEnd(0) + 3 * HOUR)).toMatchObject({
      estimates: ['breach'],
      signals: [{ reason: 'PERFORMANCE', disposition: 'hysteresis' }],
    });
    expect(engine.dueRequests(windowEnd(0) + 3 * HOUR)).toEqual([]);
    expect(run(engine)).toBe(3);
    expect(engine.stateOf('churn')!.performance[0].breachEvidence).toEqual([]);
    // A clean window re-arms (cleanWindows 1); the next two breaches fire again, citing only themselves.
    engine.onPerformanceReport(realised(3, 0.9), at(3));
    expect(engine.stateOf('churn')!.performance[0].armed).toBe(true);
    engine.onPerformanceReport(realised(4, 0.7), at(4));
    expect(engine.onPerformanceReport(realised(5, 0.7), at(5)).signals).toEqual([
      expect.objectContaining({ disposition: 'opened' }),
    ]);
    expect(flush(engine, at(5))[0].evidence.map((e) => e.reference)).toEqual([
      'perf-churn-1-4',
      'perf-churn-1-5',
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

  it('without an estimated block, windows with too few labels are skipped and late labels are judged on their realised metric', () => {
    const engine = engineFor({ ...POLICY.performance, estimated: false });
    expect(engine.onPerformanceReport(est(0, 0.5), at(0)).skipped).toEqual(['too-few-labels']);
    engine.onPerformanceReport(realised(1, 0.7, { labelsLate: 3 * 24 * HOUR }), at(1));
    const out = engine.onPerformanceReport(realised(2, 0.7, { labelsLate: 3 * 24 * HOUR }), at(2));
    expect(out.signals).toEqual([expect.objectContaining({ disposition: 'opened' })]);
  });

  it('resumes the same count after a restart from the Avro checkpoint; replays change nothing', () => {
    const before = engineFor({ ...POLICY.performance, consecutiveWindows: 3 });
    const late = (i: number) => realised(i, 0.95, { estimate: 0.7, labelsLate: 3 * HOUR, labelled: 1000 });
    before.onPerformanceReport(realised(0, 0.7), at(0)); // fresh labels: realised
    before.onPerformanceReport(late(1), at(1)); // late labels: its estimate
    before.onPerformanceReport(late(2), windowEnd(2) + MIN); // awaiting its horizon at the crash
    const checkpoint = before
      .takeDirty()
      .map((s) => ModelStateContract.type.fromBuffer(ModelStateContract.type.toBuffer(s)) as ModelState);

    const after = engineFor({ ...POLICY.performance, consecutiveWindows: 3 });
    after.restore(checkpoint, [], at(2));
    expect(run(after)).toBe(2);
    // The batch after the checkpoint is read again: nothing counts twice.
    expect(after.stateOf('churn')!.performance[0].windows.map((w) => w.basis)).toEqual([
      'REALISED',
      'ESTIMATED',
      'AWAITING_LABELS',
    ]);
    for (const replay of [realised(0, 0.7), late(1), late(2)]) {
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
