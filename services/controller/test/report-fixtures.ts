import {
  type DriftReport,
  type EstimatedMetric,
  type FeatureDrift,
  type PerformanceReport,
} from '@continuum/events';

/** Synthetic reports for tests: the controller's inputs as the monitor and evaluator publish them. */

export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
export const WINDOW_MS = 3_600_000;

export function featureDrift(
  feature: string,
  drifted: boolean,
  overrides: Partial<FeatureDrift> = {},
): FeatureDrift {
  return {
    feature,
    featureType: 'NUMERIC',
    statistic: 'KS',
    value: drifted ? 0.31 : 0.02,
    pValue: drifted ? 1e-9 : 0.6,
    adjustedPValue: drifted ? 2e-8 : 1,
    threshold: 0.05,
    effectSize: drifted ? 0.31 : 0.02,
    drifted,
    sampleSize: 1000,
    ...overrides,
  };
}

/** A drift report for window `index` (hour `index` after T0) with `drifted` of `total` features flagged. */
export function driftReport(
  modelId: string,
  index: number,
  drifted: number,
  options: { total?: number; version?: string; segment?: string; predictionDrifted?: boolean } = {},
): DriftReport {
  const total = options.total ?? 20;
  const version = options.version ?? '1';
  const segment = options.segment ?? '*';
  const features = Array.from({ length: total }, (_, i) => featureDrift(`f${i}`, i < drifted));
  return {
    reportId: `drift-${modelId}-${version}-${segment}-${index}`,
    modelId,
    modelVersion: version,
    segment,
    windowStart: T0 + index * WINDOW_MS,
    windowEnd: T0 + (index + 1) * WINDOW_MS,
    eventCount: 1000,
    lateEvents: 0,
    referenceKind: 'MODEL_VERSION',
    referenceCount: 10_000,
    referenceSegment: null,
    segmentFallback: false,
    tooSmallToJudge: false,
    correction: 'BENJAMINI_HOCHBERG',
    features,
    prediction:
      options.predictionDrifted === undefined
        ? null
        : featureDrift('prediction', options.predictionDrifted, { statistic: 'PSI' }),
    driftedFeatures: drifted,
    dataQuality: [],
    contractViolations: [],
    producedAt: T0 + (index + 1) * WINDOW_MS + 1000,
  };
}

/** A performance report for window `index` with the given metrics and concept-drift detections. */
export function performanceReport(
  modelId: string,
  index: number,
  metrics: Record<string, number>,
  options: { version?: string; labelled?: number; conceptDrift?: number } = {},
): PerformanceReport {
  const version = options.version ?? '1';
  const labelled = options.labelled ?? 500;
  return {
    reportId: `perf-${modelId}-${version}-${index}`,
    modelId,
    modelVersion: version,
    windowStart: T0 + index * WINDOW_MS,
    windowEnd: T0 + (index + 1) * WINDOW_MS,
    task: 'BINARY_CLASSIFICATION',
    predictionCount: 1000,
    labelledCount: labelled,
    labelCoverage: labelled / 1000,
    metrics,
    baselineMetrics: {},
    labelDelay: null,
    conceptDrift:
      options.conceptDrift === undefined
        ? []
        : [
            {
              detector: 'ADWIN',
              driftDetected: options.conceptDrift > 0,
              warningDetected: false,
              observations: 5000 + index * 500,
              detections: options.conceptDrift,
            },
          ],
    estimationMethod: null,
    estimatedMetrics: {},
    producedAt: T0 + (index + 1) * WINDOW_MS + 1000,
  };
}

/** An estimate as performance.avsc defines it: value ± 3 sampling errors, clipped to [0, max]. */
export const estimatedMetric = (value: number, samplingError: number, max = 1): EstimatedMetric => ({
  value,
  samplingError,
  lower: Math.max(0, value - 3 * samplingError),
  upper: Math.min(max, value + 3 * samplingError),
});

/**
 * A performance report for window `index` whose labels are (mostly) missing: `labelled` of 1000
 * predictions labelled (0 by default) and the given estimates (CBPE unless `method` says DLE).
 */
export function estimatedReport(
  modelId: string,
  index: number,
  estimates: Record<string, EstimatedMetric>,
  options: { version?: string; labelled?: number; metrics?: Record<string, number>; method?: string } = {},
): PerformanceReport {
  const report = performanceReport(modelId, index, options.metrics ?? {}, {
    version: options.version,
    labelled: options.labelled ?? 0,
  });
  return { ...report, estimationMethod: options.method ?? 'CBPE', estimatedMetrics: estimates };
}
