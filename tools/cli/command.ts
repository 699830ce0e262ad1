import { parseArgs } from 'node:util';

/** Where a command writes: stdout for results, stderr for problems and progress. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  /** HTTP calls (the global fetch unless a test passes its own). */
  fetch?: typeof fetch;
  /** Whether stderr is a terminal: progress then rewrites one line instead of printing many. */
  interactive?: boolean;
  /** Raw text to stderr (no line end added), for progress rewritten in place. */
  errWrite?(text: string): void;
}

/** The command line itself is wrong: the usage is printed and the exit code is 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The operation failed (an answer of a service, a file that cannot be read): exit code 1. */
export class CommandFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailure';
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface ParsedCommandLine {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  help: boolean;
}

/**
 * node:util's strict parseArgs with `-h/--help` added; its complaints (unknown option, missing
 * value) become usage errors. `positionals` is the exact count expected, or [min, max].
 */
export function parseCommandLine(
  command: string,
  args: string[],
  options: OptionSpec,
  positionals: { names: string[]; min?: number },
): ParsedCommandLine {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
  const values = parsed.values as ParsedCommandLine['values'];
  const help = values.help === true;
  const min = positionals.min ?? positionals.names.length;
  if (!help) {
    if (parsed.positionals.length < min) {
      const missing = positionals.names.slice(parsed.positionals.length, min).map((n) => `<${n}>`);
      throw new UsageError(`${command}: ${missing.join(' ')} missing`);
    }
    if (parsed.positionals.length > positionals.names.length) {
      throw new UsageError(
        `${command}: unexpected argument '${parsed.positionals[positionals.names.length]}'`,
      );
    }
  }
  return { positionals: parsed.positionals, values, help };
}

/** A string option's value, or undefined. */
export function stringOption(line: ParsedCommandLine, name: string): string | undefined {
  const v = line.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A positive integer option (usage error otherwise). */
export function positiveIntegerOption(line: ParsedCommandLine, name: string): number | undefined {
  const v = stringOption(line, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new UsageError(`--${name} must be a positive integer (got '${v}')`);
  return Number(v);
}

/** Rows as left-aligned columns separated by two spaces (the first row is the header). */
export function formatTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

/** Epoch ms as ISO-8601 UTC (or '-' for none). */
export function isoTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : new Date(ms).toISOString();
}

/** A metric or statistic for people: integers as they are, others to 4 significant digits (0.01, 12.25, 1.235e-7). */
export function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

/**
 * `continuum <command> <sub> ...`: the sub-command (one of `subs`) and its arguments; or, when
 * there is none or `--help`, the usage printed and the exit code to return (2, or 0 for help).
 */
export function subcommand(
  command: string,
  args: string[],
  subs: readonly string[],
  usage: string,
  io: CommandIo,
): { sub: string; rest: string[] } | number {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(usage);
    return sub === undefined ? 2 : 0;
  }
  if (!subs.includes(sub)) throw new UsageError(`${command}: unknown command '${sub}'`);
  return { sub, rest };
}
