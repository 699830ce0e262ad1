/** One environment variable: how to read it, its default, and what it means (for the README table). */
export interface ConfigField<T> {
  readonly env: string;
  readonly description: string;
  /** The default as a user would write it; undefined when the variable is required. */
  readonly defaultText: string | undefined;
  /** Parses a raw value; returns a problem message instead of throwing. */
  parse(raw: string): { value: T } | { problem: string };
  readonly defaultValue: T | undefined;
  readonly optional: boolean;
}

interface FieldOptions<T> {
  env: string;
  description: string;
  default?: T;
}

function field<T>(
  options: FieldOptions<NoInfer<T>>,
  parse: (raw: string) => { value: T } | { problem: string },
  show: (value: T) => string = (value) => String(value),
): ConfigField<T> {
  return {
    env: options.env,
    description: options.description,
    defaultValue: options.default,
    defaultText: options.default === undefined ? undefined : show(options.default),
    optional: false,
    parse,
  };
}

/** A variable that may be absent: its value is then undefined. */
export function optional<T>(inner: ConfigField<T>): ConfigField<T | undefined> {
  return { ...inner, optional: true, defaultText: inner.defaultText ?? '(unset)' };
}

export function text(
  options: FieldOptions<string> & { pattern?: RegExp; example?: string },
): ConfigField<string> {
  return field<string>(options, (raw) => {
    if (raw.length === 0) return { problem: 'must not be empty' };
    if (options.pattern && !options.pattern.test(raw)) {
      return {
        problem: `must match ${options.pattern}${options.example ? ` (e.g. ${options.example})` : ''}`,
      };
    }
    return { value: raw };
  });
}

export function integer(options: FieldOptions<number> & { min?: number; max?: number }): ConfigField<number> {
  return field<number>(options, (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) return { problem: 'must be an integer' };
    const value = Number(raw);
    if (options.min !== undefined && value < options.min) return { problem: `must be >= ${options.min}` };
    if (options.max !== undefined && value > options.max) return { problem: `must be <= ${options.max}` };
    return { value };
  });
}

export function decimal(options: FieldOptions<number> & { min?: number; max?: number }): ConfigField<number> {
  return field<number>(options, (raw) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) return { problem: 'must be a number' };
    if (options.min !== undefined && value < options.min) return { problem: `must be >= ${options.min}` };
    if (options.max !== undefined && value > options.max) return { problem: `must be <= ${options.max}` };
    return { value };
  });
}

export function flag(options: FieldOptions<boolean>): ConfigField<boolean> {
  return field<boolean>(options, (raw) => {
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return { value: true };
    if (['false', '0', 'no'].includes(v)) return { value: false };
    return { problem: 'must be true or false' };
  });
}

export function oneOf<const V extends string>(
  options: FieldOptions<V> & { values: readonly V[] },
): ConfigField<V> {
  return field<V>(options, (raw) =>
    (options.values as readonly string[]).includes(raw)
      ? { value: raw as V }
      : { problem: `must be one of ${options.values.join(', ')}` },
  );
}

/** A comma-separated list; each item is checked by `item` when given. */
export function list(
  options: FieldOptions<string[]> & { item?: (value: string) => string | undefined },
): ConfigField<string[]> {
  return field<string[]>(
    options,
    (raw) => {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (items.length === 0) return { problem: 'must list at least one value' };
      for (const item of items) {
        const problem = options.item?.(item);
        if (problem) return { problem: `item '${item}' ${problem}` };
      }
      return { value: items };
    },
    (value) => value.join(','),
  );
}

export function url(options: FieldOptions<string>): ConfigField<string> {
  return field<string>(options, (raw) => {
    try {
      const parsed = new URL(raw);
      if (!['http:', 'https:'].includes(parsed.protocol)) return { problem: 'must be an http(s) URL' };
      return { value: raw.replace(/\/+$/, '') };
    } catch {
      return { problem: 'must be a URL' };
    }
  });
}

/** host:port, as Kafka broker lists use. */
export function hostPort(value: string): string | undefined {
  const match = /^([^:\s]+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) > 65535) return 'must be host:port';
  return undefined;
}
