/**
 * Foundation acceptance: 10,000 Avro predictions interleaved with 100 malformed records, on the
 * real broker and registry. The monitor counts exactly the 10,000, the dead-letter topic holds the
 * 100 with their reasons and original offsets, and the group's committed offsets reach the end.
 */
import { type Kafka } from 'kafkajs';
import { DeadLetterContract, type Prediction, PredictionContract, Topics, frame } from '@continuum/events';
import {
  ServiceProcess,
  createTopics,
  groupProgress,
  privateTopics,
  publishFixtures,
  readTopic,
  testCodecs,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';

const VALID = 10_000;
const MALFORMED = 100;

function prediction(i: number): Prediction {
  return {
    eventId: `evt-${i}`,
    modelId: i % 3 === 0 ? 'fraud' : 'churn',
    modelVersion: '1',
    timestamp: 1_700_000_000_000 + i,
    entityId: `customer-${i % 500}`,
    numeric: { amount: i % 97, age: 20 + (i % 50) },
    categorical: { country: ['FR', 'DE', 'US'][i % 3] },
    segments: {},
    output: { score: (i % 100) / 100, predictedClass: null, classProbabilities: {} },
  };
}

/** Four ways a record goes wrong, 25 of each: not Avro at all, unknown schema, truncated, invalid content. */
function malformed(j: number, schemaId: number, good: Buffer): { value: Buffer; kind: string } {
  switch (j % 4) {
    case 0:
      return { value: Buffer.from(JSON.stringify({ eventId: `json-${j}` })), kind: 'NOT_WIRE_FORMAT' };
    case 1:
      return { value: frame(987_654_321, good.subarray(5)), kind: 'UNKNOWN_SCHEMA' };
    case 2:
      return { value: good.subarray(0, good.length - 7), kind: 'MALFORMED_AVRO' };
    default: {
      const empty = { ...prediction(j), modelId: '' };
      return { value: frame(schemaId, PredictionContract.type.toBuffer(empty)), kind: 'CONTRACT_VIOLATION' };
    }
  }
}

describe('monitor on the real broker', () => {
  let kafka: Kafka;
  let monitor: ServiceProcess | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await monitor?.stop();
  });

  it('counts exactly the valid predictions and dead-letters every malformed record with its reason and offset', async () => {
    const { names, env } = privateTopics('monitor-count');
    const groupId = uniqueName('monitor');
    await createTopics(kafka, [
      { topic: names.predictions, partitions: Topics.predictions.partitions },
      { topic: names.deadLetter, partitions: Topics.deadLetter.partitions },
    ]);
    const encoder = await testCodecs().encoderFor(names.predictions, PredictionContract);

    // Interleave: one malformed record after every 100 valid ones.
    const messages: Array<{ key: string; value: Buffer }> = [];
    const expectedKinds = new Map<string, string>();
    for (let i = 0; i < VALID; i++) {
      const value = encoder.encode(prediction(i));
      messages.push({ key: `evt-${i}`, value });
      if (i % 100 === 99) {
        const j = (i - 99) / 100;
        const bad = malformed(j, encoder.schemaId, value);
        expectedKinds.set(bad.value.toString('hex'), bad.kind);
        messages.push({ key: `bad-${j}`, value: bad.value });
      }
    }
    expect(expectedKinds.size).toBe(MALFORMED);
    await publishFixtures(kafka, names.predictions, messages);

    monitor = await ServiceProcess.startService('monitor', { ...env, MONITOR_GROUP_ID: groupId });

    await waitFor(
      'committed offsets to reach the end of the topic',
      async () => {
        const { committed, end } = await groupProgress(kafka, groupId, names.predictions);
        return end === VALID + MALFORMED && committed === end;
      },
      { timeoutMs: 120_000 },
    );
    expect(await monitor.metric('continuum_monitor_predictions_total')).toBe(VALID);
    expect(await monitor.metric('continuum_monitor_predictions_total', { model_id: 'fraud' })).toBe(
      Math.ceil(VALID / 3),
    );
    expect(await monitor.metric('continuum_consumer_dead_lettered_total')).toBe(MALFORMED);

    // Each dead letter points at the original record: same bytes at that partition and offset.
    const originals = await readTopic(kafka, names.predictions, VALID + MALFORMED);
    const byPosition = new Map(
      originals.map((m) => [`${m.partition}:${m.offset}`, m.value?.toString('hex')]),
    );
    const letters = await readTopic(kafka, names.deadLetter, MALFORMED);
    expect(letters).toHaveLength(MALFORMED);
    const decoder = testCodecs().decoderFor(DeadLetterContract);
    await decoder.prepare(letters.map((l) => l.value));
    const kinds = new Map<string, number>();
    for (const letter of letters) {
      const dead = decoder.decode(letter.value);
      const raw = dead.value?.toString('hex') ?? '';
      expect(dead.originalTopic).toBe(names.predictions);
      expect(byPosition.get(`${dead.partition}:${dead.offset}`)).toBe(raw);
      expect(dead.errorKind).toBe(expectedKinds.get(raw));
      expect(dead.error.length).toBeGreaterThan(5);
      expect(dead.service).toBe('monitor');
      expect(letter.key?.toString()).toMatch(/^bad-\d+$/);
      kinds.set(dead.errorKind, (kinds.get(dead.errorKind) ?? 0) + 1);
    }
    expect(Object.fromEntries(kinds)).toEqual({
      NOT_WIRE_FORMAT: 25,
      UNKNOWN_SCHEMA: 25,
      MALFORMED_AVRO: 25,
      CONTRACT_VIOLATION: 25,
    });

    // Graceful shutdown: SIGTERM finishes and exits cleanly.
    expect(await monitor.stop()).toBe(0);
    monitor = undefined;
  });

  it('dead-letters an oversized model id and a record without a key with the reason; neither becomes a metric label (issue 10 item 8)', async () => {
    const { names, env } = privateTopics('monitor-ids');
    const groupId = uniqueName('monitor');
    await createTopics(kafka, [
      { topic: names.predictions, partitions: Topics.predictions.partitions },
      { topic: names.deadLetter, partitions: Topics.deadLetter.partitions },
    ]);
    const encoder = await testCodecs().encoderFor(names.predictions, PredictionContract);
    const longId = 'm'.repeat(10_000);
    const messages = [
      ...Array.from({ length: 20 }, (_, i) => ({ key: `evt-${i}`, value: encoder.encode(prediction(i)) })),
      {
        key: 'evt-long',
        value: encoder.encode({ ...prediction(100), eventId: 'evt-long', modelId: longId }),
      },
      { key: null, value: encoder.encode({ ...prediction(101), eventId: 'evt-unkeyed' }) },
    ];
    await publishFixtures(kafka, names.predictions, messages);

    monitor = await ServiceProcess.startService('monitor', { ...env, MONITOR_GROUP_ID: groupId });
    await waitFor('committed offsets to reach the end of the topic', async () => {
      const { committed, end } = await groupProgress(kafka, groupId, names.predictions);
      return end === messages.length && committed === end;
    });
    expect(await monitor.metric('continuum_monitor_predictions_total')).toBe(20);
    expect(await monitor.metric('continuum_consumer_dead_lettered_total')).toBe(2);
    const exposition = await (await fetch(`${monitor.baseUrl}/metrics`)).text();
    expect(exposition).not.toContain('mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm');

    const letters = await readTopic(kafka, names.deadLetter, 2);
    const decoder = testCodecs().decoderFor(DeadLetterContract);
    await decoder.prepare(letters.map((l) => l.value));
    const reasons = letters
      .map((l) => decoder.decode(l.value))
      .map((d) => ({ kind: d.errorKind, error: d.error }))
      .sort((a, b) => a.error.localeCompare(b.error));
    expect(reasons).toEqual([
      { kind: 'CONTRACT_VIOLATION', error: 'modelId is 10000 characters long; at most 128 are accepted' },
      {
        kind: 'CONTRACT_VIOLATION',
        error:
          "the record has no key: key predictions and labels by the prediction's eventId (the join needs it)",
      },
    ]);
    expect(await monitor.stop()).toBe(0);
    monitor = undefined;
  });
});
