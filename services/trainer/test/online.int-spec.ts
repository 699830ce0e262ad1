/**
 * Online mode through the service on the real broker and registry: a learner follows ct.examples,
 * recovers its prequential accuracy after a concept change without any retrain request, registers
 * snapshot versions, and killed with SIGKILL mid-stream then restarted ends with the learner state
 * of a run that never stopped.
 */
import { type Kafka } from 'kafkajs';
import { artifactStoreFromEnv } from '@continuum/artifact-store';
import { type TrainerCheckpoint, TrainerCheckpointContract } from '@continuum/events';
import { decodeModelArtifact } from '@continuum/learning';
import { type ServiceProcess, readTopic, testCodecs, testKafka, waitFor } from '@continuum/testing';
import { type PrequentialState } from '../src/online/online-learner';
import { conceptStream } from './synthetic';
import {
  type Deployment,
  deploy,
  publishExamples,
  registerModel,
  startTrainer,
  trainerEnv,
} from './trainer-harness';

const COUNT = 16_000;
const CHANGE_AT = 8_000;

const POLICY = `
models:
  stream:
    seed: 3
    hyperParameters: { learningRate: 0.05 }
    online: { enabled: true, start: earliest, batchSize: 16, snapshotEvery: 4000, snapshotInterval: 1h, checkpointInterval: 500ms }
`;

/** The newest checkpoint of the model on a checkpoint topic. */
async function checkpoint(kafka: Kafka, topic: string): Promise<TrainerCheckpoint | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  const count = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  if (count === 0) return undefined;
  const messages = await readTopic(kafka, topic, count);
  const decoder = testCodecs().decoderFor(TrainerCheckpointContract);
  await decoder.prepare(messages.map((m) => m.value));
  return messages
    .map((m) => decoder.decode(m.value))
    .sort((a, b) => a.examplesLearned - b.examplesLearned)
    .pop();
}

describe('trainer online mode on the real broker and registry', () => {
  let kafka: Kafka;
  let d: Deployment;
  const trainers: ServiceProcess[] = [];

  beforeAll(async () => {
    kafka = testKafka();
    d = await deploy(kafka, 'trainer-online');
  });

  afterAll(async () => {
    await Promise.all(trainers.map((t) => t.stop()));
    await d?.registry?.stop();
  });

  it('recovers after a concept change without a retrain request; SIGKILL and restart end where an uninterrupted run ends', async () => {
    await registerModel(d, 'stream');
    const examples = conceptStream({
      modelId: 'stream',
      count: COUNT,
      changeAt: CHANGE_AT,
      noise: 0.02,
      seed: 9,
      stepMs: 50,
    });
    // First half only: the learner is killed while it reads it.
    await publishExamples(kafka, d, examples.slice(0, CHANGE_AT));
    const killedTopic = `${d.names.trainerCheckpoints}.killed`;
    const steadyTopic = `${d.names.trainerCheckpoints}.steady`;
    const killedEnv = trainerEnv(d, POLICY, { CT_TOPIC_TRAINER_CHECKPOINTS: killedTopic });
    let killed = await startTrainer(killedEnv);
    trainers.push(killed);
    await waitFor(
      'the learner to be mid-stream',
      async () =>
        (await killed.metric('continuum_trainer_online_examples_total', { model_id: 'stream' })) >= 2_000,
      { intervalMs: 20 },
    );
    killed.kill('SIGKILL');
    await killed.exited();
    const atKill = await checkpoint(kafka, killedTopic);
    await publishExamples(kafka, d, examples.slice(CHANGE_AT));
    killed = await startTrainer(killedEnv);
    trainers.push(killed);

    // The same stream learned by a trainer that never stops (its own checkpoints and group).
    const steady = await startTrainer(
      trainerEnv(d, POLICY, {
        CT_TOPIC_TRAINER_CHECKPOINTS: steadyTopic,
        ARTIFACT_STORE_URL: `${d.env.ARTIFACT_STORE_URL}-steady`,
      }),
    );
    trainers.push(steady);

    const done = (topic: string) =>
      waitFor(
        `${topic} to checkpoint every example`,
        async () => {
          const c = await checkpoint(kafka, topic);
          return c && c.examplesLearned === COUNT && c;
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
    const [a, b] = await Promise.all([done(killedTopic), done(steadyTopic)]);
    expect(atKill === undefined || atKill.examplesLearned < COUNT).toBe(true);

    const weights = async (c: TrainerCheckpoint, storeUrl: string) => {
      const bytes = await artifactStoreFromEnv({ ARTIFACT_STORE_URL: storeUrl }).get(c.learner);
      return decodeModelArtifact(new Uint8Array(bytes))
        .model.getParameters()
        .map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('hex'));
    };
    expect(await weights(a, d.env.ARTIFACT_STORE_URL)).toEqual(
      await weights(b, `${d.env.ARTIFACT_STORE_URL}-steady`),
    );
    expect(a.positions).toEqual(b.positions);
    expect(JSON.parse(a.prequential).prequential).toEqual(JSON.parse(b.prequential).prequential);

    // Prequential accuracy on the newest 1,000 examples: high before the change, low right after, recovered later.
    const curve = (JSON.parse(b.prequential) as { prequential: PrequentialState }).prequential.curve;
    const at = (n: number) => curve.find((p) => p.examples === n)!.recent;
    expect(at(CHANGE_AT)).toBeGreaterThan(0.85);
    expect(at(CHANGE_AT + 1_000)).toBeLessThan(0.75);
    expect(at(COUNT)).toBeGreaterThan(0.85);

    // Snapshot versions every 4,000 examples, registered once each despite the restart; no retrain request was involved.
    const versions = await waitFor('four snapshot versions', async () => {
      const v = (await d.client.listVersions('stream')).filter((x) => x.strategy === 'ONLINE');
      return v.length >= 4 && v;
    });
    expect(versions.map((v) => v.idempotencyKey).sort()).toEqual(
      ['12000', '16000', '4000', '8000'].map((n) => `online:stream:${n}`),
    );
    expect(versions.find((v) => v.idempotencyKey === 'online:stream:16000')!.metrics.examples_learned).toBe(
      COUNT,
    );
  });
});
