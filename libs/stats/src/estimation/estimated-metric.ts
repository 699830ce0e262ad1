import { MOMENT_SLOTS, initMoments, summarizeMoments, updateMoments } from '../moments/moments';

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

/** Mean and population standard deviation (numpy.std) of the reference rows' per-row metric. */
export function referenceSpread(values: ArrayLike<number>): { mean: number; std: number } {
  const m = new Float64Array(MOMENT_SLOTS);
  initMoments(m, 0);
  for (let i = 0; i < values.length; i++) updateMoments(m, 0, values[i]);
  const { mean, std } = summarizeMoments(m);
  return { mean, std };
}
