import { type Contract } from '@continuum/events';
import { RecordingKafka, jsonCodecs } from '../../test/recording-kafka';
import { KafkaTimeoutError, KafkaUsageError } from '../errors';
import { type EventProducer } from '../event-producer';
import { KeyedStateTopic } from './keyed-state-topic';
import { offsetsForTimestamp, readRange } from './topic-range';
import { TopicView, type UndecodableRecord, type ViewRecord } from './topic-view';

interface Count {
  n: number;
}
const contract = { name: 'Count' } as unknown as Contract<Count>;

function kafkaWith(partitions: Array<Array<string | null>>): RecordingKafka {
  const kafka = new RecordingKafka();
  kafka.createTopic('t', partitions.length);
  partitions.forEach((values, p) =>
    values.forEach((value, i) => kafka.append('t', p, { key: `k${p}.${i}`, value, timestamp: 100 * i })),
  );
  return kafka;
}

const seen = (records: Array<ViewRecord<Count>>) =>
  records.map((r) => `${r.partition}@${r.offset}=${r.value === null ? 'null' : r.value.n}`);

describe('TopicView', () => {
  it('hands over every record to the end offsets at start, tombstones as null, undecodable ones reported', async () => {
    const kafka = kafkaWith([['{"n":1}', null, 'garbage'], [], ['{"n":3}']]);
    const records: Array<ViewRecord<Count>> = [];
    const bad: UndecodableRecord[] = [];
    const view = new TopicView(kafka, jsonCodecs, {
      topic: 't',
      contract,
      onRecord: (r) => void records.push(r),
      onUndecodable: (r) => void bad.push(r),
    });
    await view.start();
    await view.caughtUp();
    expect(view.isCaughtUp()).toBe(true);
    expect(seen(records).sort()).toEqual(['0@0=1', '0@1=null', '2@0=3']);
    expect(records.find((r) => r.offset === '1')?.key).toBe('k0.1');
    expect(bad.map((b) => [b.partition, b.offset, b.error.kind])).toEqual([[0, '2', 'NOT_WIRE_FORMAT']]);
    await view.stop();
  });

  it('survives a crash kafkajs restarts from (a coordinator still loading); fails on one it gives up on', async () => {
    const kafka = kafkaWith([['{"n":1}']]);
    const records: Array<ViewRecord<Count>> = [];
    const view = new TopicView(kafka, jsonCodecs, {
      topic: 't',
      contract,
      onRecord: (r) => void records.push(r),
    });
    await view.start();
    const loading = Object.assign(new Error('The coordinator is loading'), { retriable: true });
    kafka.lastConsumer().crash(loading, true);
    await view.caughtUp();
    expect(seen(records)).toEqual(['0@0=1']);
    kafka.lastConsumer().crash(new Error('gave up'), false);
    await expect(view.caughtUp()).rejects.toThrow('gave up');
    await view.stop();
  });

  it('keeps following after catching up, and sync() waits for what the topic holds now', async () => {
    const kafka = kafkaWith([['{"n":1}']]);
    const records: Array<ViewRecord<Count>> = [];
    const view = new TopicView(kafka, jsonCodecs, {
      topic: 't',
      contract,
      onRecord: (r) => void records.push(r),
    });
    await view.start();
    await view.caughtUp();
    kafka.append('t', 0, { key: 'later', value: '{"n":2}' });
    await view.sync();
    expect(seen(records)).toEqual(['0@0=1', '0@1=2']);
    await view.stop();
    expect(kafka.log).toContain(`deleteGroups ${kafka.lastConsumer().groupId}`);
  });

  it('does not wait for records appended after start to be caught up', async () => {
    const kafka = kafkaWith([['{"n":1}', '{"n":2}']]);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const records: Array<ViewRecord<Count>> = [];
    const view = new TopicView(kafka, jsonCodecs, {
      topic: 't',
      contract,
      onRecord: async (r) => {
        records.push(r);
        if (r.offset === '2') await gate;
      },
    });
    await view.start();
    kafka.append('t', 0, { key: 'x', value: '{"n":3}' });
    await view.caughtUp();
    expect(seen(records).slice(0, 2)).toEqual(['0@0=1', '0@1=2']);
    release();
    await view.stop();
  });

  it('starts at the first record at or after a timestamp, or at given offsets', async () => {
    const kafka = kafkaWith([
      ['{"n":0}', '{"n":1}', '{"n":2}'],
      ['{"n":10}', '{"n":11}'],
    ]);
    const byTime: Array<ViewRecord<Count>> = [];
    const timed = new TopicView(kafka, jsonCodecs, {
      topic: 't',
      contract,
      from: { timestamp: 100 },
      onRecord: (r) => void byTime.push(r),
    });
    await timed.start();
    await timed.caughtUp();
    await timed.stop();
    expect(seen(byTime).sort()).toEqual(['0@1=1', '0@2=2', '1@1=11']);

    const byOffset: Array<ViewRecord<Count>> = [];
    const offsets = new TopicView(kafka, jsonCodecs, {
      topic: 't',
      contract,
      from: { offsets: { 0: '2' } },
      onRecord: (r) => void byOffset.push(r),
    });
    await offsets.start();
    await offsets.caughtUp();
    await offsets.stop();
    expect(seen(byOffset).sort()).toEqual(['0@2=2', '1@0=10', '1@1=11']);
  });

  it('skips records whose key is not accepted, without decoding them', async () => {
    const kafka = new RecordingKafka();
    kafka.createTopic('t', 1);
    kafka.append('t', 0, { key: 'mine', value: '{"n":1}' });
    kafka.append('t', 0, { key: 'theirs', value: 'not even JSON' });
    const records: Array<ViewRecord<Count>> = [];
    const bad: UndecodableRecord[] = [];
    const view = new TopicView(kafka, jsonCodecs, {
      topic: 't',
      contract,
      acceptKey: (key) => key === 'mine',
      onRecord: (r) => void records.push(r),
      onUndecodable: (r) => void bad.push(r),
    });
    await view.start();
    await view.caughtUp();
    await view.stop();
    expect([seen(records), bad]).toEqual([['0@0=1'], []]);
  });

  it('in group mode re-reads the assigned partitions from the beginning on every assignment and drops stale batches', async () => {
    const kafka = kafkaWith([['{"n":1}', '{"n":2}'], ['{"n":3}']]);
    const assignments: number[][] = [];
    const batches: string[] = [];
    const view = new TopicView(kafka, jsonCodecs, {
      topic: 't',
      contract,
      group: { groupId: 'combiner', onAssignment: (p) => void assignments.push(p) },
      onBatch: async (records, batch) => {
        batches.push(`${batch.partition}:${seen(records).join(',')}->${batch.nextOffset}`);
      },
    });
    await view.start();
    await view.caughtUp();
    expect(view.generation).toBe(1);
    kafka.lastConsumer().rebalance([1]);
    expect(view.isCaughtUp()).toBe(false);
    await view.caughtUp();
    await view.stop();
    expect(assignments).toEqual([[0, 1], [1]]);
    expect(batches).toEqual(['0:0@0=1,0@1=2->2', '1:1@0=3->1', '1:1@0=3->1']);
    // A group of its own name, not deleted: its members share it.
    expect(kafka.log.filter((l) => l.startsWith('deleteGroups'))).toEqual([]);
  });

  it('rejects misuse and times out with a retriable error', async () => {
    const kafka = kafkaWith([['{"n":1}']]);
    expect(() => new TopicView(kafka, jsonCodecs, { topic: 't', contract })).toThrow(KafkaUsageError);
    const stuck = new TopicView(kafka, jsonCodecs, {
      topic: 't',
      contract,
      onRecord: () => new Promise<void>(() => undefined),
    });
    await expect(stuck.caughtUp()).rejects.toThrow(KafkaUsageError);
    await stuck.start();
    const error = await stuck.caughtUp(20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaTimeoutError);
    expect((error as KafkaTimeoutError).retriable).toBe(true);
    await stuck.stop();
  });
});

describe('readRange', () => {
  it('hands over exactly the offsets of each range and reads no other partition', async () => {
    const kafka = kafkaWith([
      ['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}'],
      ['{"n":10}', '{"n":11}'],
      ['{"n":20}'],
    ]);
    const records: Array<ViewRecord<Count>> = [];
    await readRange(kafka, jsonCodecs, {
      topic: 't',
      contract,
      ranges: { 0: ['1', '4'], 1: ['1', '1'] },
      onRecord: (r) => void records.push(r),
    });
    expect(seen(records)).toEqual(['0@1=1', '0@2=2', '0@3=3']);
    expect(kafka.log).toEqual(expect.arrayContaining(['pause 1', 'pause 2']));
  });

  it('finds the offsets for a timestamp per partition', async () => {
    const kafka = kafkaWith([['{"n":0}', '{"n":1}'], ['{"n":10}']]);
    expect(await offsetsForTimestamp(kafka, 't', 100)).toEqual({ 0: '1', 1: '1' });
  });
});

describe('KeyedStateTopic', () => {
  function recordingProducer(kafka: RecordingKafka) {
    return {
      send: async (topic: string, _c: unknown, events: Array<{ key: string; value: Count | null }>) => {
        for (const e of events) {
          kafka.append(topic, 0, { key: e.key, value: e.value === null ? null : JSON.stringify(e.value) });
        }
        return [];
      },
    } as unknown as EventProducer;
  }

  it('rebuilds the last state of every key at start, tombstones deleting, and writes through', async () => {
    const kafka = new RecordingKafka();
    kafka.createTopic('state', 1);
    kafka.append('state', 0, { key: 'a', value: '{"n":1}' });
    kafka.append('state', 0, { key: 'b', value: '{"n":2}' });
    kafka.append('state', 0, { key: 'a', value: '{"n":3}' });
    kafka.append('state', 0, { key: 'b', value: null });
    const producer = recordingProducer(kafka);
    const store = new KeyedStateTopic(kafka, jsonCodecs, producer, { topic: 'state', contract });
    await store.start();
    expect([...store.entries()]).toEqual([['a', { n: 3 }]]);
    await store.put('c', { n: 4 });
    await store.delete('a');
    expect([store.get('a'), store.get('c'), store.size]).toEqual([undefined, { n: 4 }, 1]);

    const restarted = new KeyedStateTopic(kafka, jsonCodecs, producer, { topic: 'state', contract });
    await restarted.start();
    expect([...restarted.entries()]).toEqual([['c', { n: 4 }]]);
  });
});
