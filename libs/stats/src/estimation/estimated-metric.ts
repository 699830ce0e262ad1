/** Width of the confidence band in sampling errors (NannyML's default: ±3σ). */
export const SAMPLING_ERROR_RANGE = 3;

/**
 * A performance metric estimated without labels: the estimate, its sampling error (the standard
 * deviation the realised metric of a window this size would have around its expectation) and the
 * band estimate ± SAMPLING_ERROR_RANGE · samplingError, clipped to the metric's range.
 */
export interface EstimatedMetric {
  value: number;
  samplingError: number;
  lower: number;
  upper: number;
}

export function estimatedMetric(
  value: number,
  samplingError: number,
  range: { min: number; max: number } = { min: 0, max: 1 },
): EstimatedMetric {
  return {
    value,
    samplingError,
    lower: Math.max(range.min, value - SAMPLING_ERROR_RANGE * samplingError),
    upper: Math.min(range.max, value + SAMPLING_ERROR_RANGE * samplingError),
  };
}
