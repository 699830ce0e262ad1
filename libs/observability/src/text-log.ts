/** Fields every entry carries that the text line shows in its own place, or not at all. */
const PLACED = new Set(['time', 'level', 'msg', 'service', 'pid', 'hostname', 'context', 'err', 'stack']);

function show(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/**
 * One JSON log entry as a line a person reads on a terminal:
 * `12:00:00.123 WARN  monitor [Context] message key=value …`, with an error's stack below it.
 * A line that is not JSON is passed through unchanged.
 */
export function formatLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const context = entry.context ? ` [${String(entry.context)}]` : '';
  const fields = Object.entries(entry)
    .filter(([key, value]) => !PLACED.has(key) && value !== undefined)
    .map(([key, value]) => ` ${key}=${show(value)}`)
    .join('');
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const stack = err?.stack ?? (typeof entry.stack === 'string' ? entry.stack : undefined);
  const message = entry.msg ?? err?.message ?? '';
  return `${time} ${level} ${String(entry.service ?? '')}${context} ${String(message)}${fields}${stack ? `\n${stack}` : ''}\n`;
}
