import { type ScoringInstance } from '../serving/scorer';

/** A predict body that cannot be read; `field` names the offending field. */
export class BadPredictRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'BadPredictRequest';
  }
}

export interface PredictRequest {
  /** True for `{ "instances": [...] }`, false for a single event. */
  readonly batch: boolean;
  readonly instances: ScoringInstance[];
}

const INSTANCE_KEYS = new Set(['eventId', 'timestamp', 'entityId', 'numeric', 'categorical', 'segments']);
const MAX_ID_LENGTH = 256;

/**
 * Reads a predict body: one event `{ eventId?, timestamp?, entityId?, numeric, categorical, segments }`
 * or a batch `{ "instances": [event, ...] }`. Shapes and types are checked here (a number where a
 * number goes, unknown keys refused, unique event ids); the model's contract is checked by the scorer.
 */
export function parsePredictRequest(body: unknown, maxBatch: number): PredictRequest {
  if (!isObject(body)) throw new BadPredictRequest('body', 'must be a JSON object');
  if ('instances' in body) {
    const extra = Object.keys(body).filter((k) => k !== 'instances');
    if (extra.length > 0) throw new BadPredictRequest(extra[0], 'unknown field next to instances');
    const list = body.instances;
    if (!Array.isArray(list)) throw new BadPredictRequest('instances', 'must be an array');
    if (list.length === 0) throw new BadPredictRequest('instances', 'must not be empty');
    if (list.length > maxBatch)
      throw new BadPredictRequest('instances', `${list.length} instances exceed the maximum of ${maxBatch}`);
    const instances = list.map((item, i) => parseInstance(item, `instances[${i}]`));
    const seen = new Map<string, number>();
    instances.forEach((instance, i) => {
      if (instance.eventId === undefined) return;
      const first = seen.get(instance.eventId);
      if (first !== undefined)
        throw new BadPredictRequest(`instances[${i}].eventId`, `duplicates instances[${first}].eventId`);
      seen.set(instance.eventId, i);
    });
    return { batch: true, instances };
  }
  return { batch: false, instances: [parseInstance(body, '')] };
}

function parseInstance(raw: unknown, path: string): ScoringInstance {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (!isObject(raw)) throw new BadPredictRequest(path || 'body', 'must be a JSON object');
  for (const key of Object.keys(raw)) {
    if (!INSTANCE_KEYS.has(key))
      throw new BadPredictRequest(
        at(key),
        'unknown field (expected eventId, timestamp, entityId, numeric, categorical, segments)',
      );
  }
  const { eventId, timestamp, entityId } = raw;
  if (
    eventId !== undefined &&
    (typeof eventId !== 'string' || eventId.length === 0 || eventId.length > MAX_ID_LENGTH)
  )
    throw new BadPredictRequest(
      at('eventId'),
      `must be a non-empty string of at most ${MAX_ID_LENGTH} characters`,
    );
  if (
    timestamp !== undefined &&
    !(typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0)
  )
    throw new BadPredictRequest(at('timestamp'), 'must be epoch milliseconds (a non-negative integer)');
  if (entityId !== undefined && entityId !== null && typeof entityId !== 'string')
    throw new BadPredictRequest(at('entityId'), 'must be a string or null');
  return {
    eventId: eventId as string | undefined,
    timestamp: timestamp as number | undefined,
    entityId: (entityId as string | null | undefined) ?? null,
    numeric: map(
      raw.numeric,
      at('numeric'),
      (v) => v === null || (typeof v === 'number' && Number.isFinite(v)),
      'a finite number or null',
    ) as Record<string, number | null>,
    categorical: map(
      raw.categorical,
      at('categorical'),
      (v) => v === null || typeof v === 'string',
      'a string or null',
    ) as Record<string, string | null>,
    segments: map(raw.segments, at('segments'), (v) => typeof v === 'string', 'a string') as Record<
      string,
      string
    >,
  };
}

function map(
  raw: unknown,
  path: string,
  ok: (v: unknown) => boolean,
  expected: string,
): Record<string, unknown> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new BadPredictRequest(path, 'must be an object of feature name to value');
  for (const [key, value] of Object.entries(raw)) {
    if (!ok(value))
      throw new BadPredictRequest(`${path}.${key}`, `must be ${expected}, got ${JSON.stringify(value)}`);
  }
  return raw;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
