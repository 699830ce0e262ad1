import { SEP, time } from '../state/keys';

/** The second stage's progress, stored with every batch. */
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

/** A partition's window state waiting for the other partitions (key: window end, model, version, partition). */
export interface StoredPartial {
  windowStart: number;
  state: unknown;
}

export const META_KEY = `C${SEP}meta`;

export function emptyCombinerMeta(): CombinerMeta {
  return { format: 1, next: null, partitionCount: 0, progress: {}, published: null };
}

export function partialKey(
  windowEnd: number,
  modelId: string,
  version: string,
  sourcePartition: number,
): string {
  return `C${SEP}part${SEP}${time(windowEnd)}${SEP}${modelId}${SEP}${version}${SEP}${sourcePartition.toString().padStart(5, '0')}`;
}

/** Keys of the stored partials of every window ending at or before `windowEnd`. */
export function partialsThrough(windowEnd: number): { gte: string; lt: string } {
  return { gte: `C${SEP}part${SEP}`, lt: `C${SEP}part${SEP}${time(windowEnd + 1)}` };
}

/** The time through which every source partition has closed its windows (null until all reported). */
export function combinedProgress(meta: CombinerMeta): number | null {
  if (meta.partitionCount === 0) return null;
  let min = Infinity;
  for (let p = 0; p < meta.partitionCount; p++) {
    const t = meta.progress[String(p)];
    if (t === undefined) return null;
    min = Math.min(min, t);
  }
  return min;
}
