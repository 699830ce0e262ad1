import { type EvaluatorPartial } from '@continuum/events';
import { WindowState } from '../evaluation/window-state';

/** Partials records as the first stage publishes them, for the second stage's tests. */

export const H = 3_600_000;
export const T0 = Date.UTC(2026, 0, 1);

/** A binary classifier's window state with these (score, label) pairs. */
export function state(pairs: Array<[number, 0 | 1]>, predictions: number, detections = 0): WindowState {
  const s = new WindowState();
  const { metrics } = s.useTask('BINARY_CLASSIFICATION');
  for (const [score, y] of pairs) {
    (metrics as { add(score: number, y: 0 | 1): void }).add(score, y);
    s.labelledCount++;
    s.delay.add(1000);
  }
  s.predictionCount = predictions;
  s.drift = {
    detector: 'ADWIN',
    driftDetected: detections > 0,
    warningDetected: false,
    observations: pairs.length,
    detections,
  };
  return s;
}

/** Source partition p's partial of the window starting at ws (two source partitions). */
export function partial(p: number, ws: number, s: WindowState, version = '1'): EvaluatorPartial {
  return {
    sourcePartition: p,
    partitionCount: 2,
    closedThrough: ws + H,
    partial: {
      modelId: 'm',
      modelVersion: version,
      windowStart: ws,
      windowEnd: ws + H,
      state: JSON.stringify(s.toJSON()),
    },
  };
}

/** Source partition p's progress marker. */
export function progress(p: number, closedThrough: number): EvaluatorPartial {
  return { sourcePartition: p, partitionCount: 2, closedThrough, partial: null };
}
