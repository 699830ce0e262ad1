import { type ConfigField } from '@continuum/config';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `250ms`, `30s`, `10m`, `1h`, `1d`, combinations such as `1h30m`, or a bare number of
 * milliseconds. Returns undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const raw = text.trim();
  if (/^\d+$/.test(raw)) return Number(raw);
  const part = /(\d+)(ms|s|m|h|d)/y;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = part.exec(raw)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = part.lastIndex;
  }
  if (raw.length === 0 || matched !== raw.length || !Number.isSafeInteger(total)) return undefined;
  return total;
}

/** The spelling of a duration in its largest exact unit (`600000` → `10m`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** A config variable holding a duration, read into milliseconds. */
export function duration(options: {
  env: string;
  description: string;
  /** Omit for a variable that is required (or wrapped in `optional`). */
  default?: number;
  min?: number;
}): ConfigField<number> {
  const min = options.min ?? 0;
  return {
    env: options.env,
    description: options.description,
    defaultValue: options.default,
    defaultText: options.default === undefined ? undefined : formatDuration(options.default),
    optional: false,
    parse: (raw) => {
      const value = parseDuration(raw);
      if (value === undefined) return { problem: 'must be a duration such as 500ms, 30s, 10m, 1h or 1d' };
      if (value < min) return { problem: `must be at least ${formatDuration(min)}` };
      return { value };
    },
  };
}
