import { type ConfigField } from './config-field';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * Reads a duration as people write them in env vars and policy files: `250ms`, `30s`, `15m`,
 * `1h`, `90d`, `2w`, decimals (`1.5h`), compounds (`1h30m`), or a bare number of milliseconds.
 * Returns undefined when the text is none of these (negative, other units, spaces inside).
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text) : undefined;
  const raw = text.trim();
  if (/^\d+$/.test(raw)) return Number(raw);
  PART.lastIndex = 0;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = PART.exec(raw)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2] as Unit];
    matched = PART.lastIndex;
  }
  if (raw.length === 0 || matched !== raw.length) return undefined;
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** The exact spelling in the largest units, e.g. `5400000` → `1h30m`, `604800000` → `7d`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    if (rest >= UNIT_MS[unit]) {
      parts.push(`${Math.floor(rest / UNIT_MS[unit])}${unit}`);
      rest %= UNIT_MS[unit];
    }
  }
  return parts.join('');
}

/** A variable holding a duration, read into milliseconds. Omit `default` for a required one. */
export function duration(options: {
  env: string;
  description: string;
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
      if (value === undefined)
        return { problem: 'must be a duration such as 250ms, 30s, 15m, 1h, 90d or 1h30m' };
      if (value < min) return { problem: `must be at least ${formatDuration(min)}` };
      return { value };
    },
  };
}
