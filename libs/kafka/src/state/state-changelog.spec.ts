import { type Producer, type ProducerRecord } from 'kafkajs';
import { type Contract, type EventCodecs } from '@continuum/events';
import { RecordingKafka, jsonCodecs } from '../../test/recording-kafka';
import { type ChangelogEntry, StateChangelog } from './state-changelog';

const TOPIC = 'changelog';
const contract = { name: 'Entry' } as unknown as Contract<{ value: string }>;

/** RecordingKafka with a producer: each send is one request, appended as a whole or (failing) not at all. */
class KafkaWithProducer extends RecordingKafka {
  failNextSend = false;

  override producer(): Producer {
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (request: ProducerRecord) => {
        if (this.failNextSend) {
          this.failNextSend = false;
          throw new Error('broker unavailable');
        }
        const partitions = new Set(request.messages.map((m) => m.partition));
        this.log.push(`send ${request.topic} [${[...partitions].join(',')}] ${request.messages.length}`);
        const partition = request.messages[0].partition as number;
        const baseOffset = this.partitions(request.topic)[partition].records.length;
        for (const m of request.messages) {
          this.append(request.topic, m.partition as number, {
            key: m.key as string,
            value: m.value === null ? null : (m.value as Buffer).toString(),
          });
        }
        return [{ topicName: request.topic, partition, errorCode: 0, baseOffset: String(baseOffset) }];
      },
    } as unknown as Producer;
  }
}

const codecs = {
  ...jsonCodecs,
  encoderFor: async () => ({ encode: (v: unknown) => Buffer.from(JSON.stringify(v)) }),
} as unknown as EventCodecs;

function setup(partitions = 3) {
  const kafka = new KafkaWithProducer();
  kafka.createTopic(TOPIC, partitions);
  kafka.batchSize = 3;
  const changelog = new StateChangelog(kafka, codecs, { topic: TOPIC, contract, restoreTimeoutMs: 5_000 });
  return { kafka, changelog };
}

const put = (key: string, value: string): ChangelogEntry<{ value: string }> => ({ key, value: { value } });
const del = (key: string): ChangelogEntry<{ value: string }> => ({ key, value: null });

/** Restores a partition into a map, as a store would. */
async function restored(changelog: StateChangelog<{ value: string }>, partition: number) {
  const state = new Map<string, string>();
  const chunks: number[] = [];
  const result = await changelog.restore(
    partition,
    async (entries) => {
      chunks.push(entries.length);
      for (const e of entries) {
        if (e.value === null) state.delete(e.key);
        else state.set(e.key, e.value.value);
      }
    },
    4,
  );
  return { state, chunks, result };
}

describe('StateChangelog', () => {
  it('appends a write as one request to its partition and returns the position after it', async () => {
    const { kafka, changelog } = setup();
    expect(await changelog.append(1, [put('a', '1'), put('b', '2'), del('c')])).toBe(3n);
    expect(await changelog.append(1, [put('a', '3')])).toBe(4n);
    expect(await changelog.append(2, [put('x', '1')])).toBe(1n);
    expect(kafka.log).toEqual([`send ${TOPIC} [1] 3`, `send ${TOPIC} [1] 1`, `send ${TOPIC} [2] 1`]);
    expect(kafka.partitions(TOPIC)[1].records.map((r) => [r.key, r.value])).toEqual([
      ['a', '{"value":"1"}'],
      ['b', '{"value":"2"}'],
      ['c', null],
      ['a', '{"value":"3"}'],
    ]);
  });

  it('restores one partition: the last value of every key, deleted keys absent, other partitions untouched', async () => {
    const { changelog } = setup();
    await changelog.append(0, [put('a', '1'), put('b', '1')]);
    await changelog.append(0, [put('a', '2'), del('b'), put('c', '1')]);
    await changelog.append(1, [put('other', '1')]);
    await changelog.append(0, [put('d', '1'), put('e', '1'), put('f', '1')]);
    const { state, chunks, result } = await restored(changelog, 0);
    expect(Object.fromEntries(state)).toEqual({ a: '2', c: '1', d: '1', e: '1', f: '1' });
    expect(chunks).toEqual([4, 4]);
    expect(result).toMatchObject({ records: 8, position: 8n });
    expect(await changelog.endOffset(0)).toBe(8n);
  });

  it('restores what compaction left: records before the first offset present are not needed', async () => {
    const { kafka, changelog } = setup();
    await changelog.append(0, [put('a', '1')]);
    await changelog.append(0, [put('a', '2'), put('b', '1')]);
    kafka.truncate(TOPIC, 0, 1); // compaction removed the superseded a=1
    const { state, result } = await restored(changelog, 0);
    expect(Object.fromEntries(state)).toEqual({ a: '2', b: '1' });
    expect(result).toMatchObject({ records: 2, position: 3n });
  });

  it('an empty partition restores to an empty state at position 0', async () => {
    const { changelog } = setup();
    const { state, chunks, result } = await restored(changelog, 2);
    expect(state.size).toBe(0);
    expect(chunks).toEqual([]);
    expect(result).toMatchObject({ records: 0, position: 0n });
  });

  it('a failed append writes nothing and rejects, so the caller does not advance its state', async () => {
    const { kafka, changelog } = setup();
    kafka.failNextSend = true;
    await expect(changelog.append(0, [put('a', '1'), put('b', '1')])).rejects.toThrow('broker unavailable');
    expect(kafka.partitions(TOPIC)[0].records).toEqual([]);
    expect(await changelog.append(0, [put('a', '1')])).toBe(1n);
  });

  it('names the layout problem when the changelog has fewer partitions than the state', async () => {
    const { changelog } = setup(2);
    await expect(changelog.endOffset(4)).rejects.toThrow(
      'changelog has 2 partitions but state partition 4 needs one',
    );
    await expect(changelog.restore(4, async () => undefined)).rejects.toThrow('state partition 4');
  });
});
