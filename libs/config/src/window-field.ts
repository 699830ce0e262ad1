import {
  type FieldReader,
  INVALID,
  durationField,
  integerField,
  mapping,
  oneOfField,
  onlyKnownKeys,
  showValue,
} from './document-fields';

/** A training window as policy files write it: the retrain-requests contract's WindowStrategy, by kind. */
export interface WindowShape<K extends string> {
  kind: K;
  count: number | null;
  durationMs: number | null;
  candidateCounts: number[];
  holdoutCount: number | null;
}

export interface WindowFieldOptions<K extends string> {
  /** The kinds, in the order messages list them (the contract's enum values). */
  kinds: readonly K[];
  /** Per kind, the fields it requires and the ones it may take besides (`durationMs`, also written `duration`). */
  fields: Record<K, { required: string[]; optional: string[] }>;
  /**
   * 'exclusive' (default): giving both `duration` and `durationMs` is a problem, and problems name
   * the key as written ("duration (or durationMs)" when missing). 'fallback': `durationMs` is read
   * when `duration` is missing or invalid, and problems name the field `durationMs`.
   */
  durationAlias?: 'exclusive' | 'fallback';
  /** A missing kind: 'required' (default) says so; 'oneOf' reports it as not one of the kinds. */
  missingKind?: 'required' | 'oneOf';
}

/** A non-empty list of integers >= 1, deduplicated and sorted. */
export const positiveIntegerList: FieldReader<number[]> = (raw, path, problems) => {
  if (Array.isArray(raw) && raw.length > 0 && raw.every((c) => Number.isInteger(c) && (c as number) >= 1))
    return [...new Set(raw as number[])].sort((a, b) => a - b);
  problems.add(path, `must be a non-empty list of integers >= 1 (got ${showValue(raw)})`);
  return INVALID;
};

const WINDOW_KEYS = ['kind', 'count', 'duration', 'durationMs', 'candidateCounts', 'holdoutCount'];

/**
 * Reads a training window (the retrain-requests contract's WindowStrategy, whose enum values the
 * caller gives). A duration may be given as `durationMs` (milliseconds) or `duration` (e.g. `30d`);
 * fields the kind does not use are problems.
 */
export function windowStrategyField<K extends string>(
  options: WindowFieldOptions<K>,
): FieldReader<WindowShape<K>> {
  const fallback = options.durationAlias === 'fallback';
  const canonical = (key: string) => (key === 'duration' ? 'durationMs' : key);
  return (raw, path, problems) => {
    const value = mapping(raw, path, problems);
    if (value === INVALID) return INVALID;
    const before = problems.items.length;
    onlyKnownKeys(value, path, WINDOW_KEYS, problems);
    if (value.kind === undefined && options.missingKind !== 'oneOf') {
      problems.add(`${path}.kind`, `is required (one of ${options.kinds.join(', ')})`);
      return INVALID;
    }
    const kind = oneOfField(options.kinds)(value.kind, `${path}.kind`, problems);
    if (kind === INVALID) return INVALID;
    const given = Object.keys(value).filter((k) => k !== 'kind' && value[k] !== undefined);
    if (!fallback && given.includes('duration') && given.includes('durationMs'))
      problems.add(`${path}.duration`, 'and durationMs are the same setting; give one of them');
    const fields = options.fields[kind];
    for (const key of fields.required) {
      if (!given.some((g) => canonical(g) === key)) {
        const name = key === 'durationMs' && !fallback ? 'duration (or durationMs)' : key;
        problems.add(`${path}.${name}`, `is required for kind ${kind}`);
      }
    }
    for (const key of given) {
      const c = canonical(key);
      if (!fields.required.includes(c) && !fields.optional.includes(c))
        problems.add(`${path}.${fallback ? c : key}`, `is not used by kind ${kind}`);
    }
    const read = <T>(key: string, reader: FieldReader<T>): T | null => {
      if (value[key] === undefined) return null;
      const v = reader(value[key], `${path}.${key}`, problems);
      return v === INVALID ? null : v;
    };
    const window: WindowShape<K> = {
      kind,
      count: read('count', integerField(1)),
      durationMs:
        read('duration', durationField(1)) ??
        (fallback || value.duration === undefined ? read('durationMs', integerField(1)) : null),
      candidateCounts: read('candidateCounts', positiveIntegerList) ?? [],
      holdoutCount: read('holdoutCount', integerField(1)),
    };
    return problems.items.length === before ? window : INVALID;
  };
}
