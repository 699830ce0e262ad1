/**
 * The columnar batch path against the object path on the real broker and registry: the same
 * topic (records of the reader schema, of an older writer schema, invalid and malformed ones) read
 * by subscribe() and subscribeColumnar() gives the same rows and the same dead letters.
 */
import pino from 'pino';
import {
  type Contract,
  defineContract,
  frame,
  type Prediction,
  PredictionContract,
  screenPrediction,
  validatePrediction,
} from '@continuum/events';
import { Metrics } from '@continuum/observability';
import {
  createTopics,
  publishFixtures,
  testCodecs,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import {
  BatchConsumer,
  DeadLetterPublisher,
  EventProducer,
  type FailedRecord,
  createKafkaClient,
  loadKafkaConfig,
} from '../src';

/** The prediction schema before `segments` existed: read through Avro schema resolution. */
const OlderPrediction: Contract<Omit<Prediction, 'segments'>> = defineContract('predictions-v0.avsc', {
  ...JSON.parse(PredictionContract.schemaText),
  fields: (JSON.parse(PredictionContract.schemaText) as { fields: Array<{ name: string }> }).fields.filter(
    (f) => f.name !== 'segments',
  ),
});

function prediction(i: number): Prediction {
  const numeric: Record<string, number | null> = {};
  for (let f = 0; f < 6; f++) if ((i + f) % 7 !== 0) numeric[`f${(f + i) % 6}`] = f === 3 ? null : i * f - 10;
  return {
    eventId: `e-${i}`,
    modelId: i % 41 === 0 ? '' : 'm',
    modelVersion: '1',
    timestamp: 1_700_000_000_000 + i,
    entityId: i % 3 ? null : `u-${i}`,
    numeric: i % 53 === 0 ? { ...numeric, f0: Number.NaN } : numeric,
    categorical: { country: ['FR', 'DE', 'US'][i % 3], plan: i % 5 ? 'pro' : null },
    segments: { channel: i % 2 ? 'web' : 'app' },
    output: { score: (i % 100) / 100, predictedClass: null, classProbabilities: {} },
  };
}

class RecordingDeadLetters extends DeadLetterPublisher {
  readonly failed: string[] = [];
  override async publish(records: FailedRecord[]): Promise<void> {
    for (const r of records) this.failed.push(`${r.partition}:${r.message.offset} ${r.kind} ${r.error}`);
    await super.publish(records);
  }
}

describe('columnar batch consumer on the real broker and registry', () => {
  it('gives the rows and dead letters of the object path, records of another writer schema included', async () => {
    const kafka = testKafka();
    const topic = uniqueName('columnar');
    await createTopics(kafka, [
      { topic, partitions: 2 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    const codecs = testCodecs();
    const current = await codecs.encoderFor(topic, PredictionContract);
    const older = await codecs.encoderFor(`${topic}-v0`, OlderPrediction);
    const messages = [];
    for (let i = 0; i < 600; i++) {
      const { segments: _segments, ...withoutSegments } = prediction(i);
      let value: Buffer;
      if (i % 10 === 7) value = older.encode(withoutSegments);
      else if (i % 97 === 5) value = frame(current.schemaId, Buffer.from([1, 2, 3]));
      else if (i % 101 === 6) value = Buffer.from('{"not":"avro"}');
      else value = current.encode(prediction(i));
      messages.push({ key: `e-${i}`, value });
    }
    await publishFixtures(kafka, topic, messages);

    const logger = pino({ level: 'warn' });
    const client = createKafkaClient(loadKafkaConfig('columnar-test'), 'columnar-test', logger);
    const eventProducer = new EventProducer(client, codecs);
    await eventProducer.connect();
    const consumers: BatchConsumer[] = [];
    const run = async (columnar: boolean) => {
      const deadLetters = new RecordingDeadLetters(eventProducer, `${topic}.dlq`, 'columnar-test');
      const consumer = new BatchConsumer(client, codecs, deadLetters, new Metrics('columnar-test'), logger, {
        service: 'columnar-test',
        groupId: uniqueName('columnar'),
        maxWaitTimeInMs: 100,
        maxBytesPerPartition: 16 * 1024, // several batches per partition: the key dictionaries carry over
      });
      consumers.push(consumer);
      const rows = new Map<string, unknown>();
      if (columnar) {
        consumer.subscribeColumnar({
          topic,
          contract: PredictionContract,
          validate: validatePrediction,
          screen: screenPrediction,
          handler: async (batch) => {
            for (let i = 0; i < batch.size; i++)
              rows.set(`${batch.partition}:${batch.offset(i)}`, batch.records.row(i));
          },
        });
      } else {
        consumer.subscribe({
          topic,
          contract: PredictionContract,
          validate: validatePrediction,
          handler: async (records) => {
            for (const r of records) rows.set(`${r.partition}:${r.offset}`, r.value);
          },
        });
      }
      await consumer.start();
      await waitFor(
        'every record handled or dead-lettered',
        () => rows.size + deadLetters.failed.length >= 600,
        {
          timeoutMs: 120_000,
          intervalMs: 50,
        },
      );
      return { rows, failed: deadLetters.failed.sort() };
    };
    try {
      const objects = await run(false);
      const columns = await run(true);
      expect(columns.failed).toEqual(objects.failed);
      expect(columns.rows).toEqual(objects.rows);
      // Every kind of record was there: valid rows of both schemas, refusals and malformed bodies.
      expect(objects.rows.size).toBeGreaterThan(500);
      expect(objects.failed.some((f) => f.includes('CONTRACT_VIOLATION'))).toBe(true);
      expect(objects.failed.some((f) => f.includes('MALFORMED_AVRO'))).toBe(true);
      expect(objects.failed.some((f) => f.includes('NOT_WIRE_FORMAT'))).toBe(true);
      expect(
        [...objects.rows.values()].filter((r) => Object.keys((r as Prediction).segments).length === 0).length,
      ).toBeGreaterThan(40);
    } finally {
      for (const c of consumers) await c.stop();
      await eventProducer.disconnect();
    }
  });
});
