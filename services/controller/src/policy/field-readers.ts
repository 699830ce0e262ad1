import {
  TrainingModeValues,
  WindowKindValues,
  type WindowKind,
  type WindowStrategy,
} from '@continuum/events';
import { parseDuration } from '@continuum/config';

/** Collects every problem of a document, each naming its field path, so one run reports them all. */
export class Problems {
  readonly items: string[] = [];

  add(path: string, message: string): void {
    this.items.push(`${path} ${message}`);
  }
}

/** Marks a value that failed to read; its problem is already recorded. */
export const INVALID: unique symbol = Symbol('invalid');

/** Reads one field's raw value; records a problem (naming `path`) and returns INVALID when it is unusable. */
export type FieldReader<T> = (raw: unknown, path: string, problems: Problems) => T | typeof INVALID;

export type Mapping = Record<string, unknown>;

function show(raw: unknown): string {
  return typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw);
}

export function isMapping(raw: unknown): raw is Mapping {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw);
}

export function mapping(raw: unknown, path: string, problems: Problems): Mapping | typeof INVALID {
  if (isMapping(raw)) return raw;
  problems.add(path, `must be a mapping of keys to values (got ${show(raw)})`);
  return INVALID;
}

/** Edit distance, to suggest the key a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Unknown keys are errors: a misspelt key must not silently leave a trigger at its default. `path` '' is the document root. */
export function onlyKnownKeys(
  value: Mapping,
  path: string,
  known: readonly string[],
  problems: Problems,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const lower = key.toLowerCase();
    const close = known.filter(
      (k) =>
        distance(k.toLowerCase(), lower) <= 2 ||
        (lower.length >= 4 && (k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()))),
    );
    const hint = close.length > 0 ? `did you mean '${close[0]}'? ` : '';
    problems.add(
      path ? `${path}.${key}` : key,
      `is not a known key (${hint}known keys: ${known.join(', ')})`,
    );
  }
}

export const bool: FieldReader<boolean> = (raw, path, problems) => {
  if (typeof raw === 'boolean') return raw;
  problems.add(path, `must be true or false (got ${show(raw)})`);
  return INVALID;
};

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): FieldReader<number> {
  return (raw, path, problems) => {
    if (typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max) return raw;
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    problems.add(path, `must be an integer ${range} (got ${show(raw)})`);
    return INVALID;
  };
}

export function finiteNumber(min = -Infinity): FieldReader<number> {
  return (raw, path, problems) => {
    if (typeof raw === 'number' && Number.isFinite(raw) && raw >= min) return raw;
    problems.add(path, `must be a number${min === -Infinity ? '' : ` >= ${min}`} (got ${show(raw)})`);
    return INVALID;
  };
}

export const text: FieldReader<string> = (raw, path, problems) => {
  if (typeof raw === 'string' && raw.trim().length > 0) return raw;
  problems.add(path, `must be a non-empty string (got ${show(raw)})`);
  return INVALID;
};

export function duration(minMs = 0): FieldReader<number> {
  return (raw, path, problems) => {
    const ms = typeof raw === 'string' || typeof raw === 'number' ? parseDuration(raw) : undefined;
    if (ms !== undefined && ms >= minMs) return ms;
    problems.add(
      path,
      ms === undefined
        ? `must be a duration such as 500ms, 45s, 30m, 6h, 1d or 2w, or a number of milliseconds (got ${show(raw)})`
        : `must be at least ${minMs} ms (got ${show(raw)})`,
    );
    return INVALID;
  };
}

export function oneOf<const V extends string>(values: readonly V[]): FieldReader<V> {
  return (raw, path, problems) => {
    if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as V;
    problems.add(path, `must be one of ${values.join(', ')} (got ${show(raw)})`);
    return INVALID;
  };
}

export function textList(allowEmpty: boolean): FieldReader<string[]> {
  return (raw, path, problems) => {
    const ok =
      Array.isArray(raw) &&
      (allowEmpty || raw.length > 0) &&
      raw.every((item) => typeof item === 'string' && item.length > 0);
    if (ok) return [...new Set(raw as string[])];
    problems.add(
      path,
      `must be a ${allowEmpty ? '' : 'non-empty '}list of non-empty strings (got ${show(raw)})`,
    );
    return INVALID;
  };
}

export const trainingMode = oneOf(TrainingModeValues);

const WINDOW_FIELDS: Record<WindowKind, { required: string[]; optional: string[] }> = {
  FIXED_COUNT: { required: ['count'], optional: [] },
  FIXED_DURATION: { required: ['durationMs'], optional: [] },
  DYNAMIC: { required: ['candidateCounts', 'holdoutCount'], optional: [] },
  REPRESENTATIVE: { required: [], optional: ['count'] },
};

/**
 * Reads a WindowStrategy (the retrain-requests contract's shape). A duration may be given as
 * `durationMs` (milliseconds) or `duration` (e.g. `30d`); fields another kind uses are errors.
 */
export const windowStrategy: FieldReader<WindowStrategy> = (raw, path, problems) => {
  const value = mapping(raw, path, problems);
  if (value === INVALID) return INVALID;
  const before = problems.items.length;
  onlyKnownKeys(
    value,
    path,
    ['kind', 'count', 'duration', 'durationMs', 'candidateCounts', 'holdoutCount'],
    problems,
  );
  if (value.kind === undefined) {
    problems.add(`${path}.kind`, `is required (one of ${WindowKindValues.join(', ')})`);
    return INVALID;
  }
  const kind = oneOf(WindowKindValues)(value.kind, `${path}.kind`, problems);
  if (kind === INVALID) return INVALID;
  const window: WindowStrategy = {
    kind,
    count: null,
    durationMs: null,
    candidateCounts: [],
    holdoutCount: null,
  };
  const given = Object.keys(value).filter((k) => k !== 'kind' && value[k] !== undefined);
  if (given.includes('duration') && given.includes('durationMs')) {
    problems.add(`${path}.duration`, 'and durationMs are the same setting; give one of them');
  }
  const canonical = (key: string) => (key === 'duration' ? 'durationMs' : key);
  const fields = WINDOW_FIELDS[kind];
  for (const key of fields.required) {
    if (!given.some((g) => canonical(g) === key)) {
      const name = key === 'durationMs' ? 'duration (or durationMs)' : key;
      problems.add(`${path}.${name}`, `is required for kind ${kind}`);
    }
  }
  for (const key of given) {
    const c = canonical(key);
    if (!fields.required.includes(c) && !fields.optional.includes(c)) {
      problems.add(`${path}.${key}`, `is not used by kind ${kind}`);
    }
  }
  if (value.count !== undefined) {
    const count = integer(1)(value.count, `${path}.count`, problems);
    if (count !== INVALID) window.count = count;
  }
  if (value.duration !== undefined || value.durationMs !== undefined) {
    const key = value.duration !== undefined ? 'duration' : 'durationMs';
    const reader = key === 'duration' ? duration(1) : integer(1);
    const ms = reader(value[key], `${path}.${key}`, problems);
    if (ms !== INVALID) window.durationMs = ms;
  }
  if (value.candidateCounts !== undefined) {
    const counts = value.candidateCounts;
    const ok =
      Array.isArray(counts) &&
      counts.length > 0 &&
      counts.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 1);
    if (ok) window.candidateCounts = [...new Set(counts as number[])].sort((a, b) => a - b);
    else
      problems.add(
        `${path}.candidateCounts`,
        `must be a non-empty list of integers >= 1 (got ${show(counts)})`,
      );
  }
  if (value.holdoutCount !== undefined) {
    const holdout = integer(1)(value.holdoutCount, `${path}.holdoutCount`, problems);
    if (holdout !== INVALID) window.holdoutCount = holdout;
  }
  return problems.items.length === before ? window : INVALID;
};
