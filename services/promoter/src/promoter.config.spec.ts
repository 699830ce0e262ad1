import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, describeConfig } from '@continuum/config';
import { kafkaConfigSpec } from '@continuum/kafka';
import { gateOptions, watchOptions } from './policy/promoter-policy';
import { envGatePolicy, loadPromoterConfig, promoterConfigSpec } from './promoter.config';

describe('promoter configuration', () => {
  it('is documented in the README exactly as the code reads it', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(describeConfig(promoterConfigSpec));
    expect(readme).toContain(describeConfig(kafkaConfigSpec));
  });

  it('reads the defaults into gate and watch options', () => {
    const c = loadPromoterConfig({});
    expect(c.httpPort).toBe(9469);
    expect(gateOptions(envGatePolicy(c))).toEqual({
      method: 'confidence-sequence',
      mode: 'improvement',
      alpha: 0.05,
      delta: 0,
      minPairs: 1000,
      minDurationMs: 86_400_000,
      maxPairs: 200_000,
      tuningPairs: 10_000,
    });
    expect(watchOptions(envGatePolicy(c))).toMatchObject({
      mode: 'non-inferiority',
      delta: 0.02,
      minPairs: 500,
      maxPairs: 50_000,
    });
  });

  it('names each bad variable and refuses inconsistent combinations', () => {
    expect(() => loadPromoterConfig({ PROMOTER_ALPHA: '2', PROMOTER_METHOD: 'bayes' })).toThrow(ConfigError);
    expect(() => loadPromoterConfig({ PROMOTER_ALPHA: '2' })).toThrow(/PROMOTER_ALPHA/);
    expect(() => loadPromoterConfig({ PROMOTER_METHOD: 'bayes' })).toThrow(/PROMOTER_METHOD/);
    expect(() => loadPromoterConfig({ PROMOTER_MIN_PAIRS: '500', PROMOTER_MAX_PAIRS: '100' })).toThrow(
      /PROMOTER_MAX_PAIRS/,
    );
    expect(() => loadPromoterConfig({ PROMOTER_METHOD: 'discordant-pairs', PROMOTER_DELTA: '0.01' })).toThrow(
      /discordant-pairs/,
    );
    expect(() => loadPromoterConfig({ PROMOTER_API_TOKEN: 'short' })).toThrow(/PROMOTER_API_TOKEN/);
  });
});
