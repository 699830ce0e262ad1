import { type Batch, type Consumer, type EachBatchPayload, type KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { DecodeError, type EventCodecs, LabelContract } from '@continuum/events';
import { Metrics } from '@continuum/observability';
import { BatchConsumer, type ConsumedRecord, type BatchContext } from './batch-consumer';
import { type DeadLetterPublisher, type FailedRecord } from './dead-letter';
import { type KafkaClient } from './kafka-client';

/** A kafkajs consumer stand-in that records calls and lets the test deliver batches. */
function fakeConsumer(log: string[]) {
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'join', CRASH: 'crash', DISCONNECT: 'disconnect', STOP: 'stop' },
    on: () => undefined,
    connect: async () => void log.push('connect'),
    subscribe: async () => void log.push('subscribe'),
    run: async (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      eachBatch = config.eachBatch;
    },
    stop: async () => void log.push('consumer.stop'),
    disconnect: async () => void log.push('disconnect'),
    commitOffsets: async (offsets: Array<{ partition: number; offset: string }>) =>
      void log.push(`commitOffsets ${offsets.map((o) => `${o.partition}@${o.offset}`).join(',')}`),
  };
  const deliver = async (messages: Array<{ offset: string; value: string }>) => {
    const batch = {
      topic: 'labels',
      partition: 2,
      highWatermark: '100',
      messages: messages.map((m) => ({
        offset: m.offset,
        value: Buffer.from(m.value),
        key: null,
        timestamp: '1',
      })),
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => messages[messages.length - 1].offset,
    } as unknown as Batch;
    await eachBatch?.({
      batch,
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      isStale: () => false,
      commitOffsetsIfNecessary: async (o?: unknown) => {
        const topics = (o as { topics: Array<{ partitions: Array<{ partition: number; offset: string }> }> })
          .topics;
        log.push(`commitBatch ${topics[0].partitions[0].partition}@${topics[0].partitions[0].offset}`);
      },
    } as unknown as EachBatchPayload);
  };
  return { consumer: consumer as unknown as Consumer, deliver };
}

/** Decodes 'ok:<n>' to a label and fails on anything else, as a malformed record would. */
const codecs = {
  decoderFor: () => ({
    prepare: async () => undefined,
    decode: (value: Buffer) => {
      const text = value.toString();
      if (!text.startsWith('ok:')) throw new DecodeError('NOT_WIRE_FORMAT', `not a label: ${text}`);
      return { eventId: text, modelId: 'm', timestamp: 1, label: 1 };
    },
  }),
} as unknown as EventCodecs;

function setup() {
  const log: string[] = [];
  const { consumer, deliver } = fakeConsumer(log);
  const client = { consumer: () => consumer } as unknown as KafkaClient;
  const deadLetters = {
    publish: async (failed: FailedRecord[]) =>
      void log.push(
        `deadLetters ${failed.map((f: { message: KafkaMessage }) => f.message.offset).join(',')}`,
      ),
  } as unknown as DeadLetterPublisher;
  const batchConsumer = new BatchConsumer(
    client,
    codecs,
    deadLetters,
    new Metrics('test'),
    pino({ level: 'silent' }),
    {
      service: 'test',
      groupId: 'g',
    },
  );
  return { log, deliver, batchConsumer };
}

describe('BatchConsumer', () => {
  it('commits a batch through the batch payload after its handler and dead letters', async () => {
    const { log, deliver, batchConsumer } = setup();
    batchConsumer.subscribe({
      topic: 'labels',
      contract: LabelContract,
      handler: async (records) => void log.push(`handler ${records.map((r) => r.offset).join(',')}`),
    });
    await batchConsumer.start();
    await deliver([
      { offset: '5', value: 'ok:a' },
      { offset: '6', value: 'bad' },
    ]);
    expect(log.slice(2)).toEqual(['handler 5', 'deadLetters 6', 'commitBatch 2@7']);
  });

  it('with manualCommit: dead-letters first, never commits, gives the handler the last offset even for an all-invalid batch', async () => {
    const { log, deliver, batchConsumer } = setup();
    const contexts: BatchContext[] = [];
    batchConsumer.subscribe({
      topic: 'labels',
      contract: LabelContract,
      manualCommit: true,
      handler: async (records: Array<ConsumedRecord<unknown>>, context) => {
        contexts.push(context);
        log.push(`handler [${records.map((r) => r.offset).join(',')}]`);
      },
    });
    await batchConsumer.start();
    await deliver([
      { offset: '5', value: 'ok:a' },
      { offset: '6', value: 'bad' },
    ]);
    await deliver([{ offset: '7', value: 'bad' }]);
    expect(log.slice(2)).toEqual(['deadLetters 6', 'handler [5]', 'deadLetters 7', 'handler []']);
    expect(contexts.map((c) => [c.lastOffset, c.highWatermark])).toEqual([
      ['6', '100'],
      ['7', '100'],
    ]);
  });

  it('runs stop hooks before the consumer stops, while commits still reach the group', async () => {
    const { log, batchConsumer } = setup();
    batchConsumer.subscribe({ topic: 'labels', contract: LabelContract, handler: async () => undefined });
    batchConsumer.beforeStop(async () => {
      log.push('hook 1');
      await batchConsumer.commit('labels', 2, '42');
    });
    batchConsumer.beforeStop(async () => {
      log.push('hook 2');
      throw new Error('a failing hook does not prevent stopping');
    });
    await batchConsumer.start();
    await batchConsumer.stop();
    expect(log.slice(2)).toEqual(['hook 1', 'commitOffsets 2@42', 'hook 2', 'consumer.stop', 'disconnect']);
  });
});
