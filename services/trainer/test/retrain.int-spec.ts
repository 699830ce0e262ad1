/**
 * Retrains through the service on the real broker, schema registry and model registry: one
 * CANDIDATE per request whose lineage names the offsets, reproducible bit for bit from that
 * lineage; SIGKILL mid-run finishes once after the restart; each window strategy; the dynamic
 * window after a concept change; unknown model and empty window end FAILED with the reason.
 */
import { createHash } from 'node:crypto';
import { type Kafka } from 'kafkajs';
import { artifactStoreFromEnv } from '@continuum/artifact-store';
import { EventCodecs, ContractRegistry, type RetrainRequest } from '@continuum/events';
import { createKafkaClient, loadKafkaConfig } from '@continuum/kafka';
import { decodeModelArtifact } from '@continuum/learning';
import { createLogger } from '@continuum/observability';
import { type ServiceProcess, REGISTRY_URL, testKafka, waitFor } from '@continuum/testing';
import { planRetrain } from '../src/core/plan';
import { executeTrainingJob } from '../src/core/training-job';
import { validateTrainerPolicy } from '../src/policy/policy-validation';
import { policyFor } from '../src/policy/trainer-policy';
import { replayWindow } from '../src/runs/window-replay';
import { conceptStream } from './synthetic';
import {
  type Deployment,
  deploy,
  examplesTopic,
  publishExamples,
  publishRequests,
  registerModel,
  results,
  retrainRequest,
  startTrainer,
  statusEvents,
  trainerEnv,
} from './trainer-harness';

const POLICY = `
defaults: { seed: 11, holdout: 500, lookback: 30d }
models:
  '*': {}
`;

describe('trainer retrains on the real broker and registry', () => {
  let kafka: Kafka;
  let d: Deployment;
  let trainer: ServiceProcess | undefined;

  beforeAll(async () => {
    kafka = testKafka();
    d = await deploy(kafka, 'trainer-retrain');
  });

  afterEach(async () => {
    await trainer?.stop();
    trainer = undefined;
  });

  afterAll(async () => {
    await d?.registry?.stop();
  });

  it('one request, SIGKILL mid-run and a redelivery: exactly one CANDIDATE, lineage offsets reproduce it bit for bit', async () => {
    await registerModel(d, 'fraud');
    const examples = conceptStream({ modelId: 'fraud', count: 30_000, noise: 0.05, stepMs: 10 });
    await publishExamples(kafka, d, [
      ...examples,
      ...conceptStream({ modelId: 'other', count: 2_000, seed: 3 }),
    ]);
    const env = trainerEnv(d, POLICY);
    trainer = await startTrainer(env);
    const request = retrainRequest('fraud', 'req-fraud-1', { kind: 'FIXED_COUNT', count: 25_000 });
    await publishRequests(kafka, d, [request]);

    // Killed as soon as the request is accepted (its offsets pinned), before a result.
    await waitFor(
      'the request to be accepted',
      async () => (await trainer!.metric('continuum_trainer_requests_total', { outcome: 'accepted' })) === 1,
      { intervalMs: 20 },
    );
    trainer.kill('SIGKILL');
    await trainer.exited();
    const beforeRestart = (await statusEvents(kafka, d)).filter((e) => e.requestId === 'req-fraud-1');
    trainer = await startTrainer(env);
    const result = (await results(kafka, d, ['req-fraud-1'])).get('req-fraud-1')!;
    expect(result.status).toBe('SUCCEEDED');

    // A redelivered request (same id) is a duplicate: no second run, no second version.
    await publishRequests(kafka, d, [request]);
    await waitFor(
      'the duplicate to be seen',
      async () => (await trainer!.metric('continuum_trainer_requests_total', { outcome: 'duplicate' })) >= 1,
    );
    const events = (await statusEvents(kafka, d)).filter((e) => e.requestId === 'req-fraud-1');
    expect(events.filter((e) => e.status === 'ACCEPTED')).toHaveLength(1);
    expect(events.filter((e) => e.status === 'SUCCEEDED' || e.status === 'FAILED')).toHaveLength(1);
    const versions = await d.client.listVersions('fraud');
    expect(versions).toHaveLength(1);
    const [version] = versions;
    expect(version.version).toBe(result.version);
    expect(version.stage).toBe('CANDIDATE');
    expect(version.strategy).toBe('FULL');
    expect(version.idempotencyKey).toBe('req-fraud-1');

    // Lineage: the exact offsets pinned at acceptance, which cover every record published.
    const accepted = events.find((e) => e.status === 'ACCEPTED')!;
    const lineage = version.lineage!;
    expect(lineage.examples).toEqual(accepted.ranges.filter((r) => r.toOffset > r.fromOffset));
    expect(lineage.examples.reduce((n, r) => n + r.toOffset - r.fromOffset, 0)).toBe(32_000);
    expect(lineage.seed).toBe(11);
    expect(version.trainingWindow?.exampleCount).toBe(24_500);
    expect(version.metrics.holdout_accuracy).toBeGreaterThan(0.9);
    expect(version.metrics.holdout_accuracy).toBeGreaterThan(version.metrics.persistence_accuracy + 0.3);
    expect(version.hasReferenceProfile).toBe(true);
    expect(await d.client.referenceProfile('fraud', version.version)).toMatchObject({ rows: 24_500 });
    expect(beforeRestart.some((e) => e.status === 'SUCCEEDED')).toBe(false);

    // Re-training from the lineage alone (the offsets, seed and hyper-parameters it records).
    const store = artifactStoreFromEnv(d.env);
    const registered = await store.get(version.artifact!);
    const hyper = lineage.hyperParameters as { acceptedAt: number; window: RetrainRequest['window'] };
    const policy = policyFor(
      validateTrainerPolicy(
        { defaults: { seed: lineage.seed, holdout: 500 }, models: { '*': {} } },
        'lineage',
      ),
      'fraud',
    )!;
    const plan = planRetrain(
      retrainRequest('fraud', 'req-fraud-1', hyper.window),
      policy,
      {
        modelId: 'fraud',
        task: 'BINARY_CLASSIFICATION',
        contract: (await d.client.getModel('fraud')).contract,
      },
      null,
      hyper.acceptedAt,
    );
    const client = createKafkaClient(
      loadKafkaConfig('test', process.env),
      'trainer-test',
      createLogger('trainer-test'),
    );
    const codecs = new EventCodecs(new ContractRegistry({ url: REGISTRY_URL }));
    const window = await replayWindow(client, codecs, plan, lineage.examples, { timeoutMs: 120_000 });
    const again = executeTrainingJob({ plan, window, champion: null });
    const weights = (bytes: Uint8Array) =>
      decodeModelArtifact(bytes)
        .model.getParameters()
        .map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('hex'));
    expect(weights(again.artifact)).toEqual(weights(new Uint8Array(registered)));
    expect(createHash('sha256').update(again.artifact).digest('hex')).toBe(version.artifact!.sha256);
  });

  it('each window strategy; after a concept change the dynamic window starts after it and beats the full history', async () => {
    await registerModel(d, 'concept');
    const examples = conceptStream({
      modelId: 'concept',
      count: 12_000,
      changeAt: 9_000,
      noise: 0.05,
      seed: 5,
      stepMs: 200,
    });
    const changeTime = examples[9_000].predictionTimestamp;
    const topic = await examplesTopic(kafka, d, 'concept');
    await publishExamples(kafka, d, examples, topic);
    trainer = await startTrainer(trainerEnv(d, POLICY, { CT_TOPIC_EXAMPLES: topic }));
    await publishRequests(kafka, d, [
      retrainRequest('concept', 'full', { kind: 'FIXED_COUNT', count: 12_000 }),
      retrainRequest('concept', 'dynamic', {
        kind: 'DYNAMIC',
        candidateCounts: [1_000, 2_500, 6_000, 11_000],
        holdoutCount: 500,
      }),
      retrainRequest('concept', 'duration', { kind: 'FIXED_DURATION', durationMs: 20 * 60_000 }),
      retrainRequest('concept', 'representative', { kind: 'REPRESENTATIVE', count: 1_500 }),
    ]);
    const done = await results(kafka, d, ['full', 'dynamic', 'duration', 'representative'], 360_000);
    for (const [id, e] of done) expect([id, e.status, e.reason]).toEqual([id, 'SUCCEEDED', null]);
    const byRequest = new Map((await d.client.listVersions('concept')).map((v) => [v.idempotencyKey, v]));
    expect(byRequest.size).toBe(4);
    const full = byRequest.get('full')!;
    const dynamic = byRequest.get('dynamic')!;
    expect(full.trainingWindow!.start).toBeLessThan(changeTime);
    expect(dynamic.trainingWindow!.start).toBeGreaterThanOrEqual(changeTime);
    expect(dynamic.metrics.holdout_accuracy).toBeGreaterThan(full.metrics.holdout_accuracy + 0.1);
    // What arrived in the 20 minutes before the request was accepted, less the 500 held out.
    const acceptedAt = (await statusEvents(kafka, d)).find(
      (e) => e.requestId === 'duration' && e.status === 'ACCEPTED',
    )!.occurredAt;
    const recent = examples.filter((e) => e.predictionTimestamp >= acceptedAt - 20 * 60_000).length;
    expect(byRequest.get('duration')!.trainingWindow!.exampleCount).toBe(recent - 500);
    expect(byRequest.get('representative')!.trainingWindow!.exampleCount).toBe(1_500);
    expect(
      (byRequest.get('representative')!.lineage!.hyperParameters as { windowDetails: object }).windowDetails,
    ).toHaveProperty('psiAfter');
  }, 480_000);

  it('an unknown model and an empty window end FAILED naming why', async () => {
    await registerModel(d, 'quiet');
    trainer = await startTrainer(
      trainerEnv(d, POLICY, { CT_TOPIC_EXAMPLES: await examplesTopic(kafka, d, 'empty') }),
    );
    await publishRequests(kafka, d, [
      retrainRequest('ghost', 'ghost-1', { kind: 'FIXED_COUNT', count: 100 }),
      retrainRequest('quiet', 'quiet-1', { kind: 'FIXED_COUNT', count: 100 }),
    ]);
    const done = await results(kafka, d, ['ghost-1', 'quiet-1']);
    expect(done.get('ghost-1')).toMatchObject({
      status: 'FAILED',
      failure: 'UNKNOWN_MODEL',
      reason: "model 'ghost' is not in the registry",
    });
    expect(done.get('quiet-1')).toMatchObject({
      status: 'FAILED',
      failure: 'EMPTY_WINDOW',
      reason: "no examples of model 'quiet' in the pinned ranges",
    });
    expect(await d.client.listVersions('quiet')).toEqual([]);
  });
});
