/**
 * Scale-out benchmark (`BENCH_ONLY=scale npm run bench`, or `node -r @swc-node/register bench/scale.ts`):
 * 1, 2 and 3 instances of the monitor and of the evaluator, each a separate service process in one
 * consumer group, reading the same pre-filled 6-partition topics (the catalog's partition count).
 * Prints events/s in total and per instance and each instance's RSS.
 *
 * The inputs are filled once before any instance starts, so no producer competes for the cores.
 * Each run gets its own consumer group and its own output, checkpoint and changelog topics (only the
 * inputs are shared): a run never restores a previous run's state. The clock of a run starts when
 * the first instance has handled its first record (start-up and the group's first rebalances are
 * excluded; rebalances while the later instances join are included, as on a real scale-out) and
 * stops when the group's committed offsets reach the end of every input (the monitor commits at its
 * checkpoints, every second here; the evaluator after each batch's state write). Records a
 * rebalance hands over twice count once in the total.
 *
 * On a machine with fewer cores than instances this measures the overhead of scaling out (more
 * processes, rebalances, more fetch requests and smaller batches), not a speed-up: the sizing table
 * in the README divides by the cores actually used.
 *
 *   BENCH_SCALE_EVENTS   predictions (and as many labels) in the topics, default 300000
 *   BENCH_SCALE_COUNTS   instance counts, default 1,2,3
 *   BENCH_SCALE_SERVICES default monitor,evaluator
 *   BENCH_SCALE_CPU_PROF a directory: every instance writes a V8 CPU profile there when it stops
 *   BENCH_SCALE_LOG_DIR  a directory: every instance's output (JSON logs) is written there when it stops
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Label,
  LabelContract,
  type Prediction,
  PredictionContract,
  type TopicKey,
  Topics,
} from '@continuum/events';
import {
  ServiceProcess,
  createTopics,
  groupProgress,
  privateTopics,
  sumSeries,
  testCodecs,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import {
  SeededRandom,
  T0,
  featureNames,
  registerVersion,
  score,
  syntheticReference,
} from '../services/monitor/test/fixtures/synthetic-stream';
import { reportResult } from './lib/results';

const EVENTS = Number(process.env.BENCH_SCALE_EVENTS ?? 300_000);
const COUNTS = (process.env.BENCH_SCALE_COUNTS ?? '1,2,3').split(',').map(Number);
const SERVICES = (process.env.BENCH_SCALE_SERVICES ?? 'monitor,evaluator').split(',').map((s) => s.trim());
const MODEL = 'scale-model';
const FEATURES = featureNames(20);
const PLANS = ['basic', 'pro', 'enterprise'];
const DEVICES = ['ios', 'android', 'web'];
const COUNTRIES = ['FR', 'DE', 'US', 'ES', 'IT'];
/** 50,000 events per one-minute window, as in the monitor's benchmark. */
const SPACING_MS = 60_000 / 50_000;
const LABEL_DELAY_MS = 30_000;
const MiB = 2 ** 20;

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

/** Prediction i: 20 numeric + 2 categorical features, two segment keys, a binary score. */
function prediction(rnd: SeededRandom, i: number): Prediction {
  const numeric: Record<string, number | null> = {};
  for (const f of FEATURES) numeric[f] = rnd.normal();
  return {
    eventId: `${MODEL}-${i}`,
    modelId: MODEL,
    modelVersion: '1',
    timestamp: T0 + Math.floor(i * SPACING_MS),
    entityId: null,
    numeric,
    categorical: { plan: rnd.pick(PLANS), device: rnd.pick(DEVICES) },
    segments: { country: rnd.pick(COUNTRIES), channel: i % 2 ? 'web' : 'app' },
    output: { score: score(numeric), predictedClass: null, classProbabilities: {} },
  };
}

interface Inputs {
  predictions: string;
  labels: string;
  modelVersions: string;
  /** Records per input topic (the events plus the closers). */
  records: number;
}

/**
 * Fills ct.predictions and ct.labels (6 partitions, keyed by eventId: murmur2, so the evaluator's
 * join is local) and registers the model with a reference, for the monitor's drift tests.
 */
async function prefill(kafka: ReturnType<typeof testKafka>): Promise<Inputs> {
  const { names } = privateTopics('scale-inputs');
  await createTopics(kafka, [
    { topic: names.predictions, partitions: Topics.predictions.partitions },
    { topic: names.labels, partitions: Topics.labels.partitions },
    { topic: names.modelVersions, partitions: Topics.modelVersions.partitions },
  ]);
  await registerVersion(
    kafka,
    names.modelVersions,
    MODEL,
    '1',
    syntheticReference(1, 5000, FEATURES.length, { plan: PLANS, device: DEVICES }),
  );
  const codecs = testCodecs();
  const pEnc = await codecs.encoderFor(names.predictions, PredictionContract);
  const lEnc = await codecs.encoderFor(names.labels, LabelContract);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const rnd = new SeededRandom(14);
  const labelRnd = new SeededRandom(15);
  // Closers: one event per partition-ish past the last window moves every watermark on.
  const last = T0 + Math.floor(EVENTS * SPACING_MS);
  const total = EVENTS + 600;
  const started = Date.now();
  for (let i = 0; i < total; i += 5_000) {
    const predictions: Prediction[] = [];
    for (let j = i; j < Math.min(total, i + 5_000); j++) {
      const p = prediction(rnd, j);
      if (j >= EVENTS) p.timestamp = last + 2 * 60_000 + LABEL_DELAY_MS + (j - EVENTS);
      predictions.push(p);
    }
    const labels: Label[] = predictions.map((p) => ({
      eventId: p.eventId,
      modelId: MODEL,
      timestamp: p.timestamp + LABEL_DELAY_MS,
      label: labelRnd.next() < (p.output.score ?? 0) ? 1 : 0,
    }));
    await producer.send({
      topic: names.predictions,
      messages: predictions.map((p) => ({ key: p.eventId, value: pEnc.encode(p) })),
    });
    await producer.send({
      topic: names.labels,
      messages: labels.map((l) => ({ key: l.eventId, value: lEnc.encode(l) })),
    });
  }
  await producer.disconnect();
  log(
    `filled ${total.toLocaleString()} predictions and labels in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return {
    predictions: names.predictions,
    labels: names.labels,
    modelVersions: names.modelVersions,
    records: total,
  };
}

type Service = 'monitor' | 'evaluator';

interface RunResult {
  service: Service;
  instances: number;
  seconds: number;
  eventsPerSec: number;
  cpuMicrosPerEvent: number;
  changelogPerRecord?: number;
  perInstance: Array<{ share: number; eventsPerSec: number; rssMiB: number; heapMiB: number }>;
  load: string;
}

/** Env of a run: fresh output topics and groups, the shared inputs. */
function runEnv(service: Service, inputs: Inputs): Record<string, string> {
  const { env } = privateTopics(`scale-${service}`);
  const input = (key: TopicKey, name: string) => (env[Topics[key].env] = name);
  input('predictions', inputs.predictions);
  input('labels', inputs.labels);
  input('modelVersions', inputs.modelVersions);
  const common = { ...env, LOG_LEVEL: 'warn' };
  return service === 'monitor'
    ? {
        ...common,
        MONITOR_GROUP_ID: uniqueName('scale-monitor'),
        MONITOR_COMBINER_GROUP_ID: uniqueName('scale-monitor-combiner'),
        MONITOR_WINDOW: '1m',
        MONITOR_ALLOWED_LATENESS: '0',
        MONITOR_SEGMENT_KEYS: 'country,channel',
        MONITOR_CHECKPOINT_INTERVAL: '1s',
      }
    : {
        ...common,
        EVALUATOR_GROUP_ID: uniqueName('scale-evaluator'),
        EVALUATOR_WINDOW: '1m',
        EVALUATOR_MODEL_TASKS: `${MODEL}=BINARY_CLASSIFICATION`,
      };
}

/** The topics a run's services created (every catalog topic but the shared inputs). */
function runTopics(env: Record<string, string>, inputs: Inputs): string[] {
  const shared = new Set([inputs.predictions, inputs.labels, inputs.modelVersions]);
  return Object.values(Topics)
    .map((t) => env[t.env])
    .filter((name) => name !== undefined && !shared.has(name));
}

/** Deletes what exists of `topics`, so that benchmark runs do not pile up on the shared broker. */
async function deleteTopics(kafka: ReturnType<typeof testKafka>, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } catch (error) {
    log(`could not delete the run's topics: ${String(error)}`);
  } finally {
    await admin.disconnect();
  }
}

/** What an instance has done so far: records of the inputs handed to its handlers, RSS and heap. */
async function progress(
  instance: ServiceProcess,
  topics: readonly string[],
): Promise<{ handled: number; rssMiB: number; heapMiB: number; cpuSeconds: number }> {
  const body = await (await fetch(`${instance.baseUrl}/metrics`)).text();
  return {
    cpuSeconds: sumSeries(body, 'process_cpu_seconds_total'),
    handled: topics.reduce(
      (a, topic) => a + sumSeries(body, 'continuum_consumer_records_total', { topic }),
      0,
    ),
    rssMiB: sumSeries(body, 'process_resident_memory_bytes') / MiB,
    heapMiB: sumSeries(body, 'nodejs_heap_size_used_bytes') / MiB,
  };
}

/** Instances alive, stopped if the benchmark itself is stopped. */
const live = new Set<ServiceProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const instance of live) instance.kill('SIGKILL');
    process.exit(1);
  });
}

async function run(
  kafka: ReturnType<typeof testKafka>,
  service: Service,
  count: number,
  inputs: Inputs,
): Promise<RunResult> {
  const env = runEnv(service, inputs);
  const dirs: string[] = [];
  log(`${service} x ${count}: starting (load ${load()})`);
  // Instances come up one by one (start-up takes seconds on two shared cores); the clock must start
  // at the first record any of them handles, not when the last is up — by then the first may be done.
  const up: ServiceProcess[] = [];
  let startFailure: unknown;
  const starting = Array.from({ length: count }, (_, k) => {
    const own: Record<string, string> = {};
    const profiles = process.env.BENCH_SCALE_CPU_PROF;
    if (profiles) {
      // Node refuses --cpu-prof in NODE_OPTIONS: a preload starts the profiler instead.
      own.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'lib', 'cpu-profile.cjs')}`;
      own.CPU_PROFILE_DIR = profiles;
    }
    if (service === 'evaluator') {
      const dir = mkdtempSync(join(tmpdir(), 'scale-evaluator-'));
      dirs.push(dir);
      own.EVALUATOR_STATE_DIR = dir;
      own.EVALUATOR_INSTANCE_ID = `scale-${k}`;
    }
    return ServiceProcess.startService(service, { ...env, ...own }, 600_000).then(
      (instance) => {
        live.add(instance);
        up.push(instance);
        return instance;
      },
      (error: unknown) => {
        startFailure ??= error;
        throw error;
      },
    );
  });
  // A failed start is reported by the wait below (startFailure), not as an unhandled rejection.
  for (const start of starting) start.catch(() => undefined);
  try {
    const topics = service === 'monitor' ? [inputs.predictions] : [inputs.predictions, inputs.labels];
    const target = topics.length * inputs.records;
    const group = service === 'monitor' ? env.MONITOR_GROUP_ID : env.EVALUATOR_GROUP_ID;
    let first = 0;
    // CPU already spent by each instance when the clock started, or when it came up after that:
    // start-up is excluded, the work of every instance counted.
    const cpuBefore = new Map<ServiceProcess, number>();
    await waitFor(
      `${service} x ${count}: a first record handled`,
      async () => {
        if (startFailure) throw startFailure;
        const ready = [...up];
        const all = await Promise.all(ready.map((i) => progress(i, topics)));
        if (all.some((p) => p.handled > 0)) {
          first = performance.now();
          ready.forEach((instance, k) => cpuBefore.set(instance, all[k].cpuSeconds));
        }
        return first > 0;
      },
      { timeoutMs: 600_000, intervalMs: 100 },
    );
    const instances = await Promise.all(starting);
    for (const instance of instances)
      if (!cpuBefore.has(instance)) cpuBefore.set(instance, (await progress(instance, topics)).cpuSeconds);
    const cpuAtFirst = [...cpuBefore.values()].reduce((a, b) => a + b, 0);
    // Done when the group's committed offsets reach the end of every input: the monitor commits at
    // its checkpoints (every second here), the evaluator after each batch's state write.
    const finished = async (): Promise<boolean> => {
      for (const topic of topics) {
        const { committed, end } = await groupProgress(kafka, group, topic);
        if (committed < end) return false;
      }
      return true;
    };
    await waitFor(`${service} x ${count}: every input record handled`, finished, {
      timeoutMs: 3_600_000,
      intervalMs: 200,
    });
    const seconds = (performance.now() - first) / 1000;
    const all = await Promise.all(instances.map((i) => progress(i, topics)));
    // Records handed to handlers: a rebalance hands some over twice, so shares are of their sum.
    const handled = all.reduce((a, p) => a + p.handled, 0);
    const eventsPerSec = target / seconds;
    // The evaluator mirrors its state in its changelog: records appended per input record.
    const changelogPerRecord =
      service === 'evaluator'
        ? (await groupProgress(kafka, group, env[Topics.evaluatorChangelog.env])).end / target
        : undefined;
    // CPU of the instances (user + system) per input record: unlike events/s, it hardly moves with
    // the machine's load, so it is what the README's sizing table divides cores by.
    const cpuMicrosPerEvent = ((all.reduce((a, p) => a + p.cpuSeconds, 0) - cpuAtFirst) * 1e6) / target;
    const result: RunResult = {
      service,
      instances: count,
      seconds,
      eventsPerSec,
      cpuMicrosPerEvent,
      changelogPerRecord,
      perInstance: all.map((p) => ({
        share: p.handled / handled,
        eventsPerSec: (eventsPerSec * p.handled) / handled,
        rssMiB: p.rssMiB,
        heapMiB: p.heapMiB,
      })),
      load: load(),
    };
    log(
      `${service} x ${count}: ${target.toLocaleString()} records in ${seconds.toFixed(1)} s = ${Math.round(eventsPerSec).toLocaleString()} events/s, ${cpuMicrosPerEvent.toFixed(0)} µs CPU per record; ` +
        (changelogPerRecord === undefined
          ? ''
          : `${changelogPerRecord.toFixed(2)} changelog records per input record; `) +
        result.perInstance
          .map(
            (p, k) =>
              `#${k} ${Math.round(p.eventsPerSec).toLocaleString()}/s RSS ${p.rssMiB.toFixed(0)} MiB heap ${p.heapMiB.toFixed(0)} MiB`,
          )
          .join(', ') +
        ` (load ${result.load})`,
    );
    return result;
  } finally {
    await Promise.allSettled(starting);
    const instances = [...up];
    await Promise.all(instances.map((i) => i.stop()));
    for (const instance of instances) live.delete(instance);
    const logs = process.env.BENCH_SCALE_LOG_DIR;
    if (logs) {
      mkdirSync(logs, { recursive: true });
      instances.forEach((instance, k) =>
        writeFileSync(join(logs, `${service}-x${count}-${k}.log`), `${instance.output.join('\n')}\n`),
      );
    }
    await deleteTopics(kafka, runTopics(env, inputs));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const kafka = testKafka('scale-bench');
  log(`scale bench: ${EVENTS.toLocaleString()} events, ${cpus().length} cores, load ${load()}`);
  const inputs = await prefill(kafka);
  const results: RunResult[] = [];
  try {
    for (const service of SERVICES as Service[])
      for (const count of COUNTS) results.push(await run(kafka, service, count, inputs));
  } finally {
    await deleteTopics(kafka, [inputs.predictions, inputs.labels, inputs.modelVersions]);
  }

  const lines = [
    `scale-out on ${Topics.predictions.partitions} partitions, ${cpus().length} cores shared with Kafka and the registry` +
      (cpus().length < 4
        ? `: fewer cores than instances + broker, so this shows the overhead of more instances, not a speed-up`
        : ''),
    `records per run: monitor ${inputs.records.toLocaleString()} predictions; evaluator ${inputs.records.toLocaleString()} predictions + as many labels`,
    '| service   | instances | events/s total | events/s per instance          | µs CPU per event | RSS MiB per instance | load (1/5/15 min) |',
    '| --------- | --------- | -------------- | ------------------------------ | ---------------- | -------------------- | ----------------- |',
    ...results.map(
      (r) =>
        `| ${r.service.padEnd(9)} | ${String(r.instances).padEnd(9)} | ${Math.round(r.eventsPerSec).toLocaleString().padEnd(14)} | ${r.perInstance
          .map((p) => Math.round(p.eventsPerSec).toLocaleString())
          .join(' / ')
          .padEnd(30)} | ${r.cpuMicrosPerEvent.toFixed(0).padEnd(16)} | ${r.perInstance
          .map((p) => p.rssMiB.toFixed(0))
          .join(' / ')
          .padEnd(20)} | ${r.load.padEnd(17)} |`,
    ),
  ];
  console.log(lines.join('\n'));
  for (const r of results) {
    reportResult({
      bench: process.env.BENCH_NAME ?? 'scale',
      name: `${r.service} x ${r.instances} instance${r.instances > 1 ? 's' : ''} (6 partitions)`,
      role: 'continuum',
      eventsPerSec: r.eventsPerSec,
      rssMiB: Math.max(...r.perInstance.map((p) => p.rssMiB)),
      heapMiB: Math.max(...r.perInstance.map((p) => p.heapMiB)),
      note: `per instance ${r.perInstance.map((p) => `${(p.eventsPerSec / 1000).toFixed(1)} k`).join(' / ')}; ${r.cpuMicrosPerEvent.toFixed(0)} µs CPU/event; ${r.changelogPerRecord === undefined ? '' : `${r.changelogPerRecord.toFixed(2)} changelog records/event; `}load ${r.load}`,
    });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
