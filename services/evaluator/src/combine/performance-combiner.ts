import { type EvaluatorPartial, type PerformanceReport } from '@continuum/events';
import { WindowState } from '../evaluation/window-state';
import { type KeyValueStore, type WriteOp } from '../state/key-value-store';
import { SEP, parts, time } from '../state/keys';
import { PendingState } from '../state/pending-state';
import { type SourceRecord } from '../join/partition-evaluator';

export interface CombinerMeta {
  format: 1;
  /** Next offset of ct.evaluator-partials to apply. */
  next: string | null;
  /** Source partitions expected (the largest partition count announced). */
  partitionCount: number;
  /** Per source partition: every window ending at or before this is closed there. */
  progress: Record<string, number>;
  /** Windows ending at or before this were merged and published. */
  published: number | null;
}

export interface CombineResult {
  reports: PerformanceReport[];
  meta: CombinerMeta;
  ops: WriteOp[];
  stats: { fresh: number; replayed: number; partials: number; duplicatePartials: number };
}

interface StoredPartial {
  windowStart: number;
  state: unknown;
}

const META_KEY = `C${SEP}meta`;

function partialKey(windowEnd: number, modelId: string, version: string, sourcePartition: number): string {
  return `C${SEP}part${SEP}${time(windowEnd)}${SEP}${modelId}${SEP}${version}${SEP}${sourcePartition.toString().padStart(5, '0')}`;
}

/**
 * The second stage of the evaluator: merges the per-partition window states published on
 * ct.evaluator-partials into one report per model version and window. A window is complete when
 * every source partition's progress marker has passed its end; a partition publishes its partials
 * before its marker on the same (single-partition) topic, so by then all of them were read.
 * Partials arriving for an already published window are re-publications after a crash (same
 * content) and are ignored. State and offset are written together, as in the first stage.
 */
export class PerformanceCombiner {
  private meta: CombinerMeta | undefined;

  constructor(private readonly store: KeyValueStore) {}

  async progress(): Promise<CombinerMeta> {
    if (!this.meta) {
      const [raw] = await this.store.getMany([META_KEY]);
      this.meta =
        raw === undefined
          ? { format: 1, next: null, partitionCount: 0, progress: {}, published: null }
          : (JSON.parse(raw) as CombinerMeta);
    }
    return this.meta;
  }

  /** The time through which every source partition has closed its windows (null until all reported). */
  static combinedProgress(meta: CombinerMeta): number | null {
    if (meta.partitionCount === 0) return null;
    let min = Infinity;
    for (let p = 0; p < meta.partitionCount; p++) {
      const t = meta.progress[String(p)];
      if (t === undefined) return null;
      min = Math.min(min, t);
    }
    return min;
  }

  async process(
    records: ReadonlyArray<SourceRecord<EvaluatorPartial>>,
    producedAt: number,
  ): Promise<CombineResult> {
    const before = await this.progress();
    const meta: CombinerMeta = { ...before, progress: { ...before.progress } };
    const state = new PendingState(this.store);
    const stats = { fresh: 0, replayed: 0, partials: 0, duplicatePartials: 0 };
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

    const reports: PerformanceReport[] = [];
    const complete = PerformanceCombiner.combinedProgress(meta);
    if (complete !== null && (meta.published === null || complete > meta.published)) {
      const gte = `C${SEP}part${SEP}`;
      const lt = `C${SEP}part${SEP}${time(complete + 1)}`;
      let group:
        | {
            id: string;
            windowEnd: number;
            modelId: string;
            version: string;
            windowStart: number;
            merged: WindowState;
          }
        | undefined;
      const finish = () => {
        if (!group) return;
        reports.push(
          group.merged.toReport({
            modelId: group.modelId,
            modelVersion: group.version,
            windowStart: group.windowStart,
            windowEnd: group.windowEnd,
            producedAt,
          }),
        );
        group = undefined;
      };
      for await (const [key, partial] of state.range<StoredPartial>(gte, lt)) {
        const [, , endText, modelId, version] = parts(key);
        const id = `${endText}${SEP}${modelId}${SEP}${version}`;
        if (!group || group.id !== id) {
          finish();
          group = {
            id,
            windowEnd: Number(endText),
            modelId,
            version,
            windowStart: partial.windowStart,
            merged: new WindowState(),
          };
        }
        group.merged.merge(
          WindowState.fromJSON(partial.state, `partial ${key.split(SEP).slice(2).join('/')}`),
        );
        state.delete(key);
      }
      finish();
      meta.published = complete;
    }
    state.set(META_KEY, meta);
    return { reports, meta, ops: state.ops(), stats };
  }

  committed(result: CombineResult): void {
    this.meta = result.meta;
  }

  reset(): void {
    this.meta = undefined;
  }
}
