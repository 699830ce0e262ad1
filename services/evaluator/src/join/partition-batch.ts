import { type EstimationInput, type PerformanceEstimation } from '@continuum/drift';
import { type LabelledExample } from '@continuum/events';
import {
  type WindowEstimation,
  mergeWindowEstimations,
  windowEstimationFromJSON,
  windowEstimationToJSON,
} from '../evaluation/estimation';
import { type KeyValueStore } from '../state/key-value-store';
import { PendingState } from '../state/pending-state';
import { type Counts } from './join-state';
import {
  type BatchResult,
  type BatchStats,
  type ClosedWindow,
  type EvaluatorSettings,
  type PartitionMeta,
  windowStartOf,
} from './partition-progress';

/**
 * One batch's work on one partition: the state it changes (read through, written as one atomic
 * write), its progress and what it produces. The join, the expiry and the window close each add to
 * it; `result` hands it to the shell.
 */
export class PartitionBatch {
  readonly state: PendingState;
  readonly stats: BatchStats = {
    fresh: 0,
    replayed: 0,
    joined: 0,
    duplicatePredictions: 0,
    duplicateLabels: 0,
    latePredictions: 0,
    latePairs: 0,
    expiredPredictions: 0,
    expiredLabelsUnmatched: 0,
    detections: 0,
  };
  readonly examples: LabelledExample[] = [];
  readonly rejected: Array<{ index: number; reason: string }> = [];
  readonly closed: ClosedWindow[] = [];
  readonly garbage: Array<{ gte: string; lt: string }> = [];
  /** The new closedThrough when this batch closed windows. */
  closedThrough: number | null = null;
  /** Count increments by counts key, flushed into the state once per batch. */
  private readonly counts = new Map<string, Counts>();
  /** The batch's label-free estimator states by counts key, merged into the stored ones with the counts. */
  private readonly estimates = new Map<string, WindowEstimation>();

  constructor(
    readonly partition: number,
    store: KeyValueStore,
    readonly settings: EvaluatorSettings,
    readonly meta: PartitionMeta,
  ) {
    this.state = new PendingState(store);
  }

  windowStart(t: number): number {
    return windowStartOf(t, this.settings.windowMs);
  }

  isClosed(windowStart: number): boolean {
    return (
      this.meta.closedThrough !== null && windowStart + this.settings.windowMs <= this.meta.closedThrough
    );
  }

  withinHorizon(predictionTime: number, labelTime: number): boolean {
    return Math.abs(labelTime - predictionTime) < this.settings.horizonMs;
  }

  /** The batch's increment of a window's counts. */
  bump(key: string): Counts {
    let c = this.counts.get(key);
    if (!c) this.counts.set(key, (c = { p: 0, x: 0 }));
    return c;
  }

  /** Adds a prediction to its window's estimator state (a prediction is counted by `bump` as well). */
  estimate(key: string, estimation: PerformanceEstimation, input: EstimationInput): void {
    let e = this.estimates.get(key);
    if (!e || e.method !== estimation.method) {
      e = { method: estimation.method, window: estimation.newWindow() };
      this.estimates.set(key, e);
    }
    estimation.observe(e.window, input);
  }

  async flushCounts(): Promise<void> {
    if (this.counts.size === 0) return;
    await this.state.load(this.counts.keys());
    for (const [key, inc] of this.counts) {
      const c = this.state.get<Counts>(key) ?? { p: 0, x: 0 };
      const next: Counts = { p: c.p + inc.p, x: c.x + inc.x };
      const e = mergeWindowEstimations(
        c.e ? windowEstimationFromJSON(c.e) : null,
        this.estimates.get(key) ?? null,
      );
      if (e) next.e = windowEstimationToJSON(e);
      this.state.set(key, next);
    }
    this.counts.clear();
    this.estimates.clear();
  }

  result(): BatchResult {
    return {
      examples: this.examples,
      rejected: this.rejected,
      closed: this.closed,
      closedThrough: this.closedThrough,
      meta: this.meta,
      ops: this.state.ops(),
      garbage: this.garbage,
      stats: this.stats,
    };
  }
}
