/**
 * Issue 10's fault suite, monitor part (`npm run test:faults`; the broker and registry are this
 * run's own, see tools/testing/private-infra.ts). One seeded stream of eight one-minute windows
 * goes to two private topic sets:
 *
 * A. uninterrupted: the reference reports;
 * B. the broker is SIGKILLed while stage 1 is mid-stream and restarted; later the registry is
 *    stopped for 40 s while records keep arriving, then restarted.
 *
 * The reports of B equal A's field by field (producedAt aside): nothing dropped as late, no
 * window closed early although stage 1 was silent far longer than MONITOR_IDLE_TIMEOUT (5 s)
 * while the broker was down, and the last window closes on ONE later event on one partition.
 */
import { type Kafka } from 'kafkajs';
import { type DriftReport, type Prediction, PredictionContract, Topics } from '@continuum/events';
import {
  ServiceProcess,
  createTopics,
  groupProgress,
  privateTopics,
  testCodecs,
  testKafka,
  waitFor,
} from '@continuum/testing';
import { notReadyBecauseOf, readyAgain } from '@continuum/testing/faults-readiness';
import { infraUp, killComponent, privateInfra } from '@continuum/testing/private-infra';
import {
  SeededRandom,
  T0,
  collectReports,
  reportsById,
  monitorEnv,
  monitorSettled,
  producePredictions,
  registerVersion,
  syntheticPredictions,
  syntheticReference,
} from './fixtures/synthetic-stream';

const MINUTE = 60_000;
const WINDOWS = 8;
const PER_WINDOW = 1000;
const MODEL = 'outage-model';

/** Eight windows with ±3 s of disorder, then one event past the last window (one partition). */
function dataset(): Prediction[] {
  const rnd = new SeededRandom(7);
  const events = syntheticPredictions({
    modelId: MODEL,
    modelVersion: '1',
    seed: 70,
    count: WINDOWS * PER_WINDOW,
    features: 6,
    start: T0,
    spacingMs: MINUTE / PER_WINDOW,
    shift: { from: T0 + 5 * MINUTE, features: ['f01'], delta: 1 },
  }).map((p) => ({ ...p, timestamp: Math.max(T0, p.timestamp + Math.round((rnd.next() - 0.5) * 6000)) }));
  events.sort((a, b) => a.timestamp - b.timestamp || (a.eventId < b.eventId ? -1 : 1));
  const [next] = syntheticPredictions({
    modelId: MODEL,
    modelVersion: '1',
    seed: 71,
    count: 1,
    features: 6,
    start: T0 + WINDOWS * MINUTE + 10_000,
    spacingMs: 1,
    eventIdPrefix: 'next',
  });
  return [...events, next];
}

/** The stream in four parts, cut at window boundaries of the sorted stream. */
function parts(data: Prediction[]): Prediction[][] {
  const cut = (w: number) => data.findIndex((p) => p.timestamp >= T0 + w * MINUTE);
  return [data.slice(0, cut(3)), data.slice(cut(3), cut(5)), data.slice(cut(5), cut(7)), data.slice(cut(7))];
}

function env(prefix: string, topicsEnv: Record<string, string>): Record<string, string> {
  return monitorEnv(prefix, topicsEnv, {
    MONITOR_ALLOWED_LATENESS: '5s',
    MONITOR_IDLE_TIMEOUT: '5s',
    MONITOR_CHECKPOINT_INTERVAL: '500ms',
    MONITOR_SESSION_TIMEOUT: '10s',
    // Small fetches: stage 1 is still reading when the broker dies.
    MONITOR_MAX_BYTES_PER_PARTITION: '4096',
  });
}

async function prepare(kafka: Kafka, prefix: string): Promise<ReturnType<typeof privateTopics>> {
  const topics = privateTopics(prefix);
  // Every topic the monitor uses exists, with leaders, before it starts: on a broker started a
  // minute ago, the monitor's own provisioning met NOT_LEADER answers to its first ListOffsets and
  // the start failed (a start-up matter of the first-run issue, not what this suite tests).
  const used = [
    'predictions',
    'features',
    'modelVersions',
    'driftReports',
    'deadLetter',
    'monitorPartials',
    'monitorCheckpoints',
    'monitorReferences',
  ] as const;
  await createTopics(
    kafka,
    used.map((key) => ({ topic: topics.names[key], partitions: Topics[key].partitions })),
  );
  await registerVersion(kafka, topics.names.modelVersions, MODEL, '1', syntheticReference(700, 1000, 6));
  return topics;
}

const complete = (reports: DriftReport[]) =>
  Array.from({ length: WINDOWS }, (_, w) => T0 + w * MINUTE).every((start) =>
    reports.some((r) => r.segment === '*' && r.windowStart === start),
  );

/** Nothing in flight; the last event's window stays open. */
function settledOf(
  kafka: Kafka,
  monitor: ServiceProcess,
  names: Record<string, string>,
  config: Record<string, string>,
): () => Promise<boolean> {
  return () =>
    monitorSettled(
      kafka,
      [monitor],
      { groupId: config.MONITOR_GROUP_ID, sources: [names.predictions], partials: names.monitorPartials },
      1,
    );
}

describe('monitor through a broker crash and a registry outage', () => {
  const infra = privateInfra();
  const data = dataset();
  let kafka: Kafka;
  const running: ServiceProcess[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  afterAll(async () => {
    for (const p of running) await p.stop();
  });

  it('reports exactly what an uninterrupted run reports', async () => {
    // A: uninterrupted.
    const a = await prepare(kafka, 'outage-reference');
    const aenv = env('outage-reference', a.env);
    const reference = await ServiceProcess.startService('monitor', aenv);
    running.push(reference);
    await producePredictions(kafka, a.names.predictions, data);
    const expected = reportsById(
      await collectReports(kafka, a.names.driftReports, complete, {
        timeoutMs: 180_000,
        settled: settledOf(kafka, reference, a.names, aenv),
      }),
    );
    expect(await reference.stop()).toBe(0);
    const all = [...expected.values()].filter((r) => r.segment === '*');
    expect(all).toHaveLength(WINDOWS);
    // Every event of the eight windows (disorder moved a few past the last one's end).
    const inWindows = data.filter((p) => p.timestamp < T0 + WINDOWS * MINUTE).length;
    expect(inWindows).toBeGreaterThan(WINDOWS * PER_WINDOW - 100);
    expect(all.reduce((n, r) => n + r.eventCount, 0)).toBe(inWindows);
    expect(all.every((r) => r.lateEvents === 0)).toBe(true);

    // B: the same stream through the faults.
    const b = await prepare(kafka, 'outage-faults');
    const benv = env('outage-faults', b.env);
    const monitor = await ServiceProcess.startService('monitor', benv);
    running.push(monitor);
    // Encoded before the registry goes away: producers keep their schema ids, as real ones do.
    const encoder = await testCodecs().encoderFor(b.names.predictions, PredictionContract);
    const [first, second, third, last] = parts(data);
    const consumed = () => groupProgress(kafka, benv.MONITOR_GROUP_ID, b.names.predictions);

    await producePredictions(kafka, b.names.predictions, first, { encoder });
    await waitFor('stage 1 part-way through the first part', async () => (await consumed()).committed > 0);
    await killComponent(infra, 'kafka', 'SIGKILL');
    const brokerDownAt = Date.now();
    // Readiness tells the truth (issue 10 item 6): not ready, saying why, while the broker is away.
    expect(await notReadyBecauseOf(monitor, 'kafka-broker')).toMatch(
      /^Kafka at 127\.0\.0\.1:\d+ unreachable since /,
    );
    // Silent far longer than MONITOR_IDLE_TIMEOUT: today's rule would call every partition idle.
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - brokerDownAt))));
    infraUp(infra);
    await readyAgain(monitor);
    await producePredictions(kafka, b.names.predictions, second, { encoder });
    await waitFor(
      'stage 1 through the second part',
      async () => (await consumed()).committed >= first.length + second.length,
      { timeoutMs: 180_000 },
    );

    await killComponent(infra, 'registry', 'SIGTERM');
    const registryDownAt = Date.now();
    expect(await notReadyBecauseOf(monitor, 'schema-registry')).toMatch(
      /^the schema registry at .* unreachable since /,
    );
    await producePredictions(kafka, b.names.predictions, third, { encoder });
    await new Promise((r) => setTimeout(r, Math.max(0, 40_000 - (Date.now() - registryDownAt))));
    infraUp(infra);
    await readyAgain(monitor);
    await producePredictions(kafka, b.names.predictions, last, { encoder });

    const got = reportsById(
      await collectReports(kafka, b.names.driftReports, (r) => complete(r) && r.length >= expected.size, {
        timeoutMs: 240_000,
        settled: settledOf(kafka, monitor, b.names, benv),
      }),
    );
    // Window by window first (a readable difference), with what stage 1 and 2 said about idleness.
    const summary = (reports: Map<string, Omit<DriftReport, 'producedAt'>>) =>
      [...reports.values()]
        .filter((r) => r.segment === '*')
        .map((r) => `${(r.windowStart - T0) / MINUTE}: ${r.eventCount} (+${r.lateEvents} late)`)
        .sort();
    if (JSON.stringify(summary(got)) !== JSON.stringify(summary(expected))) {
      console.log(
        monitor.output
          .filter((l) => /idle|late|assignment|partition ready|caught up|crash|error/i.test(l))
          .map((l) => l.slice(0, 400))
          .join('\n'),
      );
    }
    expect(summary(got)).toEqual(summary(expected));
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [id, report] of got) expect({ id, report }).toEqual({ id, report: expected.get(id) });
    expect(await monitor.metric('continuum_monitor_late_partials_total')).toBe(0);
    expect(await monitor.stop()).toBe(0);
  }, 600_000);
});
