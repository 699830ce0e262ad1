/**
 * Consumer lag is exported for every assigned partition from the moment of assignment (issue 8): a
 * consumer whose handler never gets a batch through shows the partition's whole backlog, and one
 * that has not received a single batch still has a series; its counters exist at 0 before any event.
 */
import pino from 'pino';
import { PredictionContract, validatePrediction } from '@continuum/events';
import { Metrics } from '@continuum/observability';
import {
  createTopics,
  publishFixtures,
  sumSeries,
  testCodecs,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import {
  BatchConsumer,
  DeadLetterPublisher,
  EventProducer,
  createKafkaClient,
  loadKafkaConfig,
} from '../src';

describe('consumer lag of every assigned partition', () => {
  it('shows a stuck consumer’s backlog and an idle partition’s zero from the assignment on', async () => {
    const kafka = testKafka();
    const topic = uniqueName('lag');
    await createTopics(kafka, [
      { topic, partitions: 2 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    // 40 records on partition 0, none on partition 1.
    await publishFixtures(
      kafka,
      topic,
      Array.from({ length: 40 }, (_, i) => ({ key: `k-${i}`, value: `not avro ${i}`, partition: 0 })),
    );

    const logger = pino({ level: 'silent' });
    const client = createKafkaClient(loadKafkaConfig('lag-test'), 'lag-test', logger);
    const codecs = testCodecs();
    const eventProducer = new EventProducer(client, codecs);
    await eventProducer.connect();
    const metrics = new Metrics('lag-test');
    const group = uniqueName('lag');
    const consumer = new BatchConsumer(
      client,
      codecs,
      new DeadLetterPublisher(eventProducer, `${topic}.dlq`, 'lag-test'),
      metrics,
      logger,
      { service: 'lag-test', groupId: group, maxWaitTimeInMs: 100 },
    );
    let attempts = 0;
    consumer.subscribe({
      topic,
      contract: PredictionContract,
      validate: validatePrediction,
      handler: async () => {
        attempts++;
      },
    });
    // Stuck from the start: dead-lettering fails, so no batch of partition 0 ever completes.
    jest
      .spyOn(DeadLetterPublisher.prototype, 'publish')
      .mockRejectedValue(new Error('dead-letter topic unavailable'));
    try {
      await consumer.start();
      const exposition = async () => (await metrics.exposition()).body;
      await waitFor(
        'the lag of both assigned partitions',
        async () => {
          const body = await exposition();
          return (
            body.includes(`partition="1"`) &&
            sumSeries(body, 'continuum_consumer_lag', { partition: '0' }) > 0
          );
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      await waitFor(
        'a failed batch',
        async () => sumSeries(await exposition(), 'continuum_consumer_batch_failures_total') > 0,
        {
          timeoutMs: 120_000,
          intervalMs: 100,
        },
      );
      const body = await exposition();
      expect(sumSeries(body, 'continuum_consumer_lag', { topic, group, partition: '0' })).toBe(40);
      expect(body).toMatch(new RegExp(`continuum_consumer_lag\\{[^}]*partition="1"[^}]*\\} 0`));
      expect(sumSeries(body, 'continuum_consumer_records_total', { topic })).toBe(0);
      expect(body).toMatch(/continuum_consumer_dead_lettered_total\{[^}]*kind="CONTRACT_VIOLATION"[^}]*\} 0/);
      expect(attempts).toBe(0);
    } finally {
      jest.restoreAllMocks();
      await consumer.stop();
      await eventProducer.disconnect();
    }
  });
});
