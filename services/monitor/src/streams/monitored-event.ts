import { type EventColumns, type TimedEvent } from '@continuum/drift';
import { type FeatureObservation, type Prediction } from '@continuum/events';

/** What stage 1 needs of a prediction or a feature observation. */
export interface MonitoredEvent extends TimedEvent {
  readonly modelId: string;
  /** The prediction's model version; '' for feature observations. */
  readonly modelVersion: string;
  readonly eventId: string;
  readonly timestamp: number;
  readonly segments: Readonly<Record<string, string>>;
  /** Set when the event is row `row` of a columnar batch: windows observe it from these columns. */
  readonly columns?: EventColumns;
  readonly row?: number;
}

/** The model's output as one value: the score, else the class, else the most probable class. */
export function predictionValue(output: Prediction['output']): number | string | null {
  if (output.score !== null) return output.score;
  if (output.predictedClass !== null) return output.predictedClass;
  let best: string | null = null;
  let bestP = -Infinity;
  for (const [cls, p] of Object.entries(output.classProbabilities)) {
    if (p > bestP || (p === bestP && best !== null && cls < best)) {
      best = cls;
      bestP = p;
    }
  }
  return best;
}

export function fromPrediction(p: Prediction): MonitoredEvent {
  return {
    modelId: p.modelId,
    modelVersion: p.modelVersion,
    eventId: p.eventId,
    timestamp: p.timestamp,
    numeric: p.numeric,
    categorical: p.categorical,
    prediction: predictionValue(p.output),
    segments: p.segments,
  };
}

/** Undefined for an observation without a modelId: valid, but not attributable to a model. */
export function fromFeatureObservation(f: FeatureObservation): MonitoredEvent | undefined {
  if (f.modelId === null || f.modelId.length === 0) return undefined;
  return {
    modelId: f.modelId,
    modelVersion: '',
    eventId: f.eventId,
    timestamp: f.timestamp,
    numeric: f.numeric,
    categorical: f.categorical,
    segments: f.segments,
  };
}
