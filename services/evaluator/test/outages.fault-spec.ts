/**
 * Issue 10's fault suite, evaluator part (`npm run test:faults`, part of `npm test`; the broker
 * and registry are this run's own, see tools/testing/private-infra.ts). One seeded stream of
 * predictions and labels (labels up to 90 s late, some before their prediction, a shadow version
 * on every fourth event) goes to two private topic sets:
 *
 * A. uninterrupted: the reference reports;
 * B. the broker is SIGKILLed mid-stream and restarted 10 s later; later the registry is stopped
 *    for 40 s while records keep arriving, then restarted. The evaluator says it is not ready, and
 *    why, during each outage.
 *
 * The reports of B equal A's field by field (producedAt aside), and every pair is joined once.
 */
import { rmSync } from 'node:fs';
import { type Kafka } from 'kafkajs';
import {
  type Label,
  type PerformanceReport,
  PerformanceReportContract,
  type Prediction,
} from '@continuum/events';
import { ServiceProcess, groupProgress, privateTopics, testKafka, waitFor } from '@continuum/testing';
import { notReadyBecauseOf, readyAgain } from '@continuum/testing/faults-readiness';
import { infraUp, killComponent, privateInfra } from '@continuum/testing/private-infra';
import {
  type TimedEvent,
  TopicCollector,
  createEvaluatorTopics,
  eventSender,
  inTimeOrder,
  random,
  stateDir,
  ticks,
} from './evaluator-fixtures';

const MINUTE = 60_000;
const WINDOWS = 8;
const PER_WINDOW = 150;
const T0 = Date.UTC(2026, 0, 5);

interface Stream {
  events: TimedEvent[];
  pairs: number;
}

/** Eight one-minute windows of predictions, their labels, then ticks that close every window. */
function stream(): Stream {
  const rnd = random(10);
  const events: TimedEvent[] = [];
  let pairs = 0;
  const count = WINDOWS * PER_WINDOW;
  for (let i = 0; i < count; i++) {
    const eventId = `evt-${i}`;
    const pt = T0 + Math.floor((i * MINUTE) / PER_WINDOW);
    const score = rnd();
    const lt = i % 10 === 0 ? pt - Math.floor(rnd() * 20_000) - 1 : pt + Math.floor(rnd() * 90_000);
    for (const version of i % 4 === 0 ? ['1', '2'] : ['1']) {
      const prediction: Prediction = {
        eventId,
        modelId: 'churn',
        modelVersion: version,
        timestamp: pt,
        entityId: null,
        numeric: { tenure: i % 48 },
        categorical: {},
        segments: {},
        output: {
          score: version === '1' ? score : Math.min(1, score * 0.9 + 0.05),
          predictedClass: null,
          classProbabilities: {},
        },
      };
      events.push({ kind: 'prediction', time: pt, value: prediction });
      pairs++;
    }
    const label: Label = { eventId, modelId: 'churn', timestamp: lt, label: rnd() < score ? 1 : 0 };
    events.push({ kind: 'label', time: lt, value: label });
  }
  events.push(...ticks(T0 + (WINDOWS + 3) * MINUTE));
  return { events: inTimeOrder(events), pairs };
}

/** The stream in four parts, cut at event times 3, 5 and 7 minutes in. */
function parts(events: TimedEvent[]): TimedEvent[][] {
  const cut = (w: number) => events.findIndex((e) => e.time >= T0 + w * MINUTE);
  return [
    events.slice(0, cut(3)),
    events.slice(cut(3), cut(5)),
    events.slice(cut(5), cut(7)),
    events.slice(cut(7)),
  ];
}

type Comparable = Omit<PerformanceReport, 'producedAt'>;

function byReportId(reports: TopicCollector<PerformanceReport>): Map<string, Comparable> {
  const out = new Map<string, Comparable>();
  for (const { value } of reports.values) {
    if (value.modelId !== 'churn') continue;
    const { producedAt: _producedAt, ...rest } = value;
    out.set(value.reportId, rest);
  }
  return out;
}

const labelled = (reports: Map<string, Comparable>) =>
  [...reports.values()].reduce((n, r) => n + r.labelledCount, 0);

describe('evaluator through a broker crash and a registry outage', () => {
  const infra = privateInfra();
  const data = stream();
  let kafka: Kafka;
  const running: ServiceProcess[] = [];
  const collectors: Array<TopicCollector<PerformanceReport>> = [];
  const dirs: string[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  afterAll(async () => {
    for (const p of running) await p.stop();
    for (const c of collectors) await c.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function start(prefix: string) {
    const { names, env } = privateTopics(prefix);
    await createEvaluatorTopics(kafka, names);
    const dir = stateDir();
    dirs.push(dir);
    const serviceEnv = {
      ...env,
      EVALUATOR_GROUP_ID: `${prefix}-group`,
      EVALUATOR_STATE_DIR: dir,
      EVALUATOR_WINDOW: '1m',
      // Small batches: the evaluator is still reading when the broker dies.
      EVALUATOR_MAX_BATCH_BYTES: '8192',
    };
    // Made before the registry goes away: producers keep their schema ids, as real ones do.
    const send = await eventSender(kafka, names);
    const evaluator = await ServiceProcess.startService('evaluator', serviceEnv);
    running.push(evaluator);
    const reports = await new TopicCollector(kafka, names.performance, PerformanceReportContract).start();
    collectors.push(reports);
    return { names, serviceEnv, send, evaluator, reports };
  }

  it('reports exactly what an uninterrupted run reports', async () => {
    // A: uninterrupted.
    const a = await start('eval-outage-reference');
    await a.send(data.events);
    await waitFor(
      'every pair in the reference reports',
      () => labelled(byReportId(a.reports)) >= data.pairs,
      {
        timeoutMs: 180_000,
        intervalMs: 500,
      },
    );
    const expected = byReportId(a.reports);
    expect(labelled(expected)).toBe(data.pairs);
    expect(await a.evaluator.stop()).toBe(0);

    // B: the same stream through the faults.
    const b = await start('eval-outage-faults');
    const [first, second, third, last] = parts(data.events);
    const consumed = () => groupProgress(kafka, b.serviceEnv.EVALUATOR_GROUP_ID, b.names.predictions);
    const predictionsIn = (events: TimedEvent[]) => events.filter((e) => e.kind === 'prediction').length;

    await b.send(first);
    await waitFor(
      'the evaluator part-way through the first part',
      async () => (await consumed()).committed > 0,
    );
    await killComponent(infra, 'kafka', 'SIGKILL');
    const brokerDownAt = Date.now();
    expect(await notReadyBecauseOf(b.evaluator, 'kafka-broker')).toMatch(
      /^Kafka at 127\.0\.0\.1:\d+ unreachable since /,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - brokerDownAt))));
    infraUp(infra);
    await readyAgain(b.evaluator);
    await b.send(second);
    await waitFor(
      'the evaluator through the second part',
      async () => (await consumed()).committed >= predictionsIn(first) + predictionsIn(second),
      { timeoutMs: 180_000 },
    );

    await killComponent(infra, 'registry', 'SIGTERM');
    const registryDownAt = Date.now();
    expect(await notReadyBecauseOf(b.evaluator, 'schema-registry')).toMatch(
      /^the schema registry at .* unreachable since /,
    );
    await b.send(third);
    await new Promise((r) => setTimeout(r, Math.max(0, 40_000 - (Date.now() - registryDownAt))));
    infraUp(infra);
    await readyAgain(b.evaluator);
    await b.send(last);

    await waitFor(
      'every pair in the reports after the faults',
      () => labelled(byReportId(b.reports)) >= data.pairs && byReportId(b.reports).size >= expected.size,
      { timeoutMs: 240_000, intervalMs: 500 },
    );
    const got = byReportId(b.reports);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [id, report] of got) expect({ id, report }).toEqual({ id, report: expected.get(id) });
    // A report published twice (a crash between publish and state write) has the same content.
    for (const { value } of b.reports.values.filter((r) => r.value.modelId === 'churn'))
      expect(value.labelledCount).toBe(got.get(value.reportId)?.labelledCount);
    expect(await b.evaluator.metric('continuum_evaluator_events_total', { event: 'state_gap' })).toBe(0);
    expect(await b.evaluator.stop()).toBe(0);
  }, 600_000);
});
