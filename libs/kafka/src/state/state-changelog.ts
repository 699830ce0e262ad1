import { CompressionTypes, type Producer } from 'kafkajs';
import { type Contract, type EventCodecs, type EventEncoder } from '@continuum/events';
import { TopicLayoutError } from '../errors';
import { type KafkaClient } from '../kafka-client';
import { readRange, topicOffsets } from './topic-range';

/** One change of a keyed store: a new value, or null to delete the key (a tombstone). */
export interface ChangelogEntry<V> {
  key: string;
  value: V | null;
}

export interface StateChangelogOptions<V> {
  /** A compacted topic with a partition per state partition. */
  topic: string;
  contract: Contract<V>;
  /** Prefix of the throwaway group that reads a partition back. */
  groupIdPrefix?: string;
  /** Rejects a restore with a retriable KafkaTimeoutError if the partition is not read by then. Default 5 min. */
  restoreTimeoutMs?: number;
}

export interface RestoreResult {
  /** Records read (puts and tombstones). */
  records: number;
  /** Encoded bytes of the records' keys and values. */
  bytes: number;
  /** The changelog position the restored state covers (the partition's end offset at the start). */
  position: bigint;
}

/**
 * The changelog of a partitioned keyed store (Kafka Streams' pattern): every change of state
 * partition p is appended to partition p of a compacted topic, one record per key, a tombstone per
 * deleted key, so that whichever instance owns p next can rebuild it by reading that partition.
 *
 * `append` sends one write's entries as a single produce request to one partition: the broker
 * appends them as one record batch, all or nothing, so a reader never sees half a write. The
 * producer is idempotent, so its retries neither duplicate nor reorder. A write's entries must
 * therefore fit the topic's `max.message.bytes`.
 */
export class StateChangelog<V> {
  private readonly producer: Producer;
  private encoder?: Promise<EventEncoder<V>>;
  private connected = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly codecs: EventCodecs,
    private readonly options: StateChangelogOptions<V>,
  ) {
    this.producer = client.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 },
    });
  }

  get topic(): string {
    return this.options.topic;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  /**
   * Appends one write's entries to `partition` atomically; resolves with the offset after them
   * (the changelog position a store holding this write covers) once the broker acknowledged.
   */
  async append(partition: number, entries: ReadonlyArray<ChangelogEntry<V>>): Promise<bigint> {
    if (entries.length === 0) throw new Error('StateChangelog.append needs at least one entry');
    await this.connect();
    this.encoder ??= this.codecs.encoderFor(this.options.topic, this.options.contract);
    this.encoder.catch(() => (this.encoder = undefined));
    const encoder = await this.encoder;
    const [ack] = await this.producer.send({
      topic: this.options.topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages: entries.map((e) => ({
        key: e.key,
        value: e.value === null ? null : encoder.encode(e.value),
        partition,
      })),
    });
    if (!ack || ack.partition !== partition || ack.baseOffset === undefined) {
      throw new TopicLayoutError(
        `${this.options.topic}: append to partition ${partition} was not acknowledged by that partition`,
      );
    }
    return BigInt(ack.baseOffset) + BigInt(entries.length);
  }

  /** Each partition's end offset now (the position a fully restored store covers). */
  async endOffsets(): Promise<Map<number, bigint>> {
    const ranges = await topicOffsets(this.client, this.options.topic);
    return new Map(Object.entries(ranges).map(([p, [, high]]) => [Number(p), BigInt(high)]));
  }

  /** The end offset of one partition; a clear error when the topic has fewer partitions than the state. */
  async endOffset(partition: number): Promise<bigint> {
    const ends = await this.endOffsets();
    const end = ends.get(partition);
    if (end === undefined) throw this.missingPartition(partition, ends.size);
    return end;
  }

  private missingPartition(partition: number, count: number): TopicLayoutError {
    return new TopicLayoutError(
      `${this.options.topic} has ${count} partitions but state partition ${partition} needs one: give the changelog at least as many partitions as the source topics`,
    );
  }

  /**
   * Reads partition `partition` from its first offset to its end offset now and hands the entries
   * to `apply` in offset order, in chunks of at most `chunkSize` (a store applies each chunk as one
   * write). Compaction may have removed superseded records; the last record of every key is there,
   * and tombstones until the topic's `delete.retention.ms`.
   */
  async restore(
    partition: number,
    apply: (entries: Array<ChangelogEntry<V>>) => Promise<void>,
    chunkSize = 1000,
  ): Promise<RestoreResult> {
    const ranges = await topicOffsets(this.client, this.options.topic);
    const range = ranges[partition];
    if (!range) throw this.missingPartition(partition, Object.keys(ranges).length);
    const [low, high] = range;
    let chunk: Array<ChangelogEntry<V>> = [];
    let records = 0;
    let bytes = 0;
    if (BigInt(low) < BigInt(high)) {
      await readRange(this.client, this.codecs, {
        topic: this.options.topic,
        contract: this.options.contract,
        ranges: { [partition]: [low, high] },
        groupIdPrefix: this.options.groupIdPrefix ?? 'continuum-changelog-restore',
        timeoutMs: this.options.restoreTimeoutMs ?? 5 * 60_000,
        onRecord: async (record) => {
          if (record.key === null) return;
          records += 1;
          bytes +=
            Buffer.byteLength(record.key) + (record.value === null ? 0 : approximateSize(record.value));
          chunk.push({ key: record.key, value: record.value });
          if (chunk.length >= chunkSize) {
            const full = chunk;
            chunk = [];
            await apply(full);
          }
        },
      });
    }
    if (chunk.length > 0) await apply(chunk);
    return { records, bytes, position: BigInt(high) };
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }
}

/** Size of a decoded value as JSON: a measure of what a restore reads, not the wire bytes. */
function approximateSize(value: unknown): number {
  return Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
}
