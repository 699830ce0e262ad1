import { type PerformanceEstimation } from '@continuum/drift';
import { type DetectorSignal, type PerformanceReport } from '@continuum/events';
import { InvalidValueError } from '../errors';
import { LabelDelaySketch, type LabelDelaySketchJSON } from '@continuum/stats';
import {
  type ModelTask,
  type TaskMetrics,
  type TaskMetricsJSON,
  createTaskMetrics,
  taskMetricsFromJSON,
} from './task';
import {
  type WindowEstimation,
  type WindowEstimationJSON,
  mergeWindowEstimations,
  windowEstimationFromJSON,
  windowEstimationToJSON,
} from './estimation';

export const WINDOW_STATE_FORMAT = 1;

export interface WindowStateJSON {
  format: typeof WINDOW_STATE_FORMAT;
  task: ModelTask | null;
  predictionCount: number;
  labelledCount: number;
  /** Predictions that reached the label horizon without a label (counted in the window of their expiry). */
  expiredUnlabelled: number;
  /** Pairs left out of the metrics because another partition evaluated the version as another task. */
  taskConflicts: number;
  metrics: TaskMetricsJSON | null;
  baseline: TaskMetricsJSON | null;
  delay: LabelDelaySketchJSON;
  drift: DetectorSignal | null;
  /** Label-free estimator state over the window's predictions (absent: the version has no estimation reference). */
  estimation?: WindowEstimationJSON | null;
}

/**
 * Everything one window of one model version knows: counts, the task's metric accumulators, the
 * persistence baseline's, the label-delay sketch and the concept-drift signal. Each partition builds
 * one when it closes the window; `merge` (associative, commutative up to float rounding) combines
 * the partitions' states into the model-level one a report is made from.
 */
export class WindowState {
  task: ModelTask | null = null;
  predictionCount = 0;
  labelledCount = 0;
  expiredUnlabelled = 0;
  taskConflicts = 0;
  metrics: TaskMetrics | null = null;
  baseline: TaskMetrics | null = null;
  readonly delay = new LabelDelaySketch();
  drift: DetectorSignal | null = null;
  /** CBPE / DLE state over the predictions made in the window, labelled or not. */
  estimation: WindowEstimation | null = null;

  /** Fixes the task (on the first pair) and returns the metric accumulators. */
  useTask(task: ModelTask): { metrics: TaskMetrics; baseline: TaskMetrics } {
    if (this.task === null) this.task = task;
    this.metrics ??= createTaskMetrics(task);
    this.baseline ??= createTaskMetrics(task);
    return { metrics: this.metrics, baseline: this.baseline };
  }

  merge(other: WindowState): this {
    this.predictionCount += other.predictionCount;
    this.expiredUnlabelled += other.expiredUnlabelled;
    this.taskConflicts += other.taskConflicts;
    this.labelledCount += other.labelledCount;
    this.delay.merge(other.delay);
    this.drift = mergeSignals(this.drift, other.drift);
    this.estimation = mergeWindowEstimations(this.estimation, other.estimation);
    if (other.task === null || other.metrics === null) {
      this.task ??= other.task;
      return this;
    }
    if (this.task === null || this.metrics === null || this.task === other.task) {
      this.task = other.task;
      this.mergeMetrics(other);
      return this;
    }
    // Partitions disagreed on an inferred task: keep the side with more pairs.
    if (other.metrics.count > this.metrics.count) {
      this.taskConflicts += this.metrics.count;
      this.task = other.task;
      this.metrics = null;
      this.baseline = null;
      this.mergeMetrics(other);
    } else {
      this.taskConflicts += other.metrics.count;
    }
    return this;
  }

  private mergeMetrics(other: WindowState): void {
    const own = this.useTask(other.task as ModelTask);
    if (other.metrics) (own.metrics as { merge(o: TaskMetrics): void }).merge(other.metrics);
    if (other.baseline) (own.baseline as { merge(o: TaskMetrics): void }).merge(other.baseline);
  }

  toJSON(): WindowStateJSON {
    return {
      format: WINDOW_STATE_FORMAT,
      task: this.task,
      predictionCount: this.predictionCount,
      labelledCount: this.labelledCount,
      expiredUnlabelled: this.expiredUnlabelled,
      taskConflicts: this.taskConflicts,
      metrics: this.metrics?.toJSON() ?? null,
      baseline: this.baseline?.toJSON() ?? null,
      delay: this.delay.toJSON(),
      drift: this.drift,
      estimation: this.estimation ? windowEstimationToJSON(this.estimation) : null,
    };
  }

  static fromJSON(json: unknown, field = 'window state'): WindowState {
    const j = json as Partial<WindowStateJSON> | null;
    if (typeof j !== 'object' || j === null) throw new InvalidValueError(field, 'is not an object');
    if (j.format !== WINDOW_STATE_FORMAT)
      throw new InvalidValueError(field, `has format ${String(j.format)}, expected ${WINDOW_STATE_FORMAT}`);
    for (const k of ['predictionCount', 'labelledCount', 'expiredUnlabelled', 'taskConflicts'] as const) {
      if (typeof j[k] !== 'number' || !(j[k] >= 0))
        throw new InvalidValueError(`${field}.${k}`, `is ${String(j[k])}`);
    }
    if (typeof j.delay !== 'object' || j.delay === null)
      throw new InvalidValueError(`${field}.delay`, 'is missing');
    const s = new WindowState();
    s.task = j.task ?? null;
    s.predictionCount = j.predictionCount as number;
    s.labelledCount = j.labelledCount as number;
    s.expiredUnlabelled = j.expiredUnlabelled as number;
    s.taskConflicts = j.taskConflicts as number;
    try {
      s.metrics = j.metrics ? taskMetricsFromJSON(j.metrics) : null;
      s.baseline = j.baseline ? taskMetricsFromJSON(j.baseline) : null;
      s.delay.merge(LabelDelaySketch.fromJSON(j.delay));
      s.estimation = j.estimation ? windowEstimationFromJSON(j.estimation) : null;
    } catch (error) {
      throw new InvalidValueError(field, `has malformed accumulators: ${String(error)}`, { cause: error });
    }
    s.drift = j.drift ?? null;
    return s;
  }

  /**
   * The `ct.performance` report of this (merged) window state; `estimator` (the version's
   * estimation reference) turns the window's estimator state into estimated metrics.
   */
  toReport(
    ids: {
      modelId: string;
      modelVersion: string;
      windowStart: number;
      windowEnd: number;
      producedAt: number;
    },
    estimator: PerformanceEstimation | null = null,
  ): PerformanceReport {
    const metrics = finite(this.metrics?.metrics() ?? {});
    metrics.unlabelled_expired = this.expiredUnlabelled;
    if (this.taskConflicts > 0) metrics.task_conflict_pairs = this.taskConflicts;
    return {
      reportId: reportId(ids.modelId, ids.modelVersion, ids.windowStart, ids.windowEnd),
      modelId: ids.modelId,
      modelVersion: ids.modelVersion,
      windowStart: ids.windowStart,
      windowEnd: ids.windowEnd,
      task: this.task ?? 'BINARY_CLASSIFICATION',
      predictionCount: this.predictionCount,
      labelledCount: this.labelledCount,
      labelCoverage: this.predictionCount > 0 ? this.labelledCount / this.predictionCount : NaN,
      metrics,
      baselineMetrics: finite(this.baseline?.metrics() ?? {}),
      labelDelay: this.delay.summary(),
      conceptDrift: this.drift ? [this.drift] : [],
      ...this.estimated(estimator),
      producedAt: ids.producedAt,
    };
  }

  /** Estimated metrics of the window's predictions; none without a reference of the state's method. */
  private estimated(
    estimator: PerformanceEstimation | null,
  ): Pick<PerformanceReport, 'estimationMethod' | 'estimatedMetrics'> {
    const e = this.estimation;
    if (e === null || estimator === null || estimator.method !== e.method || e.window.count === 0)
      return { estimationMethod: null, estimatedMetrics: {} };
    return { estimationMethod: e.method, estimatedMetrics: estimator.estimate(e.window) };
  }
}

/** Deterministic: a report published again after a crash carries the same id. */
export function reportId(
  modelId: string,
  modelVersion: string,
  windowStart: number,
  windowEnd: number,
): string {
  return `${modelId}/${modelVersion}/${new Date(windowStart).toISOString()}/${new Date(windowEnd).toISOString()}`;
}

function finite(metrics: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) out[k] = v;
  return out;
}

/** Signals of the same detector from several partitions: any detection counts, observations add up. */
export function mergeSignals(a: DetectorSignal | null, b: DetectorSignal | null): DetectorSignal | null {
  if (a === null) return b && { ...b };
  if (b === null) return { ...a };
  return {
    detector: a.detector,
    driftDetected: a.driftDetected || b.driftDetected,
    warningDetected: a.warningDetected || b.warningDetected,
    observations: a.observations + b.observations,
    detections: a.detections + b.detections,
  };
}
