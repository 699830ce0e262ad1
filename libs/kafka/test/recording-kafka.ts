/**
 * Unit-test stand-in for the Kafka client seam, in the manner of batch-consumer.spec.ts's recording
 * consumer: topics are arrays of records in memory, consumers deliver them through kafkajs's
 * eachBatch payload (respecting seek, pause and fromBeginning), the admin answers offset queries,
 * and every call that matters is appended to `log`. Not a broker: no groups across clients, no
 * commits; integration tests use the real one.
 */
import {
  type Admin,
  type Batch,
  type Consumer,
  type EachBatchPayload,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import pino from 'pino';
import { DecodeError, type EventCodecs } from '@continuum/events';
import { Metrics } from '@continuum/observability';
import { BatchConsumer } from '../src/batch-consumer';
import { type DeadLetterPublisher, type FailedRecord } from '../src/dead-letter';
import { type KafkaClient } from '../src/kafka-client';

export interface StoredRecord {
  key: string | null;
  /** JSON of the value (decoded by `jsonCodecs`), or null for a tombstone. */
  value: string | null;
  timestamp: number;
}

interface Partition {
  /** First offset still present (retention or compaction removed the ones before). */
  low: number;
  records: StoredRecord[];
}

type EachBatch = (payload: EachBatchPayload) => Promise<void>;

export class RecordingKafka implements KafkaClient {
  readonly log: string[] = [];
  private readonly topics = new Map<string, Partition[]>();
  private readonly consumers: RecordingConsumer[] = [];
  /** Largest number of records per delivered batch. */
  batchSize = 2;

  createTopic(topic: string, partitions: number): void {
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => ({ low: 0, records: [] })),
    );
  }

  /** Appends a record and wakes up the consumers; returns its offset. */
  append(topic: string, partition: number, record: Partial<StoredRecord> & { value: string | null }): number {
    const p = this.partitions(topic)[partition];
    p.records.push({ key: record.key ?? null, value: record.value, timestamp: record.timestamp ?? 0 });
    for (const c of this.consumers) c.wake();
    return p.records.length - 1;
  }

  /** Removes the records before `low`, as retention would. */
  truncate(topic: string, partition: number, low: number): void {
    this.partitions(topic)[partition].low = low;
  }

  partitions(topic: string): Partition[] {
    const found = this.topics.get(topic);
    if (!found) throw new Error(`no topic ${topic}`);
    return found;
  }

  consumerCount(): number {
    return this.consumers.length;
  }

  /** The last consumer created (to trigger a rebalance). */
  lastConsumer(): RecordingConsumer {
    return this.consumers[this.consumers.length - 1];
  }

  consumer(config: { groupId: string }): Consumer {
    const consumer = new RecordingConsumer(this, config.groupId);
    this.consumers.push(consumer);
    return consumer as unknown as Consumer;
  }

  producer(): Producer {
    throw new Error('RecordingKafka has no producer; give the code under test a recording EventProducer');
  }

  admin(): Admin {
    const offsets = (topic: string) =>
      this.partitions(topic).map((p, partition) => ({
        partition,
        offset: String(p.records.length),
        high: String(p.records.length),
        low: String(Math.min(p.low, p.records.length)),
      }));
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicOffsets: async (topic: string) => offsets(topic),
      fetchTopicOffsetsByTimestamp: async (topic: string, timestamp: number) =>
        this.partitions(topic).map((p, partition) => {
          const at = p.records.findIndex((r, offset) => offset >= p.low && r.timestamp >= timestamp);
          return { partition, offset: String(at < 0 ? p.records.length : at) };
        }),
      deleteGroups: async (groups: string[]) => void this.log.push(`deleteGroups ${groups.join(',')}`),
    } as unknown as Admin;
  }
}

class RecordingConsumer {
  private readonly listeners = new Map<string, Array<(e: unknown) => void>>();
  private readonly positions = new Map<number, number>();
  private readonly paused = new Set<number>();
  private assignment: number[] = [];
  private topic = '';
  private eachBatch?: EachBatch;
  private pumping = false;
  private running = false;
  private generation = 0;
  readonly events = { GROUP_JOIN: 'join', CRASH: 'crash', DISCONNECT: 'disconnect', STOP: 'stop' };

  constructor(
    private readonly kafka: RecordingKafka,
    readonly groupId: string,
  ) {}

  on(event: string, listener: (e: unknown) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  async connect(): Promise<void> {
    this.kafka.log.push(`connect ${this.groupId}`);
  }

  async subscribe(s: { topics?: string[]; topic?: string }): Promise<void> {
    this.topic = s.topics?.[0] ?? (s.topic as string);
  }

  async run(config: { eachBatch: EachBatch }): Promise<void> {
    this.eachBatch = config.eachBatch;
    this.running = true;
    this.rebalance(this.kafka.partitions(this.topic).map((_, p) => p));
  }

  /** kafkajs' CRASH event; `restart` says whether kafkajs restarts the consumer itself. */
  crash(error: Error, restart: boolean): void {
    for (const listener of this.listeners.get('crash') ?? []) listener({ payload: { error, restart } });
  }

  /** A new assignment: positions go back to the beginning (nothing is committed), then GROUP_JOIN. */
  rebalance(partitions: number[]): void {
    this.generation += 1;
    this.assignment = partitions;
    this.positions.clear();
    this.paused.clear();
    const all = this.kafka.partitions(this.topic);
    for (const p of partitions) this.positions.set(p, all[p].low);
    for (const listener of this.listeners.get('join') ?? []) {
      listener({ payload: { memberAssignment: { [this.topic]: partitions } } });
    }
    this.wake();
  }

  seek({ partition, offset }: { topic: string; partition: number; offset: string }): void {
    this.kafka.log.push(`seek ${partition}@${offset}`);
    this.positions.set(partition, Number(offset));
    this.wake();
  }

  pause(topics: Array<{ topic: string; partitions: number[] }>): void {
    for (const p of topics[0].partitions) {
      this.kafka.log.push(`pause ${p}`);
      this.paused.add(p);
    }
  }

  wake(): void {
    if (!this.running || this.pumping) return;
    this.pumping = true;
    setImmediate(() => void this.pump());
  }

  private async pump(): Promise<void> {
    try {
      for (let delivered = true; delivered && this.running;) {
        delivered = false;
        for (const partition of this.assignment) {
          if (!this.running || this.paused.has(partition)) continue;
          const p = this.kafka.partitions(this.topic)[partition];
          const from = Math.max(this.positions.get(partition) ?? p.low, p.low);
          if (from >= p.records.length) continue;
          const chunk = p.records.slice(from, from + this.kafka.batchSize);
          const generation = this.generation;
          const messages = chunk.map((r, i) => ({
            offset: String(from + i),
            key: r.key === null ? null : Buffer.from(r.key),
            value: r.value === null ? null : Buffer.from(r.value),
            timestamp: String(r.timestamp),
            headers: {},
          }));
          const batch = {
            topic: this.topic,
            partition,
            highWatermark: String(p.records.length),
            messages,
            isEmpty: () => false,
            firstOffset: () => messages[0].offset,
            lastOffset: () => messages[messages.length - 1].offset,
          } as unknown as Batch;
          await (this.eachBatch as EachBatch)({
            batch,
            isStale: () => generation !== this.generation,
            heartbeat: async () => undefined,
            resolveOffset: () => undefined,
          } as unknown as EachBatchPayload);
          if (generation === this.generation) this.positions.set(partition, from + chunk.length);
          delivered = true;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  async disconnect(): Promise<void> {
    this.running = false;
    this.kafka.log.push(`disconnect ${this.groupId}`);
  }
}

/** Codecs for JSON values: `{"bad":…}` or anything that is not JSON fails to decode, as a malformed record would. */
export const jsonCodecs = {
  decoderFor: () => ({
    prepare: async () => undefined,
    decode: (value: Buffer) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value.toString());
      } catch {
        throw new DecodeError('NOT_WIRE_FORMAT', `not JSON: ${value.toString()}`);
      }
      return parsed;
    },
  }),
} as unknown as EventCodecs;

/**
 * A kafkajs consumer stand-in that records calls and lets the test deliver batches; a batch
 * payload's commit goes through `commitGate` (when given: it may hold or fail it) before it is
 * recorded.
 */
function fakeConsumer(log: string[], commitGate?: () => Promise<void>) {
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'join', CRASH: 'crash', DISCONNECT: 'disconnect', STOP: 'stop' },
    on: () => undefined,
    connect: async () => void log.push('connect'),
    subscribe: async () => void log.push('subscribe'),
    run: async (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      eachBatch = config.eachBatch;
    },
    stop: async () => void log.push('consumer.stop'),
    disconnect: async () => void log.push('disconnect'),
    commitOffsets: async (offsets: Array<{ partition: number; offset: string }>) =>
      void log.push(`commitOffsets ${offsets.map((o) => `${o.partition}@${o.offset}`).join(',')}`),
  };
  const deliver = async (messages: Array<{ offset: string; value: string }>, topic = 'labels') => {
    const batch = {
      topic,
      partition: 2,
      highWatermark: '100',
      messages: messages.map((m) => ({
        offset: m.offset,
        value: Buffer.from(m.value),
        key: null,
        timestamp: '1',
      })),
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => messages[messages.length - 1].offset,
    } as unknown as Batch;
    await eachBatch?.({
      batch,
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      isStale: () => false,
      commitOffsetsIfNecessary: async (o?: unknown) => {
        await commitGate?.();
        const topics = (o as { topics: Array<{ partitions: Array<{ partition: number; offset: string }> }> })
          .topics;
        log.push(`commitBatch ${topics[0].partitions[0].partition}@${topics[0].partitions[0].offset}`);
      },
    } as unknown as EachBatchPayload);
  };
  return { consumer: consumer as unknown as Consumer, deliver };
}

/** Decodes 'ok:<n>' to a label and fails on anything else, as a malformed record would. */
const codecs = {
  decoderFor: () => ({
    prepare: async () => undefined,
    decode: (value: Buffer) => {
      const text = value.toString();
      if (!text.startsWith('ok:')) throw new DecodeError('NOT_WIRE_FORMAT', `not a label: ${text}`);
      return { eventId: text, modelId: 'm', timestamp: 1, label: 1 };
    },
  }),
} as unknown as EventCodecs;

/**
 * A BatchConsumer on a kafkajs consumer stand-in that records calls (connect, commits, dead
 * letters) in `log` and lets the test `deliver` batches of topic 'labels', partition 2.
 */
export function recordingBatchConsumer(commitGate?: () => Promise<void>) {
  const log: string[] = [];
  const { consumer, deliver } = fakeConsumer(log, commitGate);
  const client = { consumer: () => consumer } as unknown as KafkaClient;
  const deadLetters = {
    publish: async (failed: FailedRecord[]) =>
      void log.push(
        `deadLetters ${failed.map((f: { message: KafkaMessage }) => f.message.offset).join(',')}`,
      ),
  } as unknown as DeadLetterPublisher;
  const batchConsumer = new BatchConsumer(
    client,
    codecs,
    deadLetters,
    new Metrics('test'),
    pino({ level: 'silent' }),
    {
      service: 'test',
      groupId: 'g',
    },
  );
  return { log, deliver, batchConsumer };
}
