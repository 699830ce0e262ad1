/**
 * Issue 5, end to end: monitor → ct.drift-reports → controller → ct.retrain-requests, on the real
 * broker and registry, each service a child process.
 *
 * A stream of 20 features with an abrupt covariate shift (+1σ) in 3 of them at a known event time.
 * Windows of one minute: 0–2 clean, 3–4 shifted, 5 clean (the shift reverts), 6–7 shifted again.
 * The first window after the shift flags exactly the 3 features; the controller emits exactly one
 * DATA_DRIFT request for it; the drift that comes back in window 6 re-arms the trigger (one clean
 * report) but falls inside the cooldown, which holds it back.
 *
 * False-positive rate configured: KS per feature (reference of 1000 rows), Benjamini–Hochberg
 * across features at α = 0.05 and the effect-size floor D ≥ 0.1. For an unshifted feature, a
 * window of 3000 events flags only if D ≥ 0.1, i.e. √(nm/(n+m))·D ≥ 2.74: P ≈ 3e-7 per feature
 * and window (Kolmogorov's limit), about 5e-5 over the 8 × 17 clean tests here, so the test
 * asserts no false positive at all. A 1σ shift gives D ≈ 0.38. The data is seeded.
 */
import { type Kafka } from 'kafkajs';
import { type DriftReport, Topics } from '@continuum/events';
import { ServiceProcess, createTopics, testKafka, waitFor } from '@continuum/testing';
import {
  T0,
  closers,
  collectReports,
  monitorEnv,
  monitorSettled,
  producePredictions,
  registerVersion,
  syntheticPredictions,
  syntheticReference,
} from '../services/monitor/test/fixtures/synthetic-stream';
import {
  type ControllerUnderTest,
  prepareController,
  retrainRequests,
} from '../services/controller/test/controller-harness';

const MINUTE = 60_000;
const PER_WINDOW = 3000;
const WINDOWS = 8;
const SHIFTED_WINDOWS = new Set([3, 4, 6, 7]);
const SHIFTED = ['f03', 'f11', 'f17'];
const MODEL = 'e2e-drift';

const POLICY = `
defaults:
  cooldown: 1h
  dailyBudget: 5
  dedupInterval: 1s
models:
  ${MODEL}:
    drift:
      minDriftedFeatures: 2
      predictionDrift: false
      rearmCleanReports: 1
`;

describe('end to end: covariate shift → drift report → one DATA_DRIFT retrain request', () => {
  let kafka: Kafka;
  const running: ServiceProcess[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  afterAll(async () => {
    for (const p of running) await p.stop();
  });

  it('flags exactly the shifted features and emits exactly one DATA_DRIFT request, cooldown respected after', async () => {
    const controller: Omit<ControllerUnderTest, 'process'> = await prepareController(
      kafka,
      'e2e-drift',
      POLICY,
    );
    const { names, env } = controller;
    await createTopics(kafka, [
      { topic: names.predictions, partitions: Topics.predictions.partitions },
      { topic: names.modelVersions, partitions: Topics.modelVersions.partitions },
    ]);
    await registerVersion(kafka, names.modelVersions, MODEL, '1', syntheticReference(7, 1000, 20));

    // Each window is its own draw, shifted or not, so the shift can revert and come back.
    const window = (w: number) =>
      syntheticPredictions({
        modelId: MODEL,
        modelVersion: '1',
        seed: 100 + w,
        count: PER_WINDOW,
        features: 20,
        start: T0 + w * MINUTE,
        spacingMs: MINUTE / PER_WINDOW,
        eventIdPrefix: `${MODEL}-w${w}`,
        shift: SHIFTED_WINDOWS.has(w) ? { from: T0, features: SHIFTED, delta: 1 } : undefined,
      });
    // One event per partition at `until` (of another model) moves every partition's watermark past
    // the windows before it.
    const produceWindows = (from: number, until: number) =>
      producePredictions(
        kafka,
        names.predictions,
        [
          ...Array.from({ length: until - from }, (_, i) => window(from + i)).flat(),
          ...closers('e2e-closer', '1', Topics.predictions.partitions, T0 + until * MINUTE),
        ],
        { partition: (p) => (p.eventId.includes('-closer-') ? Number(p.eventId.split('-')[3]) : undefined) },
      );

    const controllerProcess = await ServiceProcess.startService('controller', env);
    running.push(controllerProcess);
    const monitorConfig = monitorEnv('e2e-monitor', env);
    const monitor = await ServiceProcess.startService('monitor', monitorConfig);
    running.push(monitor);

    // Phase 1: windows 0-5. The shift at window 3 must give one request.
    await produceWindows(0, 6);
    await waitFor(
      'the DATA_DRIFT request',
      async () => (await retrainRequests(kafka, names.retrainRequests)).length >= 1,
    );
    // Phase 2: the drift comes back (windows 6-7) while the model is in its cooldown.
    await produceWindows(6, WINDOWS);

    // Complete on the monitor's progress signal (every prediction committed, every partial decided,
    // no window waiting: the closers belong to a model without a reference), not a quiet period.
    const reports = await collectReports(kafka, names.driftReports, (r) => r.length >= WINDOWS, {
      settled: () =>
        monitorSettled(kafka, [monitor], {
          groupId: monitorConfig.MONITOR_GROUP_ID,
          sources: [names.predictions],
          partials: names.monitorPartials,
        }),
    });
    expect(reports).toHaveLength(WINDOWS);
    const byWindow = new Map<number, DriftReport>(reports.map((r) => [(r.windowStart - T0) / MINUTE, r]));
    for (let w = 0; w < WINDOWS; w++) {
      const report = byWindow.get(w) as DriftReport;
      expect(report.eventCount).toBe(PER_WINDOW);
      const drifted = report.features
        .filter((f) => f.drifted)
        .map((f) => f.feature)
        .sort();
      expect({ window: w, drifted }).toEqual({ window: w, drifted: SHIFTED_WINDOWS.has(w) ? SHIFTED : [] });
    }

    // Exactly one request: DATA_DRIFT, with the first shifted window's report as evidence.
    await waitFor('the controller to apply all drift reports', async () => {
      const seen = await controllerProcess.metric('continuum_controller_reports_total', {
        topic: 'drift-report',
      });
      return seen >= WINDOWS;
    });
    await waitFor('the cooldown to hold back the returning drift', async () => {
      const held = await controllerProcess.metric('continuum_controller_signals_suppressed_total', {
        model_id: MODEL,
        guard: 'cooldown',
      });
      return held >= 1;
    });
    await waitFor(
      'no request pending',
      async () => (await controllerProcess.metric('continuum_controller_pending_requests')) === 0,
    );
    const requests = await retrainRequests(kafka, names.retrainRequests);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ modelId: MODEL, modelVersion: '1', reason: 'DATA_DRIFT' });
    const first = byWindow.get(3) as DriftReport;
    expect(requests[0].evidence.map((e) => e.reference)).toContain(first.reportId);
    expect(
      await controllerProcess.metric('continuum_controller_requests_emitted_total', { model_id: MODEL }),
    ).toBe(1);
  });
});
