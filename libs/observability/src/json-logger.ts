import { type LoggerService, type LogLevel } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { type LoggingConfig, loadLoggingConfig, resolveLogFormat } from '@continuum/config';
import { formatLogLine } from './text-log';

export type { Logger } from 'pino';

/**
 * A pino logger writing to stdout, tagged with the service name: one JSON object per line, or
 * one readable line per entry when LOG_FORMAT says text (or auto, on a terminal). The settings
 * come from LOG_LEVEL and LOG_FORMAT unless given; a typo in them throws a ConfigError.
 */
export function createLogger(
  service: string,
  logging: LoggingConfig = loadLoggingConfig(service),
  isTerminal: boolean = process.stdout.isTTY === true,
): Logger {
  const options = {
    level: logging.level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (resolveLogFormat(logging.format, isTerminal) === 'json') return pino(options);
  return pino(options, { write: (line: string) => void process.stdout.write(formatLogLine(line)) });
}

const NEST_TO_PINO: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/** Adapts pino to NestJS's LoggerService so framework messages are JSON too. */
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    // Nest passes the context (class name) last, and for errors a stack before it.
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const stack = typeof params[0] === 'string' && level === 'error' ? (params.shift() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (stack) fields.stack = stack;
    const target = this.pino[NEST_TO_PINO[level]].bind(this.pino);
    if (message instanceof Error) target({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) target({ ...fields, ...message });
    else target(fields, String(message));
  }
}
