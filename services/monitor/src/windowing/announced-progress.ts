import { type EventCodecs, MonitorPartialContract } from '@continuum/events';
import { type KafkaClient, readToEnd } from '@continuum/kafka';
import { type SourcePartition } from './checkpoint-store';
import { progressRecordKey } from './partial-keys';
import { type AnnouncedProgress } from './partition-windows';

export interface AnnouncedProgressQuery {
  /** ct.monitor-partials (this deployment's name). */
  readonly partialsTopic: string;
  readonly sources: readonly SourcePartition[];
  readonly groupIdPrefix: string;
  readonly sessionTimeoutMs: number;
}

/**
 * The furthest progress each source partition's previous owners announced on ct.monitor-partials
 * (read to its end now; only progress records of these sources are decoded). A progress record
 * goes to every partials partition in one send, and a crash can cut that send short, so the
 * furthest one over all partitions is taken.
 */
export async function readAnnouncedProgress(
  client: KafkaClient,
  codecs: EventCodecs,
  query: AnnouncedProgressQuery,
): Promise<Map<string, AnnouncedProgress>> {
  const byKey = new Map(query.sources.map((s) => [progressRecordKey(s.topic, s.partition), s]));
  const out = new Map<string, AnnouncedProgress>();
  await readToEnd(client, codecs, {
    topic: query.partialsTopic,
    contract: MonitorPartialContract,
    groupIdPrefix: query.groupIdPrefix,
    sessionTimeoutMs: query.sessionTimeoutMs,
    acceptKey: (key) => key !== null && byKey.has(key),
    onRecord: ({ key, value }) => {
      const progress = value?.progress;
      if (!progress || key === null) return;
      const known = out.get(key);
      out.set(key, {
        watermark: Math.max(progress.watermark, known?.watermark ?? -Infinity),
        nextOffset: Math.max(progress.nextOffset, known?.nextOffset ?? 0),
      });
    },
  });
  return out;
}
