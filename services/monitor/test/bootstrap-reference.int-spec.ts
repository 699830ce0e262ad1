/**
 * A model version without a registered reference profile: the monitor bootstraps one from the
 * stream's first MONITOR_BOOTSTRAP_EVENTS events, publishes it to ct.monitor-references, and reports
 * the windows from its effectiveFrom on with referenceKind BOOTSTRAP. Earlier events are counted as
 * awaiting a reference, not windowed. Feature observations without a modelId are counted and skipped.
 */
import { type Kafka } from 'kafkajs';
import { ReferenceProfile } from '@continuum/drift';
import {
  type FeatureObservation,
  FeatureObservationContract,
  MonitorReferenceContract,
  Topics,
} from '@continuum/events';
import {
  ServiceProcess,
  createTopics,
  privateTopics,
  publishFixtures,
  readTopic,
  testCodecs,
  testKafka,
  waitFor,
} from '@continuum/testing';
import {
  T0,
  closers,
  collectReports,
  monitorSettled,
  producePredictions,
  syntheticPredictions,
  monitorEnv,
} from './fixtures/synthetic-stream';

const MINUTE = 60_000;
const PER_WINDOW = 600;
const WINDOWS = 8;
const BOOTSTRAP = 300;

describe('monitor: bootstrap reference', () => {
  let kafka: Kafka;
  let monitor: ServiceProcess | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    await monitor?.stop();
  });

  it('builds a reference from the first events and reports later windows against it, marked BOOTSTRAP', async () => {
    const { names, env } = privateTopics('monitor-bootstrap');
    await createTopics(kafka, [
      { topic: names.predictions, partitions: Topics.predictions.partitions },
      { topic: names.features, partitions: Topics.features.partitions },
    ]);
    const config = monitorEnv('monitor-bootstrap', env, {
      MONITOR_BOOTSTRAP_EVENTS: String(BOOTSTRAP),
      MONITOR_IDLE_TIMEOUT: '10m',
    });
    monitor = await ServiceProcess.startService('monitor', config);

    // The first window's events are all samples (at most BOOTSTRAP per partition are forwarded);
    // the profile is built from the first BOOTSTRAP of them and takes effect at the next boundary.
    const stream = syntheticPredictions({
      modelId: 'new-model',
      modelVersion: '7',
      seed: 3,
      count: WINDOWS * PER_WINDOW,
      features: 5,
      start: T0,
      spacingMs: MINUTE / PER_WINDOW,
      shift: { from: T0 + 5 * MINUTE, features: ['f01'], delta: 2 },
    });
    await producePredictions(kafka, names.predictions, stream.slice(0, PER_WINDOW));
    const [referenceRecord] = await readTopic(kafka, names.monitorReferences, 1);
    const decoder = testCodecs().decoderFor(MonitorReferenceContract);
    await decoder.prepare([referenceRecord.value]);
    const reference = decoder.decode(referenceRecord.value);
    expect(reference).toMatchObject({
      subject: { modelId: 'new-model', source: 'PREDICTIONS', modelVersion: '7' },
      sampleCount: BOOTSTRAP,
      effectiveFrom: T0 + MINUTE,
    });
    expect(referenceRecord.key?.toString()).toBe('new-model|PREDICTIONS|7');
    const profile = ReferenceProfile.fromJSON(reference.referenceProfile);
    expect(profile.rows).toBe(BOOTSTRAP);
    expect(profile.features.map((f) => f.name).sort()).toEqual([
      'f00',
      'f01',
      'f02',
      'f03',
      'f04',
      'prediction',
    ]);
    // Stage 1 windows the model from effectiveFrom on once this instance's catalog has the profile.
    await waitFor(
      'the catalog to hold the bootstrap profile',
      async () =>
        (await monitor!.metric('continuum_monitor_reference_profiles', { kind: 'bootstrap' })) === 1,
    );

    await producePredictions(
      kafka,
      names.predictions,
      [
        ...stream.slice(PER_WINDOW),
        ...closers('new-model', '7', Topics.predictions.partitions, T0 + WINDOWS * MINUTE),
      ],
      { partition: (p) => (p.eventId.includes('-closer-') ? Number(p.eventId.split('-')[3]) : undefined) },
    );
    // Feature observations without a modelId: valid, not attributable.
    const features = await testCodecs().encoderFor(names.features, FeatureObservationContract);
    const anonymous: FeatureObservation = {
      eventId: 'anonymous',
      timestamp: T0,
      modelId: null,
      entityId: null,
      numeric: { f00: 1 },
      categorical: {},
      segments: {},
    };
    await publishFixtures(
      kafka,
      names.features,
      Array.from({ length: 25 }, (_, i) => ({
        key: `a${i}`,
        value: features.encode({ ...anonymous, eventId: `anonymous-${i}` }),
      })),
    );

    // Complete when the monitor's progress says so (every source record committed, every partial
    // decided, only the closers' window still open), not after a quiet period.
    const reports = await collectReports(kafka, names.driftReports, (r) => r.length >= WINDOWS - 1, {
      settled: () =>
        monitorSettled(
          kafka,
          [monitor!],
          {
            groupId: config.MONITOR_GROUP_ID,
            sources: [names.predictions, names.features],
            partials: names.monitorPartials,
          },
          1,
        ),
    });
    expect(reports.map((r) => r.windowStart).sort()).toEqual(
      Array.from({ length: WINDOWS - 1 }, (_, i) => T0 + (i + 1) * MINUTE),
    );
    for (const r of reports) {
      expect(r).toMatchObject({
        modelId: 'new-model',
        modelVersion: '7',
        segment: '*',
        referenceKind: 'BOOTSTRAP',
        referenceCount: BOOTSTRAP,
        eventCount: PER_WINDOW,
      });
      // A 2-sigma shift of f01 is flagged whatever the sample (D ≈ 0.68); the other features are
      // not asserted: against a 300-row reference the per-window false-positive rate is α-level.
      const f01 = r.features.find((f) => f.feature === 'f01');
      expect({ window: r.windowStart, drifted: f01?.drifted }).toEqual({
        window: r.windowStart,
        drifted: r.windowStart >= T0 + 5 * MINUTE,
      });
    }
    await waitFor('the event counters', async () => {
      const unattributed = await monitor!.metric('continuum_monitor_events_total', {
        outcome: 'unattributed',
      });
      return unattributed === 25;
    });
    expect(await monitor.metric('continuum_monitor_events_total', { outcome: 'awaiting_reference' })).toBe(
      PER_WINDOW,
    );
    expect(await monitor.metric('continuum_monitor_events_total', { outcome: 'windowed' })).toBe(
      (WINDOWS - 1) * PER_WINDOW + Topics.predictions.partitions,
    );
    expect(await monitor.stop()).toBe(0);
    monitor = undefined;
  });
});
