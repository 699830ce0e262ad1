/**
 * Issue 10 item 2: the first window after a quiet period, when some partitions' records reach
 * the broker a little after the others'. The monitor starts on empty topics and lets every
 * source partition go idle (the quiet period); then two one-minute windows of events reach
 * partitions 0–2 and are windowed there, and only after that the same windows' events for
 * partitions 3–5. Every event must be in its window's report (none dropped as late), and no
 * producer "tick" on every partition is needed: ONE later event on one partition closes the
 * last window once the others are idle again.
 */
import { type Kafka } from 'kafkajs';
import { type Prediction, Topics } from '@continuum/events';
import { keyPartition } from '@continuum/kafka';
import { ServiceProcess, createTopics, privateTopics, testKafka, waitFor } from '@continuum/testing';
import {
  T0,
  collectReports,
  monitorEnv,
  monitorSettled,
  producePredictions,
  registerVersion,
  syntheticPredictions,
  syntheticReference,
} from './fixtures/synthetic-stream';

const MINUTE = 60_000;
const PARTITIONS = Topics.predictions.partitions;
const EARLY = new Set([0, 1, 2]);
const MODEL = 'late-partitions';

describe('monitor: partitions whose records arrive later than others', () => {
  let kafka: Kafka;
  let monitor: ServiceProcess | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterAll(async () => {
    await monitor?.stop();
  });

  it('counts every event of the first window after a quiet period, without ticks on every partition', async () => {
    const { names, env } = privateTopics('monitor-skew');
    await createTopics(kafka, [
      { topic: names.predictions, partitions: PARTITIONS },
      { topic: names.modelVersions, partitions: Topics.modelVersions.partitions },
    ]);
    await registerVersion(kafka, names.modelVersions, MODEL, '1', syntheticReference(3, 1000, 6));
    const config = monitorEnv('skew', env, { MONITOR_IDLE_TIMEOUT: '10s', MONITOR_ALLOWED_LATENESS: '2s' });
    monitor = await ServiceProcess.startService('monitor', config);
    const idlePartitions = () =>
      monitor!.metric('continuum_monitor_partition_idle', { topic: names.predictions });
    await waitFor(
      'every source partition idle (the quiet period)',
      async () => (await idlePartitions()) === PARTITIONS,
      { timeoutMs: 90_000 },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- monitor output ---\n${monitor!.output.slice(-30).join('\n')}`);
    });

    const stream = syntheticPredictions({
      modelId: MODEL,
      modelVersion: '1',
      seed: 17,
      count: 2 * 1500,
      features: 6,
      start: T0,
      spacingMs: MINUTE / 1500,
    });
    const partitionOf = (p: Prediction) => keyPartition(p.eventId, PARTITIONS);
    const early = stream.filter((p) => EARLY.has(partitionOf(p)));
    const late = stream.filter((p) => !EARLY.has(partitionOf(p)));
    expect(early.length).toBeGreaterThan(500);
    expect(late.length).toBeGreaterThan(500);

    await producePredictions(kafka, names.predictions, early);
    // Partitions 0-2 have passed the first window's end (their watermark gauges say so) while
    // partitions 3-5 are still idle with nothing for it.
    await waitFor('partitions 0-2 past the first window', async () => {
      const marks = await Promise.all(
        [...EARLY].map((p) =>
          monitor!.metric('continuum_monitor_partition_watermark_seconds', {
            topic: names.predictions,
            partition: String(p),
          }),
        ),
      );
      return marks.every((s) => s * 1000 >= T0 + MINUTE);
    });
    await producePredictions(kafka, names.predictions, late);
    // One event on one partition, past the second window: the idle others do not hold it back.
    const [next] = syntheticPredictions({
      modelId: MODEL,
      modelVersion: '1',
      seed: 18,
      count: 1,
      features: 6,
      start: T0 + 2 * MINUTE + 5_000,
      spacingMs: 1,
      eventIdPrefix: 'next',
    });
    await producePredictions(kafka, names.predictions, [next]);

    const reports = await collectReports(
      kafka,
      names.driftReports,
      (r) => r.filter((x) => x.segment === '*').length >= 2,
      {
        timeoutMs: 150_000,
        // The window of the last event stays open.
        settled: () =>
          monitorSettled(
            kafka,
            [monitor!],
            {
              groupId: config.MONITOR_GROUP_ID,
              sources: [names.predictions],
              partials: names.monitorPartials,
            },
            1,
          ),
      },
    );
    const all = reports.filter((r) => r.segment === '*').sort((a, b) => a.windowStart - b.windowStart);
    expect(all.map((r) => [r.windowStart - T0, r.eventCount, r.lateEvents])).toEqual([
      [0, stream.filter((p) => p.timestamp < T0 + MINUTE).length, 0],
      [MINUTE, stream.filter((p) => p.timestamp >= T0 + MINUTE).length, 0],
    ]);
    expect(await monitor.metric('continuum_monitor_late_events_total')).toBe(0);
    expect(await monitor.metric('continuum_monitor_late_partials_total')).toBe(0);
  });
});
