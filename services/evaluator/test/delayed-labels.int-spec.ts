/**
 * Issue 5 acceptance, evaluator: labels arriving up to 7 days (event time) after their predictions,
 * some before them, are all joined — across a SIGKILL of the evaluator in the middle of the stream
 * and a restart on the same state directory. Nothing is lost, nothing is counted twice: the
 * reports' labelled and prediction counts equal, window by window, what the generated data says.
 */
import { rmSync } from 'node:fs';
import { type Kafka } from 'kafkajs';
import {
  LabelledExampleContract,
  type PerformanceReport,
  PerformanceReportContract,
} from '@continuum/events';
import {
  ServiceProcess,
  groupProgress,
  privateTopics,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import {
  DAY,
  HOUR,
  type TimedEvent,
  TopicCollector,
  createEvaluatorTopics,
  produceInTimeOrder,
  random,
  stateDir,
  ticks,
} from './evaluator-fixtures';

const EVENTS = 3000;
const T0 = Date.UTC(2026, 0, 5);
/** One prediction every 30 s of event time: the stream spans 25 h, labels add up to 7 days. */
const STEP = 30_000;

interface Expected {
  labelled: Map<string, number>;
  predictions: Map<string, number>;
  pairs: number;
  events: TimedEvent[];
}

function windowOf(t: number): number {
  return Math.floor(t / HOUR) * HOUR;
}

function generate(): Expected {
  const rnd = random(7);
  const events: TimedEvent[] = [];
  const labelled = new Map<string, number>();
  const predictions = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let pairs = 0;
  for (let i = 0; i < EVENTS; i++) {
    const eventId = `evt-${i}`;
    const pt = T0 + i * STEP;
    const score = rnd();
    // Label delays: 10 % before the prediction (up to 2 h), the rest up to 7 days after it.
    const delay = i % 10 === 0 ? -Math.floor(rnd() * 2 * HOUR) - 1 : Math.floor(rnd() * 7 * DAY);
    const lt = pt + delay;
    // Every fourth event is also scored by a shadow version: one label joins both.
    const versions = i % 4 === 0 ? ['1', '2'] : ['1'];
    for (const v of versions) {
      const s = v === '1' ? score : Math.min(1, score * 0.9 + 0.05);
      events.push({
        kind: 'prediction',
        time: pt,
        value: {
          eventId,
          modelId: 'churn',
          modelVersion: v,
          timestamp: pt,
          entityId: `c-${i % 100}`,
          numeric: { tenure: i % 48, spend: Math.round(rnd() * 1000) / 10 },
          categorical: { plan: ['basic', 'pro'][i % 2] },
          segments: {},
          output: { score: s, predictedClass: null, classProbabilities: {} },
        },
      });
      bump(predictions, `${v}|${windowOf(pt)}`);
      bump(labelled, `${v}|${windowOf(Math.max(pt, lt))}`);
      pairs++;
    }
    events.push({
      kind: 'label',
      time: lt,
      value: { eventId, modelId: 'churn', timestamp: lt, label: rnd() < score ? 1 : 0 },
    });
  }
  const last = T0 + EVENTS * STEP + 8 * DAY;
  events.push(...ticks(last));
  return { labelled, predictions, pairs, events };
}

describe('evaluator on the real broker: delayed labels and a restart', () => {
  let kafka: Kafka;
  let evaluator: ServiceProcess | undefined;
  const dirs: string[] = [];
  const collectors: Array<TopicCollector<unknown>> = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await evaluator?.stop();
    for (const c of collectors.splice(0)) await c.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('joins every label (up to 7 days late, some early) across a SIGKILL and restart, counting each once', async () => {
    const { names, env } = privateTopics('eval-delay');
    const groupId = uniqueName('evaluator');
    const dir = stateDir();
    dirs.push(dir);
    await createEvaluatorTopics(kafka, names);
    const expected = generate();
    await produceInTimeOrder(kafka, names, expected.events);
    const predictionRecords = expected.events.filter((e) => e.kind === 'prediction').length;

    const serviceEnv = {
      ...env,
      EVALUATOR_GROUP_ID: groupId,
      EVALUATOR_STATE_DIR: dir,
      EVALUATOR_WINDOW: '1h',
      // Small batches, so that the kill below lands between many of them.
      EVALUATOR_MAX_BATCH_BYTES: '16384',
    };
    evaluator = await ServiceProcess.startService('evaluator', serviceEnv);
    // Kill it while it is in the middle of the stream.
    await waitFor(
      'a third of the predictions to be committed',
      async () => (await groupProgress(kafka, groupId, names.predictions)).committed >= predictionRecords / 3,
      { timeoutMs: 120_000, intervalMs: 50 },
    );
    evaluator.kill('SIGKILL');
    expect(await evaluator.exited()).toBeNull();
    evaluator = await ServiceProcess.startService('evaluator', serviceEnv);

    const reports = new TopicCollector(kafka, names.performance, PerformanceReportContract);
    const examples = new TopicCollector(kafka, names.examples, LabelledExampleContract);
    collectors.push(reports as TopicCollector<unknown>, examples as TopicCollector<unknown>);
    await reports.start();
    await examples.start();

    const unique = () => {
      const byId = new Map<string, PerformanceReport>();
      for (const { value } of reports.values) if (value.modelId === 'churn') byId.set(value.reportId, value);
      return byId;
    };
    await waitFor(
      `reports covering all ${expected.pairs} pairs`,
      () => [...unique().values()].reduce((s, r) => s + r.labelledCount, 0) >= expected.pairs,
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    await waitFor(
      'every example',
      () =>
        new Set(
          examples.values
            .filter((e) => e.value.modelId === 'churn')
            .map((e) => `${e.value.eventId}/${e.value.modelVersion}`),
        ).size >= expected.pairs,
      { timeoutMs: 120_000 },
    );

    const byId = unique();
    const labelled = new Map<string, number>();
    const predictions = new Map<string, number>();
    for (const r of byId.values()) {
      const k = `${r.modelVersion}|${r.windowStart}`;
      if (r.labelledCount > 0) labelled.set(k, r.labelledCount);
      if (r.predictionCount > 0) predictions.set(k, r.predictionCount);
      expect(r.windowEnd - r.windowStart).toBe(HOUR);
      expect(r.task).toBe('BINARY_CLASSIFICATION');
    }
    // Window by window, exactly the pairs and predictions the data has: none lost, none twice.
    expect(Object.fromEntries(labelled)).toEqual(Object.fromEntries(expected.labelled));
    expect(Object.fromEntries(predictions)).toEqual(Object.fromEntries(expected.predictions));

    // A re-published report (crash between publish and state write) has the same id and counts.
    const publications = reports.values.filter((r) => r.value.modelId === 'churn');
    for (const { value } of publications)
      expect(value.labelledCount).toBe(byId.get(value.reportId)?.labelledCount);

    // Label delays: some labels came first (negative), none later than 7 days.
    const delays = [...byId.values()].flatMap((r) => (r.labelDelay ? [r.labelDelay] : []));
    expect(Math.max(...delays.map((d) => d.max))).toBeLessThanOrEqual(7 * DAY);
    expect(Math.min(...delays.map((d) => d.p50))).toBeLessThan(0);

    // Examples: every pair at least once; duplicates only from the batches replayed after the kill.
    const churnExamples = examples.values.filter((e) => e.value.modelId === 'churn');
    const firstCopy = new Map<string, string>();
    let duplicates = 0;
    for (const { value } of churnExamples) {
      const id = `${value.eventId}/${value.modelVersion}`;
      const text = JSON.stringify(value);
      if (firstCopy.has(id)) {
        duplicates++;
        expect(text).toBe(firstCopy.get(id));
      } else firstCopy.set(id, text);
    }
    expect(firstCopy.size).toBe(expected.pairs);
    expect(duplicates).toBeLessThan(expected.pairs);
    process.stdout.write(
      `delayed-labels: ${expected.pairs} pairs in ${byId.size} reports (${publications.length - byId.size} re-published); ${duplicates} duplicate examples after the SIGKILL\n`,
    );

    expect(await evaluator.metric('continuum_evaluator_events_total', { event: 'late_pair' })).toBe(0);
    expect(await evaluator.stop()).toBe(0);
    evaluator = undefined;
  });
});
