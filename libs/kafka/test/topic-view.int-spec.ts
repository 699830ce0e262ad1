/**
 * The state primitives on the real broker and registry: a TopicView reads a topic to the end it had
 * at start and then follows it; readRange replays exactly the given offsets; offsetsForTimestamp
 * finds a time window's start; a KeyedStateTopic rebuilds the last state of every key.
 */
import pino from 'pino';
import { type Label, LabelContract } from '@continuum/events';
import { createTopics, testCodecs, testKafka, uniqueName } from '@continuum/testing';
import { EventProducer } from '../src/event-producer';
import { createKafkaClient } from '../src/kafka-client';
import { loadKafkaConfig } from '../src/kafka-config';
import { KeyedStateTopic } from '../src/state/keyed-state-topic';
import { offsetsForTimestamp, readRange, topicOffsets } from '../src/state/topic-range';
import { TopicView, type ViewRecord } from '../src/state/topic-view';

const PARTITIONS = 3;
const T0 = 1_700_000_000_000;

const label = (i: number): Label => ({ eventId: `e${i}`, modelId: 'm', timestamp: T0 + i, label: i });

describe('state primitives on the real broker', () => {
  const client = createKafkaClient(
    loadKafkaConfig('topic-view-test', {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      KAFKA_CLIENT: process.env.KAFKA_CLIENT,
    }),
    'topic-view-test',
    pino({ level: 'silent' }),
  );
  const codecs = testCodecs();
  const producer = new EventProducer(client, codecs);

  beforeAll(async () => {
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
  });

  async function topicWith(count: number): Promise<string> {
    const topic = uniqueName('view');
    await createTopics(testKafka(), [{ topic, partitions: PARTITIONS }]);
    await producer.send(
      topic,
      LabelContract,
      Array.from({ length: count }, (_, i) => ({
        key: `e${i}`,
        value: label(i),
        partition: i % PARTITIONS,
        timestamp: T0 + i * 1000,
      })),
    );
    return topic;
  }

  it('reads to the end offsets it had at start, then follows; readRange replays exactly the given offsets', async () => {
    const topic = await topicWith(300);
    const seen: Array<ViewRecord<Label>> = [];
    const view = new TopicView(client, codecs, {
      topic,
      contract: LabelContract,
      groupIdPrefix: 'it-view',
      onRecord: (r) => void seen.push(r),
    });
    await view.start();
    try {
      await view.caughtUp(60_000);
      expect(seen.map((r) => Number(r.value?.label)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 300 }, (_, i) => i),
      );
      await producer.send(topic, LabelContract, [{ key: 'late', value: label(1000), partition: 1 }]);
      await view.sync(60_000);
      expect(seen.at(-1)).toMatchObject({ key: 'late', partition: 1, offset: '100', value: label(1000) });
    } finally {
      await view.stop();
    }

    const ends = await topicOffsets(client, topic);
    expect(ends[1]).toEqual(['0', '101']);
    const replayed: Array<ViewRecord<Label>> = [];
    await readRange(client, codecs, {
      topic,
      contract: LabelContract,
      ranges: { 0: ['10', '20'], 2: ['95', '100'] },
      onRecord: (r) => void replayed.push(r),
    });
    const byPartition = (p: number) => replayed.filter((r) => r.partition === p).map((r) => Number(r.offset));
    expect([byPartition(0), byPartition(1), byPartition(2)]).toEqual([
      Array.from({ length: 10 }, (_, i) => 10 + i),
      [],
      [95, 96, 97, 98, 99],
    ]);

    // Record i was written at T0 + i s to partition i % 3, at offset floor(i / 3).
    expect(await offsetsForTimestamp(client, topic, T0 + 150_000)).toEqual({ 0: '50', 1: '50', 2: '50' });
  });

  it('rebuilds a keyed state topic: the last record of each key, tombstones deleting', async () => {
    const topic = uniqueName('state');
    await createTopics(testKafka(), [{ topic, partitions: PARTITIONS }]);
    const writer = new KeyedStateTopic(client, codecs, producer, { topic, contract: LabelContract });
    await writer.start();
    expect(writer.size).toBe(0);
    for (let i = 0; i < 50; i++) await writer.put(`k${i % 5}`, label(i));
    await writer.delete('k0');
    const reader = new KeyedStateTopic(client, codecs, producer, { topic, contract: LabelContract });
    await reader.start();
    expect(new Map(reader.entries())).toEqual(
      new Map([
        ['k1', label(46)],
        ['k2', label(47)],
        ['k3', label(48)],
        ['k4', label(49)],
      ]),
    );
  });
});
