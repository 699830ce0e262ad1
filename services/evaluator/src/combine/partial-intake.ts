import { type EvaluatorPartial } from '@continuum/events';
import { type SourceRecord } from '../join/partition-progress';
import { type PendingState } from '../state/pending-state';
import { type CombinerMeta, type StoredPartial, partialKey } from './combiner-progress';

export interface IntakeStats {
  fresh: number;
  replayed: number;
  partials: number;
  duplicatePartials: number;
}

/**
 * Applies a batch of ct.evaluator-partials to the combiner's progress and stored partials: a
 * progress marker advances its source partition; a partial is stored until its window is complete,
 * unless its window was already published (a re-publication after a crash, same content: ignored).
 * Records below the stored next offset are already in the state (a replay).
 */
export function takePartials(
  meta: CombinerMeta,
  records: ReadonlyArray<SourceRecord<EvaluatorPartial>>,
  state: PendingState,
): IntakeStats {
  const stats: IntakeStats = { fresh: 0, replayed: 0, partials: 0, duplicatePartials: 0 };
  for (const record of records) {
    if (meta.next !== null && BigInt(record.offset) < BigInt(meta.next)) {
      stats.replayed++;
      continue;
    }
    stats.fresh++;
    const x = record.value;
    meta.partitionCount = Math.max(meta.partitionCount, x.partitionCount);
    if (x.partial === null) {
      const key = String(x.sourcePartition);
      meta.progress[key] = Math.max(meta.progress[key] ?? x.closedThrough, x.closedThrough);
      continue;
    }
    const w = x.partial;
    if (meta.published !== null && w.windowEnd <= meta.published) {
      stats.duplicatePartials++;
      continue;
    }
    stats.partials++;
    state.set(partialKey(w.windowEnd, w.modelId, w.modelVersion, x.sourcePartition), {
      windowStart: w.windowStart,
      state: JSON.parse(w.state) as unknown,
    } satisfies StoredPartial);
  }
  if (records.length > 0) meta.next = (BigInt(records[records.length - 1].offset) + 1n).toString();
  return stats;
}
