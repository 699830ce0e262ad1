import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, describeConfig } from '@continuum/config';
import { artifactStoreConfigSpec } from '@continuum/artifact-store';
import { kafkaConfigSpec } from '@continuum/kafka';
import { loadRegistryConfig, registryConfigSpec } from './registry.config';

describe('registry configuration', () => {
  it('is documented in the README exactly as the code reads it', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(describeConfig(registryConfigSpec));
    expect(readme).toContain(describeConfig(kafkaConfigSpec));
    expect(readme).toContain(describeConfig(artifactStoreConfigSpec()));
  });

  it('needs a token of at least 16 characters and names every problem', () => {
    expect(() => loadRegistryConfig({})).toThrow(ConfigError);
    expect(() => loadRegistryConfig({ REGISTRY_API_TOKEN: 'short', HTTP_PORT: 'x' })).toThrow(
      /REGISTRY_API_TOKEN[\s\S]*HTTP_PORT|HTTP_PORT[\s\S]*REGISTRY_API_TOKEN/,
    );
    expect(loadRegistryConfig({ REGISTRY_API_TOKEN: 'a'.repeat(16) })).toMatchObject({ httpPort: 9468 });
  });
});
