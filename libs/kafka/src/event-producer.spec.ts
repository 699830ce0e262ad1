import { type ProducerRecord } from 'kafkajs';
import {
  type Contract,
  type EventCodecs,
  EventEncoder,
  type Label,
  LabelContract,
  frame,
} from '@continuum/events';
import { EventProducer } from './event-producer';
import { type KafkaClient } from './kafka-client';

/** A client whose producer records what it would have sent. */
function recordingClient(sent: ProducerRecord[]): KafkaClient {
  const producer = {
    on: () => undefined,
    events: { DISCONNECT: 'producer.disconnect' },
    send: async (record: ProducerRecord) => {
      sent.push(record);
      return [];
    },
  };
  return {
    producer: () => producer,
    consumer: () => undefined,
    admin: () => undefined,
  } as unknown as KafkaClient;
}

const codecs = {
  encoderFor: async <T>(_topic: string, contract: Contract<T>) => new EventEncoder(contract, 7),
} as unknown as EventCodecs;

const label = (i: number): Label => ({
  eventId: `e${i}`,
  modelId: 'm',
  timestamp: 1_700_000_000_000 + i,
  label: 'x'.repeat(1000),
});

describe('EventProducer.send', () => {
  it('keeps order, encodes values, passes tombstones and explicit partitions through', async () => {
    const sent: ProducerRecord[] = [];
    await new EventProducer(recordingClient(sent), codecs).send('t', LabelContract, [
      { key: 'a', value: label(1), partition: 2 },
      { key: 'b', value: null },
    ]);
    expect(sent).toHaveLength(1);
    const [a, b] = sent[0].messages;
    expect(a.partition).toBe(2);
    expect(LabelContract.type.fromBuffer((a.value as Buffer).subarray(5))).toEqual(label(1));
    expect(a.value).toEqual(frame(7, LabelContract.type.toBuffer(label(1))));
    expect(b).toMatchObject({ key: 'b', value: null });
  });

  it('splits large sends into requests of about 4 MiB, in order', async () => {
    const sent: ProducerRecord[] = [];
    const events = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value: label(i) }));
    await new EventProducer(recordingClient(sent), codecs).send('t', LabelContract, events);
    expect(sent.length).toBeGreaterThan(1);
    for (const request of sent) {
      const bytes = request.messages.reduce((n, m) => n + (m.value as Buffer).length, 0);
      expect(bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    }
    expect(sent.flatMap((r) => r.messages.map((m) => m.key))).toEqual(events.map((e) => e.key));
    // The values are views into shared chunks: each still holds avsc's bytes after every send.
    const values = sent.flatMap((r) => r.messages.map((m) => m.value));
    const changed = values.filter(
      (value, i) => !frame(7, LabelContract.type.toBuffer(label(i))).equals(value as Buffer),
    );
    expect(changed).toEqual([]);
  });
});
