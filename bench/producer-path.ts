/**
 * The producer path: what an upstream service pays to publish predictions (20 numeric + 5
 * categorical features + score) through libs/events (Avro encoding, registry) and libs/kafka's
 * EventProducer (idempotent, acks=all, key partitioning), next to a raw kafkajs producer sending
 * the same pre-encoded bytes with the same acks, in the same run on the real broker and registry.
 * Issue 14's goal: ≥ 150 k events/s.
 *
 * kafkajs runs with the one-pass record batch encoder `npm ci` installs
 * (tools/install/kafkajs-produce-encoder.js) and, alternating with it in the same run, with kafkajs'
 * own encoder (that A/B; BENCH_KAFKAJS_ENCODER=0 leaves those cases out). EventProducer runs with
 * libs/events' schema-specialised Avro writer and, alternating, with avsc alone
 * (`specialisedEncoding.enabled = false`): the A/B of the writer, also in memory at the end. Each
 * case prints events/s, the producer's CPU µs per event and its CPU share of the wall time, the
 * shared broker's CPU µs per event (from /proc), RSS and heap.
 *
 *   npm run bench:producer           (tools/infra up first)
 *   BENCH_EVENTS=500000 BENCH_SEND=5000 BENCH_AB_ROUNDS=3 npm run bench:producer
 *   BENCH_CPU_PROFILE=/tmp/producer-profiles npm run bench:producer   (a V8 profile per case, summarised)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { PredictionContract, specialisedEncoding } from '@continuum/events';
import { EventProducer, createKafkaClient, loadKafkaConfig } from '@continuum/kafka';
import { createTopics, testCodecs, testKafka, uniqueName } from '@continuum/testing';
import { benchConfluentClient, loadNote } from './lib/confluent-client';
import { infraBrokerPid, printSummary, processCpuSeconds, startProfile } from './lib/cpu-profile-summary';
import { benchPrediction } from './lib/predictions';
import { memoryMiB, reportResult } from './lib/results';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const SEND = Number(process.env.BENCH_SEND ?? 5_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 1);
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;

/** The switch of the installed one-pass encoder, or undefined when kafkajs is not patched. */
function onePassSwitch(): { enabled: boolean } | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs internals, written by tools/install
    const module = require('kafkajs/src/protocol/recordBatch/v0/continuumRecordBatch.js') as {
      options: { enabled: boolean };
    };
    return module.options;
  } catch {
    return undefined;
  }
}

interface Measured {
  rate: number;
  cpuMicrosPerEvent: number;
  brokerMicrosPerEvent?: number;
}

const brokerPid = infraBrokerPid();

/** Runs one case, prints its line (and profile summary) and returns its figures. */
async function measure(name: string, run: () => Promise<void>): Promise<Measured> {
  const file = PROFILE_DIR ? join(PROFILE_DIR, `${name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`) : undefined;
  const stopProfile = file ? await startProfile() : undefined;
  const broker0 = brokerPid === undefined ? undefined : processCpuSeconds(brokerPid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const broker1 = brokerPid === undefined ? undefined : processCpuSeconds(brokerPid);
  if (file && stopProfile) await stopProfile(file);
  const brokerSeconds = broker0 !== undefined && broker1 !== undefined ? broker1 - broker0 : undefined;
  const rate = EVENTS / seconds;
  const m = memoryMiB();
  const brokerNote =
    brokerSeconds === undefined
      ? ''
      : `, broker ${((brokerSeconds * 1e6) / EVENTS).toFixed(1)} µs CPU per event`;
  console.log(
    `${name}: ${rate.toFixed(0)} events/s (${seconds.toFixed(2)} s), ${((cpuSeconds * 1e6) / EVENTS).toFixed(1)} µs CPU ` +
      `per event (${((100 * cpuSeconds) / seconds).toFixed(0)} % of a core)${brokerNote}, rss ${m.rssMiB.toFixed(0)} MiB, ` +
      `heapUsed ${m.heapMiB.toFixed(0)} MiB, ${loadNote()}`,
  );
  if (file) printSummary(name, file);
  return {
    rate,
    cpuMicrosPerEvent: (cpuSeconds * 1e6) / EVENTS,
    brokerMicrosPerEvent: brokerSeconds === undefined ? undefined : (brokerSeconds * 1e6) / EVENTS,
  };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function perEvent(runs: Measured[]): string {
  const brokers = runs.map((r) => r.brokerMicrosPerEvent).filter((b): b is number => b !== undefined);
  const broker = brokers.length > 0 ? `, broker ${mean(brokers).toFixed(1)} µs` : '';
  return `${mean(runs.map((r) => r.cpuMicrosPerEvent)).toFixed(1)} µs CPU per event${broker}`;
}

/** A synchronous in-memory case: events/s and CPU µs per event, printed. */
function measureInMemory(name: string, run: () => void): Measured {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuMicrosPerEvent = (cpu.user + cpu.system) / EVENTS;
  const rate = EVENTS / seconds;
  console.log(
    `${name}: ${rate.toFixed(0)} events/s, ${cpuMicrosPerEvent.toFixed(2)} µs CPU per event, ${loadNote()}`,
  );
  return { rate, cpuMicrosPerEvent };
}

async function main(): Promise<void> {
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
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
  if (brokerPid === undefined) console.log('the shared broker process was not found: no broker CPU figures');
  const onePass = onePassSwitch();
  if (!onePass) console.log('kafkajs is not patched (tools/install/kafkajs-produce-encoder.js): no A/B');
  const ownEncoder = onePass !== undefined && process.env.BENCH_KAFKAJS_ENCODER !== '0';
  // Record batch encoders (kafkajs' own: the A/B of the one-pass encoder) for the raw producer, and
  // for EventProducer also the Avro encoder (libs/events' specialised writer or avsc alone).
  const rawCases: Array<{ label: string; onePass: boolean }> = [
    { label: '', onePass: onePass !== undefined },
    ...(ownEncoder ? [{ label: ", kafkajs' own record encoder", onePass: false }] : []),
  ];
  const pathCases: Array<{ label: string; onePass: boolean; specialised: boolean }> = [
    { label: '', onePass: onePass !== undefined, specialised: true },
    { label: ', avsc encoding', onePass: onePass !== undefined, specialised: false },
    ...(ownEncoder
      ? [{ label: ", avsc encoding, kafkajs' own record encoder", onePass: false, specialised: false }]
      : []),
  ];

  const encoder = await testCodecs().encoderFor(rawTopic, PredictionContract);
  const encoded = events.map((p) => ({ key: p.eventId, value: encoder.encode(p) }));
  const logger = pino({ level: 'warn' });
  const client = createKafkaClient(loadKafkaConfig('bench-producer'), 'bench-producer', logger);
  // The same kafkajs producer EventProducer gets from the client seam (its murmur2 partitioner,
  // idempotent, one request in flight), fed pre-encoded messages: the ceiling of the path.
  const raw = client.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 },
  });
  await raw.connect();
  const producer = new EventProducer(client, testCodecs());
  await producer.connect();

  // 1. Raw kafkajs with pre-encoded values (the client's ceiling, acks=all, idempotent) and
  // 2. Continuum's path (encode + registry + EventProducer.send), each case in turn, the order
  // reversed every round, so that all see the same minutes of a shared machine.
  const rawRuns = new Map<string, Measured[]>();
  const pathRuns = new Map<string, Measured[]>();
  for (let round = 0; round < ROUNDS; round++) {
    const forward = round % 2 === 0;
    for (const { label, onePass: enabled } of forward ? rawCases : [...rawCases].reverse()) {
      if (onePass) onePass.enabled = enabled;
      const rawRun = await measure(`raw kafkajs producer${label} (pre-encoded, acks=all)`, async () => {
        for (let i = 0; i < EVENTS; i += SEND) {
          await raw.send({ topic: rawTopic, acks: -1, messages: encoded.slice(i, i + SEND) });
        }
      });
      rawRuns.set(label, [...(rawRuns.get(label) ?? []), rawRun]);
    }
    for (const { label, onePass: enabled, specialised } of forward ? pathCases : [...pathCases].reverse()) {
      if (onePass) onePass.enabled = enabled;
      specialisedEncoding.enabled = specialised;
      const pathRun = await measure(`Continuum EventProducer${label} (encode + send)`, async () => {
        for (let i = 0; i < EVENTS; i += SEND) {
          await producer.send(
            topic,
            PredictionContract,
            events.slice(i, i + SEND).map((value) => ({ key: value.eventId, value })),
          );
        }
      });
      pathRuns.set(label, [...(pathRuns.get(label) ?? []), pathRun]);
    }
  }
  if (onePass) onePass.enabled = true;
  specialisedEncoding.enabled = true;
  await raw.disconnect();
  await producer.disconnect();
  for (const { label } of rawCases) {
    const runs = rawRuns.get(label) ?? [];
    reportResult({
      bench: 'producer',
      name: `raw kafkajs producer${label} (pre-encoded)`,
      role: label === '' ? 'raw' : 'component',
      eventsPerSec: mean(runs.map((r) => r.rate)),
      ...memoryMiB(),
      note: perEvent(runs),
    });
  }
  for (const { label } of pathCases) {
    const runs = pathRuns.get(label) ?? [];
    reportResult({
      bench: 'producer',
      name: `Continuum EventProducer${label} (encode + send)`,
      role: label === '' ? 'continuum' : 'component',
      eventsPerSec: mean(runs.map((r) => r.rate)),
      ...memoryMiB(),
      note: `goal >= 150k events/s; ${perEvent(runs)}; ${loadNote()}`,
    });
  }

  // 3. The same on librdkafka (KAFKA_CLIENT=confluent, when tools/librdkafka-install built it).
  const confluent = benchConfluentClient('bench-producer', logger);
  if (confluent) {
    const rdkafka = confluent.producer({ idempotent: true });
    await rdkafka.connect();
    const name = 'raw librdkafka producer, KAFKA_CLIENT=confluent (pre-encoded, acks=all)';
    const run = await measure(name, async () => {
      for (let i = 0; i < EVENTS; i += SEND) {
        await rdkafka.send({ topic: rawTopic, messages: encoded.slice(i, i + SEND) });
      }
    });
    reportResult({
      bench: 'producer',
      name,
      role: 'component',
      eventsPerSec: run.rate,
      ...memoryMiB(),
      note: `${perEvent([run])}; ${loadNote()}`,
    });
    await rdkafka.disconnect();
    const name2 = 'Continuum EventProducer, KAFKA_CLIENT=confluent (encode + send)';
    const confluentProducer = new EventProducer(confluent, testCodecs());
    await confluentProducer.connect();
    const pathRun = await measure(name2, async () => {
      for (let i = 0; i < EVENTS; i += SEND) {
        await confluentProducer.send(
          topic,
          PredictionContract,
          events.slice(i, i + SEND).map((value) => ({ key: value.eventId, value })),
        );
      }
    });
    reportResult({
      bench: 'producer',
      name: name2,
      role: 'continuum',
      eventsPerSec: pathRun.rate,
      ...memoryMiB(),
      note: `goal >= 150k events/s; ${perEvent([pathRun])}; ${loadNote()}`,
    });
    await confluentProducer.disconnect();
  }

  // 4. Encoding alone, in memory: the path's own CPU cost, each way in turn (the order reversed
  // every round), as a Buffer of its own (encode) and as a view into a shared chunk (encodeShared).
  const encodeCases = [
    { name: 'specialised writer, encodeShared', specialised: true, shared: true },
    { name: 'specialised writer, encode', specialised: true, shared: false },
    { name: 'avsc', specialised: false, shared: false },
  ];
  const encodeRuns = new Map<string, Measured[]>();
  for (let round = 0; round < Math.max(ROUNDS, 3); round++) {
    for (const { name, specialised, shared } of round % 2 === 0 ? encodeCases : [...encodeCases].reverse()) {
      specialisedEncoding.enabled = specialised;
      const run = measureInMemory(`Avro encode only (in memory), ${name}`, () => {
        if (shared) for (const p of events) encoder.encodeShared(p);
        else for (const p of events) encoder.encode(p);
      });
      encodeRuns.set(name, [...(encodeRuns.get(name) ?? []), run]);
    }
  }
  specialisedEncoding.enabled = true;
  for (const { name } of encodeCases) {
    const runs = encodeRuns.get(name) ?? [];
    reportResult({
      bench: 'producer',
      name: `encode only (in memory), ${name}`,
      role: 'component',
      eventsPerSec: mean(runs.map((r) => r.rate)),
      ...memoryMiB(),
      note: `${mean(runs.map((r) => r.cpuMicrosPerEvent)).toFixed(2)} µs CPU per event; ${loadNote()}`,
    });
  }

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
