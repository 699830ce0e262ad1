import { type DetectorName } from '@continuum/drift';
import { type LabelledExample } from '@continuum/events';
import { type EstimationSource } from '../evaluation/estimation';
import { type TaskSource } from '../evaluation/task';
import { type WindowState } from '../evaluation/window-state';
import { type WriteOp } from '../state/key-value-store';

export interface EvaluatorSettings {
  /** Longest |label time − prediction time| that still joins, ms of event time. */
  horizonMs: number;
  /** Tumbling event-time windows over the join time, aligned to the epoch. */
  windowMs: number;
  /** A window closes when the watermark passes its end plus this. */
  allowedLatenessMs: number;
  detector: DetectorName;
  /** Task per model id (override, else registered contract), instead of inferring it from the first pair. */
  taskOverrides: TaskSource;
  /** Versions' label-free estimation references (none: no estimates). */
  estimation?: EstimationSource;
}

/** The settings that decide when entries expire and windows close (all a restore's rebuild needs). */
export type EventTimeSettings = Pick<EvaluatorSettings, 'horizonMs' | 'windowMs' | 'allowedLatenessMs'>;

/** Where a partition's records come from; 'repartition' carries both kinds (ct.evaluator-repartition). */
export type SourceTopic = 'predictions' | 'labels' | 'repartition';

export interface SourceRecord<T> {
  offset: string;
  value: T;
}

/** One closed window of one model version on this partition. */
export interface ClosedWindow {
  modelId: string;
  modelVersion: string;
  windowStart: number;
  windowEnd: number;
  state: WindowState;
}

export interface BatchStats {
  fresh: number;
  /** Records below the stored next offset: already in the state (a replay after a crash). */
  replayed: number;
  joined: number;
  duplicatePredictions: number;
  duplicateLabels: number;
  latePredictions: number;
  latePairs: number;
  expiredPredictions: number;
  expiredLabelsUnmatched: number;
  detections: number;
}

export interface BatchResult {
  examples: LabelledExample[];
  /** Indexes into the batch's records and why each one is dead-lettered. */
  rejected: Array<{ index: number; reason: string }>;
  /** Windows closed by this batch, in (window, model, version) order. */
  closed: ClosedWindow[];
  /** The new "every window ending at or before this is closed", when it advanced. */
  closedThrough: number | null;
  /** The partition's progress after this batch (part of `ops`). */
  meta: PartitionMeta;
  /** The one atomic write: state changes and this topic's next offset. */
  ops: WriteOp[];
  /** Key ranges of closed windows, garbage to clear after `ops` are written. */
  garbage: Array<{ gte: string; lt: string }>;
  stats: BatchStats;
}

/** Per-partition progress, stored with every batch. */
export interface PartitionMeta {
  format: 1;
  /** Next offset to apply per source topic; records below it are already in the state. */
  next: Partial<Record<SourceTopic, string>>;
  maxPredictionTime: number | null;
  maxLabelTime: number | null;
  /** Every window ending at or before this time is closed (its partials were published). */
  closedThrough: number | null;
  waitingPredictions: number;
  waitingLabels: number;
}

export function emptyMeta(): PartitionMeta {
  return {
    format: 1,
    next: {},
    maxPredictionTime: null,
    maxLabelTime: null,
    closedThrough: null,
    waitingPredictions: 0,
    waitingLabels: 0,
  };
}

/**
 * min(latest prediction time, latest label time) seen on the partition, so neither topic can close
 * windows or expire entries while the other is behind; null until both topics were seen.
 */
export function partitionWatermark(meta: PartitionMeta): number | null {
  if (meta.maxPredictionTime === null || meta.maxLabelTime === null) return null;
  return Math.min(meta.maxPredictionTime, meta.maxLabelTime);
}

/** Start of the tumbling window (aligned to the epoch) holding event time `t`. */
export function windowStartOf(t: number, windowMs: number): number {
  return Math.floor(t / windowMs) * windowMs;
}

/** End of the last window the watermark closes: every window ending at or before it is complete. */
export function closableThrough(watermark: number, settings: EvaluatorSettings): number {
  return windowStartOf(watermark - settings.allowedLatenessMs, settings.windowMs);
}
