/**
 * Demo traffic for a first run: `npm start`, then `npm run demo`.
 *
 * Registers model `demo` version 1 with a reference profile of its training data, then publishes
 * eight hours of event time of predictions and labels (1,500 an hour, timestamps ending now):
 *   hours 0–3  normal traffic, labels agree with the model 90 % of the time;
 *   hours 4–5  covariate shift: three of the eight features move by one standard deviation;
 *   hours 6–7  concept drift: inputs back to normal, labels flipped.
 * Then it follows ct.drift-reports, ct.performance and ct.retrain-requests and prints what the
 * monitor, the evaluator and the controller decided. Services use 1-hour windows by default.
 */
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
  const start = now - (now % HOUR) - 8 * HOUR;
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
      const eventId = `demo-${start}-${hour}-${i}`;
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

  // 3. What the services decided.
  console.log('\nwaiting for reports (Ctrl-C to stop)...');
  const since = now;
  const consumer = kafka.consumer({ groupId: `continuum-demo-${now}`, maxWaitTimeInMs: 500 });
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
  const hourOf = (t: number) => `hour ${Math.round((t - start) / HOUR)}`;
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === topicName('driftReports')) {
        const r: DriftReport = await decoders.drift.decodeOne(message.value);
        if (r.modelId !== 'demo' || r.segment !== '*' || r.producedAt < since) return;
        const drifted = r.features.filter((f) => f.drifted).map((f) => f.feature);
        console.log(
          `drift       ${hourOf(r.windowStart)}: ${drifted.length ? `drifted ${drifted.join(', ')}` : 'no drift'}${r.prediction?.drifted ? ', prediction drifted' : ''}`,
        );
      } else if (topic === topicName('performance')) {
        const r: PerformanceReport = await decoders.performance.decodeOne(message.value);
        if (r.modelId !== 'demo' || r.producedAt < since) return;
        const detected = r.conceptDrift.some((d) => d.driftDetected);
        console.log(
          `performance ${hourOf(r.windowStart)}: accuracy ${r.metrics.accuracy?.toFixed(3)} on ${r.labelledCount} labels${detected ? ', concept drift detected' : ''}`,
        );
      } else {
        const r: RetrainRequest = await decoders.requests.decodeOne(message.value);
        if (r.modelId !== 'demo' || r.requestedAt < since) return;
        console.log(`RETRAIN     ${r.reason}: ${r.evidence.map((e) => e.summary).join('; ')}`);
      }
    },
  });
  const stop = async () => {
    await consumer.disconnect();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  setTimeout(() => void stop(), Number(process.env.DEMO_FOLLOW_MS ?? 120_000)).unref();
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is the system running? Start it with: npm start');
  process.exit(1);
});
