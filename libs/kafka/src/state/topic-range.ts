import { type Contract, type EventCodecs } from '@continuum/events';
import { type KafkaClient } from '../kafka-client';
import { TopicView, type UndecodableRecord, type ViewRecord, type ViewStart, retrying } from './topic-view';

/** Offsets per partition: `[fromOffset, toOffsetExclusive)`. */
export type OffsetRanges = Readonly<Record<number, readonly [string, string]>>;

export interface RangeReadOptions<T> {
  topic: string;
  contract: Contract<T>;
  ranges: OffsetRanges;
  /** Per record, in offset order per partition (partitions interleave). */
  onRecord: (record: ViewRecord<T>) => void | Promise<void>;
  onUndecodable?: (record: UndecodableRecord) => void;
  groupIdPrefix?: string;
  /** Rejects with a retriable KafkaTimeoutError if the ranges are not read by then. Default 60 s. */
  timeoutMs?: number;
  maxBytesPerPartition?: number;
}

/**
 * Reads exactly the given offsets of a topic (e.g. a pinned training window) and resolves when
 * every range has been handed over. Records already removed by retention or compaction are
 * simply absent; a range beyond the topic's end is read up to the end offsets at the call.
 */
export async function readRange<T>(
  client: KafkaClient,
  codecs: EventCodecs,
  options: RangeReadOptions<T>,
): Promise<void> {
  const from: Record<number, string> = {};
  const until = new Map<number, bigint>();
  for (const [partition, [start, end]] of Object.entries(options.ranges)) {
    from[Number(partition)] = start;
    until.set(Number(partition), BigInt(end));
  }
  const view = new TopicView(
    client,
    codecs,
    {
      topic: options.topic,
      contract: options.contract,
      from: { offsets: from },
      onRecord: options.onRecord,
      onUndecodable: options.onUndecodable,
      groupIdPrefix: options.groupIdPrefix ?? 'continuum-range',
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxWaitTimeInMs: 100,
    },
    until,
  );
  await readThrough(view, options.timeoutMs ?? 60_000);
}

/** Runs a view until it has read what the topic held at its start, then stops it. */
async function readThrough<T>(view: TopicView<T>, timeoutMs: number | undefined): Promise<void> {
  await view.start();
  try {
    await view.caughtUp(timeoutMs);
  } finally {
    await view.stop();
  }
}

/** Each partition's first offset whose record is at or after `timestamp` (epoch ms); the end offset where there is none. */
export async function offsetsForTimestamp(
  client: KafkaClient,
  topic: string,
  timestamp: number,
): Promise<Record<number, string>> {
  const admin = client.admin();
  await admin.connect();
  try {
    const out: Record<number, string> = {};
    for (const o of await retrying(() => admin.fetchTopicOffsetsByTimestamp(topic, timestamp))) {
      out[o.partition] = o.offset;
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** Each partition's `[first offset present, end offset)` now. */
export async function topicOffsets(client: KafkaClient, topic: string): Promise<OffsetRanges> {
  const admin = client.admin();
  await admin.connect();
  try {
    const out: Record<number, readonly [string, string]> = {};
    for (const o of await retrying(() => admin.fetchTopicOffsets(topic))) out[o.partition] = [o.low, o.high];
    return out;
  } finally {
    await admin.disconnect();
  }
}

export interface ReadToEndOptions<T> {
  topic: string;
  contract: Contract<T>;
  /** Default: the beginning. */
  from?: ViewStart;
  onRecord: (record: ViewRecord<T>) => void | Promise<void>;
  onUndecodable?: (record: UndecodableRecord) => void;
  /** Records whose key this rejects are skipped before decoding. */
  acceptKey?: (key: string | null) => boolean;
  groupIdPrefix?: string;
  /** Rejects with a retriable KafkaTimeoutError if the end is not reached by then. Default: no limit. */
  timeoutMs?: number;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
}

/** Reads a topic (from the beginning, a time or offsets) to the end offsets it has now, then stops. */
export async function readToEnd<T>(
  client: KafkaClient,
  codecs: EventCodecs,
  options: ReadToEndOptions<T>,
): Promise<void> {
  const view = new TopicView(client, codecs, {
    topic: options.topic,
    contract: options.contract,
    from: options.from,
    onRecord: options.onRecord,
    onUndecodable: options.onUndecodable,
    acceptKey: options.acceptKey,
    groupIdPrefix: options.groupIdPrefix ?? 'continuum-read',
    sessionTimeoutMs: options.sessionTimeoutMs,
    maxBytesPerPartition: options.maxBytesPerPartition,
    maxWaitTimeInMs: 100,
  });
  await readThrough(view, options.timeoutMs);
}
