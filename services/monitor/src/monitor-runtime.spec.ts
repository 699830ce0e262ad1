import { type EventCodecs, topicName } from '@continuum/events';
import { type KafkaClient } from '@continuum/kafka';
import { HealthChecks, type Logger } from '@continuum/observability';
import { type ModelCombiner } from './combining/model-combiner';
import { MonitorRuntime } from './monitor-runtime';
import { type MonitorConfig } from './monitor.config';
import { type ReferenceCatalog } from './references/reference-catalog';
import { type PartitionWindowing } from './windowing/partition-windowing.service';

/**
 * MonitorRuntime's start-up and shutdown order, recorded: the internal producer connected with its
 * encoders registered, the reference catalog caught up, stage 2, then stage 1 (so no window is
 * evaluated before its reference is known, and stage 1's partials always have a writer); on
 * shutdown stage 2 and the catalog stop before the producer disconnects. Each recorded step
 * resolves a few ticks later, so an order that did not wait for the previous step shows.
 */
function setUp() {
  const steps: string[] = [];
  const later = async (step: string) => {
    for (let i = 0; i < 3; i++) await Promise.resolve();
    steps.push(step);
  };
  const producer = {
    events: { DISCONNECT: 'producer.disconnect' },
    on: () => undefined,
    connect: () => later('producer.connect'),
    disconnect: () => later('producer.disconnect'),
  };
  const codecs = {
    encoderFor: async (topic: string) => {
      await later(`encoder ${topic}`);
      return {};
    },
  };
  const runtime = new MonitorRuntime(
    {
      windowMs: 60_000,
      windowHopMs: 60_000,
      allowedLatenessMs: 0,
      segmentKeys: [],
    } as unknown as MonitorConfig,
    { producer: () => producer } as unknown as KafkaClient,
    codecs as unknown as EventCodecs,
    { start: () => later('catalog.start'), stop: () => later('catalog.stop') } as unknown as ReferenceCatalog,
    {
      start: (writer: unknown) => later(writer ? 'combiner.start' : 'combiner.start without a writer'),
      stop: () => later('combiner.stop'),
    } as unknown as ModelCombiner,
    {
      start: (writer: unknown) => later(writer ? 'windowing.start' : 'windowing.start without a writer'),
    } as unknown as PartitionWindowing,
    new HealthChecks(),
    { info: () => undefined } as unknown as Logger,
  );
  return { runtime, steps };
}

describe('MonitorRuntime: start-up and shutdown order', () => {
  it('producer and encoders, then the catalog caught up, then stage 2, then stage 1', async () => {
    const { runtime, steps } = setUp();
    await runtime.onModuleInit();
    expect(steps).toEqual([
      'producer.connect',
      `encoder ${topicName('monitorPartials')}`,
      `encoder ${topicName('monitorCheckpoints')}`,
      `encoder ${topicName('monitorReferences')}`,
      `encoder ${topicName('driftReports')}`,
      'catalog.start',
      'combiner.start',
      'windowing.start',
    ]);
  });

  it('stops stage 2 and the catalog before disconnecting the producer', async () => {
    const { runtime, steps } = setUp();
    await runtime.onModuleInit();
    steps.length = 0;
    await runtime.onApplicationShutdown();
    expect(steps).toEqual(['combiner.stop', 'catalog.stop', 'producer.disconnect']);
  });
});
