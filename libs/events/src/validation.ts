import { type FeatureObservation, type Label, type Prediction } from './generated/contracts';

/**
 * Domain checks Avro cannot express. Each returns a message naming the field, or undefined when
 * the event is usable; consumers dead-letter events with a message.
 */
function checkIdentity(eventId: string, timestamp: number): string | undefined {
  if (eventId.length === 0) return 'eventId is empty';
  if (!Number.isFinite(timestamp) || timestamp <= 0)
    return `timestamp ${timestamp} is not a positive epoch-millisecond time`;
  return undefined;
}

function checkFeatures(numeric: Record<string, number | null>): string | undefined {
  for (const name in numeric) {
    const value = numeric[name];
    // NaN/Infinity would poison sums and histograms; missing values are null.
    if (value !== null && !Number.isFinite(value))
      return `numeric feature '${name}' is ${value}; use null for missing`;
  }
  return undefined;
}

export function validateFeatureObservation(event: FeatureObservation): string | undefined {
  return checkIdentity(event.eventId, event.timestamp) ?? checkFeatures(event.numeric);
}

export function validatePrediction(event: Prediction): string | undefined {
  if (event.modelId.length === 0) return 'modelId is empty';
  if (event.modelVersion.length === 0) return 'modelVersion is empty';
  const { score, predictedClass, classProbabilities } = event.output;
  if (score === null && predictedClass === null && Object.keys(classProbabilities).length === 0) {
    return 'output has neither score, predictedClass nor classProbabilities';
  }
  if (score !== null && !Number.isFinite(score)) return `output.score is ${score}`;
  return checkIdentity(event.eventId, event.timestamp) ?? checkFeatures(event.numeric);
}

export function validateLabel(event: Label): string | undefined {
  if (event.modelId.length === 0) return 'modelId is empty';
  if (typeof event.label === 'number' && !Number.isFinite(event.label)) return `label is ${event.label}`;
  return checkIdentity(event.eventId, event.timestamp);
}
