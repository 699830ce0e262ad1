import { type FeatureObservation, type Label, type Prediction } from './generated/contracts';

/**
 * Domain checks Avro cannot express. Each returns a message naming the field, or undefined when
 * the event is usable; consumers dead-letter events with a message.
 */

/** Longest id accepted (model ids, versions, event ids): ids become metric labels and state keys. */
export const MAX_ID_LENGTH = 128;

/**
 * Model ids and versions: a letter or digit, then letters, digits, `.`, `_` or `-`, at most 128
 * characters — the rule the registry registers models with, so a model the registry cannot know
 * is refused before it becomes a metric label.
 */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Event ids (and record keys): producers make them (UUIDs, `order:42`), so any printable ASCII but space, at most 128. */
export const EVENT_ID_PATTERN = /^[\x21-\x7E]{1,128}$/;

function idProblem(field: string, value: string, pattern: RegExp, allowed: string): string | undefined {
  if (value.length === 0) return `${field} is empty`;
  if (pattern.test(value)) return undefined;
  if (value.length > MAX_ID_LENGTH)
    return `${field} is ${value.length} characters long; at most ${MAX_ID_LENGTH} are accepted`;
  return `${field} ${JSON.stringify(value)} has characters outside ${allowed}`;
}

/** Why a model id or version is refused, or undefined. */
export function modelIdProblem(field: 'modelId' | 'modelVersion', value: string): string | undefined {
  return idProblem(field, value, MODEL_ID_PATTERN, 'A-Z a-z 0-9 . _ - (first a letter or digit)');
}

/** Why an event id is refused, or undefined. */
export function eventIdProblem(value: string): string | undefined {
  return idProblem('eventId', value, EVENT_ID_PATTERN, 'printable ASCII without spaces');
}

/**
 * Why the record key of a prediction or label is refused, or undefined: the evaluator joins them
 * by key (co-partitioned by eventId), so a record without one could never join. The batch
 * consumer passes the key; callers without one (undefined) skip the check.
 */
export function recordKeyProblem(key: string | null | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (key === null || key.length === 0)
    return "the record has no key: key predictions and labels by the prediction's eventId (the join needs it)";
  if (EVENT_ID_PATTERN.test(key)) return undefined;
  return key.length > MAX_ID_LENGTH
    ? `the record key is ${key.length} characters long; at most ${MAX_ID_LENGTH} are accepted`
    : `the record key ${JSON.stringify(key)} has characters outside printable ASCII without spaces`;
}

/**
 * Whether recordKeyProblem accepts the key these bytes decode to, read on the bytes (the batch
 * consumer's screen for every record of a hot topic, where decoding each key into a string cost
 * more than a tenth of the columnar path): printable ASCII bytes are one character each, and any
 * other byte (a multi-byte UTF-8 sequence included) stands for a character the rule refuses.
 */
export function isAcceptedRecordKey(key: Buffer | null | undefined): boolean {
  if (!key || key.length === 0 || key.length > MAX_ID_LENGTH) return false;
  for (let i = 0; i < key.length; i++) if (key[i] < 0x21 || key[i] > 0x7e) return false;
  return true;
}

function checkIdentity(eventId: string, timestamp: number): string | undefined {
  const id = eventIdProblem(eventId);
  if (id !== undefined) return id;
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
  return (
    (event.modelId === null ? undefined : modelIdProblem('modelId', event.modelId)) ??
    checkIdentity(event.eventId, event.timestamp) ??
    checkFeatures(event.numeric)
  );
}

/** `key`: the record's key, when the caller has it (see recordKeyProblem). */
export function validatePrediction(event: Prediction, key?: string | null): string | undefined {
  const ids = modelIdProblem('modelId', event.modelId) ?? modelIdProblem('modelVersion', event.modelVersion);
  if (ids !== undefined) return ids;
  const { score, predictedClass, classProbabilities } = event.output;
  if (score === null && predictedClass === null && Object.keys(classProbabilities).length === 0) {
    return 'output has neither score, predictedClass nor classProbabilities';
  }
  if (score !== null && !Number.isFinite(score)) return `output.score is ${score}`;
  return (
    checkIdentity(event.eventId, event.timestamp) ?? checkFeatures(event.numeric) ?? recordKeyProblem(key)
  );
}

/** `key`: the record's key, when the caller has it (see recordKeyProblem). */
export function validateLabel(event: Label, key?: string | null): string | undefined {
  const id = modelIdProblem('modelId', event.modelId);
  if (id !== undefined) return id;
  if (typeof event.label === 'number' && !Number.isFinite(event.label)) return `label is ${event.label}`;
  return checkIdentity(event.eventId, event.timestamp) ?? recordKeyProblem(key);
}
