/**
 * publishFixtures on the real broker, through the failure it exists for: a send the broker applied
 * to some partitions and refused for others (what kafkajs#598's OUT_OF_ORDER_SEQUENCE_NUMBER looks
 * like to the caller). Every record must end up on the topic exactly once, in order per partition.
 */
import { type Kafka, type Message, type Producer, type ProducerRecord } from 'kafkajs';
import { createTopics, publishFixtures, readTopic, recordCount, testKafka, uniqueName } from './integration';

const PARTITIONS = 3;

/** A Kafka whose first producer send (counting from 1: `failingSend`) writes only what `partial` keeps, then fails. */
function failingOnce(kafka: Kafka, failingSend: number, partial: (messages: Message[]) => Message[]): Kafka {
  let sends = 0;
  const producer = (config?: object): Producer => {
    const real = kafka.producer(config);
    return {
      connect: () => real.connect(),
      disconnect: () => real.disconnect(),
      send: async (record: ProducerRecord) => {
        sends += 1;
        if (sends !== failingSend) return real.send(record);
        const kept = partial(record.messages);
        if (kept.length > 0) await real.send({ ...record, messages: kept });
        throw Object.assign(new Error('The broker received an out of order sequence number'), {
          type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        });
      },
    } as unknown as Producer;
  };
  return { admin: () => kafka.admin(), producer } as unknown as Kafka;
}

/** The values on each partition, in offset order. */
async function valuesByPartition(kafka: Kafka, topic: string, count: number): Promise<Map<number, string[]>> {
  const records = await readTopic(kafka, topic, count);
  const out = new Map<number, Array<{ offset: number; value: string }>>();
  for (const r of records) {
    const list = out.get(r.partition) ?? [];
    list.push({ offset: Number(r.offset), value: r.value?.toString() ?? '' });
    out.set(r.partition, list);
  }
  return new Map(
    [...out].map(([p, list]) => [p, list.sort((a, b) => a.offset - b.offset).map((r) => r.value)]),
  );
}

describe('publishFixtures', () => {
  const kafka = testKafka();
  const messages = Array.from({ length: 60 }, (_, i) => ({ key: `k-${i}`, value: `v-${i}` }));

  it.each([
    ['the first send, after one partition of it was written', 1, 10],
    ['a later send, after one partition of it was written', 3, 10],
    ['the first send, before anything was written', 1, 1000],
  ])(
    'writes every record exactly once, in order per partition, when %s fails',
    async (_case, failingSend, batchSize) => {
      const topic = uniqueName('fixtures');
      await createTopics(kafka, [{ topic, partitions: PARTITIONS }]);
      // Direct: where each record goes without any failure (the reference order per partition).
      const reference = uniqueName('fixtures-ref');
      await createTopics(kafka, [{ topic: reference, partitions: PARTITIONS }]);
      await publishFixtures(kafka, reference, messages);

      let firstPartition: number | undefined;
      const flaky = failingOnce(kafka, failingSend, (batch) => {
        if (batchSize === 1000) return [];
        firstPartition ??= batch[0].partition;
        return batch.filter((m) => m.partition === firstPartition);
      });
      await publishFixtures(flaky, topic, messages, { batchSize });

      expect(await recordCount(kafka, topic)).toBe(messages.length);
      expect(await valuesByPartition(kafka, topic, messages.length)).toEqual(
        await valuesByPartition(kafka, reference, messages.length),
      );
    },
  );

  it('refuses to guess when the topic holds more new records than it sent (another writer)', async () => {
    const topic = uniqueName('fixtures-foreign');
    await createTopics(kafka, [{ topic, partitions: 1 }]);
    // The failing send writes its batch twice, as a second producer on the topic would.
    const flaky = failingOnce(kafka, 1, (batch) => [...batch, ...batch]);
    await expect(publishFixtures(flaky, topic, messages.slice(0, 5))).rejects.toThrow(
      /partition 0 has 10 new records, more than the 5 planned: something else writes to this topic/,
    );
  });
});
