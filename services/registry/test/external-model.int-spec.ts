/**
 * An external model, end to end: a team registers its model, contract and a CHAMPION version with
 * its reference profile through the registry's REST API; the profile is larger than the event may
 * carry (REGISTRY_INLINE_LIMIT_BYTES lowered to make a 20-feature profile "large"), so it goes to
 * the artifact store and the event carries its reference. The monitor, sharing the artifact store,
 * reads it from there and measures the team's predictions against it: reports say MODEL_VERSION
 * (not BOOTSTRAP) and flag exactly the shifted features.
 */
import { type Kafka } from 'kafkajs';
import { Topics } from '@continuum/events';
import { ServiceProcess, createTopics, testKafka } from '@continuum/testing';
import {
  T0,
  closers,
  collectReports,
  featureNames,
  monitorEnv,
  monitorSettled,
  producePredictions,
  syntheticPredictions,
  syntheticReference,
} from '../../monitor/test/fixtures/synthetic-stream';
import { type RegistryUnderTest, prepareRegistry, startRegistry } from './registry-harness';

const MINUTE = 60_000;
const PER_WINDOW = 2000;
const SHIFT_AT = T0 + 2 * MINUTE;

describe('registry + monitor: an external model registered through the API is monitored', () => {
  let kafka: Kafka;
  let registry: RegistryUnderTest | undefined;
  let monitor: ServiceProcess | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterAll(async () => {
    await monitor?.stop();
    await registry?.process.stop();
  });

  it('measures drift against the registered profile read from the artifact store', async () => {
    const prepared = await prepareRegistry(kafka, 'reg-ext');
    await createTopics(kafka, [
      { topic: prepared.names.predictions, partitions: Topics.predictions.partitions },
    ]);
    registry = await startRegistry(prepared, { REGISTRY_INLINE_LIMIT_BYTES: '1024' });
    const features = featureNames(8).map((name) => ({ name, type: 'NUMERIC' as const }));
    await registry.client.createModel({
      modelId: 'ext',
      task: 'BINARY_CLASSIFICATION',
      contract: { features },
      owner: 'team-elsewhere',
    });
    const { version } = await registry.client.registerVersion('ext', {
      strategy: 'EXTERNAL',
      stage: 'CHAMPION',
      referenceProfile: syntheticReference(7, 1000, 8).toJSON() as unknown as Record<string, unknown>,
      actor: 'team-elsewhere',
    });
    expect(version.referenceProfileRef).not.toBeNull();

    const stream = syntheticPredictions({
      modelId: 'ext',
      modelVersion: version.version,
      seed: 11,
      count: 3 * PER_WINDOW,
      features: 8,
      start: T0,
      spacingMs: MINUTE / PER_WINDOW,
      shift: { from: SHIFT_AT, features: ['f02', 'f05'], delta: 1 },
    });
    const ending = closers('ext', version.version, Topics.predictions.partitions, T0 + 3 * MINUTE);
    await producePredictions(kafka, prepared.names.predictions, [...stream, ...ending], {
      partition: (p) =>
        p.eventId.includes('-closer-') ? Number(p.eventId.split('-closer-')[1]!.split('-')[0]) : undefined,
    });
    const monitorConfig = monitorEnv('reg-ext', prepared.env, {
      ARTIFACT_STORE_URL: prepared.env.ARTIFACT_STORE_URL!,
    });
    monitor = await ServiceProcess.startService('monitor', monitorConfig);
    // Complete on the monitor's progress signal (everything committed and decided, only the
    // closers' window open), not after a quiet period.
    const all = await collectReports(kafka, prepared.names.driftReports, (r) => r.length >= 3, {
      settled: () =>
        monitorSettled(
          kafka,
          [monitor!],
          {
            groupId: monitorConfig.MONITOR_GROUP_ID,
            sources: [prepared.names.predictions],
            partials: prepared.names.monitorPartials,
          },
          1,
        ),
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- monitor ---\n${monitor!.output.slice(-30).join('\n')}`);
    });
    const reports = all.filter((r) => r.segment === '*');
    expect(reports).toHaveLength(3);
    for (const r of reports.sort((a, b) => a.windowStart - b.windowStart)) {
      expect(r).toMatchObject({ modelVersion: '1', referenceKind: 'MODEL_VERSION', referenceCount: 1000 });
      const drifted = r.features
        .filter((f) => f.drifted)
        .map((f) => f.feature)
        .sort();
      expect({ window: r.windowStart, drifted }).toEqual({
        window: r.windowStart,
        drifted: r.windowStart >= SHIFT_AT ? ['f02', 'f05'] : [],
      });
    }
  });
});
