import { ConfigError } from './load-config';
import { loadLoggingConfig, resolveLogFormat } from './logging-config';

describe('logging configuration', () => {
  it('defaults to info, auto', () => {
    expect(loadLoggingConfig('svc', {})).toEqual({ level: 'info', format: 'auto' });
  });

  it('accepts levels and formats in any case', () => {
    expect(loadLoggingConfig('svc', { LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'Json' })).toEqual({
      level: 'debug',
      format: 'json',
    });
  });

  it('reports a level typo and a format typo together, naming the variables and the choices', () => {
    let error: unknown;
    try {
      loadLoggingConfig('svc', { LOG_LEVEL: 'infoo', LOG_FORMAT: 'pretty' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'LOG_LEVEL="infoo" must be one of fatal, error, warn, info, debug, trace, silent',
      'LOG_FORMAT="pretty" must be one of auto, json, text',
    ]);
  });

  it('writes text on a terminal and JSON otherwise unless told', () => {
    expect(resolveLogFormat('auto', true)).toBe('text');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('text', false)).toBe('text');
  });
});
