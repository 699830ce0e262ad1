import { type RetrainReason, type TrainingMode, type WindowStrategy } from '@continuum/events';

/** What a request asks the trainer for: which data and how to train. */
export interface RequestSettings {
  window: WindowStrategy;
  mode: TrainingMode;
}

/** Periodic retraining: one request per cron slot, evaluated on wall-clock time in `timezone`. */
export interface SchedulePolicy {
  cron: string;
  timezone: string;
  request: RequestSettings;
}

export type BreachDirection = 'below' | 'above';

/** Performance-based trigger: `metric` on the wrong side of `threshold` for K consecutive windows. */
export interface PerformancePolicy {
  metric: PerformanceMetric;
  /** below: a breach is metric < threshold (accuracy...); above: metric > threshold (losses, errors). */
  direction: BreachDirection;
  threshold: number;
  consecutiveWindows: number;
  /** Windows with fewer labelled predictions are too noisy to judge and are skipped. */
  minLabelled: number;
  rearm: {
    /** Re-arm at once when a window is this far past the threshold on the good side. */
    margin: number;
    /** ...or after this many consecutive windows that do not breach. */
    cleanWindows: number;
  };
  /** Judge a window on its estimated metric while its labels are missing (null: realised metrics only). */
  estimated: EstimatedPerformancePolicy | null;
  request: RequestSettings;
}

/**
 * Performance estimated from predictions alone (the evaluator's CBPE/DLE band) standing in for a
 * window's realised metric when its labels are still missing `labelsMissingForMs` after the
 * window's end. Such a window breaches only when its whole band is past the threshold.
 */
export interface EstimatedPerformancePolicy {
  metric: EstimatedMetricName;
  /** below: the band's upper bound under the threshold is a breach; above: its lower bound over it. */
  direction: BreachDirection;
  threshold: number;
  /**
   * How long after a window's end its labels may be missing before the estimate is used; labels
   * that come later than this after their predictions (a window's `labelDelay.p50`) count as missing.
   */
  labelsMissingForMs: number;
  /** Labels are missing while fewer than this share of the window's predictions' worth are labelled. */
  minLabelCoverage: number;
}

/** Concept drift reported by the evaluator's detectors (ADWIN, DDM, ...) on the error stream. */
export interface ConceptDriftPolicy {
  /** Detector names that count; empty means any detector. */
  detectors: string[];
  /** Re-arm after this many consecutive reports without a detection. */
  rearmCleanReports: number;
  request: RequestSettings;
}

/** Data-change trigger from the monitor's drift reports. */
export interface DataDriftPolicy {
  /** At least this many features flagged drifted; null: feature drift alone never triggers. */
  minDriftedFeatures: number | null;
  /** Prediction (output) drift alone triggers. */
  predictionDrift: boolean;
  /** Segments whose reports count ('*' = all traffic). */
  segments: string[];
  /** Re-arm after this many consecutive reports below the trigger condition. */
  rearmCleanReports: number;
  request: RequestSettings;
}

/** The complete, validated policy of one model: defaults already merged in. */
export interface ModelPolicy {
  modelId: string;
  /** Written as requestedBy on automatic requests. */
  name: string;
  /** No automatic request within this time after the model's last request (of any reason). */
  cooldownMs: number;
  /** At most this many requests (all reasons, MANUAL included) in any 24 hours. */
  dailyBudget: number;
  /** Signals raised within this interval of the first one merge into one request. */
  dedupIntervalMs: number;
  /** Settings for requests without a trigger-specific override (MANUAL). */
  request: RequestSettings;
  schedule: SchedulePolicy | null;
  performance: PerformancePolicy | null;
  conceptDrift: ConceptDriftPolicy | null;
  drift: DataDriftPolicy | null;
}

export interface ControllerPolicy {
  /** Where it was read from (for messages). */
  source: string;
  models: ReadonlyMap<string, ModelPolicy>;
}

/** Metrics the evaluator publishes (PerformanceReport.metrics), with the range a threshold may take. */
export const PERFORMANCE_METRICS = {
  accuracy: { direction: 'below', min: 0, max: 1 },
  precision: { direction: 'below', min: 0, max: 1 },
  recall: { direction: 'below', min: 0, max: 1 },
  f1: { direction: 'below', min: 0, max: 1 },
  roc_auc: { direction: 'below', min: 0, max: 1 },
  r2: { direction: 'below', min: -Infinity, max: 1 },
  log_loss: { direction: 'above', min: 0, max: Infinity },
  brier: { direction: 'above', min: 0, max: 1 },
  ece: { direction: 'above', min: 0, max: 1 },
  mae: { direction: 'above', min: 0, max: Infinity },
  rmse: { direction: 'above', min: 0, max: Infinity },
  mape: { direction: 'above', min: 0, max: Infinity },
} as const satisfies Record<string, { direction: BreachDirection; min: number; max: number }>;

export type PerformanceMetric = keyof typeof PERFORMANCE_METRICS;

/** Metrics the evaluator estimates without labels (PerformanceReport.estimatedMetrics): CBPE, then DLE. */
export const ESTIMATED_METRICS = ['accuracy', 'f1', 'roc_auc', 'mae', 'rmse'] as const;

export type EstimatedMetricName = (typeof ESTIMATED_METRICS)[number];

/**
 * When several signals merge into one request, its reason is the first of this list among them.
 * A person asking wins; then a broken input contract (the model cannot read its data); then
 * measured harm on ground truth (the metric breached its threshold); then a detected change in
 * the error stream; then a change in the inputs, which may or may not hurt; then the calendar.
 */
export const REASON_PRECEDENCE: readonly RetrainReason[] = [
  'MANUAL',
  'CONTRACT_CHANGE',
  'PERFORMANCE',
  'CONCEPT_DRIFT',
  'DATA_DRIFT',
  'SCHEDULE',
];

/** The request settings for a reason: the trigger's own `request` section, else the model's. */
export function requestSettingsFor(policy: ModelPolicy, reason: RetrainReason): RequestSettings {
  switch (reason) {
    case 'SCHEDULE':
      return policy.schedule?.request ?? policy.request;
    case 'PERFORMANCE':
      return policy.performance?.request ?? policy.request;
    case 'CONCEPT_DRIFT':
      return policy.conceptDrift?.request ?? policy.request;
    case 'DATA_DRIFT':
      return policy.drift?.request ?? policy.request;
    default:
      return policy.request;
  }
}
