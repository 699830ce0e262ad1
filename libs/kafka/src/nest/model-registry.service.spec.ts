import { topicName } from '@continuum/events';
import { HealthChecks, type Logger } from '@continuum/observability';
import { RegistryEventFixture } from '@continuum/registry';
import { RecordingKafka, jsonCodecs } from '../../test/recording-kafka';
import { ModelRegistryDependencies, ModelRegistryService } from './model-registry.service';

const topic = topicName('modelVersions');

function setUp() {
  const kafka = new RecordingKafka();
  kafka.createTopic(topic, 1);
  const events = new RegistryEventFixture();
  for (const e of [
    events.model('churn'),
    events.version('churn', '1', 'CHAMPION'),
    events.version('churn', '2', 'CANDIDATE'),
    events.stage({ modelId: 'churn', version: '2', stage: 'SHADOW' }),
  ])
    kafka.append(topic, 0, { key: e.modelId, value: JSON.stringify(e) });
  kafka.append(topic, 0, { key: 'churn', value: 'not JSON' });
  const logs: Array<[string, object, string]> = [];
  const logger = {
    info: (o: object, m: string) => void logs.push(['info', o, m]),
    warn: (o: object, m: string) => void logs.push(['warn', o, m]),
  } as unknown as Logger;
  const health = new HealthChecks();
  const service = new ModelRegistryService(new ModelRegistryDependencies(kafka, jsonCodecs, logger, health), {
    groupIdPrefix: 'svc-models',
    readinessCheck: 'registered-models',
  });
  return { kafka, events, logs, health, service };
}

describe('ModelRegistryService', () => {
  it('is caught up when onModuleInit resolves: the view holds every model-version event, undecodable ones logged and skipped', async () => {
    const { service, logs, kafka } = setUp();
    await service.onModuleInit();
    expect(service.view.champion('churn')?.version).toBe('1');
    expect(service.view.version('churn', '2')?.stage).toBe('SHADOW');
    expect(
      logs.filter(([level]) => level === 'warn').map(([, o]) => (o as { offset: string }).offset),
    ).toEqual(['4']);
    expect(logs.at(-1)).toEqual([
      'info',
      { models: 1, provider: 'registered-models' },
      'model registry read from ct.model-versions',
    ]);
    expect(kafka.lastConsumer().groupId.startsWith('svc-models')).toBe(true);
    await service.onModuleDestroy();
  });

  it('registers its readiness check (passing once caught up) and keeps following the topic', async () => {
    const { service, health, kafka, events } = setUp();
    await service.onModuleInit();
    expect((await health.report()).checks['registered-models']).toEqual({ ok: true });
    const promoted = events.stage({ modelId: 'churn', version: '2', stage: 'CHAMPION' });
    kafka.append(topic, 0, { key: 'churn', value: JSON.stringify(promoted) });
    // The follower applies the appended record on a later turn of the event loop.
    for (let turn = 0; turn < 1000 && service.view.champion('churn')?.version !== '2'; turn++)
      await new Promise((resolve) => setImmediate(resolve));
    expect(service.view.champion('churn')?.version).toBe('2');
    expect(service.view.version('churn', '1')?.stage).toBe('ARCHIVED');
    await service.onModuleDestroy();
  });
});
