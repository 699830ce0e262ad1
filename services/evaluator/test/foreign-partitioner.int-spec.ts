/**
 * Issue 10 item 3 acceptance: any producer's partitioner. Predictions are published with murmur2
 * (the Java client's and Continuum's partitioner), labels with librdkafka's default partitioner
 * (CRC-32 of the key, as the Python/Go/.NET clients do unless told otherwise), so most labels sit
 * on another partition than their prediction. The evaluator re-routes them through
 * ct.evaluator-repartition to murmur2(eventId): every pair is joined, and the metric counts exactly
 * the records that took the extra hop.
 */
import { rmSync } from 'node:fs';
import { type Kafka } from 'kafkajs';
import { LabelledExampleContract, Topics } from '@continuum/events';
import { keyPartition } from '@continuum/kafka';
import { ServiceProcess, privateTopics, testKafka, uniqueName, waitFor } from '@continuum/testing';
import { librdkafkaDefaultPartition } from '@continuum/testing/librdkafka-partitioner';
import {
  HOUR,
  type TimedEvent,
  TopicCollector,
  createEvaluatorTopics,
  produceInTimeOrder,
  scorePrediction,
  stateDir,
  ticks,
} from './evaluator-fixtures';

const EVENTS = 600;
const T0 = Date.UTC(2026, 3, 6);
const STEP = 20_000;
const PARTITIONS = Topics.predictions.partitions;

function generate(): TimedEvent[] {
  const events: TimedEvent[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const eventId = `crc-${i}`;
    const pt = T0 + i * STEP;
    events.push({
      kind: 'prediction',
      time: pt,
      // No partition: the producer's murmur2 partitioner places it.
      value: scorePrediction(eventId, 'mixed-clients', pt, (i % 10) / 10, i % 5),
    });
    const lt = pt + 60_000;
    events.push({
      kind: 'label',
      time: lt,
      partition: librdkafkaDefaultPartition(eventId, PARTITIONS),
      value: { eventId, modelId: 'mixed-clients', timestamp: lt, label: i % 2 },
    });
  }
  return events;
}

describe("evaluator: labels from librdkafka's default partitioner, predictions from murmur2", () => {
  let kafka: Kafka;
  let evaluator: ServiceProcess | undefined;
  let examples: TopicCollector<{ eventId: string; modelId: string }> | undefined;
  const dirs: string[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await evaluator?.stop();
    await examples?.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('joins every pair, re-routing the records that are not on murmur2(eventId)', async () => {
    const { names, env } = privateTopics('eval-crc');
    await createEvaluatorTopics(kafka, names);
    const events = [...generate(), ...ticks(T0 + EVENTS * STEP + 2 * HOUR)];
    // Ticks sit on explicit partitions too: those not on murmur2(eventId) take the hop as well.
    const rerouted = events.filter(
      (e) => e.partition !== undefined && e.partition !== keyPartition(e.value.eventId, PARTITIONS),
    ).length;
    const labelsRerouted = events.filter(
      (e) =>
        e.kind === 'label' &&
        e.value.modelId === 'mixed-clients' &&
        e.partition !== keyPartition(e.value.eventId, PARTITIONS),
    ).length;
    expect(labelsRerouted).toBeGreaterThan(EVENTS / 2); // most labels are on the "wrong" partition
    await produceInTimeOrder(kafka, names, events);

    const dir = stateDir();
    dirs.push(dir);
    evaluator = await ServiceProcess.startService('evaluator', {
      ...env,
      EVALUATOR_GROUP_ID: uniqueName('evaluator'),
      EVALUATOR_STATE_DIR: dir,
      EVALUATOR_WINDOW: '1h',
    });
    examples = new TopicCollector(kafka, names.examples, LabelledExampleContract);
    await examples.start();
    const joined = () =>
      new Set(
        examples?.values.filter((e) => e.value.modelId === 'mixed-clients').map((e) => e.value.eventId),
      );
    await waitFor(`all ${EVENTS} pairs on ${names.examples}`, () => joined().size >= EVENTS, {
      timeoutMs: 90_000,
      intervalMs: 200,
    });
    expect(joined().size).toBe(EVENTS);
    await waitFor(
      'every re-routed record counted',
      async () => (await evaluator?.metric('continuum_evaluator_repartitioned_events_total')) === rerouted,
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    expect(
      await evaluator.metric('continuum_evaluator_repartitioned_events_total', { topic: names.labels }),
    ).toBeGreaterThanOrEqual(labelsRerouted);
    expect(await evaluator.metric('continuum_evaluator_events_total', { event: 'state_gap' })).toBe(0);
    process.stdout.write(
      `foreign partitioner: ${EVENTS} pairs joined; ${labelsRerouted} of ${EVENTS} labels (and ${rerouted - labelsRerouted} tick records) re-routed through ${names.evaluatorRepartition}\n`,
    );
    expect(await evaluator.stop()).toBe(0);
    evaluator = undefined;
  });
});
