import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, describeConfig } from '@continuum/config';
import { kafkaConfigSpec } from '@continuum/kafka';
import { controllerConfigSpec, loadControllerConfig } from './controller.config';

describe('controller configuration', () => {
  it('is documented in the README exactly as the code reads it', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(describeConfig(controllerConfigSpec));
    expect(readme).toContain(describeConfig(kafkaConfigSpec));
  });

  it('needs a policy file and names each bad variable', () => {
    expect(() => loadControllerConfig({})).toThrow(ConfigError);
    expect(() => loadControllerConfig({})).toThrow(/CONTROLLER_POLICY_FILE is required/);
    expect(() =>
      loadControllerConfig({ CONTROLLER_POLICY_FILE: 'p.yaml', CONTROLLER_API_TOKEN: 'short' }),
    ).toThrow(/CONTROLLER_API_TOKEN="short" must match/);
    expect(() =>
      loadControllerConfig({ CONTROLLER_POLICY_FILE: 'p.yaml', CONTROLLER_TICK_MS: '10' }),
    ).toThrow(/CONTROLLER_TICK_MS="10" must be >= 50/);
  });

  it('reads a complete configuration', () => {
    const config = loadControllerConfig({
      CONTROLLER_POLICY_FILE: 'p.yaml',
      CONTROLLER_API_TOKEN: 'a-token-of-sixteen+',
      CT_TOPIC_CONTROLLER_STATE: 'x.state',
    });
    expect(config).toMatchObject({
      policyFile: 'p.yaml',
      apiToken: 'a-token-of-sixteen+',
      stateTopic: 'x.state',
      httpPort: 9466,
      tickMs: 1000,
      kafka: { brokers: ['127.0.0.1:9092'] },
    });
  });
});
