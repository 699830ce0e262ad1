/**
 * The producer path: what an upstream service pays to publish predictions (20 numeric + 5
 * categorical features + score) through libs/events (Avro encoding, registry) and libs/kafka's
 * EventProducer (idempotent, acks=all, key partitioning), next to a raw kafkajs producer sending
 * the same pre-encoded bytes with the same acks, in the same run on the real broker and registry.
 * Issue 14's goal: ≥ 150 k events/s.
 *
 *   npm run bench:producer           (tools/infra up first)
 *   BENCH_EVENTS=500000 BENCH_SEND=5000 npm run bench:producer
 */
import pino from 'pino';
import { PredictionContract } from '@continuum/events';
import { EventProducer, type KafkaClient, createKafkaClient, loadKafkaConfig } from '@continuum/kafka';
import { createTopics, testCodecs, testKafka, uniqueName } from '@continuum/testing';
import { benchConfluentClient, loadNote } from './lib/confluent-client';
import { benchPrediction } from './lib/predictions';
import { memoryMiB, reportResult } from './lib/results';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const SEND = Number(process.env.BENCH_SEND ?? 5_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);

function line(name: string, seconds: number): number {
  const rate = EVENTS / seconds;
  const m = memoryMiB();
  console.log(
    `${name}: ${rate.toFixed(0)} events/s (${seconds.toFixed(2)} s), rss ${m.rssMiB.toFixed(0)} MiB, heapUsed ${m.heapMiB.toFixed(0)} MiB`,
  );
  return rate;
}

async function main(): Promise<void> {
  const kafka = testKafka('bench-producer');
  const rawTopic = uniqueName('bench-produce-raw');
  const topic = uniqueName('bench-produce');
  await createTopics(kafka, [
    { topic: rawTopic, partitions: PARTITIONS },
    { topic, partitions: PARTITIONS },
  ]);
  // The events exist before either clock starts: building them is the caller's cost, not the path's.
  const events = Array.from({ length: EVENTS }, (_, i) => benchPrediction(i));
  console.log(`publishing ${EVENTS} predictions in sends of ${SEND} to ${PARTITIONS} partitions`);

  // 1. Raw kafkajs with pre-encoded values: the client's ceiling (acks=all, idempotent).
  const encoder = await testCodecs().encoderFor(rawTopic, PredictionContract);
  const encoded = events.map((p) => ({ key: p.eventId, value: encoder.encode(p) }));
  const raw = kafka.producer({ idempotent: true });
  await raw.connect();
  let t0 = performance.now();
  for (let i = 0; i < EVENTS; i += SEND)
    await raw.send({ topic: rawTopic, acks: -1, messages: encoded.slice(i, i + SEND) });
  const rawRate = line('raw kafkajs producer (pre-encoded, acks=all)', (performance.now() - t0) / 1000);
  reportResult({
    bench: 'producer',
    name: 'raw kafkajs producer (pre-encoded)',
    role: 'raw',
    eventsPerSec: rawRate,
    ...memoryMiB(),
  });
  await raw.disconnect();

  // 1b. The same on librdkafka (KAFKA_CLIENT=confluent, when tools/librdkafka-install built it).
  const logger = pino({ level: 'warn' });
  const confluent = benchConfluentClient('bench-producer', logger);
  if (confluent) {
    const rdkafka = confluent.producer({ idempotent: true });
    await rdkafka.connect();
    t0 = performance.now();
    for (let i = 0; i < EVENTS; i += SEND)
      await rdkafka.send({ topic: rawTopic, messages: encoded.slice(i, i + SEND) });
    const name = 'raw librdkafka producer, KAFKA_CLIENT=confluent (pre-encoded, acks=all)';
    const rate = line(`${name} ${loadNote()}`, (performance.now() - t0) / 1000);
    reportResult({
      bench: 'producer',
      name,
      role: 'raw',
      eventsPerSec: rate,
      ...memoryMiB(),
      note: loadNote(),
    });
    await rdkafka.disconnect();
  }

  // 2. Continuum's path: encode + registry + EventProducer.send, on kafkajs and (2b) on librdkafka.
  const client = createKafkaClient(loadKafkaConfig('bench-producer'), 'bench-producer', logger);
  const clients: Array<[string, KafkaClient]> = [['Continuum EventProducer (encode + send)', client]];
  if (confluent) clients.push(['Continuum EventProducer, KAFKA_CLIENT=confluent (encode + send)', confluent]);
  for (const [name, kafkaClient] of clients) {
    const producer = new EventProducer(kafkaClient, testCodecs());
    await producer.connect();
    t0 = performance.now();
    for (let i = 0; i < EVENTS; i += SEND) {
      await producer.send(
        topic,
        PredictionContract,
        events.slice(i, i + SEND).map((value) => ({ key: value.eventId, value })),
      );
    }
    const rate = line(`${name} ${loadNote()}`, (performance.now() - t0) / 1000);
    reportResult({
      bench: 'producer',
      name,
      role: 'continuum',
      eventsPerSec: rate,
      ...memoryMiB(),
      note: `goal >= 150k events/s; ${loadNote()}`,
    });
    await producer.disconnect();
  }

  // 3. Encoding alone: the path's own CPU cost.
  t0 = performance.now();
  for (const p of events) encoder.encode(p);
  const encodeRate = EVENTS / ((performance.now() - t0) / 1000);
  console.log(`Avro encode only (in memory): ${encodeRate.toFixed(0)} events/s`);
  reportResult({
    bench: 'producer',
    name: 'encode only (in memory)',
    role: 'component',
    eventsPerSec: encodeRate,
    ...memoryMiB(),
  });

  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [rawTopic, topic] }).catch(() => undefined);
  await admin.disconnect();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
