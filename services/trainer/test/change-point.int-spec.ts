/**
 * A drift-triggered retrain whose new regime's labels arrive after the request, on the real
 * broker, schema registry and model registry: the trainer waits, following ct.examples, until
 * enough examples after the change are labelled, then trains on those only (not on the old
 * regime, not on old-regime labels that arrived late); with too few after its maximum wait it
 * ends FAILED naming why. Killed while waiting, the restarted trainer waits on.
 */
import { type Kafka } from 'kafkajs';
import { type LabelledExample, LabelledExampleContract, type RetrainRequest } from '@continuum/events';
import { type ServiceProcess, testKafka, waitFor } from '@continuum/testing';
import { conceptStream } from './synthetic';
import {
  type Deployment,
  deploy,
  examplesTopic,
  publish,
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
defaults: { seed: 5, holdout: 100, lookback: 30d }
models:
  houses: { afterChange: { enabled: true, minExamples: 500, maxWait: 1h, floorExamples: 100 } }
  sparse: { afterChange: { enabled: true, minExamples: 500, maxWait: 1s, floorExamples: 100 } }
  plain: {}
`;

const STEP_MS = 200;

function driftRequest(modelId: string, requestId: string, changePoint: number): RetrainRequest {
  return {
    ...retrainRequest(modelId, requestId, { kind: 'FIXED_COUNT', count: 2_000 }),
    reason: 'DATA_DRIFT',
    evidence: [
      {
        kind: 'DRIFT_REPORT',
        reference: `drift-${requestId}`,
        summary: '3 of 5 features drifted',
        values: { windowStart: changePoint, windowEnd: changePoint + 60_000 },
      },
    ],
  };
}

/** Examples renamed so that streams of one model do not share event ids. */
function renamed(examples: LabelledExample[], prefix: string): LabelledExample[] {
  return examples.map((e, i) => ({ ...e, eventId: `${prefix}-${i}` }));
}

describe('trainer: a drift-triggered retrain trains on the new regime once its labels arrive', () => {
  let kafka: Kafka;
  let d: Deployment;
  let trainer: ServiceProcess | undefined;

  beforeAll(async () => {
    kafka = testKafka();
    d = await deploy(kafka, 'trainer-change');
  });

  afterAll(async () => {
    await trainer?.stop();
    await d?.registry?.stop();
  });

  it('waits for the minimum after the change point, then trains on examples after it only', async () => {
    await registerModel(d, 'houses');
    await registerModel(d, 'sparse');
    await registerModel(d, 'plain');
    const changePoint = Date.now() - 10 * 60_000;
    const topic = await examplesTopic(kafka, d, 'change');
    const old = conceptStream({
      modelId: 'houses',
      count: 2_000,
      start: changePoint - 2_000 * STEP_MS,
      stepMs: STEP_MS,
    });
    const regime = renamed(
      conceptStream({
        modelId: 'houses',
        count: 500,
        changeAt: 0,
        seed: 9,
        start: changePoint,
        stepMs: STEP_MS,
      }),
      'new',
    );
    // Old events whose labels arrive after the change: recorded after it, but not of the new regime.
    const lateOld = renamed(
      conceptStream({
        modelId: 'houses',
        count: 300,
        seed: 4,
        start: changePoint - 300 * STEP_MS,
        stepMs: STEP_MS,
      }),
      'late',
    );
    const sparse = renamed(
      conceptStream({ modelId: 'sparse', count: 50, start: changePoint, stepMs: STEP_MS }),
      'sparse',
    );
    const plain = conceptStream({ modelId: 'plain', count: 300, start: changePoint, stepMs: STEP_MS });
    await publishExamples(kafka, d, [...old, ...regime.slice(0, 200), ...sparse, ...plain], topic);
    // Published now (Kafka record time = now, after the change point).
    await publish(kafka, topic, LabelledExampleContract, lateOld, (e) => e.eventId);

    const env = trainerEnv(d, POLICY, { CT_TOPIC_EXAMPLES: topic });
    trainer = await startTrainer(env);
    await publishRequests(kafka, d, [
      driftRequest('houses', 'drift-houses', changePoint),
      driftRequest('sparse', 'drift-sparse', changePoint),
      retrainRequest('plain', 'manual-plain', { kind: 'FIXED_COUNT', count: 300 }),
    ]);

    // Waiting with 200 of the 500 after the change labelled: no result yet.
    await waitFor(
      'the run to wait with 200 examples after the change',
      async () =>
        (await trainer!.metric('continuum_trainer_examples_after_change', { model_id: 'houses' })) === 200,
      { timeoutMs: 120_000 },
    );
    // A waiting run does not hold back other models' runs.
    const plainResult = (await results(kafka, d, ['manual-plain'])).get('manual-plain')!;
    expect([plainResult.status, plainResult.reason]).toEqual(['SUCCEEDED', null]);
    const early = (await statusEvents(kafka, d)).filter((e) => e.requestId === 'drift-houses');
    expect(early.map((e) => e.status)).toEqual(['ACCEPTED']);

    // Killed while waiting: the restarted trainer resumes the wait (deadline from ACCEPTED, count from ct.examples).
    trainer.kill('SIGKILL');
    await trainer.exited();
    trainer = await startTrainer(env);
    await waitFor(
      'the restarted trainer to wait with 200 examples after the change',
      async () =>
        (await trainer!.metric('continuum_trainer_examples_after_change', { model_id: 'houses' })) === 200,
      { timeoutMs: 120_000 },
    );

    // The rest of the new regime's labels arrive: the run trains.
    await publishExamples(kafka, d, regime.slice(200), topic);
    const done = await results(kafka, d, ['drift-houses', 'drift-sparse'], 180_000);
    const houses = done.get('drift-houses')!;
    expect([houses.status, houses.reason]).toEqual(['SUCCEEDED', null]);
    const [version] = await d.client.listVersions('houses');
    expect(version.idempotencyKey).toBe('drift-houses');
    // Trained and held out on the 500 examples after the change: none of the old regime, none of the late old labels.
    expect(version.trainingWindow!.start).toBeGreaterThanOrEqual(changePoint);
    expect(version.metrics.train_examples + version.metrics.holdout_examples).toBe(500);
    expect(version.lineage!.hyperParameters.changePoint).toBe(changePoint);
    expect(version.metrics.holdout_accuracy).toBeGreaterThan(0.8);

    // Too few after the change when the wait expires: FAILED, saying why.
    const failed = done.get('drift-sparse')!;
    expect(failed.status).toBe('FAILED');
    expect(failed.failure).toBe('EMPTY_WINDOW');
    expect(failed.reason).toContain('only 50 labelled examples after the change');
  });
});
