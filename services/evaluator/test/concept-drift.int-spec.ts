/**
 * Issue 5 acceptance, evaluator: a stream whose label relationship flips half-way (concept drift;
 * the inputs and the model's scores keep their distribution) shows the performance drop in
 * consecutive window reports and an ADWIN detection in the reports from the flip on.
 */
import { rmSync } from 'node:fs';
import { type Kafka } from 'kafkajs';
import { DeadLetterContract, type PerformanceReport, PerformanceReportContract } from '@continuum/events';
import {
  ServiceProcess,
  privateTopics,
  readTopic,
  testCodecs,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import {
  HOUR,
  type TimedEvent,
  TopicCollector,
  createEvaluatorTopics,
  produceInTimeOrder,
  random,
  stateDir,
  ticks,
} from './evaluator-fixtures';

const WINDOWS = 24;
const PER_WINDOW = 200;
const FLIP_WINDOW = 12;
const T0 = Date.UTC(2026, 1, 2);
const BAD_LABELS = 10;

function generate(): TimedEvent[] {
  const rnd = random(11);
  const events: TimedEvent[] = [];
  const step = HOUR / PER_WINDOW;
  for (let i = 0; i < WINDOWS * PER_WINDOW; i++) {
    const eventId = `cd-${i}`;
    const pt = T0 + i * step;
    const x = rnd();
    const score = 1 / (1 + Math.exp(-12 * (x - 0.5)));
    const truth = (x > 0.5 ? 1 : 0) ^ (rnd() < 0.05 ? 1 : 0);
    const flipped = pt >= T0 + FLIP_WINDOW * HOUR;
    const label = flipped ? 1 - truth : truth;
    events.push({
      kind: 'prediction',
      time: pt,
      value: {
        eventId,
        modelId: 'fraud',
        modelVersion: '7',
        timestamp: pt,
        entityId: null,
        numeric: { x },
        categorical: {},
        segments: {},
        output: { score, predictedClass: null, classProbabilities: {} },
      },
    });
    // Labels come 5 minutes after their prediction; the join time stays in the prediction's window mostly.
    const lt = pt + 5 * 60_000;
    events.push({ kind: 'label', time: lt, value: { eventId, modelId: 'fraud', timestamp: lt, label } });
  }
  // Labels that cannot fit a binary model: dead-lettered with the reason, the stream goes on.
  for (let i = 0; i < BAD_LABELS; i++) {
    const eventId = `bad-${i}`;
    const t = T0 + 3 * HOUR + i * 1000;
    events.push({
      kind: 'prediction',
      time: t,
      value: {
        eventId,
        modelId: 'fraud',
        modelVersion: '7',
        timestamp: t,
        entityId: null,
        numeric: { x: 0.5 },
        categorical: {},
        segments: {},
        output: { score: 0.5, predictedClass: null, classProbabilities: {} },
      },
    });
    events.push({
      kind: 'label',
      time: t + 1000,
      value: { eventId, modelId: 'fraud', timestamp: t + 1000, label: 'yes' },
    });
  }
  events.push(...ticks(T0 + (WINDOWS + 2) * HOUR));
  return events;
}

describe('evaluator on the real broker: concept drift', () => {
  let kafka: Kafka;
  let evaluator: ServiceProcess | undefined;
  let reports: TopicCollector<PerformanceReport> | undefined;
  let dir: string | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await evaluator?.stop();
    await reports?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports the accuracy drop in consecutive windows and an ADWIN detection after the flip', async () => {
    const { names, env } = privateTopics('eval-drift');
    dir = stateDir();
    await createEvaluatorTopics(kafka, names);
    await produceInTimeOrder(kafka, names, generate());
    evaluator = await ServiceProcess.startService('evaluator', {
      ...env,
      EVALUATOR_GROUP_ID: uniqueName('evaluator'),
      EVALUATOR_STATE_DIR: dir,
      EVALUATOR_WINDOW: '1h',
    });
    reports = await new TopicCollector(kafka, names.performance, PerformanceReportContract).start();
    const fraud = () =>
      [
        ...new Map(
          reports!.values.filter((r) => r.value.modelId === 'fraud').map((r) => [r.value.reportId, r.value]),
        ).values(),
      ].sort((a, b) => a.windowStart - b.windowStart);
    await waitFor(
      'reports of every window',
      () => fraud().reduce((s, r) => s + r.labelledCount, 0) >= WINDOWS * PER_WINDOW,
      { timeoutMs: 120_000, intervalMs: 500 },
    );

    const windows = fraud();
    const flipAt = T0 + FLIP_WINDOW * HOUR;
    const before = windows.filter((r) => r.windowEnd <= flipAt);
    const after = windows.filter((r) => r.windowStart > flipAt);
    expect(before.length).toBeGreaterThanOrEqual(FLIP_WINDOW - 1);
    expect(after.length).toBeGreaterThanOrEqual(WINDOWS - FLIP_WINDOW - 2);
    for (const r of before) {
      expect(r.metrics.accuracy).toBeGreaterThan(0.85);
      expect(r.metrics.roc_auc).toBeGreaterThan(0.8);
    }
    for (const r of after) {
      expect(r.metrics.accuracy).toBeLessThan(0.15);
      expect(r.metrics.roc_auc).toBeLessThan(0.2);
      expect(r.metrics.log_loss).toBeGreaterThan(before[0].metrics.log_loss);
    }
    // The persistence baseline does not care about the flip (labels are not autocorrelated).
    expect(after[0].baselineMetrics.accuracy).toBeGreaterThan(0.3);

    // ADWIN on the error stream: no detection before the flip, at least one from the flip window on.
    for (const r of windows) expect(r.conceptDrift.map((d) => d.detector)).toEqual(['ADWIN']);
    const detected = windows.filter((r) => r.conceptDrift[0].driftDetected);
    expect(detected.length).toBeGreaterThan(0);
    expect(detected[0].windowStart).toBeGreaterThanOrEqual(flipAt - HOUR);
    expect(detected[0].windowStart).toBeLessThanOrEqual(flipAt + HOUR);
    // Observations are cumulative per partition and add up across partitions (all have pairs in this window).
    const full = windows[WINDOWS - 1];
    const pairsSoFar = windows
      .filter((r) => r.windowStart <= full.windowStart)
      .reduce((s, r) => s + r.labelledCount, 0);
    expect(full.conceptDrift[0].observations).toBe(pairsSoFar);
    expect(
      await evaluator.metric('continuum_evaluator_concept_drift_detections_total', { model_id: 'fraud' }),
    ).toBeGreaterThan(0);
    expect(
      await evaluator.metric('continuum_evaluator_window_labelled_pairs', { model_id: 'fraud' }),
    ).toBeGreaterThan(0);
    const letters = await readTopic(kafka, names.deadLetter, BAD_LABELS);
    const decoder = testCodecs().decoderFor(DeadLetterContract);
    await decoder.prepare(letters.map((l) => l.value));
    for (const letter of letters) {
      const dead = decoder.decode(letter.value);
      // The record read second of the pair carries the rejection (labels and predictions are read independently).
      expect([names.labels, names.predictions]).toContain(dead.originalTopic);
      expect(dead).toMatchObject({ errorKind: 'REJECTED_BY_HANDLER', service: 'evaluator' });
      expect(dead.error).toMatch(/"yes"/);
    }
    expect(letters).toHaveLength(BAD_LABELS);
    process.stdout.write(
      `concept-drift: accuracy ${before.at(-1)?.metrics.accuracy.toFixed(3)} -> ${after[0].metrics.accuracy.toFixed(3)}; first ADWIN detection in window ${new Date(detected[0].windowStart).toISOString()} (flip at ${new Date(flipAt).toISOString()})\n`,
    );
  });
});
