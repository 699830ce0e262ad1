/**
 * A consumer killed with SIGKILL mid-stream and restarted skips no record. Delivery is
 * at-least-once: the only repeats are records the first run handled at or after the offsets the
 * group had committed when it died (commits are queued off the batch path, so those are the
 * batches handled during the last commit round trip, usually the last one per partition).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kafka } from 'kafkajs';
import { type Label, LabelContract } from '@continuum/events';
import {
  ServiceProcess,
  createTopics,
  groupProgress,
  publishFixtures,
  testCodecs,
  testKafka,
  uniqueName,
  waitFor,
} from '@continuum/testing';

const RECORDS = 30_000;
const PARTITIONS = 3;
const FIXTURE = join(__dirname, 'fixtures', 'recording-consumer.ts');

interface BatchLine {
  partition: number;
  first: number;
  last: number;
  count: number;
}

function readBatches(file: string): BatchLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [partition, first, last, count] = line.split(' ').map(Number);
      return { partition, first, last, count };
    });
}

describe('batch consumer crash recovery on the real broker', () => {
  let kafka: Kafka;
  const running: ServiceProcess[] = [];

  beforeAll(() => {
    kafka = testKafka();
  });

  afterAll(async () => {
    for (const p of running) await p.stop();
  });

  it('after SIGKILL and restart, every record is processed and repeats come only from the uncommitted batches', async () => {
    const topic = uniqueName('crash');
    const dlq = `${topic}.dlq`;
    const groupId = uniqueName('crash-group');
    const file = join(tmpdir(), `${groupId}.log`);
    writeFileSync(file, '');
    await createTopics(kafka, [
      { topic, partitions: PARTITIONS },
      { topic: dlq, partitions: 1 },
    ]);
    const encoder = await testCodecs().encoderFor(topic, LabelContract);
    const messages = Array.from({ length: RECORDS }, (_, i) => {
      const label: Label = { eventId: `e${i}`, modelId: 'm', timestamp: 1_700_000_000_000 + i, label: i % 2 };
      return { key: `e${i}`, value: encoder.encode(label) };
    });
    await publishFixtures(kafka, topic, messages, { batchSize: 2000 });

    const env = { RECORD_FILE: file, TOPIC: topic, DLQ: dlq, GROUP_ID: groupId, BATCH_DELAY_MS: '15' };
    const first = ServiceProcess.startScript('recording-consumer', FIXTURE, env);
    running.push(first);
    await waitFor('the first run to be mid-stream', () => {
      const done = readBatches(file).reduce((n, b) => n + b.count, 0);
      return done > RECORDS / 4 && done;
    });
    first.kill('SIGKILL');
    expect(await first.exited()).toBeNull();
    const firstRun = readBatches(file);
    const firstRunCount = firstRun.reduce((n, b) => n + b.count, 0);
    expect(firstRunCount).toBeLessThan(RECORDS);
    // What the group had committed when the first run died: the restart resumes there.
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    const committed = new Map(offsets.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));

    const second = ServiceProcess.startScript('recording-consumer', FIXTURE, { ...env, BATCH_DELAY_MS: '0' });
    running.push(second);
    await waitFor(
      'the restarted consumer to commit the whole topic',
      async () => {
        const { committed, end } = await groupProgress(kafka, groupId, topic);
        return end === RECORDS && committed === end;
      },
      { timeoutMs: 120_000 },
    );
    expect(await second.stop()).toBe(0);

    // Coverage: every offset of every partition was handled at least once.
    const all = readBatches(file);
    const seen = new Map<string, number>();
    for (const b of all) {
      for (let o = b.first; o <= b.last; o++)
        seen.set(`${b.partition}:${o}`, (seen.get(`${b.partition}:${o}`) ?? 0) + 1);
    }
    expect(seen.size).toBe(RECORDS);

    // Repeats: only offsets the first run handled at or after its partition's committed offset
    // (handled, commit not yet answered); nothing below a committed offset is handled again.
    const lastOfFirstRun = new Map<number, BatchLine>();
    for (const b of firstRun) lastOfFirstRun.set(b.partition, b);
    const repeated = [...seen.entries()].filter(([, n]) => n > 1).map(([k]) => k.split(':').map(Number));
    for (const [partition, offset] of repeated) {
      const last = lastOfFirstRun.get(partition);
      expect(offset).toBeGreaterThanOrEqual(committed.get(partition) ?? 0);
      expect(last && offset <= last.last).toBe(true);
    }
    const uncommittedBatches = firstRun.filter((b) => b.last >= (committed.get(b.partition) ?? 0));
    const bound = uncommittedBatches.reduce((n, b) => n + b.count, 0);
    expect(repeated.length).toBeLessThanOrEqual(bound);
    console.log(
      `crash recovery: first run handled ${firstRunCount} of ${RECORDS} before SIGKILL; ` +
        `${repeated.length} records handled twice (bound: the ${uncommittedBatches.length} handled batches ` +
        `at or after the committed offsets over ${lastOfFirstRun.size} partitions = ${bound})`,
    );
  });

  it('after SIGTERM mid-stream, the batch in flight is committed and a restart repeats nothing', async () => {
    const topic = uniqueName('sigterm');
    const groupId = uniqueName('sigterm-group');
    const file = join(tmpdir(), `${groupId}.log`);
    writeFileSync(file, '');
    await createTopics(kafka, [
      { topic, partitions: PARTITIONS },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    const encoder = await testCodecs().encoderFor(topic, LabelContract);
    // Small sends make small record batches, so the consumer sees many batches per partition.
    const messages = Array.from({ length: 6000 }, (_, i) => ({
      key: `e${i}`,
      value: encoder.encode({ eventId: `e${i}`, modelId: 'm', timestamp: 1 + i, label: 1 }),
    }));
    await publishFixtures(kafka, topic, messages, { batchSize: 100 });

    const env = {
      RECORD_FILE: file,
      TOPIC: topic,
      DLQ: `${topic}.dlq`,
      GROUP_ID: groupId,
      BATCH_DELAY_MS: '30',
    };
    const first = ServiceProcess.startScript('recording-consumer', FIXTURE, env);
    running.push(first);
    await waitFor('the first run to be mid-stream', () => readBatches(file).length >= 5).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}\n${first.output.join('\n')}`);
      },
    );
    expect(await first.stop()).toBe(0);
    const second = ServiceProcess.startScript('recording-consumer', FIXTURE, { ...env, BATCH_DELAY_MS: '0' });
    running.push(second);
    await waitFor('the whole topic to be committed', async () => {
      const { committed, end } = await groupProgress(kafka, groupId, topic);
      return end === 6000 && committed === end;
    });
    expect(await second.stop()).toBe(0);
    const handled = readBatches(file).reduce((n, b) => n + b.count, 0);
    expect(handled).toBe(6000);
  });
});
