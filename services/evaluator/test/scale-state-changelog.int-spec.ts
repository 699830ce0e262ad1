/**
 * Issue 10 item 4 acceptance: evaluator state moves with its partition. One evaluator instance
 * reads the first third of a stream whose labels arrive a third of the stream after their
 * predictions; a second instance joins (partitions move to it with their waiting predictions,
 * restored from ct.evaluator-changelog); after the second third the second instance stops (its
 * partitions move back to the first, whose copy is stale and is restored again). Every pair is
 * joined, no partition starts without its state (`state_gap` zero), and both instances restored.
 */
import { rmSync } from 'node:fs';
import { type Kafka } from 'kafkajs';
import { LabelledExampleContract } from '@continuum/events';
import {
  ServiceProcess,
  groupProgress,
  privateTopics,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';
import {
  HOUR,
  type TimedEvent,
  TopicCollector,
  createEvaluatorTopics,
  produceInTimeOrder,
  scorePrediction,
  stateDir,
  ticks,
} from './evaluator-fixtures';

const EVENTS = 1200;
const T0 = Date.UTC(2026, 2, 2);
const STEP = 10_000;
/** A label comes a third of the stream after its prediction: predictions wait across each scaling step. */
const DELAY = (EVENTS / 3) * STEP;

function generate(): TimedEvent[] {
  const events: TimedEvent[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const eventId = `scale-${i}`;
    const pt = T0 + i * STEP;
    events.push({
      kind: 'prediction',
      time: pt,
      value: scorePrediction(eventId, 'scaled', pt, (i % 10) / 10, i % 7),
    });
    events.push({
      kind: 'label',
      time: pt + DELAY,
      value: { eventId, modelId: 'scaled', timestamp: pt + DELAY, label: i % 3 === 0 ? 1 : 0 },
    });
  }
  return events;
}

describe('evaluator scaled 1 → 2 → 1 mid-stream: state restored from its changelog', () => {
  let kafka: Kafka;
  const running: ServiceProcess[] = [];
  const dirs: string[] = [];
  let examples: TopicCollector<{ eventId: string; modelId: string }> | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop();
    await examples?.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('joins every pair, with no state gap, while partitions move to a new instance and back', async () => {
    const { names, env } = privateTopics('eval-scale');
    const groupId = uniqueName('evaluator');
    await createEvaluatorTopics(kafka, names);
    const events = generate();
    const end = T0 + EVENTS * STEP + DELAY;
    const third = (k: number) => T0 + Math.round(((end - T0) * k) / 3);
    const part = (k: number) => events.filter((e) => e.time >= third(k) && e.time < third(k + 1));
    const start = (instance: string) => {
      const dir = stateDir();
      dirs.push(dir);
      return ServiceProcess.startService('evaluator', {
        ...env,
        EVALUATOR_GROUP_ID: groupId,
        EVALUATOR_INSTANCE_ID: instance,
        EVALUATOR_STATE_DIR: dir,
        EVALUATOR_WINDOW: '1h',
        EVALUATOR_MAX_BATCH_BYTES: '32768',
      });
    };
    const committedThrough = async (produced: { predictions: number; labels: number }) => {
      await waitFor(
        `the group to commit ${produced.predictions} predictions and ${produced.labels} labels`,
        async () =>
          (await groupProgress(kafka, groupId, names.predictions)).committed >= produced.predictions &&
          (await groupProgress(kafka, groupId, names.labels)).committed >= produced.labels,
        { timeoutMs: 120_000, intervalMs: 100 },
      );
    };
    const produced = { predictions: 0, labels: 0 };
    const produce = async (batch: TimedEvent[]) => {
      await produceInTimeOrder(kafka, names, batch);
      for (const e of batch) produced[e.kind === 'prediction' ? 'predictions' : 'labels'] += 1;
    };

    const a = await start('evaluator-a');
    running.push(a);
    await produce(part(0));
    await committedThrough(produced);

    // Scale out: some partitions move to b, with predictions waiting for labels of the next third.
    const b = await start('evaluator-b');
    running.push(b);
    await produce(part(1));
    await committedThrough(produced);
    const restoredByB = await b.metric('continuum_evaluator_state_restored_records_total');
    const gapsB = await b.metric('continuum_evaluator_events_total', { event: 'state_gap' });

    // Scale in: b leaves, its partitions (and their new waiting predictions) go back to a.
    expect(await b.stop()).toBe(0);
    running.splice(running.indexOf(b), 1);
    await produce([...part(2), ...ticks(end + 2 * HOUR)]);
    await committedThrough(produced);

    examples = new TopicCollector(kafka, names.examples, LabelledExampleContract);
    await examples.start();
    const joined = () =>
      new Set(examples?.values.filter((e) => e.value.modelId === 'scaled').map((e) => e.value.eventId));
    await waitFor(`all ${EVENTS} pairs on ${names.examples}`, () => joined().size >= EVENTS, {
      timeoutMs: 120_000,
      intervalMs: 200,
    });

    expect(joined().size).toBe(EVENTS);
    expect(gapsB).toBe(0);
    expect(await a.metric('continuum_evaluator_events_total', { event: 'state_gap' })).toBe(0);
    // The partitions really moved with state: b restored on scale-out, a on scale-in.
    expect(restoredByB).toBeGreaterThan(0);
    const restoredByA = await a.metric('continuum_evaluator_state_restored_records_total');
    expect(restoredByA).toBeGreaterThan(0);
    const restoreSeconds = await a.metric('continuum_evaluator_state_restore_seconds');
    const admin = kafka.admin();
    await admin.connect();
    const changelog = await admin.fetchTopicOffsets(names.evaluatorChangelog);
    await admin.disconnect();
    process.stdout.write(
      `scale 1→2→1: ${EVENTS} pairs joined; restored records: b ${restoredByB}, a ${restoredByA} (a's last restores took ${restoreSeconds.toFixed(3)} s summed over partitions); changelog records (before compaction): ${changelog.reduce((s, p) => s + Number(p.high), 0)}\n`,
    );
  });
});
