import { type EventCodecs, type PerformanceReport, topicName } from '@continuum/events';
import {
  type ConsumedRecord,
  ConsumerAssignments,
  type EventProducer,
  type KafkaClient,
  KeyedStateTopic,
} from '@continuum/kafka';
import { HealthChecks, type Logger, Metrics } from '@continuum/observability';
import { estimatedMetric, estimatedReport } from '../../test/report-fixtures';
import { type ControllerConfig } from '../controller.config';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { validatePolicy } from '../policy/policy-validation';
import { RequestLog } from '../requests/request-log';
import { type ModelStages } from '../stages/model-stages';
import { ControllerRuntime } from './controller-runtime';

const silent = { info() {}, warn() {}, debug() {}, error() {} } as unknown as Logger;

/**
 * The runtime around the engine, with Kafka replaced at its edges: one partition of both report
 * topics assigned, no checkpoint or request to read back, checkpoints acknowledged at once, and
 * each retrain request acknowledged only when the test says so.
 */
function runtimeUnderTest() {
  const requestsTopic = topicName('retrainRequests');
  const reportTopics = [topicName('driftReports'), topicName('performance')];
  jest.spyOn(KeyedStateTopic.prototype, 'start').mockResolvedValue();
  jest.spyOn(RequestLog.prototype, 'readSince').mockResolvedValue([]);
  const acknowledge: Array<() => void> = [];
  const producer = {
    send: (topic: string) =>
      topic === requestsTopic ? new Promise<void>((resolve) => acknowledge.push(resolve)) : Promise.resolve(),
  } as unknown as EventProducer;
  const client = {
    admin: () => ({
      connect: async () => {},
      disconnect: async () => {},
      fetchTopicMetadata: async () => ({
        topics: reportTopics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 0 }] })),
      }),
    }),
  } as unknown as KafkaClient;
  const assignments = new ConsumerAssignments();
  assignments.update(Object.fromEntries(reportTopics.map((t) => [t, [0]])));
  const metrics = new ControllerMetrics(new Metrics('controller-runtime-spec'));
  const policy = validatePolicy(
    {
      models: {
        churn: {
          cooldown: 0,
          dedupInterval: 0,
          performance: {
            metric: 'accuracy',
            threshold: 0.8,
            consecutiveWindows: 1,
            estimated: { labelsMissingFor: '300ms' },
          },
        },
      },
    },
    'test',
  );
  const stages = { view: { model: () => undefined, stageOf: () => undefined, models: () => [] } };
  const runtime = new ControllerRuntime(
    {
      tickMs: 20,
      maxVersions: 8,
      groupId: 'controller-runtime-spec',
      stateTopic: 'state',
    } as ControllerConfig,
    policy,
    client,
    {} as EventCodecs,
    producer,
    assignments,
    metrics,
    new HealthChecks(),
    silent,
    stages as unknown as ModelStages,
  );
  const value = async (series: { get(): Promise<{ values: Array<{ value: number; labels: object }> }> }) =>
    (await series.get()).values;
  return { runtime, metrics, acknowledge, value };
}

describe('ControllerRuntime', () => {
  beforeEach(() =>
    jest.useFakeTimers({
      now: Date.UTC(2026, 0, 5, 12),
      doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'],
    }),
  );
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('shows a request that a tick opened as pending, in the same scrape as the decision that opened it, until the broker has it', async () => {
    const { runtime, metrics, acknowledge, value } = runtimeUnderTest();
    await runtime.onModuleInit();
    try {
      // A window that has just ended, with no labels and an estimate wholly under the threshold:
      // it waits for its labels' horizon (300 ms), then a tick decides it and opens a request.
      // The clock is Jest's: nothing here depends on how fast the machine is.
      const end = Date.now();
      const report: PerformanceReport = {
        ...estimatedReport('churn', 0, { accuracy: estimatedMetric(0.6, 0.01) }),
        windowStart: end - 1000,
        windowEnd: end,
      };
      await runtime.applyPerformanceReports([{ value: report } as ConsumedRecord<PerformanceReport>]);
      expect(await value(metrics.windowsAwaitingLabels)).toEqual([
        expect.objectContaining({ value: 1, labels: { model_id: 'churn', model_version: '1' } }),
      ]);

      // Past the horizon, a tick decides the window and publishes the request; the broker has not
      // acknowledged it yet.
      await jest.advanceTimersByTimeAsync(400);
      expect(acknowledge).toHaveLength(1);
      const breaches = (await value(metrics.estimatedWindows)).filter(
        (v) => (v.labels as { outcome?: string }).outcome === 'breach',
      );
      expect(breaches.map((v) => v.value)).toEqual([1]);
      expect((await value(metrics.pendingRequests))[0].value).toBe(1);
      expect(await value(metrics.requestsEmitted)).toEqual([]);

      acknowledge[0]();
      await jest.advanceTimersByTimeAsync(100);
      expect((await value(metrics.requestsEmitted)).map((v) => v.value)).toEqual([1]);
      expect((await value(metrics.pendingRequests))[0].value).toBe(0);
      expect(acknowledge).toHaveLength(1);
    } finally {
      for (const ack of acknowledge) ack();
      await runtime.onModuleDestroy();
    }
  });
});
