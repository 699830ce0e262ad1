/**
 * Issue 5, end to end: a stream whose label relationship flips while the inputs stay the same
 * (concept drift). Monitor, evaluator and controller run as child processes on the real broker
 * and registry. Expected: no data drift (so no DATA_DRIFT request), a performance drop in the
 * evaluator's window reports, and one PERFORMANCE or CONCEPT_DRIFT request.
 *
 * The model scores a logistic function of five features; before the flip the label is the
 * model's own decision (score > 0.5), so accuracy is 1; from the flip on it is the opposite, so
 * accuracy is 0. Labels arrive 5 s of event time after their prediction.
 */
import { type Kafka } from 'kafkajs';
import {
  type DriftReport,
  type Label,
  type PerformanceReport,
  PerformanceReportContract,
  Topics,
} from '@continuum/events';
import { ServiceProcess, createTopics, testKafka, uniqueName, waitFor } from '@continuum/testing';
import {
  T0,
  collectReports,
  monitorEnv,
  monitorSettled,
  registerVersion,
  syntheticPredictions,
  syntheticReference,
} from '../services/monitor/test/fixtures/synthetic-stream';
import {
  type TimedEvent,
  TopicCollector,
  createEvaluatorTopics,
  produceInTimeOrder,
  stateDir,
  ticks,
} from '../services/evaluator/test/evaluator-fixtures';
import { prepareController, retrainRequests } from '../services/controller/test/controller-harness';

const MINUTE = 60_000;
const PER_WINDOW = 1500;
const WINDOWS = 6;
const FLIP_WINDOW = 3;
const MODEL = 'e2e-concept';

const POLICY = `
defaults:
  cooldown: 1h
  dailyBudget: 5
  dedupInterval: 2s
models:
  ${MODEL}:
    drift:
      minDriftedFeatures: 2
      predictionDrift: true
    performance:
      metric: accuracy
      threshold: 0.8
      consecutiveWindows: 2
      minLabelled: 100
    conceptDrift: {}
`;

describe('end to end: concept drift → performance drop → one PERFORMANCE or CONCEPT_DRIFT request', () => {
  let kafka: Kafka;
  const running: ServiceProcess[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  afterAll(async () => {
    for (const p of running) await p.stop();
  });

  it('raises no data-drift request, shows the accuracy drop and requests one retrain', async () => {
    const controller = await prepareController(kafka, 'e2e-concept', POLICY);
    const { names, env } = controller;
    await createEvaluatorTopics(kafka, names);
    await createTopics(kafka, [{ topic: names.modelVersions, partitions: Topics.modelVersions.partitions }]);
    await registerVersion(kafka, names.modelVersions, MODEL, '1', syntheticReference(7, 1000, 5));

    const predictions = syntheticPredictions({
      modelId: MODEL,
      modelVersion: '1',
      seed: 5,
      count: WINDOWS * PER_WINDOW,
      features: 5,
      start: T0,
      spacingMs: MINUTE / PER_WINDOW,
    });
    const flipAt = T0 + FLIP_WINDOW * MINUTE;
    const events: TimedEvent[] = [];
    for (const p of predictions) {
      events.push({ kind: 'prediction', time: p.timestamp, value: p });
      const decision = (p.output.score as number) > 0.5 ? 1 : 0;
      const label: Label = {
        eventId: p.eventId,
        modelId: MODEL,
        timestamp: p.timestamp + 5000,
        label: p.timestamp < flipAt ? decision : 1 - decision,
      };
      events.push({ kind: 'label', time: label.timestamp, value: label });
    }
    // Ticks (model "tick") on every partition close the last windows of both stages of both services.
    events.push(...ticks(T0 + (WINDOWS + 1) * MINUTE));

    const performance = await new TopicCollector<PerformanceReport>(
      kafka,
      names.performance,
      PerformanceReportContract,
    ).start();
    const controllerProcess = await ServiceProcess.startService('controller', env);
    running.push(controllerProcess);
    const monitorConfig = monitorEnv('e2e-monitor', env);
    running.push(
      await ServiceProcess.startService('evaluator', {
        ...env,
        EVALUATOR_GROUP_ID: uniqueName('e2e-evaluator'),
        EVALUATOR_STATE_DIR: stateDir(),
        EVALUATOR_WINDOW: '1m',
      }),
      await ServiceProcess.startService('monitor', monitorConfig),
    );
    const monitor = running[running.length - 1];
    await produceInTimeOrder(kafka, { predictions: names.predictions, labels: names.labels }, events);

    // Data drift: none, neither in the inputs nor in the predictions.
    const drift = (
      await collectReports(
        kafka,
        names.driftReports,
        (r) => r.filter((x) => x.modelId === MODEL).length >= WINDOWS,
        // Complete on the monitor's progress signal, not a quiet period: every prediction committed,
        // every partial decided, no window waiting (the ticks belong to a model without a reference).
        {
          settled: () =>
            monitorSettled(kafka, [monitor], {
              groupId: monitorConfig.MONITOR_GROUP_ID,
              sources: [names.predictions],
              partials: names.monitorPartials,
            }),
        },
      )
    ).filter((r) => r.modelId === MODEL);
    expect(drift).toHaveLength(WINDOWS);
    for (const report of drift as DriftReport[]) {
      expect({
        window: (report.windowStart - T0) / MINUTE,
        drifted: report.driftedFeatures,
        prediction: report.prediction?.drifted,
      }).toEqual({
        window: (report.windowStart - T0) / MINUTE,
        drifted: 0,
        prediction: false,
      });
    }

    // Performance: accuracy 1 before the flip, 0 after (windows over the label's join time).
    await waitFor('performance reports of every window', () => {
      const ours = performance.values.filter((v) => v.value.modelId === MODEL);
      return ours.length >= WINDOWS && ours;
    });
    await performance.stop();
    const accuracy = new Map(
      performance.values
        .filter((v) => v.value.modelId === MODEL)
        .map(({ value }) => [(value.windowStart - T0) / MINUTE, value.metrics.accuracy]),
    );
    // The flip window itself mixes both concepts (labels come 5 s after their predictions).
    for (let w = 0; w < WINDOWS; w++) {
      if (w < FLIP_WINDOW) expect(accuracy.get(w)).toBeGreaterThan(0.99);
      if (w > FLIP_WINDOW) expect(accuracy.get(w)).toBeLessThan(0.01);
    }

    // Exactly one request, for the concept drift, none for data drift.
    await waitFor(
      'a retrain request',
      async () => (await retrainRequests(kafka, names.retrainRequests)).length >= 1,
    );
    await waitFor('the controller to apply every performance report', async () => {
      const seen = await controllerProcess.metric('continuum_controller_reports_total', {
        topic: 'performance',
      });
      return seen >= WINDOWS;
    });
    await waitFor(
      'no request pending',
      async () => (await controllerProcess.metric('continuum_controller_pending_requests')) === 0,
    );
    const requests = await retrainRequests(kafka, names.retrainRequests);
    expect(requests).toHaveLength(1);
    expect(requests[0].modelId).toBe(MODEL);
    expect(['PERFORMANCE', 'CONCEPT_DRIFT']).toContain(requests[0].reason);
    expect(requests.filter((r) => r.reason === 'DATA_DRIFT')).toEqual([]);
  });
});
