import { type ConfigField } from '@continuum/config';
import { InvalidValueError } from '../errors';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration such as `90d`, `1h`, `15m`, `30s`, `250ms`, `1h30m` or a bare number of
 * milliseconds into milliseconds.
 */
export function parseDuration(text: string, field = 'duration'): number {
  const raw = text.trim();
  if (/^\d+$/.test(raw)) return Number(raw);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = part.exec(raw)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = part.lastIndex;
  }
  if (raw.length === 0 || matched !== raw.length) {
    throw new InvalidValueError(
      field,
      `${JSON.stringify(text)} is not a duration (e.g. 250ms, 30s, 15m, 1h, 90d, 1h30m)`,
    );
  }
  if (!Number.isSafeInteger(Math.round(total)))
    throw new InvalidValueError(field, `${JSON.stringify(text)} is too long`);
  return Math.round(total);
}

/** The shortest exact spelling of a duration in the largest units (`5400000` → `1h30m`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

/** A config variable holding a duration, in milliseconds. */
export function duration(options: {
  env: string;
  description: string;
  default: number;
  min?: number;
}): ConfigField<number> {
  return {
    env: options.env,
    description: options.description,
    defaultValue: options.default,
    defaultText: formatDuration(options.default),
    optional: false,
    parse(raw) {
      let value: number;
      try {
        value = parseDuration(raw, options.env);
      } catch {
        return { problem: 'must be a duration such as 250ms, 30s, 15m, 1h, 90d or 1h30m' };
      }
      if (options.min !== undefined && value < options.min)
        return { problem: `must be at least ${formatDuration(options.min)}` };
      return { value };
    },
  };
}
