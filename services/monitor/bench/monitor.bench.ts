/**
 * Monitor benchmark, end to end on the real broker and registry (tools/infra up):
 *
 *   npm run bench -w @continuum/monitor-service
 *   BENCH_EVENTS=1000000,5000000 npm run bench -w @continuum/monitor-service
 *
 * One monitor process (stage 1 and stage 2) on private topics, one model version with a registered
 * reference (20 numeric + 2 categorical features), segment keys country (5 values) and channel (2),
 * so each event is windowed in 3 streams. One-minute event-time windows, 50,000 events per window.
 *
 * 1. Throughput: the producer sends the largest BENCH_EVENTS as fast as it can (sequential sends of
 *    5,000, in event-time order) while the monitor runs; events/s = events / (last report received −
 *    first send). With BENCH_PREFILL=1 (what `npm run bench` uses) the topic is filled first, a raw
 *    kafkajs consumer reads it (the client's ceiling, in the same run), and only then the monitor
 *    starts: events/s = events / (last report received − first windowed event seen), no producer
 *    competing for the cores. Memory of the monitor is sampled when its windowed-event count passes
 *    each size: RSS, V8 heap used and total, and external memory (Buffers), so the RSS beyond the
 *    heap is accounted for.
 * 2. Report latency: paced at a fraction of the measured throughput, 12 windows of 10,000 events;
 *    latency of a window = its report received − the broker's ack of the first send holding events
 *    past the window's end (every send covers every partition). Also the monitor's own
 *    continuum_monitor_report_latency_seconds.
 *
 * The machine has 2 cores shared by the producer, the monitor, Kafka and the registry (and other
 * engineers' builds): figures are noisy and conservative.
 */
import {
  type DriftReport,
  DriftReportContract,
  type Prediction,
  PredictionContract,
  Topics,
} from '@continuum/events';
import {
  ServiceProcess,
  createTopics,
  privateTopics,
  sumSeries,
  testCodecs,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import { reportResult } from '../../../bench/lib/results';
import { stageOneBench } from './stage-one.bench';
import {
  SeededRandom,
  T0,
  featureNames,
  registerVersion,
  score,
  syntheticReference,
} from '../test/fixtures/synthetic-stream';

const MINUTE = 60_000;
const PER_WINDOW = 50_000;
const SEND = 5_000;
const FEATURES = featureNames(20);
const COUNTRIES = ['FR', 'DE', 'US', 'ES', 'IT'];
const CHANNELS = ['web', 'app'];
const PLANS = ['basic', 'pro', 'enterprise'];
const DEVICES = ['ios', 'android', 'web'];

const sizes = (process.env.BENCH_EVENTS ?? '1000000,10000000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0)
  .sort((a, b) => a - b);

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

class EventSource {
  private readonly rnd = new SeededRandom(2024);
  private i = 0;

  constructor(
    private readonly modelId: string,
    private readonly spacingMs: number,
    private readonly start: number,
  ) {}

  next(): Prediction {
    const i = this.i++;
    const numeric: Record<string, number | null> = {};
    for (const f of FEATURES) numeric[f] = this.rnd.normal();
    return {
      eventId: `${this.modelId}-${i}`,
      modelId: this.modelId,
      modelVersion: '1',
      timestamp: this.start + Math.floor(i * this.spacingMs),
      entityId: null,
      numeric,
      categorical: { plan: this.rnd.pick(PLANS), device: this.rnd.pick(DEVICES) },
      segments: { country: this.rnd.pick(COUNTRIES), channel: this.rnd.pick(CHANNELS) },
      output: { score: score(numeric), predictedClass: null, classProbabilities: {} },
    };
  }
}

interface Sample {
  events: number;
  rssMiB: number;
  heapMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
}

const PREFILL = process.env.BENCH_PREFILL === '1';

async function metrics(monitor: ServiceProcess | undefined): Promise<string> {
  if (!monitor) throw new Error('the monitor is not started yet');
  return (await fetch(`${monitor.baseUrl}/metrics`)).text();
}

/** Raw kafkajs consumption of the topic, fetch only: the client's ceiling for the monitor's input. */
async function rawRead(kafka: ReturnType<typeof testKafka>, topic: string, count: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: uniqueName('bench-raw'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let start = 0;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (start === 0) start = performance.now();
      seen += batch.messages.length;
    },
  });
  await waitFor('raw read', () => seen >= count, { timeoutMs: 600_000, intervalMs: 20 });
  const rate = count / ((performance.now() - start) / 1000);
  await consumer.disconnect();
  return rate;
}

async function main(): Promise<void> {
  // Stage 1's per-event CPU path in memory first, while the machine has nothing else of ours running.
  stageOneBench(Number(process.env.BENCH_STAGE_ONE_EVENTS ?? 100_000), 'monitor');
  const kafka = testKafka('monitor-bench');
  const { names, env } = privateTopics('monitor-bench');
  const partitions = Topics.predictions.partitions;
  await createTopics(kafka, [
    { topic: names.predictions, partitions },
    { topic: names.modelVersions, partitions: Topics.modelVersions.partitions },
  ]);
  const modelId = 'bench-model';
  await registerVersion(
    kafka,
    names.modelVersions,
    modelId,
    '1',
    syntheticReference(1, 5000, 20, { plan: PLANS, device: DEVICES }),
  );

  const startMonitor = () =>
    ServiceProcess.startService(
      'monitor',
      {
        ...env,
        // As the image runs it (deploy/Dockerfile): glibc arenas bounded.
        MALLOC_ARENA_MAX: '2',
        MALLOC_MMAP_THRESHOLD_: '262144',
        LOG_LEVEL: 'warn',
        MONITOR_GROUP_ID: uniqueName('bench'),
        MONITOR_COMBINER_GROUP_ID: uniqueName('bench-combiner'),
        MONITOR_WINDOW: '1m',
        MONITOR_ALLOWED_LATENESS: '0',
        MONITOR_SEGMENT_KEYS: 'country,channel',
        MONITOR_SESSION_TIMEOUT: '10s',
      },
      60_000,
      // The built service (npm run build) when there is one: no TypeScript loader in its memory.
      { preferBuilt: true },
    );
  let monitor = PREFILL ? undefined : await startMonitor();

  // Report arrivals (the reader starts once the monitor has provisioned its topics).
  const arrivals = new Map<number, number>();
  const decoder = testCodecs().decoderFor(DriftReportContract);
  const reader = kafka.consumer({ groupId: uniqueName('bench-reports'), maxWaitTimeInMs: 100 });
  const startReader = async () => {
    await reader.connect();
    await reader.subscribe({ topic: names.driftReports, fromBeginning: true });
    await reader.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        await decoder.prepare(batch.messages.map((m) => m.value));
        for (const m of batch.messages) {
          const r: DriftReport = decoder.decode(m.value);
          if (r.segment === '*' && !arrivals.has(r.windowStart)) arrivals.set(r.windowStart, now);
        }
      },
    });
  };
  if (monitor) await startReader();

  const encoder = await testCodecs().encoderFor(names.predictions, PredictionContract);
  const producer = kafka.producer();
  await producer.connect();
  const send = async (events: Prediction[]) => {
    await producer.send({
      topic: names.predictions,
      messages: events.map((p) => ({ key: p.eventId, value: encoder.encode(p) })),
    });
  };

  // 1. Throughput and memory.
  const total = sizes[sizes.length - 1];
  const source = new EventSource(modelId, MINUTE / PER_WINDOW, T0);
  const samples: Sample[] = [];
  // Memory after each size and at every tenth of the run, to see whether it is flat.
  const points = [
    ...new Set([...sizes, ...Array.from({ length: 10 }, (_, k) => Math.round((total * (k + 1)) / 10))]),
  ].sort((a, b) => a - b);
  let sampling = true;
  let firstWindowedAt = 0;
  // The monitor's own CPU (process_cpu_seconds_total) from its first windowed event: per event, a
  // figure a loaded machine distorts much less than events/s.
  let cpuAtFirst = { seconds: 0, windowed: 0 };
  const sampler = async () => {
    let next = 0;
    while (sampling && next < points.length) {
      await new Promise((r) => setTimeout(r, firstWindowedAt ? 1000 : 50));
      try {
        const body = await metrics(monitor);
        const windowed = sumSeries(body, 'continuum_monitor_events_total', { outcome: 'windowed' });
        if (windowed > 0 && !firstWindowedAt) {
          firstWindowedAt = Date.now();
          cpuAtFirst = { seconds: sumSeries(body, 'process_cpu_seconds_total'), windowed };
        }
        while (next < points.length && windowed >= points[next]) {
          samples.push({
            events: points[next],
            rssMiB: sumSeries(body, 'process_resident_memory_bytes') / 2 ** 20,
            heapMiB: sumSeries(body, 'nodejs_heap_size_used_bytes') / 2 ** 20,
            heapTotalMiB: sumSeries(body, 'nodejs_heap_size_total_bytes') / 2 ** 20,
            externalMiB: sumSeries(body, 'nodejs_external_memory_bytes') / 2 ** 20,
          });
          log(
            `monitor windowed ${windowed.toLocaleString()} events: RSS ${samples[samples.length - 1].rssMiB.toFixed(0)} MiB`,
          );
          next++;
        }
      } catch {
        // the next poll retries
      }
    }
  };
  let sampled = PREFILL ? Promise.resolve() : sampler();
  const startedFill = Date.now();
  let started = startedFill;
  let produced = 0;
  while (produced < total) {
    const batch: Prediction[] = [];
    for (let j = 0; j < SEND && produced < total; j++, produced++) batch.push(source.next());
    await send(batch);
    if (produced % 500_000 === 0) log(`produced ${produced.toLocaleString()}`);
  }
  const producedAt = Date.now();
  // Closers: one more window of events moves every partition's watermark past the last window.
  const lastWindowStart = T0 + Math.floor((total - 1) / PER_WINDOW) * MINUTE;
  const tail: Prediction[] = [];
  for (let j = 0; j < 600; j++) tail.push({ ...source.next(), timestamp: lastWindowStart + MINUTE + j });
  await send(tail);
  let rawRate: number | undefined;
  if (PREFILL) {
    rawRate = await rawRead(kafka, names.predictions, total + tail.length);
    log(`raw kafkajs read of the pre-filled topic: ${Math.round(rawRate).toLocaleString()} events/s`);
    monitor = await startMonitor();
    await startReader();
    sampled = sampler();
    await waitFor('the first windowed event', () => firstWindowedAt > 0, {
      timeoutMs: 600_000,
      intervalMs: 20,
    });
    started = firstWindowedAt;
  }
  await waitFor('the report of the last window', () => arrivals.has(lastWindowStart), {
    timeoutMs: 3_600_000,
    intervalMs: 200,
  });
  const finished = arrivals.get(lastWindowStart) as number;
  sampling = false;
  await sampled;
  const afterRun = await metrics(monitor);
  const cpuMicrosPerEvent =
    ((sumSeries(afterRun, 'process_cpu_seconds_total') - cpuAtFirst.seconds) * 1e6) /
    (sumSeries(afterRun, 'continuum_monitor_events_total', { outcome: 'windowed' }) - cpuAtFirst.windowed);
  const seconds = (finished - started) / 1000;
  const throughput = total / seconds;

  // 2. Report latency at a sustainable rate.
  const rate = Math.max(2000, Math.floor(throughput * 0.5));
  const latencyWindows = 12;
  const perWindow = 10_000;
  const base = lastWindowStart + 10 * MINUTE;
  const paced = new EventSource(`${modelId}`, MINUTE / perWindow, base);
  const closesAt = new Map<number, number>();
  const beforeLatency = await metrics(monitor);
  const t0 = Date.now();
  let sent = 0;
  for (let w = 0; w <= latencyWindows; w++) {
    for (let s = 0; s < perWindow; s += 1000) {
      const events: Prediction[] = [];
      for (let j = 0; j < 1000; j++) events.push(paced.next());
      const due = t0 + (sent / rate) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      await send(events);
      sent += events.length;
      const windowStart = base + (w - 1) * MINUTE;
      if (s === 0 && w > 0) closesAt.set(windowStart, Date.now());
    }
  }
  await waitFor(
    'the reports of the paced windows',
    () => [...closesAt.keys()].every((k) => arrivals.has(k)),
    { timeoutMs: 300_000, intervalMs: 100 },
  );
  const latencies = [...closesAt.entries()]
    .map(([k, at]) => ((arrivals.get(k) as number) - at) / 1000)
    .sort((a, b) => a - b);
  const afterLatency = await metrics(monitor);
  const internalCount =
    sumSeries(afterLatency, 'continuum_monitor_report_latency_seconds_count') -
    sumSeries(beforeLatency, 'continuum_monitor_report_latency_seconds_count');
  const internalSum =
    sumSeries(afterLatency, 'continuum_monitor_report_latency_seconds_sum') -
    sumSeries(beforeLatency, 'continuum_monitor_report_latency_seconds_sum');

  await producer.disconnect();
  await reader.disconnect();
  const exit = await (monitor as ServiceProcess).stop();
  reportResult({
    bench: 'monitor',
    name: PREFILL ? 'monitor, pre-filled topic (alone)' : 'monitor, producer running beside it',
    role: 'continuum',
    eventsPerSec: throughput,
    rssMiB: samples[samples.length - 1]?.rssMiB,
    heapMiB: samples[samples.length - 1]?.heapMiB,
    note: `${total.toLocaleString()} events, ${cpuMicrosPerEvent.toFixed(1)} µs monitor CPU per event; goal >= 100k/s alone`,
  });
  if (rawRate !== undefined)
    reportResult({
      bench: 'monitor',
      name: 'raw kafkajs read of the same topic',
      role: 'raw',
      eventsPerSec: rawRate,
    });

  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(names) }).catch(() => undefined);
  await admin.disconnect();

  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const out = [
    `monitor benchmark (${new Date().toISOString()}, Node ${process.version}, 2 shared cores: noisy)`,
    `data: 1 model version, 20 numeric + 2 categorical features + score, segments country(5) x channel(2) -> 3 streams per event, 1-min windows of ${PER_WINDOW.toLocaleString()} events`,
    PREFILL
      ? `pre-filled topic, monitor alone (first windowed event -> last report), ${total.toLocaleString()} events: ${seconds.toFixed(1)} s, ${Math.round(throughput).toLocaleString()} events/s; raw kafkajs read ${Math.round(rawRate ?? 0).toLocaleString()} events/s (ratio ${(throughput / (rawRate ?? NaN)).toFixed(2)})`
      : `end to end (producer -> broker -> monitor -> report), ${total.toLocaleString()} events: ${seconds.toFixed(1)} s, ${Math.round(throughput).toLocaleString()} events/s`,
    `  the monitor's CPU (both stages, Kafka client, checkpoints, GC): ${cpuMicrosPerEvent.toFixed(1)} µs per windowed event (${Math.round(1e6 / cpuMicrosPerEvent).toLocaleString()} events per CPU-second)`,
    PREFILL
      ? `  topic filled before the monitor started (${((producedAt - startedFill) / 1000).toFixed(1)} s)`
      : `  producer alone finished after ${((producedAt - started) / 1000).toFixed(1)} s (${Math.round(total / ((producedAt - started) / 1000)).toLocaleString()} events/s sent)`,
    ...samples.map(
      (s) =>
        `monitor memory after ${s.events.toLocaleString()} events: RSS ${s.rssMiB.toFixed(0)} MiB = V8 heap total ${s.heapTotalMiB.toFixed(0)} MiB (used ${s.heapMiB.toFixed(0)}) + external/Buffers ${s.externalMiB.toFixed(0)} MiB + the rest ${(s.rssMiB - s.heapTotalMiB - s.externalMiB).toFixed(0)} MiB (code, stacks, allocator, libuv)`,
    ),
    `report latency after window close (paced at ${rate.toLocaleString()} events/s, ${latencies.length} windows of ${perWindow.toLocaleString()} events): ` +
      `median ${pct(0.5).toFixed(2)} s, max ${latencies[latencies.length - 1].toFixed(2)} s`,
    `  monitor's continuum_monitor_report_latency_seconds (last partition past the window end -> report published): ` +
      `mean ${(internalSum / Math.max(1, internalCount)).toFixed(3)} s over ${internalCount} reports`,
    `monitor exit code after SIGTERM: ${exit}`,
  ];
  console.log(out.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
