import pino from 'pino';
import { createKafkaClient, keyPartition, loadKafkaConfig } from '@continuum/kafka';
import { createTopics, readTopic, testKafka, uniqueName } from '@continuum/testing';

// The one-pass encoder as the installed kafkajs calls it (npm ci's postinstall put it there).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const onePass = require('kafkajs/src/protocol/recordBatch/v0/continuumRecordBatch.js') as {
  encodePartition(args: object): unknown;
};

interface Sent {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer | Array<string | Buffer>>;
  timestamp?: string;
}

describe("kafkajs' produce requests from the one-pass encoder, on the real broker", () => {
  it('the broker accepts every batch (it checks each CRC32C) and gives back exactly what was sent', async () => {
    const topic = uniqueName('one-pass-encoder');
    await createTopics(testKafka('one-pass-encoder'), [{ topic, partitions: 3 }]);
    const client = createKafkaClient(
      loadKafkaConfig('one-pass-encoder'),
      'one-pass-encoder',
      pino({ level: 'error' }),
    );
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const encodePartition = jest.spyOn(onePass, 'encodePartition');

    const base = Date.now() - 60_000;
    // Header n numbers each message: keys and values repeat on purpose (null keys, tombstones).
    const sends: Sent[][] = Array.from({ length: 4 }, (_, s) =>
      Array.from({ length: 200 }, (_, i): Sent => {
        const n = s * 1000 + i;
        return {
          key: [`evt-${n}`, `clé-${n}-€`, Buffer.from([n & 0xff, 0, 255]), null][i % 4],
          value:
            i % 17 === 0
              ? null
              : i % 5 === 0
                ? `valeur ${n} ✓`.repeat(1 + (i % 40))
                : Buffer.alloc(600 + i, n & 0xff),
          headers: { n: String(n), ...(i % 3 === 0 ? { ключ: [Buffer.from([n & 0xff]), 'b'] } : {}) },
          ...(s % 2 === 1 ? { timestamp: String(base + n) } : {}),
        };
      }),
    );
    try {
      for (const messages of sends) await producer.send({ topic, acks: -1, messages });
    } finally {
      await producer.disconnect();
    }
    // Every partition of every send went through the one-pass encoder, none fell back.
    expect(encodePartition.mock.results.length).toBeGreaterThanOrEqual(sends.length * 2);
    for (const result of encodePartition.mock.results) expect(result.value).toBeDefined();

    const sent = new Map(sends.flat().map((m) => [String(m.headers?.n), m]));
    const read = await readTopic(testKafka('one-pass-encoder-reader'), topic, sent.size);
    expect(read).toHaveLength(sent.size);
    const bytes = (v: string | Buffer | null) => (v === null ? null : Buffer.from(v));
    const lastOfPartition = new Map<number, number>();
    for (const record of read) {
      const n = String(record.headers?.n);
      const m = sent.get(n);
      expect(m).toBeDefined();
      if (!m) continue;
      expect({ n, key: record.key, value: record.value }).toEqual({
        n,
        key: bytes(m.key),
        value: bytes(m.value),
      });
      expect(record.headers).toEqual(
        Object.fromEntries(
          Object.entries(m.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(bytes) : bytes(v)]),
        ),
      );
      if (m.timestamp !== undefined) expect(record.timestamp).toBe(m.timestamp);
      if (typeof m.key === 'string') expect(record.partition).toBe(keyPartition(m.key, 3));
      // In send order within each partition.
      expect(Number(n)).toBeGreaterThan(lastOfPartition.get(record.partition) ?? -1);
      lastOfPartition.set(record.partition, Number(n));
      sent.delete(n);
    }
    expect(sent.size).toBe(0);
  }, 120_000);
});
