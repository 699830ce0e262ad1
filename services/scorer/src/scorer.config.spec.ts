import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactStoreConfigSpec } from '@continuum/artifact-store';
import { ConfigError, describeConfig } from '@continuum/config';
import { loadScorerConfig, scorerConfigSpec } from './scorer.config';

describe('scorer configuration', () => {
  it('is documented in the README exactly as the code reads it', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(describeConfig(scorerConfigSpec));
    expect(readme).toContain(describeConfig(artifactStoreConfigSpec()));
  });

  it('has serving defaults', () => {
    const config = loadScorerConfig({});
    expect(config).toMatchObject({
      httpPort: 9470,
      engine: 'js',
      awaitPublish: true,
      maxBatch: 1000,
      shadowSliceMs: 1,
      publishProducers: 2,
      kafkaRequests: true,
      models: undefined,
    });
  });

  it('reports every invalid variable at start-up', () => {
    const invalid = {
      SCORER_ENGINE: 'gpu',
      SCORER_MAX_BATCH: '0',
      SCORER_AWAIT_PUBLISH: 'maybe',
      SCORER_PUBLISH_PRODUCERS: '0',
    };
    expect(() => loadScorerConfig(invalid)).toThrow(ConfigError);
    try {
      loadScorerConfig(invalid);
    } catch (error) {
      const text = (error as ConfigError).problems.join('\n');
      expect(text).toContain('SCORER_ENGINE');
      expect(text).toContain('SCORER_MAX_BATCH');
      expect(text).toContain('SCORER_AWAIT_PUBLISH');
      expect(text).toContain('SCORER_PUBLISH_PRODUCERS');
    }
    expect(loadScorerConfig({ SCORER_MODELS: 'churn, fraud' }).models).toEqual(['churn', 'fraud']);
  });
});
