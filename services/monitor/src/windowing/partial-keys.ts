import { type MonitorWindowPartial } from '@continuum/events';
import { type Stream, streamKey } from '../streams/stream-identity';

/**
 * Keys of ct.monitor-partials records. Compaction keeps the latest record per key, so a key is
 * the record's full identity: a window partial re-published after a crash replaces itself.
 */
export type PartialRecordKind = 'window' | 'progress' | 'closed' | 'samples';

export function partialRecordKey(p: MonitorWindowPartial): string {
  return `window|${streamKey(p.stream)}|${p.windowStart}-${p.windowEnd}|${p.sourceTopic}|${p.sourcePartition}`;
}

export function progressRecordKey(topic: string, partition: number): string {
  return `progress|${topic}|${partition}`;
}

export function closedRecordKey(stream: Stream): string {
  return `closed|${streamKey(stream)}`;
}

/** Samples of one batch: replays may cut batches differently, so stage 2 dedupes samples by offset. */
export function samplesRecordKey(
  subjectKey: string,
  topic: string,
  partition: number,
  firstOffset: number,
): string {
  return `samples|${subjectKey}|${topic}|${partition}|${firstOffset}`;
}

export function recordKind(key: string): PartialRecordKind | undefined {
  const kind = key.slice(0, key.indexOf('|'));
  return kind === 'window' || kind === 'progress' || kind === 'closed' || kind === 'samples'
    ? kind
    : undefined;
}
