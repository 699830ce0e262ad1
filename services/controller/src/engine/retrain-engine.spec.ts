import { type RetrainRequest } from '@continuum/events';
import { T0, WINDOW_MS, driftReport, performanceReport } from '../../test/report-fixtures';
import { validatePolicy } from '../policy/policy-validation';
import { summarizeRequest } from './request-history';
import { RetrainEngine } from './retrain-engine';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

function engineFor(model: object, defaults: object = {}): RetrainEngine {
  return new RetrainEngine(validatePolicy({ defaults, models: { churn: model } }, 'test'));
}

/** Emits every due request (as the service would after the broker acked) and returns them. */
function flush(engine: RetrainEngine, now: number): RetrainRequest[] {
  const due = engine.dueRequests(now);
  for (const r of due) engine.recordEmitted(r);
  return due;
}

describe('data-drift trigger', () => {
  const policy = {
    cooldown: '6h',
    dedupInterval: '30s',
    drift: { minDriftedFeatures: 2, predictionDrift: false, rearmCleanReports: 2 },
  };

  it('turns a report with 3 drifted features (m=2) into exactly one DATA_DRIFT request with the evidence', () => {
    const engine = engineFor(policy);
    const out = engine.onDriftReport(driftReport('churn', 0, 3), T0);
    expect(out.signals).toEqual([expect.objectContaining({ reason: 'DATA_DRIFT', disposition: 'opened' })]);
    expect(engine.dueRequests(T0 + 29 * SEC)).toEqual([]);
    const [request, ...rest] = flush(engine, T0 + 30 * SEC);
    expect(rest).toEqual([]);
    expect(request).toMatchObject({
      modelId: 'churn',
      modelVersion: '1',
      reason: 'DATA_DRIFT',
      requestedAt: T0 + 30 * SEC,
      requestedBy: 'policy:churn',
      mode: 'FULL',
      window: { kind: 'FIXED_DURATION', durationMs: 30 * 24 * HOUR },
    });
    expect(request.requestId).toBe(out.signals[0].requestId);
    expect(request.evidence).toHaveLength(1);
    const [evidence] = request.evidence;
    expect(evidence.kind).toBe('DRIFT_REPORT');
    expect(evidence.reference).toBe('drift-churn-1-*-0');
    expect(evidence.summary).toContain('3 of 20 features drifted (trigger at 2): f0 KS=0.310 p=2.00e-8');
    expect(evidence.values).toMatchObject({
      driftedFeatures: 3,
      minDriftedFeatures: 2,
      'feature.f0.value': 0.31,
      'feature.f0.adjustedPValue': 2e-8,
      'feature.f2.threshold': 0.05,
    });
    expect(evidence.values['feature.f3.value']).toBeUndefined();
    expect(engine.dueRequests(T0 + HOUR)).toEqual([]);
  });

  it('does not fire below m drifted features; prediction drift fires only when enabled', () => {
    const engine = engineFor(policy);
    expect(engine.onDriftReport(driftReport('churn', 0, 1), T0).signals).toEqual([]);
    expect(engine.onDriftReport(driftReport('churn', 1, 0, { predictionDrifted: true }), T0).signals).toEqual(
      [],
    );
    const withPrediction = engineFor({ drift: { minDriftedFeatures: null, predictionDrift: true } });
    const out = withPrediction.onDriftReport(driftReport('churn', 0, 5, { predictionDrifted: true }), T0);
    expect(out.signals[0]).toMatchObject({ reason: 'DATA_DRIFT', disposition: 'opened' });
    // With minDriftedFeatures null, feature drift alone never triggers.
    expect(withPrediction.onDriftReport(driftReport('churn', 1, 20), T0).signals).toEqual([]);
  });

  it('stays disarmed after firing until N clean reports (hysteresis), then the cooldown still holds', () => {
    const engine = engineFor(policy);
    engine.onDriftReport(driftReport('churn', 0, 3), T0);
    expect(flush(engine, T0 + MIN)).toHaveLength(1);
    const disposition = (i: number, drifted: number, now: number) =>
      engine.onDriftReport(driftReport('churn', i, drifted), now).signals.map((s) => s.disposition);
    expect(disposition(1, 4, T0 + 2 * MIN)).toEqual(['hysteresis']);
    expect(disposition(2, 0, T0 + 3 * MIN)).toEqual([]);
    expect(disposition(3, 5, T0 + 4 * MIN)).toEqual(['hysteresis']); // a drifted report restarts the clean count
    expect(disposition(4, 0, T0 + 5 * MIN)).toEqual([]);
    expect(disposition(5, 1, T0 + 6 * MIN)).toEqual([]); // re-armed: two clean reports in a row
    expect(disposition(6, 3, T0 + 7 * MIN)).toEqual(['cooldown']);
    // A cooldown-suppressed trigger stays armed: after the cooldown, the next drifted report fires.
    expect(disposition(7, 3, T0 + 6 * HOUR + 2 * MIN)).toEqual(['opened']);
    expect(flush(engine, T0 + 7 * HOUR)).toHaveLength(1);
  });

  it('ignores replayed or older windows, unknown models and unwatched segments', () => {
    const engine = engineFor(policy);
    engine.onDriftReport(driftReport('churn', 5, 0), T0);
    expect(engine.onDriftReport(driftReport('churn', 5, 3), T0).ignored).toBe('stale-window');
    expect(engine.onDriftReport(driftReport('churn', 4, 3), T0).ignored).toBe('stale-window');
    expect(engine.onDriftReport(driftReport('fraud', 0, 3), T0).ignored).toBe('unknown-model');
    expect(engine.onDriftReport(driftReport('churn', 6, 3, { segment: 'mobile' }), T0).ignored).toBe(
      'segment-not-watched',
    );
    expect(engine.dueRequests(T0 + HOUR)).toEqual([]);
    const segments = engineFor({ drift: { segments: ['mobile'] } });
    expect(segments.onDriftReport(driftReport('churn', 0, 3), T0).ignored).toBe('segment-not-watched');
    expect(
      segments.onDriftReport(driftReport('churn', 0, 3, { segment: 'mobile' }), T0).signals,
    ).toHaveLength(1);
  });

  it('keeps separate hysteresis per model version', () => {
    const engine = engineFor({ ...policy, cooldown: 0 });
    engine.onDriftReport(driftReport('churn', 0, 3, { version: '1' }), T0);
    flush(engine, T0 + MIN);
    const out = engine.onDriftReport(driftReport('churn', 0, 3, { version: '2' }), T0 + 2 * MIN);
    expect(out.signals[0]).toMatchObject({ disposition: 'opened' });
    expect(flush(engine, T0 + 3 * MIN)[0].modelVersion).toBe('2');
  });
});

describe('performance trigger', () => {
  const policy = {
    dedupInterval: 0,
    performance: {
      metric: 'accuracy',
      threshold: 0.8,
      consecutiveWindows: 3,
      minLabelled: 100,
      rearm: { margin: 0.05, cleanWindows: 2 },
    },
  };
  const acc = (a: number) => ({ accuracy: a });

  it('fires after K consecutive breaching windows, with all K reports as evidence', () => {
    const engine = engineFor(policy);
    expect(engine.onPerformanceReport(performanceReport('churn', 0, acc(0.7)), T0).signals).toEqual([]);
    expect(engine.onPerformanceReport(performanceReport('churn', 1, acc(0.75)), T0).signals).toEqual([]);
    expect(engine.stateOf('churn')?.performance[0].consecutiveBreaches).toBe(2);
    const out = engine.onPerformanceReport(performanceReport('churn', 2, acc(0.79)), T0);
    expect(out.signals).toEqual([expect.objectContaining({ reason: 'PERFORMANCE', disposition: 'opened' })]);
    const [request] = flush(engine, T0);
    expect(request.reason).toBe('PERFORMANCE');
    expect(request.evidence.map((e) => e.reference)).toEqual([
      'perf-churn-1-0',
      'perf-churn-1-1',
      'perf-churn-1-2',
    ]);
    expect(request.evidence[2].summary).toBe(
      'accuracy 0.79 < threshold 0.8 (version 1, 500 labelled, breach 3 of 3 in a row)',
    );
    expect(request.evidence[2].values).toMatchObject({
      accuracy: 0.79,
      threshold: 0.8,
      consecutiveBreaches: 3,
    });
  });

  it('a clean window resets the count; thin windows and missing metrics neither count nor reset', () => {
    const engine = engineFor(policy);
    engine.onPerformanceReport(performanceReport('churn', 0, acc(0.7)), T0);
    engine.onPerformanceReport(performanceReport('churn', 1, acc(0.9)), T0);
    engine.onPerformanceReport(performanceReport('churn', 2, acc(0.7)), T0);
    const thin = engine.onPerformanceReport(performanceReport('churn', 3, acc(0.1), { labelled: 99 }), T0);
    expect(thin.skipped).toEqual(['too-few-labels']);
    const missing = engine.onPerformanceReport(performanceReport('churn', 4, { f1: 0.1 }), T0);
    expect(missing.skipped).toEqual(['metric-missing']);
    const nan = engine.onPerformanceReport(performanceReport('churn', 5, acc(NaN)), T0);
    expect(nan.skipped).toEqual(['metric-missing']);
    expect(engine.stateOf('churn')?.performance[0].consecutiveBreaches).toBe(1);
    engine.onPerformanceReport(performanceReport('churn', 6, acc(0.7)), T0);
    expect(engine.onPerformanceReport(performanceReport('churn', 7, acc(0.7)), T0).signals).toHaveLength(1);
  });

  it('uses "above" for loss metrics', () => {
    const engine = engineFor({
      dedupInterval: 0,
      performance: { metric: 'log_loss', threshold: 0.5, consecutiveWindows: 1 },
    });
    expect(engine.onPerformanceReport(performanceReport('churn', 0, { log_loss: 0.4 }), T0).signals).toEqual(
      [],
    );
    const out = engine.onPerformanceReport(performanceReport('churn', 1, { log_loss: 0.6 }), T0);
    expect(out.signals[0].disposition).toBe('opened');
    expect(flush(engine, T0)[0].evidence[0].summary).toContain('log_loss 0.6 > threshold 0.5');
  });

  it('re-arms at once when a window recovers past threshold + margin', () => {
    const engine = engineFor({ ...policy, cooldown: 0 });
    for (let i = 0; i < 3; i++) engine.onPerformanceReport(performanceReport('churn', i, acc(0.7)), T0);
    expect(flush(engine, T0)).toHaveLength(1);
    const dispositions = (i: number, a: number) =>
      engine
        .onPerformanceReport(performanceReport('churn', i, acc(a)), T0 + i * MIN)
        .signals.map((s) => s.disposition);
    expect(dispositions(3, 0.7)).toEqual(['hysteresis']);
    expect(dispositions(4, 0.82)).toEqual([]); // recovered, but within the margin: one clean window
    expect(engine.stateOf('churn')?.performance[0].armed).toBe(false);
    expect(dispositions(5, 0.86)).toEqual([]); // past 0.8 + 0.05: re-armed
    expect(engine.stateOf('churn')?.performance[0].armed).toBe(true);
    for (let i = 6; i < 8; i++) expect(dispositions(i, 0.7)).toEqual([]);
    expect(dispositions(8, 0.7)).toEqual(['opened']);
  });

  it('re-arms after N clean windows even inside the margin band', () => {
    const engine = engineFor({ ...policy, cooldown: 0 });
    for (let i = 0; i < 3; i++) engine.onPerformanceReport(performanceReport('churn', i, acc(0.7)), T0);
    flush(engine, T0);
    engine.onPerformanceReport(performanceReport('churn', 3, acc(0.81)), T0);
    expect(engine.stateOf('churn')?.performance[0].armed).toBe(false);
    engine.onPerformanceReport(performanceReport('churn', 4, acc(0.81)), T0);
    expect(engine.stateOf('churn')?.performance[0].armed).toBe(true);
  });
});

describe('concept drift and de-duplication', () => {
  const policy = {
    cooldown: '1h',
    dedupInterval: '30s',
    performance: { metric: 'accuracy', threshold: 0.8, consecutiveWindows: 2 },
    conceptDrift: { rearmCleanReports: 2 },
    drift: { minDriftedFeatures: 2 },
  };

  it('a concept-drift detection alone raises CONCEPT_DRIFT', () => {
    const engine = engineFor(policy);
    engine.onPerformanceReport(performanceReport('churn', 0, { accuracy: 0.9 }, { conceptDrift: 0 }), T0);
    const out = engine.onPerformanceReport(
      performanceReport('churn', 1, { accuracy: 0.9 }, { conceptDrift: 2 }),
      T0,
    );
    expect(out.signals).toEqual([
      expect.objectContaining({ reason: 'CONCEPT_DRIFT', disposition: 'opened' }),
    ]);
    const [request] = flush(engine, T0 + MIN);
    expect(request.reason).toBe('CONCEPT_DRIFT');
    expect(request.evidence[0]).toMatchObject({
      kind: 'CONCEPT_DRIFT',
      reference: 'perf-churn-1-1',
      values: { 'ADWIN.detections': 2, 'ADWIN.driftDetected': 1 },
    });
    expect(request.evidence[0].summary).toMatch(/^ADWIN detected concept drift \(2 detection\(s\)/);
  });

  it('merges signals within the interval into one request: reason by precedence, evidence from all', () => {
    const engine = engineFor(policy);
    engine.onDriftReport(driftReport('churn', 0, 4), T0);
    engine.onPerformanceReport(performanceReport('churn', 0, { accuracy: 0.7 }), T0 + 5 * SEC);
    const out = engine.onPerformanceReport(
      performanceReport('churn', 1, { accuracy: 0.6 }, { conceptDrift: 1 }),
      T0 + 10 * SEC,
    );
    expect(out.signals.map((s) => [s.reason, s.disposition])).toEqual([
      ['PERFORMANCE', 'merged'],
      ['CONCEPT_DRIFT', 'merged'],
    ]);
    expect(engine.dueRequests(T0 + 29 * SEC)).toEqual([]);
    const requests = flush(engine, T0 + 30 * SEC);
    expect(requests).toHaveLength(1);
    expect(requests[0].reason).toBe('PERFORMANCE');
    expect(requests[0].evidence.map((e) => `${e.kind}:${e.reference}`)).toEqual([
      'DRIFT_REPORT:drift-churn-1-*-0',
      'PERFORMANCE_REPORT:perf-churn-1-0',
      'PERFORMANCE_REPORT:perf-churn-1-1',
      'CONCEPT_DRIFT:perf-churn-1-1',
    ]);
    // The id comes from the signal that opened the request.
    expect(requests[0].requestId).toBe(out.signals[0].requestId);
    // Every merged trigger is disarmed: nothing fires again for the same episode.
    const later = engine.onPerformanceReport(
      performanceReport('churn', 2, { accuracy: 0.6 }, { conceptDrift: 1 }),
      T0 + 2 * HOUR,
    );
    expect(later.signals.map((s) => s.disposition)).toEqual(['hysteresis', 'hysteresis']);
  });

  it('a signal after the request went out is a new occasion: cooldown, not merge', () => {
    const engine = engineFor(policy);
    engine.onDriftReport(driftReport('churn', 0, 4), T0);
    flush(engine, T0 + 30 * SEC);
    const out = engine.onPerformanceReport(
      performanceReport('churn', 0, { accuracy: 0.9 }, { conceptDrift: 1 }),
      T0 + MIN,
    );
    expect(out.signals).toEqual([
      expect.objectContaining({
        reason: 'CONCEPT_DRIFT',
        disposition: 'cooldown',
        blockedUntil: T0 + 30 * SEC + HOUR,
      }),
    ]);
    expect(flush(engine, T0 + 2 * MIN)).toEqual([]);
  });
});

describe('daily budget', () => {
  it('allows at most dailyBudget requests in any 24 hours', () => {
    const engine = engineFor({
      cooldown: 0,
      dedupInterval: 0,
      dailyBudget: 2,
      drift: { minDriftedFeatures: 1, rearmCleanReports: 1 },
    });
    const times = [T0, T0 + HOUR, T0 + 2 * HOUR];
    const dispositions: string[] = [];
    times.forEach((now, k) => {
      engine.onDriftReport(driftReport('churn', 2 * k, 0), now);
      dispositions.push(
        ...engine.onDriftReport(driftReport('churn', 2 * k + 1, 1), now).signals.map((s) => s.disposition),
      );
      flush(engine, now);
    });
    expect(dispositions).toEqual(['opened', 'opened', 'budget']);
    const blocked = engine.onDriftReport(driftReport('churn', 10, 1), T0 + 24 * HOUR - 1);
    expect(blocked.signals[0]).toMatchObject({ disposition: 'budget', blockedUntil: T0 + 24 * HOUR });
    // 24 hours after the first request the budget has room again (the trigger stayed armed).
    expect(engine.onDriftReport(driftReport('churn', 11, 1), T0 + 24 * HOUR).signals[0].disposition).toBe(
      'opened',
    );
  });
});

describe('manual requests', () => {
  const policy = {
    cooldown: '6h',
    dailyBudget: 2,
    dedupInterval: '1m',
    request: { mode: 'WARM_START', window: { kind: 'FIXED_COUNT', count: 50000 } },
    drift: { minDriftedFeatures: 2 },
  };
  const input = { requestedBy: 'cli:alice', nonce: 'n1' };

  it('bypasses the cooldown, counts toward the budget, and then starts a cooldown of its own', () => {
    const engine = engineFor(policy);
    engine.onDriftReport(driftReport('churn', 0, 3), T0);
    flush(engine, T0 + MIN);
    const first = engine.manual('churn', { ...input, note: 'new holiday data' }, T0 + 2 * MIN);
    expect(first.kind).toBe('request');
    if (first.kind !== 'request') return;
    expect(first.request).toMatchObject({
      reason: 'MANUAL',
      requestedBy: 'cli:alice',
      mode: 'WARM_START',
      window: { kind: 'FIXED_COUNT', count: 50000 },
      evidence: [{ kind: 'MANUAL', reference: 'cli:alice', summary: 'new holiday data', values: {} }],
    });
    engine.recordEmitted(first.request, first.absorbedPending);
    const refused = engine.manual('churn', { ...input, nonce: 'n2' }, T0 + 3 * MIN);
    expect(refused).toEqual({ kind: 'budget-exhausted', until: T0 + MIN + 24 * HOUR, used: 2, budget: 2 });
  });

  it('takes the caller window and mode, and recognises a retried call by its idempotency key', () => {
    const engine = engineFor(policy);
    const keyed = { ...input, idempotencyKey: 'ticket-42', mode: 'ONLINE' as const };
    const first = engine.manual('churn', keyed, T0);
    if (first.kind !== 'request') throw new Error(first.kind);
    expect(first.request.mode).toBe('ONLINE');
    engine.recordEmitted(first.request);
    expect(engine.manual('churn', { ...keyed, nonce: 'other' }, T0 + SEC)).toEqual({
      kind: 'duplicate',
      requestId: first.request.requestId,
    });
    expect(engine.manual('fraud', input, T0)).toEqual({ kind: 'unknown-model' });
  });

  it('absorbs a pending automatic request so that its signals are not emitted twice', () => {
    const engine = engineFor(policy);
    engine.onDriftReport(driftReport('churn', 0, 3), T0);
    const out = engine.manual('churn', input, T0 + 10 * SEC);
    if (out.kind !== 'request') throw new Error(out.kind);
    expect(out.request.evidence.map((e) => e.kind)).toEqual(['MANUAL', 'DRIFT_REPORT']);
    expect(out.absorbedPending).not.toBeNull();
    engine.recordEmitted(out.request, out.absorbedPending);
    expect(engine.dueRequests(T0 + HOUR)).toEqual([]);
  });
});

describe('schedule trigger', () => {
  const policy = { cooldown: '1h', schedule: { cron: '0 2 * * *', timezone: 'Europe/Paris' } };
  // 02:00 in Paris in January is 01:00 UTC.
  const slot = (day: number) => Date.UTC(2026, 0, day, 1, 0, 0);

  it('records the first slot it sees without firing, then fires once per slot', () => {
    const engine = engineFor(policy);
    expect(engine.onScheduleTick('churn', slot(5) + 5 * HOUR)).toEqual({
      kind: 'initialized',
      slot: slot(5),
    });
    expect(engine.onScheduleTick('churn', slot(6) - SEC)).toEqual({ kind: 'none' });
    const fired = engine.onScheduleTick('churn', slot(6));
    expect(fired).toMatchObject({
      kind: 'fired',
      slot: slot(6),
      signal: { reason: 'SCHEDULE', disposition: 'opened' },
    });
    expect(engine.onScheduleTick('churn', slot(6) + SEC)).toEqual({ kind: 'none' });
    const [request] = flush(engine, slot(6) + 30 * SEC);
    expect(request.reason).toBe('SCHEDULE');
    expect(request.evidence[0]).toMatchObject({
      kind: 'SCHEDULE',
      reference: '0 2 * * *',
      summary: "cron '0 2 * * *' (Europe/Paris) slot 2026-01-06T01:00:00.000Z",
    });
  });

  it('after downtime fires only the latest missed slot, once', () => {
    const engine = engineFor(policy);
    engine.onScheduleTick('churn', slot(5));
    const late = engine.onScheduleTick('churn', slot(9) + 3 * HOUR);
    expect(late).toMatchObject({ kind: 'fired', slot: slot(9) });
    expect(engine.onScheduleTick('churn', slot(9) + 4 * HOUR)).toEqual({ kind: 'none' });
  });

  it('a slot inside the cooldown is consumed without a request', () => {
    const engine = engineFor({ ...policy, cooldown: '2d' });
    engine.onScheduleTick('churn', slot(5));
    expect(engine.onScheduleTick('churn', slot(6))).toMatchObject({ signal: { disposition: 'opened' } });
    flush(engine, slot(6) + MIN);
    expect(engine.onScheduleTick('churn', slot(7))).toMatchObject({
      kind: 'fired',
      signal: { disposition: 'cooldown' },
    });
    expect(engine.onScheduleTick('churn', slot(7) + MIN)).toEqual({ kind: 'none' });
  });

  it('a changed cron expression starts from its own first slot', () => {
    const engine = engineFor(policy);
    engine.onScheduleTick('churn', slot(5));
    const states = engine.takeDirty();
    const changed = engineFor({ ...policy, schedule: { cron: '0 * * * *', timezone: 'UTC' } });
    changed.restore(states, [], slot(5) + 90 * MIN);
    expect(changed.onScheduleTick('churn', slot(5) + 90 * MIN)).toEqual({
      kind: 'initialized',
      slot: slot(5) + HOUR,
    });
  });
});

describe('recovery from checkpointed state and the requests topic', () => {
  const policy = {
    cooldown: '1h',
    dedupInterval: '10s',
    performance: { metric: 'accuracy', threshold: 0.8, consecutiveWindows: 3 },
    drift: { minDriftedFeatures: 2 },
  };

  it('keeps the consecutive count across a restart, and replays after the checkpoint change nothing', () => {
    const before = engineFor(policy);
    before.onPerformanceReport(performanceReport('churn', 0, { accuracy: 0.7 }), T0);
    before.onPerformanceReport(performanceReport('churn', 1, { accuracy: 0.7 }), T0);
    const checkpoint = before.takeDirty();
    expect(checkpoint).toHaveLength(1);

    const after = engineFor(policy);
    after.restore(checkpoint, [], T0 + MIN);
    expect(after.onPerformanceReport(performanceReport('churn', 1, { accuracy: 0.7 }), T0).ignored).toBe(
      'stale-window',
    );
    const out = after.onPerformanceReport(performanceReport('churn', 2, { accuracy: 0.7 }), T0 + MIN);
    expect(out.signals[0]).toMatchObject({ reason: 'PERFORMANCE', disposition: 'opened' });
  });

  it('does not re-emit a pending request that reached the topic before the crash', () => {
    const engine = engineFor(policy);
    engine.onDriftReport(driftReport('churn', 0, 3), T0);
    const checkpoint = engine.takeDirty(); // written with the batch, pending inside
    const [emitted] = flush(engine, T0 + 10 * SEC); // emitted; the process dies before the next checkpoint

    const restarted = engineFor(policy);
    restarted.restore(checkpoint, [summarizeRequest(emitted)], T0 + MIN);
    expect(restarted.stateOf('churn')?.pending).toBeNull();
    expect(restarted.dueRequests(T0 + HOUR)).toEqual([]);
  });

  it('recognises a request re-raised from replayed reports (checkpoint lost) and disarms as before', () => {
    const engine = engineFor(policy);
    const [emitted] = (() => {
      engine.onDriftReport(driftReport('churn', 0, 3), T0);
      return flush(engine, T0 + 10 * SEC);
    })();

    const restarted = engineFor(policy); // no checkpoint of that batch reached the state topic
    restarted.restore([], [summarizeRequest(emitted)], T0 + MIN);
    const replay = restarted.onDriftReport(driftReport('churn', 0, 3), T0 + MIN);
    expect(replay.signals).toEqual([
      expect.objectContaining({ disposition: 'already-emitted', requestId: emitted.requestId }),
    ]);
    expect(restarted.dueRequests(T0 + HOUR)).toEqual([]);
    expect(restarted.stateOf('churn')?.drift[0].armed).toBe(false);
  });

  it('derives the same request id from the same report', () => {
    const a = engineFor(policy);
    const b = engineFor(policy);
    const ida = a.onDriftReport(driftReport('churn', 0, 3), T0).signals[0].requestId;
    const idb = b.onDriftReport(driftReport('churn', 0, 3), T0 + HOUR).signals[0].requestId;
    expect(ida).toMatch(/^rr-[0-9a-f]{32}$/);
    expect(idb).toBe(ida);
  });

  it('keeps state for at most maxVersions model versions', () => {
    const engine = new RetrainEngine(
      validatePolicy({ models: { churn: { performance: { metric: 'f1', threshold: 0.5 } } } }, 'test'),
      { maxVersions: 2 },
    );
    for (let v = 1; v <= 4; v++) {
      engine.onPerformanceReport(
        performanceReport('churn', 0, { f1: 0.9 }, { version: String(v) }),
        T0 + v * WINDOW_MS,
      );
    }
    expect(
      engine
        .stateOf('churn')
        ?.performance.map((p) => p.modelVersion)
        .sort(),
    ).toEqual(['3', '4']);
  });
});
