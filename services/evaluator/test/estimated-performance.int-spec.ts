/**
 * Issue 13 acceptance, evaluator: performance estimated before labels arrive. A binary classifier
 * is registered with a reference profile carrying its CBPE reference (fitted on labelled reference
 * rows, as the trainer does on its hold-out). Its traffic then shifts toward the uncertain region
 * (scores squeezed toward 0.5), and the labels are held back past the shifted windows: the
 * windows' ct.performance reports, published with labelledCount 0, already show the estimated
 * accuracy band of the shifted windows below the band of the unshifted ones; when the labels come,
 * the realised accuracy drops as estimated. Real broker and schema registry; the service runs as a
 * child process.
 */
import { rmSync } from 'node:fs';
import { type Kafka } from 'kafkajs';
import { PerformanceEstimation, ReferenceProfileBuilder } from '@continuum/drift';
import {
  ModelVersionEventContract,
  type PerformanceReport,
  PerformanceReportContract,
  type Prediction,
  Topics,
} from '@continuum/events';
import { RegistryEventFixture } from '@continuum/registry';
import {
  ServiceProcess,
  createTopics,
  privateTopics,
  publishFixtures,
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

const MODEL = 'loans';
const T0 = Date.UTC(2026, 1, 2);
/** Prediction windows 0-2 unshifted, 3-5 shifted; labels of 0-2 arrive in window 8, of 3-5 in window 9. */
const WINDOWS = 6;
const SHIFTED_FROM = 3;
const PER_WINDOW = 300;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** x ~ N(0, spread); the model's score is P(y = 1 | x) = sigmoid(2x) (calibrated), y drawn from it. */
function row(rnd: () => number, spread: number): { x: number; score: number; label: 0 | 1 } {
  const normal = Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const x = spread * normal;
  const score = sigmoid(2 * x);
  return { x, score, label: rnd() < score ? 1 : 0 };
}

/** The version's reference profile with its CBPE reference, from 3,000 labelled reference rows. */
function referenceProfile(): { json: string; estimation: PerformanceEstimation } {
  const rnd = random(11);
  const rows = Array.from({ length: 3000 }, () => row(rnd, 1.5));
  const profile = ReferenceProfileBuilder.fromEvents(
    rows.map((r) => ({ numeric: { x: r.x }, prediction: r.score })),
  );
  const estimation = PerformanceEstimation.fitBinary(
    rows.map((r) => r.score),
    rows.map((r) => r.label),
  );
  return { json: JSON.stringify(profile.withPerformanceEstimation(estimation).toJSON()), estimation };
}

function traffic(): { predictions: TimedEvent[]; labels: TimedEvent[] } {
  const rnd = random(23);
  const predictions: TimedEvent[] = [];
  const labels: TimedEvent[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    for (let i = 0; i < PER_WINDOW; i++) {
      // The covariate shift: x concentrates near 0, where the model is unsure.
      const r = row(rnd, w < SHIFTED_FROM ? 1.5 : 0.25);
      const eventId = `loan-${w}-${i}`;
      const pt = T0 + w * HOUR + Math.floor((i * HOUR) / PER_WINDOW);
      predictions.push({
        kind: 'prediction',
        time: pt,
        value: {
          eventId,
          modelId: MODEL,
          modelVersion: '1',
          timestamp: pt,
          entityId: null,
          numeric: { x: r.x },
          categorical: {},
          segments: {},
          output: { score: r.score, predictedClass: null, classProbabilities: {} },
        },
      });
      const lt = T0 + (w < SHIFTED_FROM ? 8 : 9) * HOUR + w * 1000 + i;
      labels.push({
        kind: 'label',
        time: lt,
        value: { eventId, modelId: MODEL, timestamp: lt, label: r.label },
      });
    }
  }
  return { predictions, labels };
}

describe('evaluator on the real broker: performance estimated before labels arrive', () => {
  let kafka: Kafka;
  let evaluator: ServiceProcess | undefined;
  let reports: TopicCollector<PerformanceReport> | undefined;
  const dirs: string[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await evaluator?.stop();
    await reports?.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reports the shifted windows’ estimated accuracy band below the unshifted ones with labelledCount 0, then the labels confirm the drop', async () => {
    const started = Date.now();
    const { names, env } = privateTopics('eval-estimate');
    await createEvaluatorTopics(kafka, names);
    await createTopics(kafka, [{ topic: names.modelVersions, partitions: Topics.modelVersions.partitions }]);
    const events = new RegistryEventFixture({ occurredAt: T0 });
    const reference = referenceProfile();
    const encoder = await testCodecs().encoderFor(names.modelVersions, ModelVersionEventContract);
    await publishFixtures(
      kafka,
      names.modelVersions,
      [
        events.model(MODEL, { task: 'BINARY_CLASSIFICATION' }),
        events.version(MODEL, '1', 'CHAMPION', { referenceProfile: reference.json }),
      ].map((e) => ({ key: MODEL, value: encoder.encode(e) })),
    );

    const dir = stateDir();
    dirs.push(dir);
    evaluator = await ServiceProcess.startService('evaluator', {
      ...env,
      EVALUATOR_GROUP_ID: uniqueName('evaluator'),
      EVALUATOR_STATE_DIR: dir,
      EVALUATOR_WINDOW: '1h',
    });
    reports = await new TopicCollector(kafka, names.performance, PerformanceReportContract).start();
    const ofModel = () => {
      const byId = new Map<string, PerformanceReport>();
      for (const { value } of reports!.values) if (value.modelId === MODEL) byId.set(value.reportId, value);
      return [...byId.values()].sort((a, b) => a.windowStart - b.windowStart);
    };
    const timeline: string[] = [];
    const at = () => `[+${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s]`;
    timeline.push(`${at()} evaluator ready; predictions published now (no label)`);
    const line = (r: PerformanceReport) => {
      const hour = (r.windowStart - T0) / HOUR;
      const est = r.estimatedMetrics.accuracy;
      const realised = r.metrics.accuracy;
      timeline.push(
        `${at()} window ${hour}${hour >= SHIFTED_FROM && hour < WINDOWS ? '*' : ' '}: ` +
          `predictions ${String(r.predictionCount).padStart(3)}, labelled ${String(r.labelledCount).padStart(3)}; ` +
          (est
            ? `estimated accuracy ${est.value.toFixed(3)} [${est.lower.toFixed(3)}, ${est.upper.toFixed(3)}]`
            : 'no estimate') +
          (realised === undefined ? '' : `; realised accuracy ${realised.toFixed(3)}`),
      );
    };

    // Phase 1: the predictions only (and a tick on every partition to close their windows): no label yet.
    const { predictions, labels } = traffic();
    await produceInTimeOrder(kafka, names, [...predictions, ...ticks(T0 + WINDOWS * HOUR)]);
    await waitFor(`${WINDOWS} reports of the prediction windows`, () => ofModel().length >= WINDOWS, {
      timeoutMs: 120_000,
      intervalMs: 200,
    });
    const early = ofModel();
    early.forEach(line);
    expect(early.map((r) => (r.windowStart - T0) / HOUR)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const r of early) {
      expect(r.labelledCount).toBe(0);
      expect(r.predictionCount).toBe(PER_WINDOW);
      expect(r.estimationMethod).toBe('CBPE');
      expect(Object.keys(r.estimatedMetrics).sort()).toEqual(['accuracy', 'f1', 'roc_auc']);
    }
    // Each window's estimate is that of its 300 predictions, each counted once (sums to float rounding).
    early.forEach((r, w) => {
      const window = reference.estimation.newWindow();
      for (const p of predictions.slice(w * PER_WINDOW, (w + 1) * PER_WINDOW))
        reference.estimation.observe(window, { score: (p.value as Prediction).output.score });
      const want = reference.estimation.estimate(window);
      for (const metric of ['accuracy', 'f1', 'roc_auc'])
        expect(r.estimatedMetrics[metric].value).toBeCloseTo(want[metric].value, 9);
    });
    const band = (rs: PerformanceReport[]) => ({
      lowest: Math.min(...rs.map((r) => r.estimatedMetrics.accuracy.lower)),
      highest: Math.max(...rs.map((r) => r.estimatedMetrics.accuracy.upper)),
    });
    const unshifted = band(early.slice(0, SHIFTED_FROM));
    const shifted = band(early.slice(SHIFTED_FROM));
    // Every shifted window's band lies below every unshifted window's band — with no label at all.
    expect(shifted.highest).toBeLessThan(unshifted.lowest);
    // The last window's estimate and band are on /metrics.
    const last = early[WINDOWS - 1].estimatedMetrics.accuracy;
    const gauge = (bound: string) =>
      evaluator!.metric('continuum_evaluator_estimated_performance', {
        model_id: MODEL,
        model_version: '1',
        metric: 'accuracy',
        bound,
      });
    expect(await gauge('value')).toBeCloseTo(last.value, 9);
    expect(await gauge('lower')).toBeCloseTo(last.lower, 9);
    timeline.push(`${at()} labels published now`);

    // Phase 2: the labels, late: those of windows 0-2 in window 8, of windows 3-5 in window 9.
    await produceInTimeOrder(kafka, names, [...labels, ...ticks(T0 + 10 * HOUR)]);
    await waitFor('the reports of the labels’ windows', () => ofModel().length >= WINDOWS + 2, {
      timeoutMs: 120_000,
      intervalMs: 200,
    });
    const late = ofModel().slice(WINDOWS);
    late.forEach(line);
    process.stdout.write(`estimated-performance timeline (* = shifted):\n${timeline.join('\n')}\n`);
    const [ofUnshifted, ofShifted] = late;
    expect([(ofUnshifted.windowStart - T0) / HOUR, (ofShifted.windowStart - T0) / HOUR]).toEqual([8, 9]);
    expect([ofUnshifted.labelledCount, ofShifted.labelledCount]).toEqual([
      SHIFTED_FROM * PER_WINDOW,
      (WINDOWS - SHIFTED_FROM) * PER_WINDOW,
    ]);
    // The realised accuracy confirms the estimates: it dropped, into the shifted windows' bands.
    expect(ofShifted.metrics.accuracy).toBeLessThan(unshifted.lowest);
    expect(ofShifted.metrics.accuracy).toBeGreaterThanOrEqual(shifted.lowest);
    expect(ofShifted.metrics.accuracy).toBeLessThanOrEqual(shifted.highest);
    expect(ofUnshifted.metrics.accuracy).toBeGreaterThanOrEqual(unshifted.lowest);
    expect(ofUnshifted.metrics.accuracy).toBeLessThanOrEqual(unshifted.highest);

    expect(await evaluator.stop()).toBe(0);
    evaluator = undefined;
  });
});
