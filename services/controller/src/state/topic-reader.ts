import { randomBytes } from 'node:crypto';
import { type Contract, DecodeError, type EventCodecs } from '@continuum/events';
import { type KafkaClient } from '@continuum/kafka';
import { type Logger } from '@continuum/observability';

export interface ReadRecord<T> {
  key: string | null;
  /** null for a tombstone. */
  value: T | null;
  partition: number;
  offset: string;
  timestamp: number;
}

export interface ReadOptions<T> {
  topic: string;
  contract: Contract<T>;
  /** Start at the first record at or after this time (epoch ms); default: the beginning. */
  fromTimestamp?: number;
  /** Prefix of the throwaway consumer group's name. */
  groupPrefix: string;
  timeoutMs?: number;
}

/**
 * Reads a whole topic (or its tail from a time) up to the end offsets it had when called. KafkaJS
 * has no group-less assign(), so a throwaway consumer group that commits nothing does the
 * reading and is deleted afterwards. Records that cannot be decoded are logged and skipped: this
 * reads the controller's own topics at start-up, where stopping on one bad record would keep the
 * service down.
 */
export async function readTopicToEnd<T>(
  client: KafkaClient,
  codecs: EventCodecs,
  logger: Logger,
  options: ReadOptions<T>,
): Promise<Array<ReadRecord<T>>> {
  const { topic } = options;
  const admin = client.admin();
  await admin.connect();
  let ranges: Map<number, { start: bigint; end: bigint }>;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const starts =
      options.fromTimestamp === undefined
        ? ends.map((e) => ({ partition: e.partition, offset: e.low }))
        : await admin.fetchTopicOffsetsByTimestamp(topic, options.fromTimestamp);
    ranges = new Map();
    for (const e of ends) {
      const start = BigInt(starts.find((s) => s.partition === e.partition)?.offset ?? e.low);
      const end = BigInt(e.high);
      if (start < end) ranges.set(e.partition, { start, end });
    }
  } finally {
    await admin.disconnect();
  }
  if (ranges.size === 0) return [];

  const groupId = `${options.groupPrefix}-reader-${randomBytes(4).toString('hex')}`;
  const consumer = client.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  const raw: Array<{
    key: Buffer | null;
    value: Buffer | null;
    partition: number;
    offset: string;
    timestamp: number;
  }> = [];
  const remaining = new Set(ranges.keys());
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = ranges.get(batch.partition);
        if (!range) return;
        for (const m of batch.messages) {
          const offset = BigInt(m.offset);
          if (offset < range.start || offset >= range.end) continue;
          raw.push({
            key: m.key ?? null,
            value: m.value ?? null,
            partition: batch.partition,
            offset: m.offset,
            timestamp: Number(m.timestamp),
          });
        }
        if (BigInt(batch.lastOffset()) >= range.end - 1n) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) finished();
        }
      },
    });
    for (const [partition, range] of ranges)
      consumer.seek({ topic, partition, offset: range.start.toString() });
    const timeoutMs = options.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${topic} did not reach its end offsets within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await consumer.disconnect();
    await deleteGroup(client, groupId);
  }

  const decoder = codecs.decoderFor(options.contract);
  await decoder.prepare(raw.map((r) => r.value));
  const records: Array<ReadRecord<T>> = [];
  for (const r of raw) {
    let value: T | null = null;
    if (r.value !== null) {
      try {
        value = decoder.decode(r.value);
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        logger.warn(
          { topic, partition: r.partition, offset: r.offset, err: error },
          'skipping an undecodable record',
        );
        continue;
      }
    }
    records.push({
      key: r.key?.toString() ?? null,
      value,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
    });
  }
  return records;
}

async function deleteGroup(client: KafkaClient, groupId: string): Promise<void> {
  const admin = client.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // An empty group without offsets expires on its own; deleting it is only tidiness.
  } finally {
    await admin.disconnect();
  }
}
