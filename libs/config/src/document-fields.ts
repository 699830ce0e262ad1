import { parseDuration } from './duration';

/*
 * Readers for the fields of a configuration document (a YAML/JSON policy file): each reads one
 * field, records a problem naming its path when the value is unusable, and returns INVALID, so a
 * validator reports every problem of a document in one run. Shared by the controller's and the
 * trainer's and the promoter's policy files. (`textField`, `integerField`, `oneOfField`, `durationField`: the plain
 * names are the environment-variable fields of config-field.ts.)
 */

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

/** A raw value as a problem message quotes it. */
export function showValue(raw: unknown): string {
  return typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw);
}

export function isMapping(raw: unknown): raw is Mapping {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw);
}

export function mapping(raw: unknown, path: string, problems: Problems): Mapping | typeof INVALID {
  if (isMapping(raw)) return raw;
  problems.add(path, `must be a mapping of keys to values (got ${showValue(raw)})`);
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
  problems.add(path, `must be true or false (got ${showValue(raw)})`);
  return INVALID;
};

export function integerField(min: number, max = Number.MAX_SAFE_INTEGER): FieldReader<number> {
  return (raw, path, problems) => {
    if (typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max) return raw;
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    problems.add(path, `must be an integer ${range} (got ${showValue(raw)})`);
    return INVALID;
  };
}

export function finiteNumber(min = -Infinity, max = Infinity): FieldReader<number> {
  return (raw, path, problems) => {
    if (typeof raw === 'number' && Number.isFinite(raw) && raw >= min && raw <= max) return raw;
    const range = max !== Infinity ? ` in [${min}, ${max}]` : min === -Infinity ? '' : ` >= ${min}`;
    problems.add(path, `must be a number${range} (got ${showValue(raw)})`);
    return INVALID;
  };
}

export const textField: FieldReader<string> = (raw, path, problems) => {
  if (typeof raw === 'string' && raw.trim().length > 0) return raw;
  problems.add(path, `must be a non-empty string (got ${showValue(raw)})`);
  return INVALID;
};

export function durationField(minMs = 0): FieldReader<number> {
  return (raw, path, problems) => {
    const ms = typeof raw === 'string' || typeof raw === 'number' ? parseDuration(raw) : undefined;
    if (ms !== undefined && ms >= minMs) return ms;
    problems.add(
      path,
      ms === undefined
        ? `must be a duration such as 500ms, 45s, 30m, 6h, 1d or 2w, or a number of milliseconds (got ${showValue(raw)})`
        : `must be at least ${minMs} ms (got ${showValue(raw)})`,
    );
    return INVALID;
  };
}

export function oneOfField<const V extends string>(values: readonly V[]): FieldReader<V> {
  return (raw, path, problems) => {
    if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as V;
    problems.add(path, `must be one of ${values.join(', ')} (got ${showValue(raw)})`);
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
      `must be a ${allowEmpty ? '' : 'non-empty '}list of non-empty strings (got ${showValue(raw)})`,
    );
    return INVALID;
  };
}

/** One reader per key of T. */
export type Fields<T> = { [K in keyof T]-?: FieldReader<T[K]> };

/** Reads a mapping whose keys are all optional fields; unknown keys are problems. */
export function section<T extends object>(fields: Fields<T>): FieldReader<Partial<T>> {
  return (raw, path, problems) => {
    const value = mapping(raw, path, problems);
    if (value === INVALID) return INVALID;
    onlyKnownKeys(value, path, Object.keys(fields), problems);
    const out: Partial<T> = {};
    for (const [key, reader] of Object.entries(fields) as Array<[keyof T, FieldReader<unknown>]>) {
      if (value[key as string] === undefined) continue;
      const v = reader(value[key as string], `${path}.${String(key)}`, problems);
      if (v !== INVALID) out[key] = v as T[keyof T];
    }
    return out;
  };
}
