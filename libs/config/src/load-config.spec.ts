import {
  describeConfig,
  flag,
  hostPort,
  integer,
  list,
  loadConfig,
  oneOf,
  optional,
  text,
  url,
} from './index';
import { ConfigError } from './load-config';

const spec = {
  brokers: list({
    env: 'KAFKA_BROKERS',
    description: 'broker list',
    default: ['127.0.0.1:9092'],
    item: hostPort,
  }),
  port: integer({ env: 'HTTP_PORT', description: 'HTTP port', default: 3000, min: 1, max: 65535 }),
  group: text({ env: 'GROUP_ID', description: 'consumer group' }),
  level: oneOf({
    env: 'LOG_LEVEL',
    description: 'log level',
    values: ['debug', 'info'] as const,
    default: 'info',
  }),
  tls: flag({ env: 'KAFKA_SSL', description: 'use TLS', default: false }),
  registry: url({ env: 'REGISTRY', description: 'registry', default: 'http://x:1' }),
  token: optional(text({ env: 'TOKEN', description: 'bearer token' })),
};

describe('loadConfig', () => {
  it('applies defaults and parses values', () => {
    const config = loadConfig('svc', spec, {
      GROUP_ID: 'g',
      HTTP_PORT: '8080',
      KAFKA_SSL: 'yes',
      REGISTRY: 'http://r:8081/',
    });
    expect(config).toEqual({
      brokers: ['127.0.0.1:9092'],
      port: 8080,
      group: 'g',
      level: 'info',
      tls: true,
      registry: 'http://r:8081',
      token: undefined,
    });
  });

  it('reports every problem at once, naming the variable and the value', () => {
    let error: unknown;
    try {
      loadConfig('monitor', spec, { KAFKA_BROKERS: 'a:1,nohost', HTTP_PORT: '99999', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      `KAFKA_BROKERS="a:1,nohost" item 'nohost' must be host:port`,
      'HTTP_PORT="99999" must be <= 65535',
      'GROUP_ID is required: consumer group',
      'LOG_LEVEL="loud" must be one of debug, info',
    ]);
    expect((error as Error).message).toContain('Invalid configuration for monitor');
  });

  it('documents the spec as a markdown table', () => {
    const table = describeConfig(spec);
    expect(table).toContain('| `GROUP_ID` | **required** | consumer group |');
    expect(table).toContain('| `KAFKA_BROKERS` | `127.0.0.1:9092` | broker list |');
    expect(table).toContain('| `TOKEN` | `(unset)` | bearer token |');
  });
});
