import { type ConfigField, oneOf } from './config-field';
import { type ConfigOf, loadConfig } from './load-config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['auto', 'json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Levels are case-insensitive (`INFO` is what many deployments write); anything else is a typo. */
function caseInsensitive<V extends string>(inner: ConfigField<V>): ConfigField<V> {
  return { ...inner, parse: (raw) => inner.parse(raw.trim().toLowerCase()) };
}

/** How every service logs; read before anything else so a typo is reported like any other setting. */
export const loggingConfigSpec = {
  level: caseInsensitive(
    oneOf({
      env: 'LOG_LEVEL',
      description: `Lowest level logged: ${LOG_LEVELS.join(', ')}.`,
      values: LOG_LEVELS,
      default: 'info',
    }),
  ),
  format: caseInsensitive(
    oneOf({
      env: 'LOG_FORMAT',
      description:
        'json: one JSON object per line; text: one readable line per entry; auto: text on a terminal, json otherwise.',
      values: LOG_FORMATS,
      default: 'auto',
    }),
  ),
};

export type LoggingConfig = ConfigOf<typeof loggingConfigSpec>;

export function loadLoggingConfig(service: string, env: NodeJS.ProcessEnv = process.env): LoggingConfig {
  return loadConfig(service, loggingConfigSpec, env);
}

/** `auto` decided: text only when a person reads the stream as it is written. */
export function resolveLogFormat(format: LogFormat, isTerminal: boolean): 'json' | 'text' {
  if (format === 'auto') return isTerminal ? 'text' : 'json';
  return format;
}
