/**
 * Consume+decode throughput of ct.predictions events (20 numeric + 5 categorical features)
 * through Continuum's BatchConsumer runtime, next to raw kafkajs consumption of the same topic
 * without decoding, measured in the same run on the real broker and registry.
 *
 *   npm run bench:consume            (tools/infra up first)
 *   BENCH_EVENTS=500000 npm run bench:consume
 */
import pino from 'pino';
import { ContractRegistry, EventCodecs, type Prediction, PredictionContract } from '@continuum/events';
import {
  BatchConsumer,
  DeadLetterPublisher,
  EventProducer,
  createKafkaClient,
  loadKafkaConfig,
} from '@continuum/kafka';
import { Metrics } from '@continuum/observability';
import { createTopics, testKafka, uniqueName, waitFor } from '@continuum/testing';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);
const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'ES', 'IT', 'NL', 'BE'];

function prediction(i: number): Prediction {
  const numeric: Record<string, number> = {};
  for (let f = 0; f < 20; f++) numeric[`num_${f}`] = Math.sin(i * (f + 1)) * 100;
  const categorical: Record<string, string> = {};
  for (let c = 0; c < 5; c++) categorical[`cat_${c}`] = COUNTRIES[(i * (c + 3)) % COUNTRIES.length];
  return {
    eventId: `evt-${i}`,
    modelId: 'bench-model',
    modelVersion: '1',
    timestamp: 1_700_000_000_000 + i,
    entityId: null,
    numeric,
    categorical,
    segments: { channel: i % 2 ? 'web' : 'app' },
    output: { score: (i % 1000) / 1000, predictedClass: null, classProbabilities: {} },
  };
}

function memory(): string {
  const m = process.memoryUsage();
  return `heapUsed ${(m.heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(m.rss / 2 ** 20).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  const kafka = testKafka('bench');
  const topic = uniqueName('bench-predictions');
  const dlq = `${topic}.dlq`;
  await createTopics(kafka, [
    { topic, partitions: PARTITIONS },
    { topic: dlq, partitions: 1 },
  ]);
  const registry = new ContractRegistry({
    url: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  });
  const encoder = await new EventCodecs(registry).encoderFor(topic, PredictionContract);
  const sample = encoder.encode(prediction(0));
  console.log(
    `producing ${EVENTS} predictions (${sample.length} bytes each in Avro) to ${PARTITIONS} partitions...`,
  );
  const producer = kafka.producer();
  await producer.connect();
  const chunk = 5000;
  for (let start = 0; start < EVENTS; start += chunk) {
    const messages = [];
    for (let i = start; i < Math.min(EVENTS, start + chunk); i++)
      messages.push({ key: `evt-${i}`, value: encoder.encode(prediction(i)) });
    await producer.send({ topic, messages });
    if ((start / chunk) % 10 === 0) process.stdout.write(`  produced ${start + messages.length}\r`);
  }
  await producer.disconnect();
  console.log(`  produced ${EVENTS}            `);

  // 1. Raw kafkajs, no decoding: the ceiling the client library sets.
  const raw = kafka.consumer({
    groupId: uniqueName('bench-raw'),
    maxBytesPerPartition: 2 * 1024 * 1024,
    maxWaitTimeInMs: 200,
  });
  let rawCount = 0;
  await raw.connect();
  await raw.subscribe({ topic, fromBeginning: true });
  let rawStart = 0;
  await raw.run({
    eachBatch: async ({ batch }) => {
      if (rawStart === 0) rawStart = performance.now();
      rawCount += batch.messages.length;
    },
  });
  await waitFor('raw consumption', () => rawCount >= EVENTS, { timeoutMs: 600_000, intervalMs: 20 });
  const rawSeconds = (performance.now() - rawStart) / 1000;
  await raw.disconnect();
  console.log(
    `raw kafkajs (no decode):        ${(EVENTS / rawSeconds).toFixed(0)} events/s  (${rawSeconds.toFixed(2)} s)  ${memory()}`,
  );

  // 2. Continuum runtime: decode Avro via the registry, typed batch handler, commit after handling.
  const logger = pino({ level: 'warn' });
  const config = loadKafkaConfig('bench');
  const client = createKafkaClient(config, 'bench', logger);
  const codecs = new EventCodecs(registry);
  const eventProducer = new EventProducer(client, codecs);
  await eventProducer.connect();
  const consumer = new BatchConsumer(
    client,
    codecs,
    new DeadLetterPublisher(eventProducer, dlq, 'bench'),
    new Metrics('bench'),
    logger,
    {
      service: 'bench',
      groupId: uniqueName('bench-runtime'),
      maxWaitTimeInMs: 200,
      partitionsConsumedConcurrently: Number(process.env.BENCH_CONCURRENCY ?? 1),
    },
  );
  let decoded = 0;
  let featureValues = 0;
  let runtimeStart = 0;
  consumer.subscribe({
    topic,
    contract: PredictionContract,
    handler: async (records) => {
      if (runtimeStart === 0) runtimeStart = performance.now();
      decoded += records.length;
      // Touch the decoded values so the work cannot be skipped.
      for (const r of records) featureValues += Object.keys(r.value.numeric).length;
    },
  });
  await consumer.start();
  await waitFor('runtime consumption', () => decoded >= EVENTS, { timeoutMs: 600_000, intervalMs: 20 });
  const runtimeSeconds = (performance.now() - runtimeStart) / 1000;
  console.log(
    `Continuum runtime (decode+commit): ${(EVENTS / runtimeSeconds).toFixed(0)} events/s  (${runtimeSeconds.toFixed(2)} s)  ${memory()}  [${featureValues} numeric values seen]`,
  );
  await consumer.stop();
  await eventProducer.disconnect();

  // 3. Decode alone, no Kafka: where the runtime's time goes.
  const decoder = codecs.decoderFor(PredictionContract);
  const buffers = Array.from({ length: 20_000 }, (_, i) => encoder.encode(prediction(i)));
  await decoder.prepare(buffers);
  const t0 = performance.now();
  for (let round = 0; round < 5; round++) for (const b of buffers) decoder.decode(b);
  const decodeSeconds = (performance.now() - t0) / 1000;
  console.log(`Avro decode only (in memory):  ${((5 * buffers.length) / decodeSeconds).toFixed(0)} events/s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
