/**
 * The evaluator's part in the fault suite (e2e/outages.fault-spec.ts): eight one-minute windows of
 * 150 predictions, a shadow version on every fourth, their labels up to 90 s late (every tenth
 * before its prediction), then ticks that close every window. After the faults the reports equal
 * the uninterrupted run's field by field (producedAt aside) and no partition lost its state.
 */
import { rmSync } from 'node:fs';
import { type Kafka } from 'kafkajs';
import {
  type Label,
  type PerformanceReport,
  PerformanceReportContract,
  type Prediction,
} from '@continuum/events';
import { ServiceProcess, groupProgress, privateTopics, waitFor } from '@continuum/testing';
import { type FaultScenario } from '@continuum/testing/faults-scenario';
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

/** Eight one-minute windows of predictions, their labels, then ticks that close every window. */
function stream(): { events: TimedEvent[]; pairs: number } {
  const rnd = random(10);
  const events: TimedEvent[] = [];
  let pairs = 0;
  for (let i = 0; i < WINDOWS * PER_WINDOW; i++) {
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

export function evaluatorOutageScenario(kafka: Kafka): FaultScenario {
  const data = stream();
  const split = parts(data.events);
  const predictionsIn = (events: TimedEvent[]) => events.filter((e) => e.kind === 'prediction').length;
  const running: ServiceProcess[] = [];
  const collectors: Array<TopicCollector<PerformanceReport>> = [];
  const dirs: string[] = [];
  let faulted: Awaited<ReturnType<typeof launch>> | undefined;
  let expected: Map<string, Comparable> | undefined;

  async function launch(prefix: string) {
    const { names, env } = privateTopics(prefix);
    await createEvaluatorTopics(kafka, names);
    const dir = stateDir();
    dirs.push(dir);
    const config = {
      ...env,
      EVALUATOR_GROUP_ID: `${prefix}-group`,
      EVALUATOR_STATE_DIR: dir,
      EVALUATOR_WINDOW: '1m',
      // Small batches: the evaluator is still reading when the broker dies.
      EVALUATOR_MAX_BATCH_BYTES: '8192',
    };
    // Made before the registry goes away: producers keep their schema ids, as real ones do.
    const send = await eventSender(kafka, names);
    const evaluator = await ServiceProcess.startService('evaluator', config);
    running.push(evaluator);
    const reports = await new TopicCollector(kafka, names.performance, PerformanceReportContract).start();
    collectors.push(reports);
    return { names, config, send, evaluator, reports };
  }

  const started = () => {
    if (!faulted) throw new Error('start() first');
    return faulted;
  };

  return {
    name: 'evaluator',
    async start() {
      faulted = await launch('outage-evaluator-faults');
      return faulted.evaluator;
    },
    send: (part) => started().send(split[part]),
    async consumed() {
      const { config, names } = started();
      return (await groupProgress(kafka, config.EVALUATOR_GROUP_ID, names.predictions)).committed;
    },
    recordsIn: (count) => split.slice(0, count).reduce((n, p) => n + predictionsIn(p), 0),
    async reference() {
      const run = await launch('outage-evaluator-reference');
      await run.send(data.events);
      await waitFor(
        'every pair in the reference reports',
        () => labelled(byReportId(run.reports)) >= data.pairs,
        {
          timeoutMs: 240_000,
          intervalMs: 500,
        },
      );
      expected = byReportId(run.reports);
      expect(labelled(expected)).toBe(data.pairs);
      expect(await run.evaluator.stop()).toBe(0);
    },
    async verify() {
      const { evaluator, reports } = started();
      if (!expected) throw new Error('reference() first');
      const reference = expected;
      await waitFor(
        'every pair in the reports after the faults',
        () => labelled(byReportId(reports)) >= data.pairs && byReportId(reports).size >= reference.size,
        { timeoutMs: 240_000, intervalMs: 500 },
      );
      const got = byReportId(reports);
      expect([...got.keys()].sort()).toEqual([...reference.keys()].sort());
      for (const [id, report] of got) expect({ id, report }).toEqual({ id, report: reference.get(id) });
      // A report published twice (a crash between publish and state write) has the same content.
      for (const { value } of reports.values.filter((r) => r.value.modelId === 'churn'))
        expect(value.labelledCount).toBe(got.get(value.reportId)?.labelledCount);
      expect(await evaluator.metric('continuum_evaluator_events_total', { event: 'state_gap' })).toBe(0);
      expect(await evaluator.stop()).toBe(0);
    },
    async stop() {
      for (const p of running) await p.stop();
      for (const c of collectors) await c.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
