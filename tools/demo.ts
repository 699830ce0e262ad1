/**
 * Demo traffic for a first run: `npm start`, then `npm run demo`.
 *
 * Registers model `demo` version 1 with a reference profile of its training data, then publishes
 * eight hours of event time of predictions and labels (1,500 an hour, timestamps ending now):
 *   hours 0–3  normal traffic, labels agree with the model 90 % of the time;
 *   hours 4–5  covariate shift: three of the eight features move by one standard deviation;
 *   hours 6–7  concept drift: inputs back to normal, labels flipped.
 * Then it follows ct.drift-reports, ct.performance and ct.retrain-requests, prints what the
 * monitor, the evaluator and the controller decided, and stops as soon as all of it is in.
 * Services use 1-hour windows by default.
 *
 * Every run is new: its event ids carry the run, and its eight hours start after the previous
 * run's (remembered in the run directory of tools/continuum), so a rerun within the hour is
 * neither duplicate nor late; it then lies up to eight hours per rerun ahead of the clock.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ReferenceProfile } from '@continuum/drift';
import { VERSION_EVENT_DEFAULTS } from '@continuum/registry';
import {
  ContractRegistry,
  type DriftReport,
  DriftReportContract,
  EventCodecs,
  LabelContract,
  ModelVersionEventContract,
  type PerformanceReport,
  PerformanceReportContract,
  type Prediction,
  PredictionContract,
  type RetrainRequest,
  RetrainRequestContract,
  topicName,
} from '@continuum/events';

const HOUR = 3_600_000;
const PER_HOUR = 1500;
const FEATURES = Array.from({ length: 8 }, (_, i) => `x${i}`);
const SHIFTED = ['x1', 'x4', 'x6'];
const WEIGHTS = [1.2, -0.8, 0.5, 0.9, -0.4, 0.3, 0, 0];

/** mulberry32 + Box–Muller: seeded, so every demo run tells the same story. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

/** A service's HTTP port as tools/continuum chose it. */
function port(service: string, byDefault: number): string {
  return process.env[`CONTINUUM_PORT_${service.toUpperCase()}`] ?? String(byDefault);
}

/** Where the previous run's event time ended: the run directory tools/continuum uses. */
const LAST_RUN = join(
  process.env.CONTINUUM_CACHE_DIR ?? join(__dirname, '..', '.cache'),
  'run',
  'demo-last-run.json',
);

/**
 * The first hour of this run's eight: eight hours before the current one, or the hour after the
 * previous run's last one when that is later (the windows before it are closed: events there would
 * be late, and reused event ids duplicates).
 */
export function runStart(now: number, previousEnd: number | undefined): number {
  const fromClock = now - (now % HOUR) - 8 * HOUR;
  return previousEnd !== undefined && previousEnd > fromClock ? previousEnd : fromClock;
}

function previousEnd(): number | undefined {
  try {
    return (JSON.parse(readFileSync(LAST_RUN, 'utf8')) as { end: number }).end;
  } catch {
    return undefined;
  }
}

function scoreOf(row: Record<string, number>): number {
  const z = FEATURES.reduce((sum, name, i) => sum + WEIGHTS[i] * row[name], 0);
  return 1 / (1 + Math.exp(-z));
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
  const kafka = new Kafka({ clientId: 'continuum-demo', brokers, logLevel: logLevel.ERROR });
  const codecs = new EventCodecs(new ContractRegistry({ url: registryUrl }));
  const normal = normals(2026);

  // 1. The model's training data becomes its reference profile, registered with the version.
  const columns: Record<string, number[]> = Object.fromEntries(FEATURES.map((f) => [f, [] as number[]]));
  const scores: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const row = Object.fromEntries(FEATURES.map((f) => [f, normal()]));
    for (const f of FEATURES) columns[f].push(row[f]);
    scores.push(scoreOf(row));
  }
  const profile = ReferenceProfile.fromColumns({ numeric: columns, prediction: scores });
  const producer = kafka.producer();
  await producer.connect();
  const now = Date.now();
  const start = runStart(now, previousEnd());
  const run = now.toString(36);
  if (start > now - 8 * HOUR) {
    console.log(
      `event time continues after the previous demo run: ${new Date(start).toISOString()} to ${new Date(start + 8 * HOUR).toISOString()}`,
    );
  }
  const versions = await codecs.encoderFor(topicName('modelVersions'), ModelVersionEventContract);
  await producer.send({
    topic: topicName('modelVersions'),
    messages: [
      {
        key: 'demo',
        value: versions.encode({
          ...VERSION_EVENT_DEFAULTS,
          eventId: `demo-1-registered-${now}`,
          modelId: 'demo',
          version: '1',
          parentVersion: null,
          change: 'REGISTERED',
          stage: 'CHAMPION',
          strategy: 'EXTERNAL',
          trainingWindow: { start: start - 30 * 24 * HOUR, end: start, exampleCount: 5000 },
          metrics: { accuracy: 0.9 },
          artifactUri: null,
          contract: null,
          referenceProfile: JSON.stringify(profile.toJSON()),
          occurredAt: now,
          actor: 'demo',
        }),
      },
    ],
  });
  console.log('registered model demo version 1 with its reference profile');

  // 2. Eight hours of predictions and labels (labels 10 s after their prediction).
  const predictions = await codecs.encoderFor(topicName('predictions'), PredictionContract);
  const labels = await codecs.encoderFor(topicName('labels'), LabelContract);
  for (let hour = 0; hour < 8; hour++) {
    const p: Array<{ key: string; value: Buffer }> = [];
    const l: Array<{ key: string; value: Buffer }> = [];
    for (let i = 0; i < PER_HOUR; i++) {
      const timestamp = start + hour * HOUR + Math.floor((i * HOUR) / PER_HOUR);
      const row = Object.fromEntries(
        FEATURES.map((f) => [f, normal() + (hour >= 4 && hour < 6 && SHIFTED.includes(f) ? 1 : 0)]),
      );
      const score = scoreOf(row);
      const eventId = `demo-${run}-${hour}-${i}`;
      const prediction: Prediction = {
        eventId,
        modelId: 'demo',
        modelVersion: '1',
        timestamp,
        entityId: null,
        numeric: row,
        categorical: {},
        segments: {},
        output: { score, predictedClass: null, classProbabilities: {} },
      };
      const agrees = normal() < 1.28; // about 90 %
      const decision = score > 0.5 ? 1 : 0;
      const truth = hour >= 6 ? 1 - decision : agrees ? decision : 1 - decision;
      p.push({ key: eventId, value: predictions.encode(prediction) });
      l.push({
        key: eventId,
        value: labels.encode({ eventId, modelId: 'demo', timestamp: timestamp + 10_000, label: truth }),
      });
    }
    await producer.send({ topic: topicName('predictions'), messages: p });
    await producer.send({ topic: topicName('labels'), messages: l });
    const phase =
      hour < 4 ? 'normal' : hour < 6 ? 'covariate shift in x1, x4, x6' : 'labels flipped (concept drift)';
    console.log(`hour ${hour}: ${PER_HOUR} predictions and labels (${phase})`);
  }
  // No "tick" events: hours 0-6 close because later events passed them on their partitions;
  // hour 7, like the current window of a live stream, closes when later traffic arrives.
  await producer.disconnect();
  mkdirSync(join(LAST_RUN, '..'), { recursive: true });
  writeFileSync(LAST_RUN, JSON.stringify({ run, end: start + 8 * HOUR }));

  // 3. What the services decided, until all of it is in: a drift and a performance report for
  //    each closed hour (0-6) and the controller's answer.
  const follow = Number(process.env.DEMO_FOLLOW_MS ?? 180_000);
  console.log(`\nwaiting for the reports (at most ${Math.round(follow / 1000)} s; Ctrl-C to stop)...`);
  const since = now;
  const consumer = kafka.consumer({ groupId: `continuum-demo-${run}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({
    topics: [topicName('driftReports'), topicName('performance'), topicName('retrainRequests')],
    fromBeginning: true,
  });
  const decoders = {
    drift: codecs.decoderFor(DriftReportContract),
    performance: codecs.decoderFor(PerformanceReportContract),
    requests: codecs.decoderFor(RetrainRequestContract),
  };
  const CLOSED_HOURS = 7;
  const hourIndex = (t: number) => Math.round((t - start) / HOUR);
  const inRun = (t: number) => hourIndex(t) >= 0 && hourIndex(t) < 8;
  const driftHours = new Set<number>();
  const performanceHours = new Set<number>();
  let retrain: 'seen' | 'cooldown' | undefined;
  let lastRequestAt = 0;
  let late = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const check = () => {
    if (driftHours.size >= CLOSED_HOURS && performanceHours.size >= CLOSED_HOURS) {
      // The controller's cooldown (1h in deploy/local/policies.yaml) holds back a request within
      // an hour of the previous one; say so rather than wait for it.
      if (!retrain && lastRequestAt > now - HOUR) retrain = 'cooldown';
      if (retrain) finish();
    }
  };
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === topicName('driftReports')) {
        const r: DriftReport = await decoders.drift.decodeOne(message.value);
        if (r.modelId !== 'demo' || r.segment !== '*' || r.producedAt < since || !inRun(r.windowStart))
          return;
        const drifted = r.features.filter((f) => f.drifted).map((f) => f.feature);
        late += r.lateEvents ?? 0;
        driftHours.add(hourIndex(r.windowStart));
        console.log(
          `drift       hour ${hourIndex(r.windowStart)}: ${drifted.length ? `drifted ${drifted.join(', ')}` : 'no drift'}${r.prediction?.drifted ? ', prediction drifted' : ''}${r.lateEvents ? ` (${r.lateEvents} late events not counted)` : ''}`,
        );
      } else if (topic === topicName('performance')) {
        const r: PerformanceReport = await decoders.performance.decodeOne(message.value);
        if (r.modelId !== 'demo' || r.producedAt < since || !inRun(r.windowStart)) return;
        const detected = r.conceptDrift.some((d) => d.driftDetected);
        performanceHours.add(hourIndex(r.windowStart));
        console.log(
          `performance hour ${hourIndex(r.windowStart)}: accuracy ${r.metrics.accuracy?.toFixed(3)} on ${r.labelledCount} labels${detected ? ', concept drift detected' : ''}`,
        );
      } else {
        const r: RetrainRequest = await decoders.requests.decodeOne(message.value);
        if (r.modelId !== 'demo') return;
        if (r.requestedAt < since) {
          lastRequestAt = Math.max(lastRequestAt, r.requestedAt);
          return;
        }
        retrain = 'seen';
        console.log(`RETRAIN     ${r.reason}: ${r.evidence.map((e) => e.summary).join('; ')}`);
      }
      check();
    },
  });
  const timedOut = await Promise.race([
    finished.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), follow).unref()),
    new Promise<boolean>((resolve) => process.once('SIGINT', () => resolve(true))),
  ]);
  await consumer.disconnect();
  if (retrain === 'cooldown') {
    console.log(
      `(no new retrain request: the controller's 1h cooldown since the previous one, at ${new Date(lastRequestAt).toISOString()}, holds it back)`,
    );
  }
  if (timedOut) {
    console.log(
      `\nnot everything arrived: drift reports for ${driftHours.size} of ${CLOSED_HOURS} hours, performance for ${performanceHours.size} of ${CLOSED_HOURS}${retrain ? '' : ', no retrain request'}.`,
    );
    console.log('Are all services running (tools/continuum status)? Their logs: .cache/run/<service>.log');
  }
  if (late > 0) console.log(`${late} events arrived after their window had closed and were not counted.`);
  console.log(`
Next:
  metrics      http://127.0.0.1:${port('monitor', 9464)}/metrics (monitor), :${port('evaluator', 9465)} (evaluator), :${port('controller', 9466)} (controller)
  dashboards   deploy/grafana; with docker compose up -d, Grafana at http://localhost:3000 (admin/admin)
  topics       ct.drift-reports, ct.performance, ct.retrain-requests (tools/continuum topics list)
  again        npm run demo (a new run, after this one in event time)
  stop         npm stop`);
  process.exit(timedOut ? 1 : 0);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    console.error('Is the system running? Start it with: npm start');
    process.exit(1);
  });
}
