/**
 * Issue 5 acceptance, scale-out and recovery. One seeded data set (two models, 10 one-minute
 * windows, segment tags, out-of-order and very late events, a shift in the second half) is
 * produced to three private topic sets:
 *
 * A. one monitor instance: the reference run;
 * B. two instances in one consumer group (stage 1 and stage 2 each split between them): every
 *    report equals run A's field by field (except producedAt);
 * C. one instance killed with SIGKILL mid-stream (after checkpoints and partials were published),
 *    then restarted: the same reports as run A — same reportIds and values, no window missing,
 *    no event counted twice (a report re-published after the crash is identical).
 *
 * Idleness is the monitor's only timing-dependent input; every partition here has data up to the
 * end, so the idle timeout is set beyond the test's length.
 */
import { type Kafka } from 'kafkajs';
import { type DriftReport, type Prediction, Topics } from '@continuum/events';
import {
  ServiceProcess,
  createTopics,
  groupProgress,
  privateTopics,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import { keyPartition } from '@continuum/kafka';
import {
  SeededRandom,
  T0,
  closers,
  collectReports,
  reportsById,
  producePredictions,
  registerVersion,
  syntheticPredictions,
  syntheticReference,
  monitorEnv,
  monitorSettled,
} from './fixtures/synthetic-stream';

const MINUTE = 60_000;
const WINDOWS = 10;
const PER_WINDOW = 1200;
const PARTITIONS = Topics.predictions.partitions;
const SEGMENTS = { country: ['FR', 'DE', 'US', 'ES', 'IT'], channel: ['web', 'app'] } as const;
const CATEGORICAL = { plan: ['basic', 'pro', 'enterprise'] } as const;

/** Two model ids whose ct.monitor-partials partitions differ in parity: round-robin gives them to different combiners. */
function modelIds(): [string, string] {
  const candidates = Array.from({ length: 50 }, (_, i) => `scale-model-${i}`);
  const first = candidates[0];
  const p = keyPartition(first, Topics.monitorPartials.partitions);
  const second = candidates.find((c) => keyPartition(c, Topics.monitorPartials.partitions) % 2 !== p % 2);
  return [first, second as string];
}

const MODELS = modelIds();

/** Both models interleaved in time, with ±4 s of disorder, 20 events 3 minutes late, closers at the end. */
function dataset(): Prediction[] {
  const rnd = new SeededRandom(99);
  const events = MODELS.flatMap((modelId, m) =>
    syntheticPredictions({
      modelId,
      modelVersion: '1',
      seed: 1000 + m,
      count: WINDOWS * PER_WINDOW,
      features: 8,
      start: T0,
      spacingMs: MINUTE / PER_WINDOW,
      shift: m === 0 ? { from: T0 + 6 * MINUTE, features: ['f02', 'f05'], delta: 1 } : undefined,
      segments: SEGMENTS,
      categorical: CATEGORICAL,
    }).map((p) => ({ ...p, timestamp: Math.max(T0, p.timestamp + Math.round((rnd.next() - 0.5) * 8000)) })),
  );
  events.sort((a, b) => a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : 1));
  for (let i = 0; i < 20; i++) {
    const at = Math.floor(events.length / 2) + i * 37;
    events[at] = { ...events[at], timestamp: events[at].timestamp - 3 * MINUTE };
  }
  return [...events, ...closers(MODELS[0], '1', PARTITIONS, T0 + WINDOWS * MINUTE + 5_000)];
}

const closerPartition = (p: Prediction) =>
  p.eventId.includes('-closer-') ? Number(p.eventId.split('-closer-')[1].split('-')[0]) : undefined;

/** Segments, a little lateness and frequent checkpoints, so that both runs exercise them. */
function segmentedMonitorEnv(prefix: string, env: Record<string, string>): Record<string, string> {
  return monitorEnv(prefix, env, {
    MONITOR_ALLOWED_LATENESS: '5s',
    MONITOR_IDLE_TIMEOUT: '10m',
    MONITOR_CHECKPOINT_INTERVAL: '500ms',
    MONITOR_SEGMENT_KEYS: 'country,channel',
    MONITOR_MAX_SEGMENTS_PER_KEY: '3',
  });
}

async function prepare(kafka: Kafka, prefix: string): Promise<ReturnType<typeof privateTopics>> {
  const topics = privateTopics(prefix);
  await createTopics(kafka, [
    { topic: topics.names.predictions, partitions: PARTITIONS },
    { topic: topics.names.modelVersions, partitions: Topics.modelVersions.partitions },
  ]);
  for (const [m, modelId] of MODELS.entries()) {
    await registerVersion(
      kafka,
      topics.names.modelVersions,
      modelId,
      '1',
      syntheticReference(500 + m, 1000, 8, CATEGORICAL),
    );
  }
  return topics;
}

/** Every model has its all-traffic report for every window. */
function complete(reports: DriftReport[]): boolean {
  return MODELS.every((modelId) =>
    Array.from({ length: WINDOWS }, (_, w) => T0 + w * MINUTE).every((start) =>
      reports.some((r) => r.modelId === modelId && r.segment === '*' && r.windowStart === start),
    ),
  );
}

/** The progress signal of a run: nothing in flight, every window closed. */
function settledOf(
  kafka: Kafka,
  monitors: ServiceProcess[],
  names: Record<string, string>,
  env: Record<string, string>,
): () => Promise<boolean> {
  return () =>
    monitorSettled(kafka, monitors, {
      groupId: env.MONITOR_GROUP_ID,
      sources: [names.predictions],
      partials: names.monitorPartials,
    });
}

async function assigned(instances: ServiceProcess[], stage: 'windowing' | 'combiner'): Promise<number[]> {
  return Promise.all(instances.map((i) => i.metric('continuum_monitor_assigned_partitions', { stage })));
}

describe('monitor scale-out and recovery on the real broker', () => {
  let kafka: Kafka;
  const data = dataset();
  const running: ServiceProcess[] = [];
  let reference: Map<string, Omit<DriftReport, 'producedAt'>>;

  beforeAll(async () => {
    kafka = testKafka();
    // Run A: one instance.
    const { names, env } = await prepare(kafka, 'monitor-single');
    const singleEnv = segmentedMonitorEnv('single', env);
    const monitor = await ServiceProcess.startService('monitor', singleEnv);
    running.push(monitor);
    await producePredictions(kafka, names.predictions, data, { partition: closerPartition });
    const reports = await collectReports(kafka, names.driftReports, complete, {
      settled: settledOf(kafka, [monitor], names, singleEnv),
    });
    expect(await monitor.stop()).toBe(0);
    reference = reportsById(reports);
    expect(reference.size).toBe(reports.length);
    // Sanity of the reference run: every event of a window is in its all-traffic report once.
    for (const modelId of MODELS) {
      const all = reports.filter((r) => r.modelId === modelId && r.segment === '*');
      expect(all).toHaveLength(WINDOWS);
      const inWindows = data.filter(
        (p) => p.modelId === modelId && p.timestamp >= T0 && p.timestamp < T0 + WINDOWS * MINUTE,
      ).length;
      const dropped = 20; // the very late events arrive after their window closed
      expect(all.reduce((n, r) => n + r.eventCount, 0)).toBeGreaterThanOrEqual(inWindows - dropped);
      expect(all.reduce((n, r) => n + r.eventCount, 0)).toBeLessThanOrEqual(inWindows);
    }
    // Every event of the windows is in a report's eventCount or, dropped as late on its partition,
    // in a later report's lateEvents of its stream.
    const star = reports.filter((r) => r.segment === '*');
    const inAll = data.filter((p) => p.timestamp >= T0 && p.timestamp < T0 + WINDOWS * MINUTE).length;
    expect(star.reduce((n, r) => n + r.eventCount + r.lateEvents, 0)).toBe(inAll);
    expect(star.reduce((n, r) => n + r.lateEvents, 0)).toBe(20);
    const segments = new Set([...reference.values()].map((r) => r.segment));
    expect([...segments].sort()).toEqual(
      expect.arrayContaining(['*', 'channel=app', 'channel=web', 'country=other']),
    );
    const shifted = [...reference.values()].filter(
      (r) => r.modelId === MODELS[0] && r.segment === '*' && r.windowStart >= T0 + 6 * MINUTE,
    );
    for (const r of shifted) {
      expect(r.features.filter((f) => f.drifted).map((f) => f.feature)).toEqual(['f02', 'f05']);
    }
  });

  afterAll(async () => {
    for (const p of running) await p.stop();
  });

  it('two instances in one consumer group publish the same reports as one instance', async () => {
    const { names, env } = await prepare(kafka, 'monitor-pair');
    const shared = segmentedMonitorEnv('pair', env);
    const first = await ServiceProcess.startService('monitor', shared);
    running.push(first);
    const second = await ServiceProcess.startService('monitor', shared);
    running.push(second);
    await waitFor('both instances to own partitions of both stages', async () => {
      const windowing = await assigned([first, second], 'windowing');
      const combiner = await assigned([first, second], 'combiner');
      return (
        windowing.every((n) => n > 0) &&
        windowing[0] + windowing[1] === 2 * PARTITIONS &&
        combiner.every((n) => n > 0) &&
        combiner[0] + combiner[1] === Topics.monitorPartials.partitions
      );
    });
    await producePredictions(kafka, names.predictions, data, { partition: closerPartition });
    const reports = await collectReports(kafka, names.driftReports, (r) => r.length >= reference.size, {
      settled: settledOf(kafka, [first, second], names, shared),
    });
    const pair = reportsById(reports);
    expect([...pair.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [id, report] of pair) expect({ id, report }).toEqual({ id, report: reference.get(id) });
    // Both instances did both stages' work.
    for (const instance of [first, second]) {
      expect(
        await instance.metric('continuum_monitor_events_total', { outcome: 'windowed' }),
      ).toBeGreaterThan(0);
      expect(await instance.metric('continuum_monitor_reports_total')).toBeGreaterThan(0);
    }
    expect(await first.stop()).toBe(0);
    expect(await second.stop()).toBe(0);
  });

  it('killed with SIGKILL mid-stream and restarted, it publishes the same reports', async () => {
    const { names, env } = await prepare(kafka, 'monitor-crash');
    await producePredictions(kafka, names.predictions, data, { partition: closerPartition });
    const crashEnv: Record<string, string> = {
      ...segmentedMonitorEnv('crash', env),
      MONITOR_MAX_BYTES_PER_PARTITION: '4096',
    };
    const victim = await ServiceProcess.startService('monitor', crashEnv);
    running.push(victim);
    const total = data.length;
    const atKill = await waitFor('checkpoints covering a quarter of the stream', async () => {
      const progress = await groupProgress(kafka, crashEnv.MONITOR_GROUP_ID, names.predictions);
      return progress.committed >= total / 4 && progress;
    });
    victim.kill('SIGKILL');
    expect(await victim.exited()).toBeNull();
    expect(atKill.committed).toBeLessThan(total);
    const partialsBefore = await groupProgress(kafka, uniqueName('none'), names.monitorPartials);
    expect(partialsBefore.end).toBeGreaterThan(0);

    const restarted = await ServiceProcess.startService('monitor', crashEnv);
    running.push(restarted);
    const reports = await collectReports(
      kafka,
      names.driftReports,
      (r) => complete(r) && r.length >= reference.size,
      { settled: settledOf(kafka, [restarted], names, crashEnv) },
    );
    const recovered = reportsById(reports);
    expect([...recovered.keys()].sort()).toEqual([...reference.keys()].sort());
    // Every field, lateEvents included: the records replayed between the checkpoint and the crash
    // are neither published again for windows already reported nor counted again as late.
    for (const [id, report] of recovered) expect({ id, report }).toEqual({ id, report: reference.get(id) });
    console.log(
      `recovery: killed after ${atKill.committed} of ${total} records were checkpointed; ` +
        `${reports.length - recovered.size} report(s) re-published with the same id and content`,
    );
    expect(await restarted.stop()).toBe(0);
  });
});
