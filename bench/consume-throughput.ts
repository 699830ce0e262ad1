/**
 * Consume+decode throughput of ct.predictions events (20 numeric + 5 categorical features + score)
 * through Continuum's BatchConsumer runtime, object path (subscribe) and columnar path
 * (subscribeColumnar), next to raw kafkajs consumption of the same topic and to the Python peers
 * (bench/peers: confluent-kafka raw and with fastavro + the same per-feature sums, whylogs
 * profiling the same columns), all in the same run on the real broker and registry, so that the
 * ratios hold on a loaded machine.
 *
 *   npm run bench:consume            (tools/infra up first; `npm run bench` runs every benchmark)
 *   BENCH_EVENTS=500000 npm run bench:consume
 *   BENCH_PEERS=0 npm run bench:consume   (skip the Python peers)
 *   BENCH_OBJECTS=0 BENCH_CONFLUENT=0 BENCH_CPU_PROFILE=columnar.cpuprofile npm run bench:consume
 *       (raw and columnar only; V8's CPU profile of the columnar run alone, for the runtime's cost)
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import pino from 'pino';
import { ReferenceProfile, WindowProfile } from '@continuum/drift';
import {
  ContractRegistry,
  EventCodecs,
  ColumnarDecoder,
  PRESENT,
  type Prediction,
  PredictionContract,
  screenPrediction,
  validatePrediction,
} from '@continuum/events';
import {
  BatchConsumer,
  DeadLetterPublisher,
  EventProducer,
  type KafkaClient,
  createKafkaClient,
  loadKafkaConfig,
} from '@continuum/kafka';
import { Metrics } from '@continuum/observability';
import {
  BROKERS,
  REGISTRY_URL,
  REPO_ROOT,
  createTopics,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import { benchConfluentClient, loadNote, rawConsumeSeconds } from './lib/confluent-client';
import { benchPrediction } from './lib/predictions';
import { type BenchResult, memoryMiB, reportResult } from './lib/results';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const OBJECTS_ROW = 'Continuum runtime, objects (subscribe)';
const COLUMNAR_ROW = 'Continuum runtime, columnar (subscribeColumnar)';
const PROFILE_ROW = 'profile only: WindowProfile.observe (in memory)';
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);

/** Starts V8's CPU profiler when BENCH_CPU_PROFILE names a file; the returned function writes it. */
function startCpuProfile(): () => void {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return () => undefined;
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  return () =>
    // A same-thread inspector session answers synchronously.
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(file, JSON.stringify(result.profile));
      session.disconnect();
    });
}

/**
 * The process's CPU time (all threads: GC helpers too) as a share of the wall time since `since`
 * was taken: below 100 % the consumer waited (for the broker), the room a pipelined fetch has.
 */
function cpuShare(since: NodeJS.CpuUsage | undefined, seconds: number): string {
  const used = process.cpuUsage(since);
  return `cpu ${((used.user + used.system) / 1e4 / seconds).toFixed(0)} % of wall`;
}

function memory(): string {
  const m = memoryMiB();
  return `heapUsed ${m.heapMiB.toFixed(0)} MiB, rss ${m.rssMiB.toFixed(0)} MiB`;
}

function result(name: string, role: BenchResult['role'], eventsPerSec: number, note?: string): void {
  reportResult({ bench: 'consume', name, role, eventsPerSec, ...memoryMiB(), note });
}

/** Per-feature sums and counts: the work every consumer below does on the decoded values. */
class FeatureSums {
  readonly sums = new Map<string, number>();
  readonly counts = new Map<string, number>();
  add(name: string, value: number): void {
    this.sums.set(name, (this.sums.get(name) ?? 0) + value);
  }
  count(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }
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
  const sample = encoder.encode(benchPrediction(0));
  console.log(
    `producing ${EVENTS} predictions (${sample.length} bytes each in Avro) to ${PARTITIONS} partitions...`,
  );
  const producer = kafka.producer();
  await producer.connect();
  const chunk = 5000;
  for (let start = 0; start < EVENTS; start += chunk) {
    const messages = [];
    for (let i = start; i < Math.min(EVENTS, start + chunk); i++)
      messages.push({ key: `evt-${i}`, value: encoder.encode(benchPrediction(i)) });
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
  let rawCpu: NodeJS.CpuUsage | undefined;
  await raw.run({
    eachBatch: async ({ batch }) => {
      if (rawStart === 0) [rawStart, rawCpu] = [performance.now(), process.cpuUsage()];
      rawCount += batch.messages.length;
    },
  });
  await waitFor('raw consumption', () => rawCount >= EVENTS, { timeoutMs: 600_000, intervalMs: 20 });
  const rawSeconds = (performance.now() - rawStart) / 1000;
  const rawBusy = cpuShare(rawCpu, rawSeconds);
  await raw.disconnect();
  console.log(
    `raw kafkajs (no decode):        ${(EVENTS / rawSeconds).toFixed(0)} events/s  (${rawSeconds.toFixed(2)} s)  ${rawBusy}  ${memory()}`,
  );
  result('raw kafkajs (fetch only, no decode)', 'raw', EVENTS / rawSeconds);

  // 1b. Raw librdkafka (KAFKA_CLIENT=confluent, when tools/librdkafka-install built it).
  const logger = pino({ level: 'warn' });
  const confluent = benchConfluentClient('bench', logger);
  if (confluent) {
    const seconds = await rawConsumeSeconds(confluent, topic, uniqueName('bench-raw-rdkafka'), EVENTS);
    console.log(
      `raw librdkafka (no decode):     ${(EVENTS / seconds).toFixed(0)} events/s  (${seconds.toFixed(2)} s)  ${memory()}  ${loadNote()}`,
    );
    result('raw librdkafka, KAFKA_CLIENT=confluent (fetch only)', 'raw', EVENTS / seconds, loadNote());
  }

  // 2. Continuum runtime: decode Avro via the registry, typed batch handler, commit after handling.
  const config = loadKafkaConfig('bench');
  const client = createKafkaClient(config, 'bench', logger);
  const codecs = new EventCodecs(registry);
  const eventProducer = new EventProducer(client, codecs);
  await eventProducer.connect();
  /** Both runtime paths consume with the same settings, each in a group of its own. */
  const runtimeConsumer = (group: string, kafkaClient: KafkaClient = client) =>
    new BatchConsumer(
      kafkaClient,
      codecs,
      new DeadLetterPublisher(eventProducer, dlq, 'bench'),
      new Metrics('bench'),
      logger,
      {
        service: 'bench',
        groupId: uniqueName(group),
        maxWaitTimeInMs: 200,
        partitionsConsumedConcurrently: Number(process.env.BENCH_CONCURRENCY ?? 1),
      },
    );
  const objectSums = new FeatureSums();
  if (process.env.BENCH_OBJECTS !== '0') {
    const consumer = runtimeConsumer('bench-runtime');
    let decoded = 0;
    let runtimeStart = 0;
    consumer.subscribe({
      topic,
      contract: PredictionContract,
      validate: validatePrediction,
      handler: async (records) => {
        if (runtimeStart === 0) runtimeStart = performance.now();
        decoded += records.length;
        for (const { value } of records) {
          for (const name in value.numeric) {
            const x = value.numeric[name];
            if (x !== null) objectSums.add(name, x);
          }
          for (const name in value.categorical) if (value.categorical[name] !== null) objectSums.count(name);
          if (value.output.score !== null) objectSums.add('score', value.output.score);
        }
      },
    });
    await consumer.start();
    await waitFor('runtime consumption', () => decoded >= EVENTS, { timeoutMs: 600_000, intervalMs: 20 });
    const runtimeSeconds = (performance.now() - runtimeStart) / 1000;
    console.log(
      `Continuum runtime, objects (decode+validate+sums+commit): ${(EVENTS / runtimeSeconds).toFixed(0)} events/s  (${runtimeSeconds.toFixed(2)} s)  ${memory()}`,
    );
    result(OBJECTS_ROW, 'continuum', EVENTS / runtimeSeconds);
    await consumer.stop();
  }

  // 3. Continuum runtime, columnar: the same work on one ColumnarBatch per partition batch, on
  // kafkajs and (3b) on librdkafka.
  const runColumnar = async (columnarConsumer: BatchConsumer, row: string, note?: string) => {
    let columnarDecoded = 0;
    let columnarStart = 0;
    let columnarCpu: NodeJS.CpuUsage | undefined;
    const columnSums = new FeatureSums();
    columnarConsumer.subscribeColumnar({
      topic,
      contract: PredictionContract,
      validate: validatePrediction,
      screen: screenPrediction,
      handler: async (batch) => {
        if (columnarStart === 0) [columnarStart, columnarCpu] = [performance.now(), process.cpuUsage()];
        const n = batch.size;
        columnarDecoded += n;
        const numeric = batch.records.columns.numericMap('numeric');
        const names = numeric.names;
        for (let k = 0; k < names.length; k++) {
          const values = numeric.values[k];
          const presence = numeric.presence[k];
          let sum = 0;
          for (let i = 0; i < n; i++) if (presence[i] === PRESENT) sum += values[i];
          columnSums.add(names[k], sum);
        }
        const categorical = batch.records.columns.categoricalMap('categorical');
        for (let k = 0; k < categorical.codes.length; k++) {
          const codes = categorical.codes[k];
          let count = 0;
          for (let i = 0; i < n; i++) if (codes[i] >= 0) count++;
          columnSums.count(categorical.names[k], count);
        }
        const score = batch.records.columns.record('output').numbers('score');
        let sum = 0;
        for (let i = 0; i < n; i++) if (score.presence[i] === PRESENT) sum += score.values[i];
        columnSums.add('score', sum);
      },
    });
    const stopCpuProfile = row === COLUMNAR_ROW ? startCpuProfile() : () => undefined;
    await columnarConsumer.start();
    await waitFor('columnar consumption', () => columnarDecoded >= EVENTS, {
      timeoutMs: 600_000,
      intervalMs: 20,
    });
    const columnarSeconds = (performance.now() - columnarStart) / 1000;
    const columnarBusy = cpuShare(columnarCpu, columnarSeconds);
    stopCpuProfile();
    console.log(
      `${row} (decode+validate+sums+commit): ${(EVENTS / columnarSeconds).toFixed(0)} events/s  (${columnarSeconds.toFixed(2)} s)  ${columnarBusy}  ${memory()}  ${loadNote()}`,
    );
    result(row, 'continuum', EVENTS / columnarSeconds, note);
    await columnarConsumer.stop();
    return columnSums;
  };
  const columnSums = await runColumnar(runtimeConsumer('bench-columnar'), COLUMNAR_ROW);
  if (confluent) {
    const sums = await runColumnar(
      runtimeConsumer('bench-columnar-rdkafka', confluent),
      'Continuum runtime, columnar, KAFKA_CLIENT=confluent',
      loadNote(),
    );
    for (const [name, sum] of columnSums.sums) {
      if (Math.abs(sum - (sums.sums.get(name) ?? Number.NaN)) > 1e-6 * Math.max(1, Math.abs(sum)))
        throw new Error(`per-feature sums differ for ${name} between the clients`);
    }
  }
  await eventProducer.disconnect();
  // Both paths did the same work: the same sums (to rounding of the per-batch partial sums).
  for (const [name, sum] of objectSums.sums) {
    const other = columnSums.sums.get(name) ?? Number.NaN;
    if (Math.abs(sum - other) > 1e-6 * Math.max(1, Math.abs(sum)))
      throw new Error(`per-feature sums differ for ${name}: objects ${sum}, columns ${other}`);
  }

  // 4. The Python peers on the same topic, in the same run.
  if (process.env.BENCH_PEERS !== '0') runPeers(topic, EVENTS);

  // 5. Decode alone, no Kafka: where the runtime's time goes.
  const decoder = codecs.decoderFor(PredictionContract);
  const buffers = Array.from({ length: 20_000 }, (_, i) => encoder.encode(benchPrediction(i)));
  await decoder.prepare(buffers);
  let t0 = performance.now();
  const objects: Prediction[] = [];
  for (let round = 0; round < 5; round++)
    for (const b of buffers) objects[objects.length % buffers.length] = decoder.decode(b);
  const decodeRate = (5 * buffers.length) / ((performance.now() - t0) / 1000);
  console.log(`Avro decode only, avsc objects (in memory):  ${decodeRate.toFixed(0)} events/s`);
  result('decode only: avsc to objects (in memory)', 'component', decodeRate);
  const columnar = ColumnarDecoder.for(PredictionContract, registry);
  if (!columnar) throw new Error('predictions cannot be read as columns');
  await columnar.prepare(buffers);
  t0 = performance.now();
  for (let round = 0; round < 5; round++) {
    for (let start = 0; start < buffers.length; start += 1000) {
      const records = columnar.begin(1000);
      for (let i = start; i < start + 1000; i++) columnar.append(records, buffers[i]);
    }
  }
  const columnarRate = (5 * buffers.length) / ((performance.now() - t0) / 1000);
  console.log(`Avro decode only, columns of 1,000 (in memory): ${columnarRate.toFixed(0)} events/s`);
  result('decode only: columnar reader (in memory)', 'component', columnarRate);

  // 6. Profiling the same columns in memory (the monitor's window update), next to whylogs (peers).
  const reference = ReferenceProfile.fromColumns({
    numeric: Object.fromEntries(
      Object.keys(objects[0].numeric).map((f) => [f, objects.map((o) => o.numeric[f] as number)]),
    ),
    categorical: Object.fromEntries(
      Object.keys(objects[0].categorical).map((f) => [f, objects.map((o) => o.categorical[f] as string)]),
    ),
  });
  const window = new WindowProfile(reference);
  t0 = performance.now();
  for (let round = 0; round < 5; round++) for (const o of objects) window.observe(o);
  const profileRate = (5 * objects.length) / ((performance.now() - t0) / 1000);
  console.log(`window profile updates (in memory, 25 features): ${profileRate.toFixed(0)} events/s`);
  result(PROFILE_ROW, 'component', profileRate, '25 features per event');
}

/** Runs bench/peers/consume_peer.py (confluent-kafka, fastavro, whylogs) on the same topic. */
function runPeers(topic: string, events: number): void {
  const run = spawnSync(
    join(REPO_ROOT, 'tools', 'python-env'),
    [join(REPO_ROOT, 'bench', 'peers', 'consume_peer.py'), topic, String(events)],
    {
      env: {
        ...process.env,
        PYTHON_ENV_REQUIREMENTS: join(REPO_ROOT, 'bench', 'peers', 'requirements.txt'),
        KAFKA_BROKERS: BROKERS.join(','),
        SCHEMA_REGISTRY_URL: REGISTRY_URL,
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 1_800_000,
    },
  );
  if (run.status !== 0) {
    console.log(`Python peers failed (exit ${run.status ?? run.signal}); the table has no peer rows`);
    return;
  }
  for (const line of run.stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const peer = JSON.parse(line) as { name: string; eventsPerSec: number; rssMiB: number; note?: string };
    console.log(`${peer.name}: ${peer.eventsPerSec.toFixed(0)} events/s  rss ${peer.rssMiB.toFixed(0)} MiB`);
    // librdkafka's raw fetch and the fastavro consumer compare with the runtime rows; whylogs with
    // the in-memory profile updates.
    const peerOf = peer.name.startsWith('whylogs') ? [PROFILE_ROW] : [OBJECTS_ROW, COLUMNAR_ROW];
    reportResult({ bench: 'consume', role: 'peer', ...peer, peerOf });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
